import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { dashboard, dashboardScope, figureList } from "~/models/dashboard.server";
import { createHousehold } from "~/models/household.server";
import { updateIndicator } from "~/models/plan.server";
import { refreshVillageProgress } from "~/models/progress.server";
import { recordVillageHistory } from "~/models/village-history.server";
import { matrixShowValue, parseMatrixShow, type MatrixShow } from "~/utils/dashboard-columns";
import { today } from "~/utils/dates";
import { OFFICIAL_INDICATORS } from "~/utils/exit-rules";
import { historyChange, type VillageFigures } from "~/utils/history";
import { dayBit } from "~/utils/presence";
import { monthPeriods, parsePeriod, trendFromChanges, yearPeriods } from "~/utils/progress";
import { DEFAULT_TEAM_RULES, eachDay } from "~/utils/team-rules";
import type { ExitStatus } from "../../db/schema";
import { newId } from "../../db/ids";
import { seedOnce, viewerFor, villageId } from "./helpers";

const ON = "2026-03-18"; // 17 days of March past: the rule's share is floor(20 × 17 / 31) = 10.
const STAMP = `${ON}T02:00:00.000Z`;

/**
 * A township of six villages written straight into the tables (hand-checked below):
 *  a1 exited; a2 ready (1.5% incidence, every indicator met); a3 at risk (5% and no road, due
 *  2026); a4 blocked but due 2027; b1 no roster and no indicators, due 2025, no team; b2
 *  consolidating.
 */
interface Fixture {
  key: string;
  status: ExitStatus;
  population: number;
  poorHouseholds: number;
  poorPeople: number;
  target: number;
  roster: boolean;
  indicators: boolean;
  roadMet?: boolean;
  exitsThisYear?: number;
  overdueMilestones?: number;
  cases?: { open: number; overdue: number };
  team: boolean;
  presentDays?: number;
  leave?: boolean;
}
const FIXTURES: Fixture[] = [
  {
    key: "a1",
    status: "exited",
    population: 1000,
    poorHouseholds: 2,
    poorPeople: 5,
    target: 2025,
    roster: true,
    indicators: true,
    exitsThisYear: 4,
    team: true,
  },
  {
    key: "a2",
    status: "not_exited",
    population: 1000,
    poorHouseholds: 6,
    poorPeople: 15,
    target: 2026,
    roster: true,
    indicators: true,
    overdueMilestones: 2,
    team: true,
    presentDays: 9,
  },
  {
    key: "a3",
    status: "not_exited",
    population: 1000,
    poorHouseholds: 20,
    poorPeople: 50,
    target: 2026,
    roster: true,
    indicators: true,
    roadMet: false,
    cases: { open: 3, overdue: 1 },
    team: true,
    presentDays: 6,
    leave: true,
  },
  {
    key: "a4",
    status: "not_exited",
    population: 1000,
    poorHouseholds: 30,
    poorPeople: 80,
    target: 2027,
    roster: true,
    indicators: true,
    exitsThisYear: 1,
    team: true,
  },
  {
    key: "b1",
    status: "not_exited",
    population: 1000,
    poorHouseholds: 0,
    poorPeople: 0,
    target: 2025,
    roster: false,
    indicators: false,
    team: false,
  },
  {
    key: "b2",
    status: "consolidating",
    population: 500,
    poorHouseholds: 0,
    poorPeople: 0,
    target: 2024,
    roster: true,
    indicators: true,
    cases: { open: 1, overdue: 0 },
    team: true,
  },
];

let townshipId: string;
const ids = new Map<string, string>();

async function writeFixture() {
  townshipId = newId();
  await db
    .insertInto("townships")
    .values({
      id: townshipId,
      code: "130725999",
      name_zh: "测试镇",
      name_pinyin: "Cèshì Zhèn",
      kind: "town",
      lat: null,
      lon: null,
    })
    .execute();
  const unit = await db.selectFrom("sending_units").select("id").executeTakeFirstOrThrow();
  for (const [i, f] of FIXTURES.entries()) {
    const id = newId();
    ids.set(f.key, id);
    await db
      .insertInto("villages")
      .values({
        id,
        code: `130725999${String(200 + i)}`,
        code_source: "demo",
        township_id: townshipId,
        name_zh: `测试${f.key}村`,
        name_pinyin: `Ceshi ${f.key}`,
        name_source: "demo",
        township_source: "demo",
        source_note: null,
        lat: 41.1,
        lon: 114.0,
        position_source: "demo",
        village_type: "difficult",
        agricultural_population: f.population,
        households: 100,
        poor_households: f.poorHouseholds,
        poor_people: f.poorPeople,
        exit_status: f.status,
        exit_year: f.status === "not_exited" ? null : 2024,
        updated_at: STAMP,
      })
      .execute();
    await db
      .insertInto("exit_plans")
      .values({
        village_id: id,
        start_year: 2016,
        attack_end_year: 2018,
        end_year: 2020,
        target_exit_year: f.target,
        narrative: "",
        updated_at: STAMP,
        updated_by: null,
      })
      .execute();
    if (f.indicators) {
      for (const [position, d] of OFFICIAL_INDICATORS.entries()) {
        if (d.computed) continue;
        const met = d.kind === "hardened_road" ? f.roadMet !== false : true;
        await db
          .insertInto("plan_indicators")
          .values({
            id: newId(),
            village_id: id,
            kind: d.kind,
            name: null,
            unit: d.unit,
            comparison: d.comparison,
            threshold: d.threshold,
            baseline: null,
            target: null,
            current_value: met ? d.threshold : 0,
            measured_on: ON,
            evidence: null,
            position,
            updated_at: STAMP,
            updated_by: null,
          })
          .execute();
      }
    }
    if (f.roster) {
      const households = [
        ...Array.from({ length: f.exitsThisYear ?? 0 }, () => ({
          status: "exited" as const,
          exit_year: 2026,
        })),
        { status: "exited" as const, exit_year: 2019 },
      ];
      for (const [n, h] of households.entries()) {
        await db
          .insertInto("households")
          .values({
            id: newId(),
            village_id: id,
            code: `T${n}`,
            head_name: "测试户",
            name_source: "demo",
            members: 3,
            main_cause: "illness",
            other_causes: "[]",
            help_measures: "[]",
            paired_cadre_id: null,
            identified_year: 2015,
            food: "met",
            education: "met",
            medical: "met",
            housing: "met",
            water: "met",
            status: h.status,
            exit_year: h.exit_year,
            created_at: STAMP,
            updated_at: STAMP,
            updated_by: null,
          })
          .execute();
      }
    }
    for (let n = 0; n < (f.overdueMilestones ?? 0); n++) {
      await db
        .insertInto("plan_milestones")
        .values({
          id: newId(),
          village_id: id,
          title: "逾期",
          due_on: "2026-01-10",
          owner_cadre_id: null,
          status: "planned",
          done_on: null,
          evidence: null,
          created_at: STAMP,
          updated_at: STAMP,
          updated_by: null,
        })
        .execute();
    }
    const cases = f.cases ?? { open: 0, overdue: 0 };
    for (let n = 0; n < cases.open + 1; n++) {
      // One more than the open ones, closed: it never counts.
      const closed = n === cases.open;
      await db
        .insertInto("cards")
        .values({
          id: newId(),
          board: "case",
          village_id: id,
          column_key: closed ? "closed" : "in_progress",
          position: (n + 1) * 1024,
          title: "个案",
          kind: "elder_care",
          owner_cadre_id: null,
          household_id: null,
          person: null,
          urgency: null,
          budget: null,
          funding_source: null,
          milestone_id: null,
          start_on: null,
          due_on: n < cases.overdue || closed ? "2026-02-01" : "2026-12-01",
          follow_up_on: null,
          notes: null,
          name_source: "demo",
          archived_at: null,
          created_at: STAMP,
          created_by: null,
          updated_at: STAMP,
        })
        .execute();
    }
    if (f.team) {
      const teamId = newId();
      const cadreId = newId();
      await db
        .insertInto("teams")
        .values({
          id: teamId,
          village_id: id,
          sending_unit_id: unit.id,
          level: "county",
          started_on: "2016-02-23",
          ended_on: null,
        })
        .execute();
      await db
        .insertInto("cadres")
        .values({
          id: cadreId,
          name_zh: "测试干部",
          sending_unit_id: unit.id,
          specialty: "economic",
          phone: null,
          name_source: "demo",
        })
        .execute();
      await db
        .insertInto("team_memberships")
        .values({
          id: newId(),
          team_id: teamId,
          cadre_id: cadreId,
          role: "leader_first_secretary",
          started_on: "2016-02-23",
          ended_on: null,
          end_reason: null,
          end_note: null,
        })
        .execute();
      // Days present in March: from the 8th for the one on leave 1–7 March, from the 1st otherwise.
      const from = f.leave ? 8 : 1;
      const days = eachDay(`2026-03-${String(from).padStart(2, "0")}`, "2026-03-17").slice(
        0,
        f.presentDays ?? 12,
      );
      const mask = days.reduce((m, d) => m | dayBit(d), 0);
      await db
        .insertInto("presence_months")
        .values({
          cadre_id: cadreId,
          team_id: teamId,
          month: "2026-03",
          days: mask,
          day_count: days.length,
        })
        .execute();
      if (f.leave) {
        await db
          .insertInto("leave_requests")
          .values({
            id: newId(),
            cadre_id: cadreId,
            team_id: teamId,
            starts_on: "2026-03-01",
            ends_on: "2026-03-07",
            reason: "x",
            route: "county",
            status: "approved",
            decided_by: null,
            decided_at: null,
            decision_note: null,
            returned_on: null,
            created_at: STAMP,
            created_by: null,
            updated_at: STAMP,
          })
          .execute();
      }
    }
  }
  await refreshVillageProgress(db, [...ids.values()], STAMP);
  for (const id of ids.values()) await recordVillageHistory(db, id, STAMP);
}

describe("headline figures and the at-risk rule (fixed data, hand-checked)", () => {
  beforeAll(async () => {
    await seedOnce();
    await writeFixture();
  });

  const page = async () =>
    (await dashboard(await viewerFor("county"), { townshipId }, {}, DEFAULT_TEAM_RULES, ON))!;

  it("counts exited (consolidating included), exit-ready not announced, and at risk", async () => {
    const { headline, rows, atRisk, rowKind } = await page();
    expect(rowKind).toBe("village");
    expect(rows.map((r) => r.name)).toEqual(FIXTURES.map((f) => `测试${f.key}村`));
    expect(headline.villages).toBe(6);
    expect(headline.exited).toBe(2); // a1, b2
    expect(headline.readyNotExited).toBe(1); // a2: 15 / 1000 = 1.5% < 2%, everything met
    // a3 (due 2026: 5% and no road) and b1 (due 2025: no roster); a4 is blocked but due 2027.
    expect(headline.atRisk).toBe(2);
    expect(atRisk.map((v) => v.name)).toEqual(["测试b1村", "测试a3村"]);
  });

  it("says in plain words what blocks a village at risk", async () => {
    const { atRisk } = await page();
    const a3 = atRisk.find((v) => v.name === "测试a3村")!;
    expect(a3.blocking.map((b) => b.key)).toEqual(["readiness.incidence", "readiness.notMet"]);
    expect(a3.blocking[0]!.params).toMatchObject({ rate: 5, people: 50, households: 20 });
    expect(a3.blocking[1]!.params).toMatchObject({ kind: "hardened_road" });
    const b1 = atRisk.find((v) => v.name === "测试b1村")!;
    expect(b1.blocking[0]!.key).toBe("readiness.noRoster");
    expect(b1.blocking.filter((b) => b.key === "readiness.notMeasured")).toHaveLength(8);
  });

  it("adds up poor households and people, incidence, this year's exits and the open work", async () => {
    const { headline, householdsExitedTotal, matrix } = await page();
    expect(headline.poorHouseholds).toBe(58);
    expect(headline.poorPeople).toBe(150);
    expect(headline.agriculturalPopulation).toBe(5500);
    expect(headline.incidence).toBeCloseTo(150 / 5500, 10);
    expect(headline.householdsExitedThisYear).toBe(5); // a1: 4, a4: 1
    expect(householdsExitedTotal).toBe(10); // and one from 2019 in each of the five rosters
    expect(headline.overdueMilestones).toBe(2);
    expect([headline.openCases, headline.overdueCases]).toEqual([4, 1]);
    // Five teams; a2's cadre has 9 days of the 10 due: behind. a3's, back from leave on the 8th,
    // has 6 of floor(16 × 10 / 24) = 6: not behind.
    expect([headline.teamsBehind, headline.teams]).toEqual([1, 5]);
    // The matrix: a3 misses the road, b1 has nothing measured.
    expect(matrix.counts.hardened_road).toEqual({ met: 4, not_met: 1, not_measured: 1 });
    expect(matrix.counts.poverty_incidence).toEqual({ met: 3, not_met: 2, not_measured: 1 });
  });

  it("the list behind a figure names the same villages", async () => {
    const county = await viewerFor("county");
    const list = async (figure: Parameters<typeof figureList>[2]) =>
      (await figureList(county, { townshipId }, figure, DEFAULT_TEAM_RULES, ON))!.villages.map(
        (v) => v.name,
      );
    expect(await list("at_risk")).toEqual(["测试a3村", "测试b1村"]);
    expect(await list("ready")).toEqual(["测试a2村"]);
    expect(await list("teams_behind")).toEqual(["测试a2村"]);
    expect(await list("exits_this_year")).toEqual(["测试a1村", "测试a4村"]);
  });

  it("the list behind a figure comes a page at a time, the same villages in the same order", async () => {
    const county = await viewerFor("county");
    const whole = (await figureList(county, {}, "all", DEFAULT_TEAM_RULES, ON))!;
    expect(whole.total).toBe(whole.villages.length);
    expect(whole.total).toBeGreaterThan(6);
    const pages = [];
    for (let n = 1; n <= Math.ceil(whole.total / 4); n++) {
      const page = (await figureList(
        county,
        {},
        "all",
        DEFAULT_TEAM_RULES,
        ON,
        undefined,
        String(n),
        4,
      ))!;
      expect(page.total).toBe(whole.total);
      expect(page.page).toMatchObject({ page: n, from: (n - 1) * 4 + 1 });
      expect(page.villages.length).toBeLessThanOrEqual(4);
      pages.push(...page.villages);
    }
    expect(pages).toEqual(whole.villages);
  });

  it("the list behind a trend's figure: exited by the period's end, planned by its year's", async () => {
    const county = await viewerFor("county");
    const list = async (figure: "exited_by" | "planned_by", period: string) =>
      (await figureList(
        county,
        { townshipId },
        figure,
        DEFAULT_TEAM_RULES,
        ON,
        parsePeriod(period)!,
      ))!.villages.map((v) => v.name.slice(2, 4));
    // Everything was first recorded on 18 March 2026: a1 exited, b2 consolidating.
    expect(await list("exited_by", "2026-03")).toEqual(["a1", "b2"]);
    expect(await list("exited_by", "2026-02")).toEqual([]);
    expect(await list("exited_by", "2026")).toEqual(["a1", "b2"]);
    const { months } = await page();
    expect(months.find((p) => p.period === "2026-03")!.exited).toBe(2);
    // Planned by the end of 2025: b2 (2024), a1 and b1 (2025).
    expect(await list("planned_by", "2025")).toEqual(["a1", "b1", "b2"]);
  });

  it("reads a trend's period from the URL, with its last day", () => {
    expect(parsePeriod("2019")).toEqual({ period: "2019", lastDay: "2019-12-31" });
    expect(parsePeriod("2024-02")).toEqual({ period: "2024-02", lastDay: "2024-02-29" });
    for (const bad of [null, "", "19", "2019-1", "2019-13", "2019-00", "1899", "2019-02-01"])
      expect(parsePeriod(bad)).toBeNull();
  });

  it("the matrix keeps the villages its filter asks for", async () => {
    const shown = async (show?: MatrixShow) => {
      const { matrix } = (await dashboard(
        await viewerFor("county"),
        { townshipId },
        { show },
        DEFAULT_TEAM_RULES,
        ON,
      ))!;
      // The total is counted apart from the rows (in JS, from the states' counts): the same ones.
      expect(matrix.total).toBe(matrix.rows.length);
      return matrix.rows.map((r) => r.name.slice(2, 4));
    };
    expect(await shown()).toEqual(["a1", "a2", "a3", "a4", "b1", "b2"]);
    expect(await shown({ indicator: "hardened_road", state: "not_met" })).toEqual(["a3"]);
    expect(await shown({ indicator: "hardened_road", state: "not_measured" })).toEqual(["b1"]);
    expect(await shown({ indicator: "poverty_incidence", state: "met" })).toEqual([
      "a1",
      "a2",
      "b2",
    ]);
    // Across indicators: any not met (a3's road, a3's and a4's incidence), any not measured (b1),
    // every one met.
    expect(await shown({ indicator: null, state: "not_met" })).toEqual(["a3", "a4"]);
    expect(await shown({ indicator: null, state: "not_measured" })).toEqual(["b1"]);
    expect(await shown({ indicator: null, state: "met" })).toEqual(["a1", "a2", "b2"]);
  });

  it("reads the matrix filter from the URL and ignores what it does not know", () => {
    expect(parseMatrixShow("not_met")).toEqual({ indicator: null, state: "not_met" });
    expect(parseMatrixShow("hardened_road.met")).toEqual({
      indicator: "hardened_road",
      state: "met",
    });
    for (const bad of [null, "", "all", "custom.met", "hardened_road.maybe", "a.b.c", ".met"])
      expect(parseMatrixShow(bad)).toBeNull();
    const show = { indicator: "broadband", state: "not_measured" } as const;
    expect(parseMatrixShow(matrixShowValue(show))).toEqual(show);
  });

  it("trends by month carry the plans' figure for the end of that year", async () => {
    const { months, years, monthYear } = await page();
    expect(monthYear).toBe(2026);
    expect(months.map((p) => p.period)).toEqual(["2026-01", "2026-02", "2026-03"]);
    // Planned by the end of 2026: b2 (2024), a1 and b1 (2025), a2 and a3 (2026); a4 is due 2027.
    expect(months.map((p) => p.planned)).toEqual([5, 5, 5]);
    expect(years.at(-1)).toMatchObject({ period: "2026", planned: 5 });
  });

  it("filters by target year in the database", async () => {
    const filtered = (await dashboard(
      await viewerFor("county"),
      { townshipId, targetYear: 2026 },
      {},
      DEFAULT_TEAM_RULES,
      ON,
    ))!;
    expect(filtered.rows.map((r) => r.name)).toEqual(["测试a2村", "测试a3村"]);
    expect(filtered.headline).toMatchObject({ villages: 2, atRisk: 1, readyNotExited: 1 });
  });
});

describe("trends from the history's changes", () => {
  // Village x: 100 poor from 2016, 30 at the end of 2017, exited in March 2018 with 10 left.
  // Village y: recorded only from mid-2017 (it joined late), 50 poor throughout.
  const rows: [string, string, VillageFigures][] = [
    [
      "x",
      "2016-01-01",
      {
        exit_status: "not_exited",
        poor_households: 40,
        poor_people: 100,
        agricultural_population: 1000,
      },
    ],
    [
      "x",
      "2017-11-30",
      {
        exit_status: "not_exited",
        poor_households: 12,
        poor_people: 30,
        agricultural_population: 1000,
      },
    ],
    [
      "x",
      "2018-03-15",
      { exit_status: "exited", poor_households: 4, poor_people: 10, agricultural_population: 1000 },
    ],
    [
      "y",
      "2017-06-01",
      {
        exit_status: "not_exited",
        poor_households: 20,
        poor_people: 50,
        agricultural_population: 1000,
      },
    ],
  ];
  // What the database adds up: each row's change from the village's previous row.
  const changesBy = (length: number) => {
    const sums = new Map<
      string,
      { period: string; exited: number; poorPeople: number; population: number }
    >();
    const previous = new Map<string, VillageFigures>();
    for (const [village, day, figures] of rows) {
      const c = historyChange(previous.get(village) ?? null, figures);
      previous.set(village, figures);
      const period = day.slice(0, length);
      const s = sums.get(period) ?? { period, exited: 0, poorPeople: 0, population: 0 };
      s.exited += c.exited_change;
      s.poorPeople += c.poor_people_change;
      s.population += c.population_change;
      sums.set(period, s);
    }
    return [...sums.values()];
  };

  it("gives each year's end: villages exited, planned, and incidence over villages recorded", () => {
    const points = trendFromChanges(changesBy(4), yearPeriods(2016, 2018), (p) =>
      p === "2018" ? 2 : 0,
    );
    expect(
      points.map(({ period, exited, planned, incidence }) => ({
        period,
        exited,
        planned,
        incidence,
      })),
    ).toEqual([
      { period: "2016", exited: 0, planned: 0, incidence: 100 / 1000 },
      { period: "2017", exited: 0, planned: 0, incidence: 80 / 2000 },
      { period: "2018", exited: 1, planned: 2, incidence: 60 / 2000 },
    ]);
  });

  it("by month, from what came before the year, up to the current month only", () => {
    const periods = monthPeriods(2018, "2018-04-20");
    expect(periods.map((p) => p.lastDay)).toEqual([
      "2018-01-31",
      "2018-02-28",
      "2018-03-31",
      "2018-04-30",
    ]);
    const before = { exited: 0, poorPeople: 80, population: 2000 };
    const months = trendFromChanges(
      changesBy(7).filter((c) => c.period.startsWith("2018")),
      periods,
      undefined,
      before,
    );
    expect(months.map((p) => p.exited)).toEqual([0, 0, 1, 1]);
    expect(months.map((p) => p.incidence)).toEqual([0.04, 0.04, 0.03, 0.03]);
  });

  it("has no incidence before anything was recorded", () => {
    expect(trendFromChanges([], yearPeriods(2015, 2015))[0]).toMatchObject({
      exited: 0,
      incidence: null,
    });
  });
});

describe("the dashboard on the demo data", () => {
  beforeAll(async () => {
    await seedOnce();
  });

  it("county headline figures equal the villages' own figures; trends end at today's", async () => {
    const page = (await dashboard(await viewerFor("county"), {}, {}, DEFAULT_TEAM_RULES))!;
    const rows = await db
      .selectFrom("villages")
      .select(["exit_status", "poor_people", "poor_households", "agricultural_population"])
      .execute();
    const sum = (k: "poor_people" | "poor_households" | "agricultural_population") =>
      rows.reduce((s, r) => s + r[k], 0);
    expect(page.headline.villages).toBe(rows.length);
    expect(page.headline.exited).toBe(
      rows.filter((r) => r.exit_status === "exited" || r.exit_status === "consolidating").length,
    );
    expect(page.headline.poorPeople).toBe(sum("poor_people"));
    expect(page.headline.poorHouseholds).toBe(sum("poor_households"));
    expect(page.rows.reduce((s, r) => s + r.villages, 0)).toBe(rows.length);
    expect(page.years.at(-1)).toMatchObject({ exited: page.headline.exited });
    expect(page.years.at(-1)!.incidence).toBeCloseTo(page.headline.incidence, 10);
  });

  it("a township leader sees only their township, whatever the URL asks for", async () => {
    const leader = await viewerFor("daqinggou");
    const page = (await dashboard(leader, {}, {}, DEFAULT_TEAM_RULES))!;
    expect(page.township?.name).toBe("大青沟镇");
    expect(page.rowKind).toBe("village");
    expect(page.options.townships.map((t) => t.name)).toEqual(["大青沟镇"]);
    const other = await db
      .selectFrom("townships")
      .select("id")
      .where("name_zh", "=", "小蒜沟镇")
      .executeTakeFirstOrThrow();
    const asked = (await dashboard(leader, { townshipId: other.id }, {}, DEFAULT_TEAM_RULES))!;
    expect(asked.township?.name).toBe("大青沟镇");
    const list = (await figureList(leader, { townshipId: other.id }, "all", DEFAULT_TEAM_RULES))!;
    expect(new Set(list.villages.map((v) => v.townshipName))).toEqual(new Set(["大青沟镇"]));
    const county = await viewerFor("county");
    expect(await figureList(county, { townshipId: "nope" }, "all", DEFAULT_TEAM_RULES)).toBeNull();
    expect(await dashboard(county, { townshipId: "nope" }, {}, DEFAULT_TEAM_RULES)).toBeNull();
    // The export decides whose dashboard before working it out, and decides as `dashboard` does.
    for (const [viewer, filters] of [
      [leader, {}],
      [leader, { townshipId: other.id }],
      [county, {}],
      [county, { townshipId: other.id }],
      [county, { townshipId: "nope" }],
    ] as const) {
      const scope = await dashboardScope(viewer, filters);
      const whole = await dashboard(viewer, filters, {}, DEFAULT_TEAM_RULES);
      expect(scope === null).toBe(whole === null);
      expect(scope?.township ?? null).toEqual(whole?.township ?? null);
    }
    expect((await dashboardScope(county, { townshipId: other.id }))?.township?.name).toBe(
      "小蒜沟镇",
    );
  });

  it("a plan write keeps the village's readiness record in the same transaction", async () => {
    const weijia = await villageId("魏家村");
    const road = await db
      .selectFrom("plan_indicators")
      .select(["id", "version", "current_value"])
      .where("village_id", "=", weijia)
      .where("kind", "=", "hardened_road")
      .executeTakeFirstOrThrow();
    const cells = async () =>
      (
        await db
          .selectFrom("village_progress")
          .select("cells")
          .where("village_id", "=", weijia)
          .executeTakeFirstOrThrow()
      ).cells;
    const flip = road.current_value === 1 ? 0 : 1;
    const result = await updateIndicator(await viewerFor("weijia"), weijia, {
      id: "kind:hardened_road",
      version: road.version,
      current: flip,
      measuredOn: today(),
    });
    expect(result.ok).toBe(true);
    expect((await cells())[1]).toBe(flip === 1 ? "M" : "X");
  });

  it("a roster write records the village's figures in its history, once per day", async () => {
    const weijia = await villageId("魏家村");
    const rowsToday = () =>
      db
        .selectFrom("village_history")
        .selectAll()
        .where("village_id", "=", weijia)
        .where("day", "=", today())
        .execute();
    expect(await rowsToday()).toHaveLength(0);
    const viewer = await viewerFor("weijia");
    const input = (code: string) => ({
      code,
      headName: "测试户",
      members: 4,
      mainCause: "illness" as const,
      otherCauses: [],
      helpMeasures: [],
      identifiedYear: 2014,
      guarantees: {
        food: "met" as const,
        education: "met" as const,
        medical: "met" as const,
        housing: "met" as const,
        water: "met" as const,
      },
      incomes: {},
    });
    const before = await db
      .selectFrom("villages")
      .select("poor_people")
      .where("id", "=", weijia)
      .executeTakeFirstOrThrow();
    expect((await createHousehold(viewer, weijia, input("H-1"))).ok).toBe(true);
    expect((await createHousehold(viewer, weijia, input("H-2"))).ok).toBe(true);
    const rows = await rowsToday();
    expect(rows).toHaveLength(1);
    // One row for the day, its change measured from the day before: two households of four.
    expect(rows[0]).toMatchObject({ poor_people: before.poor_people + 8, poor_people_change: 8 });
  });
});
