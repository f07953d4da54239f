import { parseWithZod } from "@conform-to/zod";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import {
  createHousehold,
  getHousehold,
  recordExitStep,
  updateHousehold,
  type HouseholdInput,
} from "~/models/household.server";
import { HouseholdSchema } from "~/schemas/household";
import { seedOnce, viewerFor, villageId } from "./helpers";

let weijiaId: string;

beforeAll(async () => {
  await seedOnce();
  weijiaId = await villageId("魏家村");
});

const villageFigures = () =>
  db
    .selectFrom("villages")
    .select(["poor_people", "poor_households"])
    .where("id", "=", weijiaId)
    .executeTakeFirstOrThrow();

const input = (overrides: Partial<HouseholdInput> = {}): HouseholdInput => ({
  code: "T-001",
  headName: "测试户",
  members: 3,
  mainCause: "illness",
  otherCauses: ["labour"],
  helpMeasures: ["health", "industry"],
  identifiedYear: 2014,
  guarantees: {
    food: "met",
    education: "not_applicable",
    medical: "met",
    housing: "met",
    water: "met",
  },
  incomes: { 2018: 2500, 2019: 2600 },
  ...overrides,
});

async function household(id: string) {
  const result = await getHousehold(await viewerFor("weijia"), weijiaId, id);
  if (!result.ok) throw new Error(result.reason);
  return result;
}

describe("the roster", () => {
  it("every seeded village's poor figures equal its roster", async () => {
    const rows = await db
      .selectFrom("villages")
      .leftJoin("households", (j) =>
        j
          .onRef("households.village_id", "=", "villages.id")
          .on("households.status", "in", ["poor", "exiting"]),
      )
      .select((eb) => [
        "villages.poor_people",
        "villages.poor_households",
        eb.fn.coalesce(eb.fn.sum<number>("households.members"), eb.val(0)).as("people"),
        eb.fn.count<number>("households.id").as("households"),
      ])
      .groupBy("villages.id")
      .execute();
    expect(rows).toHaveLength(89);
    for (const r of rows) {
      expect([r.poor_people, r.poor_households]).toEqual([Number(r.people), Number(r.households)]);
    }
  });

  it("a new poor household raises the village's poor figures in the same write", async () => {
    const before = await villageFigures();
    const result = await createHousehold(await viewerFor("weijia"), weijiaId, input());
    expect(result.ok).toBe(true);
    expect(await villageFigures()).toEqual({
      poor_people: before.poor_people + 3,
      poor_households: before.poor_households + 1,
    });
  });

  it("refuses a household number used twice in the village", async () => {
    const before = await villageFigures();
    const result = await createHousehold(
      await viewerFor("weijia"),
      weijiaId,
      input({ headName: "另一户" }),
    );
    expect(result).toMatchObject({
      ok: false,
      reason: "invalid",
      field: "code",
      message: "household.codeTaken",
    });
    expect(await villageFigures()).toEqual(before);
  });

  it("refuses a township leader and a stale version", async () => {
    const id = (
      await db
        .selectFrom("households")
        .select("id")
        .where("code", "=", "T-001")
        .executeTakeFirstOrThrow()
    ).id;
    const { household: h } = await household(id);
    expect(
      await updateHousehold(await viewerFor("daqinggou"), weijiaId, id, {
        ...input(),
        version: h.version,
      }),
    ).toEqual({ ok: false, reason: "forbidden" });
    const saved = await updateHousehold(await viewerFor("weijia"), weijiaId, id, {
      ...input({ members: 4 }),
      version: h.version,
    });
    expect(saved.ok).toBe(true);
    const stale = await updateHousehold(await viewerFor("county"), weijiaId, id, {
      ...input({ members: 5 }),
      version: h.version,
    });
    expect(stale).toMatchObject({ ok: false, reason: "conflict", current: { members: 4 } });
    expect((await household(id)).household.members).toBe(4);
  });
});

describe("household form validation", () => {
  const form = (fields: Record<string, string>) => {
    const data = new FormData();
    for (const [k, v] of Object.entries({
      intent: "household",
      code: "X1",
      headName: "张三",
      members: "2",
      mainCause: "illness",
      identifiedYear: "2014",
      food: "met",
      education: "met",
      medical: "met",
      housing: "met",
      water: "met",
      "incomes[0].year": "2019",
      "incomes[0].value": "3000",
      ...fields,
    })) {
      data.append(k, v);
    }
    return parseWithZod(data, { schema: HouseholdSchema });
  };

  it("accepts a complete household", () => {
    expect(form({}).status).toBe("success");
  });

  it("names each bad field with a translatable message and keeps what was typed", () => {
    const result = form({
      members: "-1",
      mainCause: "bad-luck",
      "incomes[0].value": "abc",
      identifiedYear: "1999",
    });
    expect(result.status).toBe("error");
    const reply = result.reply();
    expect(reply.error).toMatchObject({
      members: ["household.membersRange"],
      mainCause: ["household.unknownCause"],
      "incomes[0].value": ["form.notNumber"],
      identifiedYear: ["form.yearOutOfRange"],
    });
    expect(reply.initialValue).toMatchObject({ members: "-1", mainCause: "bad-luck" });
  });
});

describe("household exit workflow", () => {
  it("runs appraisal → verification → confirmation → notice (7 days) → announcement", async () => {
    const viewer = await viewerFor("weijia");
    const id = (
      await db
        .selectFrom("households")
        .select("id")
        .where("code", "=", "T-001")
        .executeTakeFirstOrThrow()
    ).id;

    // 2019 income 2,600 < 3,218: the household may not enter the workflow.
    let h = await household(id);
    const refused = await recordExitStep(viewer, weijiaId, id, {
      step: "appraisal",
      doneOn: "2019-10-01",
      version: h.household.version,
    });
    expect(refused).toMatchObject({
      ok: false,
      reason: "invalid",
      message: "exit.gate.income",
      params: { year: "2019", income: 2600, line: 3218 },
    });

    await updateHousehold(viewer, weijiaId, id, {
      ...input({ members: 4, incomes: { 2018: 2500, 2019: 3600 } }),
      version: h.household.version,
    });
    const before = await villageFigures();
    const steps = [
      ["appraisal", "2019-10-01"],
      ["verification", "2019-10-08"],
      ["confirmation", "2019-10-09"],
      ["notice", "2019-10-10"],
    ] as const;
    for (const [step, doneOn] of steps) {
      h = await household(id);
      expect(h.next).toBe(step);
      const result = await recordExitStep(viewer, weijiaId, id, {
        step,
        doneOn,
        version: h.household.version,
      });
      expect(result.ok).toBe(true);
    }
    h = await household(id);
    expect(h.household.status).toBe("exiting");
    expect(h.noticeEndsOn).toBe("2019-10-17");
    const early = await recordExitStep(viewer, weijiaId, id, {
      step: "announcement",
      doneOn: "2019-10-16",
      version: h.household.version,
    });
    expect(early).toMatchObject({ ok: false, message: "exit.step.noticeRunning" });
    // Still poor while in the workflow.
    expect(await villageFigures()).toEqual(before);

    const announced = await recordExitStep(viewer, weijiaId, id, {
      step: "announcement",
      doneOn: "2019-10-17",
      note: "公示无异议",
      version: h.household.version,
    });
    expect(announced.ok).toBe(true);
    h = await household(id);
    expect(h.household).toMatchObject({ status: "exited", exitYear: 2019 });
    expect(h.steps.map((s) => s.step)).toEqual([
      "appraisal",
      "verification",
      "confirmation",
      "notice",
      "announcement",
    ]);
    // Each step records who recorded it.
    expect(new Set(h.steps.map((s) => s.by))).toEqual(new Set([viewer.displayName]));
    expect(await villageFigures()).toEqual({
      poor_people: before.poor_people - 4,
      poor_households: before.poor_households - 1,
    });
    // An exited household cannot enter again.
    const again = await recordExitStep(viewer, weijiaId, id, {
      step: "appraisal",
      doneOn: "2019-12-01",
      version: h.household.version,
    });
    expect(again).toMatchObject({ ok: false, message: "exit.step.alreadyExited" });
  });

  it("a withdrawal returns the household to poor and a new round starts afresh", async () => {
    const viewer = await viewerFor("weijia");
    await createHousehold(viewer, weijiaId, input({ code: "T-002", incomes: { 2019: 4000 } }));
    const id = (
      await db
        .selectFrom("households")
        .select("id")
        .where("code", "=", "T-002")
        .executeTakeFirstOrThrow()
    ).id;
    let h = await household(id);
    await recordExitStep(viewer, weijiaId, id, {
      step: "appraisal",
      doneOn: "2019-10-01",
      version: h.household.version,
    });
    h = await household(id);
    await recordExitStep(viewer, weijiaId, id, {
      step: "withdrawn",
      doneOn: "2019-10-03",
      note: "群众有异议",
      version: h.household.version,
    });
    h = await household(id);
    expect(h.household.status).toBe("poor");
    expect(h.next).toBe("appraisal");
    await recordExitStep(viewer, weijiaId, id, {
      step: "appraisal",
      doneOn: "2019-11-01",
      version: h.household.version,
    });
    h = await household(id);
    expect(h.round).toBe(2);
    expect(h.next).toBe("verification");
    expect(h.steps.filter((s) => s.round === 1).map((s) => s.step)).toEqual([
      "appraisal",
      "withdrawn",
    ]);
  });
});
