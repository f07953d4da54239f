import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { listActivity } from "~/models/activity.server";
import {
  addMilestone,
  getPlanPage,
  updateIndicator,
  updateMilestone,
  updatePlan,
} from "~/models/plan.server";
import { seedOnce, viewerFor, villageId } from "./helpers";

let weijiaId: string;
let xianalingId: string;

beforeAll(async () => {
  await seedOnce();
  weijiaId = await villageId("魏家村");
  xianalingId = await villageId("下纳岭村");
});

async function plan(username: string, villageId = weijiaId) {
  const page = await getPlanPage(await viewerFor(username), villageId);
  if (!page.ok) throw new Error(page.reason);
  return page;
}

describe("exit plan page", () => {
  it("computes the incidence from the roster, not from a stored figure", async () => {
    const page = await plan("weijia");
    const roster = await db
      .selectFrom("households")
      .select(["members", "status"])
      .where("village_id", "=", weijiaId)
      .execute();
    const poor = roster.filter((h) => h.status === "poor" || h.status === "exiting");
    const people = poor.reduce((sum, h) => sum + h.members, 0);
    const { agricultural_population } = await db
      .selectFrom("villages")
      .select("agricultural_population")
      .where("id", "=", weijiaId)
      .executeTakeFirstOrThrow();
    expect(page.figures).toMatchObject({ poorPeople: people, poorHouseholds: poor.length });
    expect(page.figures!.incidence).toBeCloseTo(people / agricultural_population);
    const incidenceIndicator = page.indicators.find((i) => i.kind === "poverty_incidence")!;
    expect(incidenceIndicator.current).toBeCloseTo(people / agricultural_population);
    expect(incidenceIndicator.computed).toBe(true);
  });

  it("lists the nine official indicators first, and 魏家村's plan names the pig-farming project", async () => {
    const page = await plan("county");
    expect(page.indicators.slice(0, 9).map((i) => i.kind)).toEqual([
      "poverty_incidence",
      "hardened_road",
      "drinking_water",
      "reliable_power",
      "broadband",
      "clinic_doctor",
      "culture_room",
      "collective_income",
      "industry",
    ]);
    expect(page.plan.narrative).toContain("养猪");
    expect((await plan("county", xianalingId)).plan.narrative).toContain("清华大学");
  });

  it("lets the team and the county edit; the township reads; other teams see nothing", async () => {
    expect((await plan("weijia")).canEdit).toBe(true);
    expect((await plan("county")).canEdit).toBe(true);
    expect((await plan("daqinggou")).canEdit).toBe(false);
    expect(await getPlanPage(await viewerFor("xianaling"), weijiaId)).toEqual({
      ok: false,
      reason: "not-found",
    });
  });
});

describe("indicator edits", () => {
  it("change readiness, bump the version and record before/after", async () => {
    const viewer = await viewerFor("weijia");
    const before = await plan("weijia");
    const broadband = before.indicators.find((i) => i.kind === "broadband")!;
    expect(broadband.met).toBe(true);

    const result = await updateIndicator(viewer, weijiaId, {
      id: broadband.id,
      version: broadband.version,
      current: 0,
      target: 1,
      evidence: "光缆被施工挖断",
    });
    expect(result).toEqual({ ok: true, value: undefined });

    const after = await plan("weijia");
    const changed = after.indicators.find((i) => i.kind === "broadband")!;
    expect(changed).toMatchObject({ met: false, current: 0, version: broadband.version + 1 });
    expect(after.readiness).toContainEqual({
      key: "readiness.notMet",
      params: { kind: "broadband", name: "" },
      blocking: true,
    });
    const [entry] = await listActivity(weijiaId);
    expect(entry).toMatchObject({
      entity: "indicator",
      action: "update",
      label: "indicator.kind.broadband",
    });
    expect(entry!.changes).toMatchObject({ current_value: [1, 0] });
  });

  it("refuse a stale version with the newer value, and store nothing", async () => {
    const viewer = await viewerFor("weijia");
    const page = await plan("weijia");
    const road = page.indicators.find((i) => i.kind === "hardened_road")!;
    const first = await updateIndicator(viewer, weijiaId, {
      id: road.id,
      version: road.version,
      current: 1,
      evidence: "A",
    });
    expect(first.ok).toBe(true);
    const second = await updateIndicator(await viewerFor("county"), weijiaId, {
      id: road.id,
      version: road.version,
      current: 0,
      evidence: "B",
    });
    expect(second).toMatchObject({
      ok: false,
      reason: "conflict",
      version: road.version + 1,
      current: { current_value: 1, evidence: "A" },
    });
    const stored = (await plan("county")).indicators.find((i) => i.kind === "hardened_road")!;
    expect(stored).toMatchObject({ current: 1, evidence: "A" });
  });

  it("take the incidence target as a percentage and never store a current incidence", async () => {
    const page = await plan("county");
    const rate = page.indicators.find((i) => i.kind === "poverty_incidence")!;
    await updateIndicator(await viewerFor("county"), weijiaId, {
      id: rate.id,
      version: rate.version,
      target: 1.5,
      current: 9,
    });
    const row = await db
      .selectFrom("plan_indicators")
      .select(["target", "current_value"])
      .where("id", "=", rate.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ target: 0.015, current_value: null });
  });

  it("are refused to a township leader (forbidden) and to another team (not found)", async () => {
    const page = await plan("county");
    const water = page.indicators.find((i) => i.kind === "drinking_water")!;
    const input = { id: water.id, version: water.version, current: 0 };
    expect(await updateIndicator(await viewerFor("daqinggou"), weijiaId, input)).toEqual({
      ok: false,
      reason: "forbidden",
    });
    expect(await updateIndicator(await viewerFor("xianaling"), weijiaId, input)).toEqual({
      ok: false,
      reason: "not-found",
    });
    const stored = (await plan("county")).indicators.find((i) => i.kind === "drinking_water")!;
    expect(stored.version).toBe(water.version);
  });
});

describe("milestones", () => {
  it("must be owned by a member of the village's team; a refused write stores nothing", async () => {
    const outsider = await db
      .selectFrom("team_memberships")
      .innerJoin("teams", "teams.id", "team_memberships.team_id")
      .select("team_memberships.cadre_id")
      .where("teams.village_id", "=", xianalingId)
      .executeTakeFirstOrThrow();
    const count = async () =>
      Number(
        (
          await db
            .selectFrom("plan_milestones")
            .select((eb) => eb.fn.countAll().as("n"))
            .where("village_id", "=", weijiaId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const result = await addMilestone(await viewerFor("weijia"), weijiaId, {
      title: "扩建猪舍",
      dueOn: "2020-06-30",
      ownerId: outsider.cadre_id,
      status: "planned",
    });
    expect(result).toMatchObject({ ok: false, reason: "invalid", field: "ownerId" });
    expect(await count()).toBe(before);
  });

  it("stand out when overdue and stop doing so when done", async () => {
    const viewer = await viewerFor("weijia");
    const owner = (await plan("weijia")).owners[0]!;
    const added = await addMilestone(viewer, weijiaId, {
      title: "扩建猪舍",
      dueOn: "2020-06-30",
      ownerId: owner.id,
      status: "in_progress",
    });
    if (!added.ok) throw new Error("not added");
    const overdue = (await plan("weijia")).milestones.find((m) => m.id === added.value)!;
    expect(overdue.overdue).toBe(true);
    await updateMilestone(viewer, weijiaId, {
      id: added.value,
      version: overdue.version,
      title: "扩建猪舍",
      dueOn: "2020-06-30",
      ownerId: owner.id,
      status: "done",
      doneOn: "2020-06-20",
    });
    const done = (await plan("weijia")).milestones.find((m) => m.id === added.value)!;
    expect(done).toMatchObject({ overdue: false, status: "done", doneOn: "2020-06-20" });
  });
});

describe("plan", () => {
  it("keeps the years and records the change", async () => {
    const page = await plan("weijia");
    const result = await updatePlan(await viewerFor("weijia"), weijiaId, {
      version: page.plan.version,
      startYear: 2016,
      attackEndYear: 2018,
      endYear: 2020,
      targetExitYear: 2019,
      narrative: "养猪项目全覆盖。",
    });
    expect(result.ok).toBe(true);
    expect((await plan("weijia")).plan).toMatchObject({
      targetExitYear: 2019,
      version: page.plan.version + 1,
    });
    const [entry] = await listActivity(weijiaId);
    expect(entry!.changes).toMatchObject({ target_exit_year: [page.plan.targetExitYear, 2019] });
  });
});
