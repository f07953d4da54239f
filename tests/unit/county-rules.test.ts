import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { monthlyBulletin } from "~/models/bulletin.server";
import { getHousehold } from "~/models/household.server";
import { forgetRules, ruleHistory, saveTeamRules, teamRulesOn } from "~/models/county-rules.server";
import { getPlanPage } from "~/models/plan.server";
import { ensureProgressCurrent } from "~/models/progress.server";
import { today as chinaToday } from "~/utils/dates";
import { addDays } from "~/utils/exit-rules";
import {
  DEFAULT_TEAM_RULES,
  ruleDayOfMonth,
  TEAM_RULE_KEYS,
  wipLimitsOf,
} from "~/utils/team-rules";
import { ensureFirstRules } from "~/utils/team-rules.server";
import { seedOnce, viewerFor } from "./helpers";

/** The county's "today" in these tests: rules may only be dated from it on. */
const TODAY = "2025-04-10";

describe("the county's team rules, dated", () => {
  beforeAll(async () => {
    await seedOnce();
    forgetRules();
  });

  it("starts from the first values, stored once", async () => {
    expect(await teamRulesOn("2025-04-10")).toEqual(DEFAULT_TEAM_RULES);
    expect(await ensureFirstRules(db)).toBe(TEAM_RULE_KEYS.length);
    expect(await ensureFirstRules(db)).toBe(0);
    forgetRules();
    expect(await teamRulesOn("1999-01-01")).toEqual(DEFAULT_TEAM_RULES);
    expect(await ruleHistory()).toEqual([]);
  });

  it("judges a month by its last day's rules, or today's while it runs", () => {
    expect(ruleDayOfMonth("2025-03", TODAY)).toBe("2025-03-31");
    expect(ruleDayOfMonth("2025-04", TODAY)).toBe(TODAY);
    expect(ruleDayOfMonth("2024-02", TODAY)).toBe("2024-02-29");
  });

  it("applies a change from its date on; the month before keeps its bulletin", async () => {
    const county = await viewerFor("county");
    const march = async () =>
      monthlyBulletin(county, "2025-03", await teamRulesOn(ruleDayOfMonth("2025-03", TODAY)));
    const before = await march();
    expect(before.rule).toBe(20);

    const saved = await saveTeamRules(county, { daysPerMonth: "18" }, TODAY, TODAY);
    expect(saved).toEqual({ ok: true, changed: ["daysPerMonth"] });
    expect((await teamRulesOn("2025-04-09")).daysPerMonth).toBe(20);
    expect((await teamRulesOn(TODAY)).daysPerMonth).toBe(18);

    // March is over: judged by March's rule, exactly as before the change.
    expect(await march()).toEqual(before);
    // April is running: judged by today's.
    const april = await monthlyBulletin(
      county,
      "2025-04",
      await teamRulesOn(ruleDayOfMonth("2025-04", TODAY)),
    );
    expect(april.rule).toBe(18);
  });

  it("keeps a change dated ahead until its day, and the latest saved for a day wins", async () => {
    const county = await viewerFor("county");
    expect(await saveTeamRules(county, { reportDueHour: "17" }, "2025-05-01", TODAY)).toMatchObject(
      { ok: true, changed: ["reportDueHour"] },
    );
    expect((await teamRulesOn("2025-04-30")).reportDueHour).toBe(18);
    expect((await teamRulesOn("2025-05-01")).reportDueHour).toBe(17);
    // Same value as in effect then: nothing stored.
    expect(await saveTeamRules(county, { reportDueHour: "17" }, "2025-05-01", TODAY)).toEqual({
      ok: true,
      changed: [],
    });
    await saveTeamRules(county, { reportDueHour: "16" }, "2025-05-01", TODAY);
    expect((await teamRulesOn("2025-05-02")).reportDueHour).toBe(16);
  });

  it("runs a household's exit notice for the length in effect on the day it was posted", async () => {
    const county = await viewerFor("county");
    // A household whose notice was posted long before any change.
    const posted = await db
      .selectFrom("household_exit_steps as s")
      .innerJoin("households as h", "h.id", "s.household_id")
      .select(["h.id", "h.village_id", "s.done_on"])
      .where("s.step", "=", "notice")
      .where("h.status", "=", "exiting")
      .executeTakeFirstOrThrow();
    const page = async () => {
      const read = await getHousehold(county, posted.village_id, posted.id);
      if (!read.ok) throw new Error(read.reason);
      return { days: read.noticeDays, endsOn: read.noticeEndsOn };
    };
    const before = await page();
    expect(before.days).toBe(7);
    expect(await saveTeamRules(county, { householdNoticeDays: "10" }, TODAY, TODAY)).toMatchObject({
      ok: true,
      changed: ["householdNoticeDays"],
    });
    expect((await teamRulesOn("2025-04-09")).householdNoticeDays).toBe(7);
    expect((await teamRulesOn(TODAY)).householdNoticeDays).toBe(10);
    // Posted under the 7-day rule: it still ends 7 days after it was posted.
    expect(await page()).toEqual(before);
  });

  it("refuses past dates, values out of range and anyone but the county", async () => {
    const county = await viewerFor("county");
    expect(await saveTeamRules(county, { daysPerMonth: "19" }, "2025-04-09", TODAY)).toEqual({
      ok: false,
      reason: "invalid",
      fields: ["effectiveFrom"],
    });
    expect(await saveTeamRules(county, { daysPerMonth: "19" }, "2026-05-01", TODAY)).toMatchObject({
      ok: false,
      fields: ["effectiveFrom"],
    });
    expect(
      await saveTeamRules(
        county,
        { daysPerMonth: "40", townshipLeaveMaxDays: "x", reportDueWeekday: "1.5" },
        TODAY,
        TODAY,
      ),
    ).toEqual({
      ok: false,
      reason: "invalid",
      fields: ["daysPerMonth", "townshipLeaveMaxDays", "reportDueWeekday"],
    });
    expect(await saveTeamRules(county, { daysPerMonth: "19" }, "2025-4-10", TODAY)).toMatchObject({
      ok: false,
    });
    for (const username of ["daqinggou", "weijia", "viewer"]) {
      expect(
        await saveTeamRules(await viewerFor(username), { daysPerMonth: "5" }, TODAY, TODAY),
      ).toEqual({ ok: false, reason: "forbidden" });
    }
    expect((await teamRulesOn(TODAY)).daysPerMonth).toBe(18);
  });

  it("keeps every change as history: who, when, from when, before → after", async () => {
    const history = await ruleHistory();
    expect(
      history.map((c) => [c.key, c.before, c.after, c.effectiveFrom, c.changedBy !== null]),
    ).toEqual([
      ["reportDueHour", 17, 16, "2025-05-01", true],
      ["reportDueHour", 18, 17, "2025-05-01", true],
      ["householdNoticeDays", 7, 10, TODAY, true],
      ["daysPerMonth", 20, 18, TODAY, true],
    ]);
    const county = await viewerFor("county");
    expect(history[0]!.changedBy).toBe(county.displayName);
    // Each change is in the audit log (its actor comes from the request, e2e checks it).
    const audited = await db
      .selectFrom("audit_log")
      .select(["actor_name", "details"])
      .where("details", "like", "%county_rules%")
      .execute();
    // One entry per saved change (the refused and unchanged saves wrote nothing).
    expect(audited).toHaveLength(4);
  });
});

describe("the county's exit standards and board limits, dated", () => {
  beforeAll(async () => {
    await seedOnce();
    forgetRules();
  });

  const progress = (name: string) =>
    db
      .selectFrom("village_progress as p")
      .innerJoin("villages as v", "v.id", "p.village_id")
      .select(["p.ready", "p.blocking", "p.standards"])
      .where("v.name_zh", "=", name)
      .executeTakeFirstOrThrow();
  const blockingKinds = async (name: string) =>
    (
      JSON.parse((await progress(name)).blocking) as { key: string; params: { kind?: string } }[]
    ).map((b) => (b.key === "readiness.incidence" ? "incidence" : (b.params.kind ?? b.key)));

  it("judges readiness by the standards in effect today, refreshing the records once", async () => {
    const county = await viewerFor("county");
    await ensureProgressCurrent(db);
    // 魏家村 is ready; its collective income is recorded.
    expect((await progress("魏家村")).ready).toBe(1);
    const income = await db
      .selectFrom("plan_indicators as i")
      .innerJoin("villages as v", "v.id", "i.village_id")
      .select("i.current_value")
      .where("v.name_zh", "=", "魏家村")
      .where("i.kind", "=", "collective_income")
      .executeTakeFirstOrThrow();
    expect(income.current_value).toBeGreaterThan(0);

    // A floor above its income, dated a month ahead: nothing changes yet.
    const ahead = addDays(chinaToday(), 30);
    const above = String(Math.ceil(income.current_value! + 1));
    await saveTeamRules(county, { collectiveIncomeFloor: above }, ahead, chinaToday());
    forgetRules();
    expect(await ensureProgressCurrent(db)).toBe(false);
    expect((await progress("魏家村")).ready).toBe(1);

    // The same floor from today: the next read judges every village by it.
    await saveTeamRules(county, { collectiveIncomeFloor: above }, chinaToday(), chinaToday());
    forgetRules();
    expect(await ensureProgressCurrent(db)).toBe(true);
    expect(await ensureProgressCurrent(db)).toBe(false);
    expect((await progress("魏家村")).ready).toBe(0);
    expect(await blockingKinds("魏家村")).toContain("collective_income");

    // The incidence standard: the not-exited village nearest to 2 % no longer blocked once the
    // county's standard is above its incidence.
    const nearest = await db
      .selectFrom("villages")
      .select(["id", "name_zh", "poor_people", "agricultural_population"])
      .where("exit_status", "=", "not_exited")
      .orderBy(sql`1.0 * poor_people / agricultural_population`)
      .executeTakeFirstOrThrow();
    const percent = Math.ceil((100 * nearest.poor_people) / nearest.agricultural_population + 0.01);
    expect(percent).toBeLessThanOrEqual(10);
    expect(await blockingKinds(nearest.name_zh)).toContain("incidence");
    await saveTeamRules(
      county,
      { incidenceThresholdPercent: String(percent), collectiveIncomeFloor: "30000" },
      chinaToday(),
      chinaToday(),
    );
    forgetRules();
    await ensureProgressCurrent(db);
    expect(await blockingKinds(nearest.name_zh)).not.toContain("incidence");
    expect((await progress("魏家村")).ready).toBe(1);

    // The plan page shows the county's standards on the official indicators.
    const plan = await getPlanPage(county, nearest.id);
    if (!plan.ok) throw new Error(plan.reason);
    const byKind = Object.fromEntries(plan.indicators.map((i) => [i.kind, i]));
    expect(byKind.poverty_incidence).toMatchObject({ threshold: percent / 100, countySet: true });
    expect(byKind.collective_income).toMatchObject({ threshold: 30000, countySet: true });
    expect(plan.readiness.some((r) => r.key === "readiness.incidence")).toBe(false);

    await saveTeamRules(county, { incidenceThresholdPercent: "2" }, chinaToday(), chinaToday());
    forgetRules();
  });

  it("gives the boards the county's work-in-progress limits", async () => {
    const county = await viewerFor("county");
    expect(wipLimitsOf(await teamRulesOn()).case.in_progress).toBe(5);
    await saveTeamRules(county, { wipCaseInProgress: "0" }, chinaToday(), chinaToday());
    forgetRules();
    expect(wipLimitsOf(await teamRulesOn())).toEqual({
      project: { in_progress: 3, acceptance: 2 },
      case: { in_progress: 0 },
    });
  });
});
