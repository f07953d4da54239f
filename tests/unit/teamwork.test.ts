import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { checkIn, rebuildPresence } from "~/models/attendance.server";
import { bulletinFigures, monthlyBulletin, type BulletinFigures } from "~/models/bulletin.server";
import { idFilter, LONG_ID_LIST } from "~/models/id-list.server";
import { decideLeave, leaveOverview, pendingForViewer, requestLeave } from "~/models/leave.server";
import { getNotice, listNotices, markRead, sendNotice } from "~/models/notice.server";
import { listActiveMembers } from "~/models/team.server";
import {
  assignCadre,
  availableCadres,
  endMembership,
  getCadre,
  replaceCadre,
  teamHistory,
} from "~/models/team-roster.server";
import { submitTeamReport, teamReport, weekOverview } from "~/models/weekly-report.server";
import { addLog } from "~/models/work-log.server";
import type { Viewer } from "~/permissions";
import { today } from "~/utils/dates";
import { addDays, DEFAULT_TEAM_RULES, weekOf } from "~/utils/team-rules";
import { newId } from "../../db/ids";
import { seedOnce, viewerFor, villageId } from "./helpers";

let weijia: Viewer;
let xianaling: Viewer;
let daqinggou: Viewer;
let xiaosuangou: Viewer;
let county: Viewer;
let zuzhibu: Viewer;
let viewer: Viewer;
let weijiaTeam: string;
let xianalingTeam: string;

async function teamOf(village: string) {
  const id = await villageId(village);
  const team = await db
    .selectFrom("teams")
    .select("id")
    .where("village_id", "=", id)
    .executeTakeFirstOrThrow();
  return team.id;
}

beforeAll(async () => {
  await seedOnce();
  weijia = await viewerFor("weijia");
  xianaling = await viewerFor("xianaling");
  daqinggou = await viewerFor("daqinggou");
  xiaosuangou = await viewerFor("xiaosuangou");
  county = await viewerFor("county");
  zuzhibu = await viewerFor("zuzhibu");
  viewer = await viewerFor("viewer");
  weijiaTeam = await teamOf("魏家村");
  xianalingTeam = await teamOf("下纳岭村");
});

const on = () => today();

describe("check-in", () => {
  it("records today once; a second one the same day is refused and changes nothing", async () => {
    const first = await checkIn(weijia, { lat: 41.1, lon: 114.0 });
    expect(first.ok).toBe(true);
    if (first.ok) expect(first.value.distanceM).toBeGreaterThan(0);
    const second = await checkIn(weijia, {});
    expect(second).toMatchObject({ ok: false, reason: "invalid", message: "checkIn.already" });
    const rows = await db
      .selectFrom("check_ins")
      .selectAll()
      .where("cadre_id", "=", weijia.cadreId)
      .where("day", "=", on())
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ source: "live", lat: 41.1, lon: 114.0 });
  });

  it("keeps no location unless one was shared", async () => {
    expect((await checkIn(xianaling, {})).ok).toBe(true);
    const row = await db
      .selectFrom("check_ins")
      .selectAll()
      .where("cadre_id", "=", xianaling.cadreId)
      .where("day", "=", on())
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ lat: null, lon: null, distance_m: null });
  });

  it("refuses a future day, and a late entry without a reason or too long ago", async () => {
    expect(await checkIn(weijia, { day: addDays(on(), 1), reason: "x" })).toMatchObject({
      message: "checkIn.future",
    });
    expect(await checkIn(weijia, { day: addDays(on(), -3) })).toMatchObject({
      message: "checkIn.reasonRequired",
    });
    expect(await checkIn(weijia, { day: addDays(on(), -60), reason: "x" })).toMatchObject({
      message: "checkIn.tooOld",
    });
  });

  it("adds a forgotten day with its reason (only once)", async () => {
    const day = addDays(on(), -1);
    await db
      .deleteFrom("check_ins")
      .where("cadre_id", "=", weijia.cadreId)
      .where("day", "=", day)
      .execute();
    expect((await checkIn(weijia, { day, reason: "没有信号" })).ok).toBe(true);
    expect(await checkIn(weijia, { day, reason: "again" })).toMatchObject({
      message: "checkIn.already",
    });
  });

  it("is for cadres only", async () => {
    expect(await checkIn(county, {})).toMatchObject({ ok: false, reason: "forbidden" });
  });
});

describe("leave", () => {
  it("routes two days to the township and seven to the county, and refuses an overlap", async () => {
    const start = addDays(on(), 30);
    const short = await requestLeave(
      weijia,
      { startsOn: start, endsOn: addDays(start, 1), reason: "家中有事" },
      DEFAULT_TEAM_RULES,
    );
    expect(short).toMatchObject({ ok: true, value: { route: "township" } });
    const overlap = await requestLeave(
      weijia,
      { startsOn: addDays(start, 1), endsOn: addDays(start, 3), reason: "x" },
      DEFAULT_TEAM_RULES,
    );
    expect(overlap).toMatchObject({ ok: false, reason: "invalid", message: "leave.overlaps" });
    const long = await requestLeave(
      weijia,
      { startsOn: addDays(start, 10), endsOn: addDays(start, 16), reason: "就医" },
      DEFAULT_TEAM_RULES,
    );
    expect(long).toMatchObject({ ok: true, value: { route: "county" } });
    expect(
      await requestLeave(
        weijia,
        { startsOn: start, endsOn: addDays(start, -1), reason: "x" },
        DEFAULT_TEAM_RULES,
      ),
    ).toMatchObject({ message: "leave.endBeforeStart" });
  });

  it("is decided by the township leader of the cadre's township (short) or the county (long), nobody else", async () => {
    const mine = await db
      .selectFrom("leave_requests")
      .select(["id", "route", "version"])
      .where("cadre_id", "=", weijia.cadreId!)
      .where("status", "=", "pending")
      .execute();
    const short = mine.find((l) => l.route === "township")!;
    const long = mine.find((l) => l.route === "county")!;
    // Another township does not see it at all; the county cannot take the township's decision.
    expect(
      await decideLeave(xiaosuangou, short.id, { decision: "approve", version: short.version }),
    ).toMatchObject({ reason: "not-found" });
    expect(
      await decideLeave(zuzhibu, short.id, { decision: "approve", version: short.version }),
    ).toMatchObject({ reason: "forbidden" });
    expect(
      await decideLeave(viewer, long.id, { decision: "approve", version: long.version }),
    ).toMatchObject({ reason: "forbidden" });
    expect(
      await decideLeave(daqinggou, long.id, { decision: "approve", version: long.version }),
    ).toMatchObject({ reason: "forbidden" });
    // A rejection needs a note.
    expect(
      await decideLeave(zuzhibu, long.id, { decision: "reject", version: long.version }),
    ).toMatchObject({ message: "leave.reasonForRejection" });
    expect(
      (await decideLeave(daqinggou, short.id, { decision: "approve", version: short.version })).ok,
    ).toBe(true);
    expect(
      (
        await decideLeave(zuzhibu, long.id, {
          decision: "reject",
          note: "工作关键期",
          version: long.version,
        })
      ).ok,
    ).toBe(true);
    // Deciding again with the old version is a conflict, not a second decision.
    expect(
      await decideLeave(daqinggou, short.id, {
        decision: "reject",
        note: "x",
        version: short.version,
      }),
    ).toMatchObject({ reason: "conflict" });
    const after = await db
      .selectFrom("leave_requests")
      .select(["id", "status", "decision_note"])
      .where("id", "in", [short.id, long.id])
      .execute();
    expect(Object.fromEntries(after.map((a) => [a.id, a.status]))).toEqual({
      [short.id]: "approved",
      [long.id]: "rejected",
    });
  });

  it("shows each approver what waits for them", async () => {
    const start = addDays(on(), 50);
    await requestLeave(weijia, { startsOn: start, endsOn: start, reason: "x" }, DEFAULT_TEAM_RULES);
    const township = await leaveOverview(daqinggou);
    expect(township.pending.some((p) => p.canDecide && p.startsOn === start)).toBe(true);
    // The navigation badge counts the same requests in one query.
    expect(await pendingForViewer(daqinggou)).toBe(
      township.pending.filter((p) => p.canDecide).length,
    );
    expect(await pendingForViewer(zuzhibu)).toBe(
      (await leaveOverview(zuzhibu)).pending.filter((p) => p.canDecide).length,
    );
    expect(await pendingForViewer(viewer)).toBe(0);
    const other = await leaveOverview(xiaosuangou);
    expect(other.pending.some((p) => p.startsOn === start)).toBe(false);
  });
});

describe("work log", () => {
  it("is written by a cadre for their own team and refuses another village's household", async () => {
    const foreign = await db
      .selectFrom("households")
      .select("id")
      .where("village_id", "=", await villageId("下纳岭村"))
      .executeTakeFirstOrThrow();
    expect(
      await addLog(weijia, weijiaTeam, {
        loggedOn: on(),
        place: "village",
        body: "x",
        householdId: foreign.id,
      }),
    ).toMatchObject({ message: "log.notOurHousehold" });
    expect(
      await addLog(weijia, weijiaTeam, { loggedOn: addDays(on(), 1), place: "village", body: "x" }),
    ).toMatchObject({
      message: "form.dateInFuture",
    });
    // Another team's log does not exist for a cadre; their own team's is where they write.
    expect(
      await addLog(xianaling, weijiaTeam, { loggedOn: on(), place: "village", body: "x" }),
    ).toMatchObject({ reason: "not-found" });
    const ok = await addLog(weijia, weijiaTeam, {
      loggedOn: on(),
      place: "village",
      body: "入户走访",
    });
    expect(ok.ok).toBe(true);
    expect(
      await addLog(county, weijiaTeam, { loggedOn: on(), place: "village", body: "x" }),
    ).toMatchObject({
      reason: "forbidden",
    });
  });
});

describe("weekly report", () => {
  it("is submitted by a lead of the team; another team's cadre or a plain member cannot", async () => {
    const week = weekOf(on());
    expect(await submitTeamReport(xianaling, weijiaTeam, week, { done: "x" })).toMatchObject({
      reason: "not-found",
    });
    const member = await db
      .selectFrom("team_memberships")
      .select("cadre_id")
      .where("team_id", "=", weijiaTeam)
      .where("role", "=", "member")
      .executeTakeFirstOrThrow();
    const asMember: Viewer = { ...weijia, cadreId: member.cadre_id };
    expect(await submitTeamReport(asMember, weijiaTeam, week, { done: "x" })).toMatchObject({
      reason: "forbidden",
    });
    expect(
      await submitTeamReport(weijia, weijiaTeam, addDays(week, 7), { done: "x" }),
    ).toMatchObject({ message: "report.futureWeek" });
    expect(
      (await submitTeamReport(weijia, weijiaTeam, week, { done: "本周入户走访 12 户" })).ok,
    ).toBe(true);
    // A second submission without the version it was shown is a conflict.
    expect(await submitTeamReport(weijia, weijiaTeam, week, { done: "again" })).toMatchObject({
      reason: "conflict",
    });
    const page = await teamReport(weijia, weijiaTeam, week, DEFAULT_TEAM_RULES);
    expect(page?.report?.done).toBe("本周入户走访 12 户");
    expect(page?.facts.logs.some((l) => l.body === "入户走访")).toBe(true);
  });

  it("is judged late when first submitted after the deadline, and listed for the township", async () => {
    const week = "2026-01-05";
    await db
      .insertInto("weekly_reports")
      .values({
        id: newId(),
        team_id: xianalingTeam,
        township_id: null,
        week_of: week,
        done: "x",
        problems: null,
        next_plan: null,
        name_source: "imported",
        submitted_at: "2026-01-08T10:00:01.000Z",
        submitted_by: null,
        updated_at: "2026-01-08T10:00:01.000Z",
        updated_by: null,
      })
      .execute();
    const overview = await weekOverview(xiaosuangou, week, DEFAULT_TEAM_RULES);
    expect(overview.teams.find((t) => t.team.id === xianalingTeam)?.status).toBe("late");
    expect(overview.teams.every((t) => t.township.id === xiaosuangou.townshipId)).toBe(true);
    expect(
      overview.teams
        .filter((t) => t.team.id !== xianalingTeam)
        .every((t) => t.status === "missing"),
    ).toBe(true);
  });
});

describe("notices", () => {
  it("reach the addressed teams; the sender sees who has read them", async () => {
    const sent = await sendNotice(daqinggou, {
      kind: "meeting",
      title: "乡镇例会",
      body: "请各组组长参加。",
      meetingAt: "2026-12-01T09:00",
      place: "镇政府",
      audience: "township",
      teamIds: [],
    });
    expect(sent.ok).toBe(true);
    const id = sent.ok ? sent.value : "";
    const count = await db
      .selectFrom("notice_teams")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("notice_id", "=", id)
      .executeTakeFirstOrThrow();
    const teamsInTownship = await db
      .selectFrom("teams as t")
      .innerJoin("villages as v", "v.id", "t.village_id")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("v.township_id", "=", daqinggou.townshipId)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(Number(teamsInTownship.n));
    // Not for a team in another township.
    expect(await getNotice(xianaling, id)).toBeNull();
    expect((await listNotices(weijia)).received.find((n) => n.id === id)?.readAt).toBeNull();
    expect((await markRead(weijia, id)).ok).toBe(true);
    expect((await markRead(weijia, id)).ok).toBe(true); // a second confirmation changes nothing
    expect((await markRead(xianaling, id)).ok).toBe(false);
    const asSender = await getNotice(daqinggou, id);
    const weijiaRow = asSender?.readers?.find((r) => r.team.id === weijiaTeam);
    expect(weijiaRow?.reads.map((r) => r.name)).toEqual([weijia.displayName]);
    expect(asSender?.readers?.filter((r) => r.reads.length)).toHaveLength(1);
  });

  it("refuses a township sending outside its township, and a meeting without a time", async () => {
    expect(
      await sendNotice(daqinggou, {
        kind: "announcement",
        title: "x",
        body: "x",
        audience: "teams",
        teamIds: [xianalingTeam],
      }),
    ).toMatchObject({ message: "notice.audienceOutOfScope" });
    expect(
      await sendNotice(daqinggou, {
        kind: "announcement",
        title: "x",
        body: "x",
        audience: "all",
        teamIds: [],
      }),
    ).toMatchObject({ message: "notice.audienceOutOfScope" });
    expect(
      await sendNotice(county, {
        kind: "meeting",
        title: "x",
        body: "x",
        audience: "all",
        teamIds: [],
      }),
    ).toMatchObject({ message: "notice.meetingNeedsTime" });
    expect(
      await sendNotice(weijia, {
        kind: "announcement",
        title: "x",
        body: "x",
        audience: "all",
        teamIds: [],
      }),
    ).toMatchObject({ reason: "forbidden" });
  });
});

describe("rotation", () => {
  it("recalls a cadre: gone from the team from that day, history and record kept", async () => {
    const team = await teamOf("北坡村");
    const [member] = (await listActiveMembers([team]))
      .get(team)!
      .filter((m) => m.role === "member");
    expect(
      await endMembership(daqinggou, member!.membershipId, { leavesOn: on(), reason: "recalled" }),
    ).toMatchObject({ reason: "forbidden" });
    expect(
      await endMembership(county, member!.membershipId, {
        leavesOn: "2010-01-01",
        reason: "recalled",
      }),
    ).toMatchObject({ message: "rotation.endBeforeStart" });
    expect(
      (
        await endMembership(county, member!.membershipId, {
          leavesOn: on(),
          reason: "recalled",
          note: "召回",
        })
      ).ok,
    ).toBe(true);
    const current = (await listActiveMembers([team])).get(team)!;
    expect(current.some((m) => m.cadreId === member!.cadreId)).toBe(false);
    const history = await teamHistory(team);
    expect(history.find((h) => h.cadreId === member!.cadreId)).toMatchObject({
      endReason: "recalled",
      endedOn: addDays(on(), -1),
      endNote: "召回",
    });
    const record = await getCadre(county, member!.cadreId);
    expect(record?.current).toBeNull();
    expect(record?.memberships).toHaveLength(1);
    expect((await availableCadres()).some((c) => c.id === member!.cadreId)).toBe(true);
  });

  it("never puts a cadre in two active teams, and a replacement takes over the role", async () => {
    const stone = await teamOf("石门村");
    const busy = (await listActiveMembers([weijiaTeam])).get(weijiaTeam)![1]!;
    expect(
      await assignCadre(county, stone, { cadreId: busy.cadreId, role: "member", startedOn: on() }),
    ).toMatchObject({ message: "rotation.cadreBusy" });
    const [reserve] = await availableCadres();
    const [leader] = (await listActiveMembers([stone])).get(stone)!;
    expect(
      (await replaceCadre(county, leader!.membershipId, { cadreId: reserve!.id, on: on() })).ok,
    ).toBe(true);
    const now = (await listActiveMembers([stone])).get(stone)!;
    expect(now.find((m) => m.cadreId === reserve!.id)?.role).toBe(leader!.role);
    expect(now.some((m) => m.cadreId === leader!.cadreId)).toBe(false);
    expect((await teamHistory(stone)).find((h) => h.cadreId === leader!.cadreId)?.endReason).toBe(
      "replaced",
    );
  });
});

describe("monthly bulletin", () => {
  it("gives each team of a province-long list the figures a short list gives, and no others", async () => {
    const month = today().slice(0, 7);
    const teams = (
      await db.selectFrom("teams").select(["id", "village_id"]).orderBy("id").execute()
    )
      .slice(0, 40)
      .map((t) => ({ id: t.id, villageId: t.village_id }));
    // 1,000 more teams that do not exist: the list is long enough to be read without `in (…)`.
    const unknown = Array.from({ length: LONG_ID_LIST }, (_, i) => ({
      id: `none-${i}`,
      villageId: `nowhere-${i}`,
    }));
    const long = [...teams, ...unknown];
    expect(idFilter(long.map((t) => t.id)).inList).toBeNull();
    expect(idFilter(teams.map((t) => t.id)).inList).toHaveLength(40);
    const short = await bulletinFigures(db, teams, month, DEFAULT_TEAM_RULES);
    const all = await bulletinFigures(db, long, month, DEFAULT_TEAM_RULES);
    // The month has figures to compare (the demo's check-ins, logs and reports).
    const sum = (f: (x: BulletinFigures) => number) =>
      teams.reduce((n, t) => n + f(short.get(t.id)!), 0);
    expect(sum((x) => x.logs) + sum((x) => x.reports.due)).toBeGreaterThan(0);
    for (const t of teams) expect(all.get(t.id)).toEqual(short.get(t.id));
    // The unknown teams have nothing, and no team outside the list is in the answer.
    expect(all.size).toBe(long.length);
    expect(all.get("none-1")).toMatchObject({ logs: 0, casesResolved: 0, milestonesDone: 0 });
  });

  it("adds up a team's month from fixed records (hand-checked)", async () => {
    // March 2025 is outside the demo's three months: only what this test writes is there.
    const team = await teamOf("马莲滩村");
    const village = await villageId("马莲滩村");
    const members = (await listActiveMembers([team])).get(team)!;
    const [a, b, c] = members.map((m) => m.cadreId);
    const day = (d: number) => `2025-03-${String(d).padStart(2, "0")}`;
    const checkIns = [
      ...Array.from({ length: 22 }, (_, i) => [a!, day(i + 1)] as const), // a: 22 days
      ...Array.from({ length: 15 }, (_, i) => [b!, day(i + 1)] as const), // b: 15 days…
      ...Array.from({ length: 18 }, (_, i) => [c!, day(i + 1)] as const), // c: 18 days + leave
    ];
    await db
      .insertInto("check_ins")
      .values(
        checkIns.map(([cadre, d]) => ({
          id: newId(),
          cadre_id: cadre,
          team_id: team,
          day: d,
          source: "live" as const,
          reason: null,
          lat: null,
          lon: null,
          distance_m: null,
          created_at: `${d}T01:00:00.000Z`,
          created_by: null,
        })),
      )
      .execute();
    // b also wrote in the village on days 20–22 (+3 days) and once elsewhere (no day).
    await db
      .insertInto("work_logs")
      .values(
        [20, 21, 22, 23].map((d) => ({
          id: newId(),
          cadre_id: b!,
          team_id: team,
          logged_on: day(d),
          place: d === 23 ? ("elsewhere" as const) : ("village" as const),
          body: "x",
          household_id: null,
          card_id: null,
          name_source: "imported" as const,
          created_at: `${day(d)}T12:00:00.000Z`,
          created_by: null,
        })),
      )
      .execute();
    // Written straight to the tables, as an import would: the present-day masks are rebuilt.
    await rebuildPresence(db);
    // c: 5 days' approved leave (25–29): 26 days available, ceil(20 × 26 / 31) = 17 expected.
    await db
      .insertInto("leave_requests")
      .values({
        id: newId(),
        cadre_id: c!,
        team_id: team,
        starts_on: day(25),
        ends_on: day(29),
        reason: "x",
        route: "county",
        status: "approved",
        decided_by: null,
        decided_at: null,
        decision_note: null,
        returned_on: null,
        created_at: "2025-03-01T00:00:00.000Z",
        created_by: null,
        updated_at: "2025-03-01T00:00:00.000Z",
      })
      .execute();
    // Reports: weeks of 3, 10, 17, 24 March are due in March; on time, late, missing, on time.
    const report = (week: string, at: string) => ({
      id: newId(),
      team_id: team,
      township_id: null,
      week_of: week,
      done: "x",
      problems: null,
      next_plan: null,
      name_source: "imported" as const,
      submitted_at: at,
      submitted_by: null,
      updated_at: at,
      updated_by: null,
    });
    await db
      .insertInto("weekly_reports")
      .values([
        report("2025-03-03", "2025-03-06T02:00:00.000Z"),
        report("2025-03-10", "2025-03-14T02:00:00.000Z"),
        report("2025-03-24", "2025-03-27T02:00:00.000Z"),
      ])
      .execute();
    // A case moved to resolved, one project moved twice (counted once), one milestone done.
    const card = async (board: "project" | "case") =>
      (
        await db
          .selectFrom("cards")
          .select("id")
          .where("village_id", "=", village)
          .where("board", "=", board)
          .executeTakeFirstOrThrow()
      ).id;
    const caseId = await card("case");
    const projectId = await card("project");
    const event = (cardId: string, from: string, to: string, at: string) => ({
      id: newId(),
      card_id: cardId,
      action: "move" as const,
      changes: JSON.stringify({ from, to }),
      actor_id: null,
      at,
    });
    await db
      .insertInto("card_events")
      .values([
        event(caseId, "in_progress", "resolved", "2025-03-10T03:00:00.000Z"),
        event(projectId, "proposed", "approved", "2025-03-11T03:00:00.000Z"),
        event(projectId, "approved", "in_progress", "2025-03-20T03:00:00.000Z"),
        event(projectId, "in_progress", "acceptance", "2025-04-01T03:00:00.000Z"),
      ])
      .execute();
    await db
      .insertInto("plan_milestones")
      .values({
        id: newId(),
        village_id: village,
        title: "x",
        due_on: day(31),
        owner_cadre_id: null,
        status: "done",
        done_on: day(15),
        evidence: null,
        created_at: "2025-03-01T00:00:00.000Z",
        updated_at: "2025-03-15T00:00:00.000Z",
        updated_by: null,
      })
      .execute();

    const figures = (
      await bulletinFigures(db, [{ id: team, villageId: village }], "2025-03", DEFAULT_TEAM_RULES)
    ).get(team)!;
    // a: 22 days ≥ 20; b: 15 check-ins + 3 days written in the village = 18 < 20;
    // c: 18 days ≥ 17 expected after 5 days' leave. Average (22 + 18 + 18) / 3 = 19.3.
    expect(figures.attendance).toEqual({
      members: 3,
      meeting: 2,
      below: 1,
      averageDays: 19.3,
      leaveDays: 5,
      complete: true,
    });
    expect(figures.reports).toEqual({ due: 4, onTime: 2, late: 1, missing: 1 });
    expect(figures.logs).toBe(4);
    expect(figures.casesResolved).toBe(1);
    expect(figures.projectsMoved).toBe(1);
    expect(figures.milestonesDone).toBe(1);

    const bulletin = await monthlyBulletin(daqinggou, "2025-03", DEFAULT_TEAM_RULES);
    expect(bulletin.complete).toBe(true);
    expect(bulletin.teams.every((t) => t.township.id === daqinggou.townshipId)).toBe(true);
    // The township's other teams recorded nothing that month: all their members fall short.
    const ours = bulletin.teams.find((t) => t.id === team)!;
    expect(ours.attendance.below).toBe(1);
    for (const other of bulletin.teams.filter((t) => t.id !== team)) {
      expect(other.attendance.below).toBe(other.attendance.members);
    }
    expect(bulletin.followUp.map((t) => t.id)).toContain(team);
    expect(bulletin.townships).toHaveLength(1);
    expect(bulletin.total.teamsBelow).toBe(bulletin.teams.length);
    expect(bulletin.total.logs).toBe(4);
  });
});
