/**
 * The county and township dashboard. Figures are added up in the database per township (or per
 * village once drilled in) from what every write keeps current: the villages' figures, their
 * readiness records (`village_progress`), the history's changes (`village_history`) and the
 * in-village day counts (`presence_months`). Only the rows a person reads come back whole: the
 * villages at risk shown, one page of the indicator matrix. Township leaders see their township.
 */
import { nowIso } from "~/utils/clock";
import { sql, type SqlBool } from "kysely";
import type {
  ExitStatus,
  NameSource,
  UnitLevel,
  VillageExitRecord,
  VillageType,
} from "../../db/schema";
import { CASE_COLUMNS, UNIT_LEVELS, VILLAGE_TYPES } from "../../db/schema";
import { db } from "~/db.server";
import { approvedLeave } from "~/models/attendance.server";
import { activeOn } from "~/models/periods.server";
import { CELL_CODE, decodeCells, ensureProgressCurrent } from "~/models/progress.server";
import { can, hasCountyWide, MATCHES_NOTHING, type Viewer } from "~/permissions";
import { isFinished } from "~/utils/boards";
import {
  inFigure,
  MATRIX_KINDS,
  parseMatrixShow,
  type Figure,
  type MatrixCell,
  type MatrixShow,
  type OfficialKind,
} from "~/utils/dashboard-columns";
import { today } from "~/utils/dates";
import { LIST_PAGE_SIZE, pageOf } from "~/utils/paging";
import { REMAINING_POOR, type ReadinessItem } from "~/utils/exit-rules";
import {
  addCounts,
  monthPeriods,
  NO_WORK,
  trendFromChanges,
  yearPeriods,
  type ProgressTotals,
  type TrendPoint,
  type WorkCounts,
} from "~/utils/progress";
import { teamRulesOn } from "~/models/county-rules.server";
import { WAITING_STAGES, waitingStage, type WaitingStage } from "~/utils/village-exit";
import {
  addDays,
  daysBetween,
  monthAttendance,
  monthRange,
  reportDueAt,
  reportStatus,
  weekOf,
  type TeamRules,
} from "~/utils/team-rules";

export interface DashboardFilters {
  townshipId?: string;
  type?: VillageType;
  level?: UnitLevel;
  targetYear?: number;
}

/** Reads the filters from a URL, dropping anything that is not a real value. */
export function dashboardFilters(url: URL): DashboardFilters {
  const get = (name: string) => url.searchParams.get(name)?.trim() || undefined;
  const type = get("type");
  const level = get("level");
  const year = Number(get("target"));
  return {
    townshipId: get("township"),
    type: VILLAGE_TYPES.includes(type as VillageType) ? (type as VillageType) : undefined,
    level: UNIT_LEVELS.includes(level as UnitLevel) ? (level as UnitLevel) : undefined,
    targetYear: Number.isInteger(year) && year >= 2000 && year <= 2100 ? year : undefined,
  };
}

const OPEN_CASE_COLUMNS = CASE_COLUMNS.filter((c) => !isFinished("case", c));
const EXITED = ["exited", "consolidating"] as const;

/** The township the dashboard is narrowed to: a township leader's own, or the one chosen. */
export function scopeTownship(viewer: Viewer, filters: DashboardFilters): string | null {
  if (!hasCountyWide(viewer, "read:dashboard")) return viewer.townshipId ?? MATCHES_NOTHING;
  return filters.townshipId ?? null;
}

interface Scope {
  townshipId: string | null;
  filters: DashboardFilters;
  on: string;
  /** Whether anything narrows it below every village. */
  narrowed: boolean;
}

async function scopeOf(viewer: Viewer, filters: DashboardFilters, on: string): Promise<Scope> {
  const townshipId = scopeTownship(viewer, filters);
  // Villages the county has deactivated have left the programme: they count nowhere.
  const deactivated = await db
    .selectFrom("villages")
    .select("id")
    .where("deactivated_at", "is not", null)
    .limit(1)
    .executeTakeFirst();
  return {
    townshipId,
    filters,
    on,
    narrowed:
      deactivated !== undefined ||
      townshipId !== null ||
      filters.type !== undefined ||
      filters.level !== undefined ||
      filters.targetYear !== undefined,
  };
}

/** The ids of the villages in scope, as a subquery. */
function scopeIds({ townshipId, filters, on }: Scope) {
  return db
    .selectFrom("villages as sv")
    .leftJoin("exit_plans as sp", "sp.village_id", "sv.id")
    .leftJoin("teams as st", (j) => j.onRef("st.village_id", "=", "sv.id").on(activeOn("st", on)))
    .select("sv.id")
    .where("sv.deactivated_at", "is", null)
    .$if(townshipId !== null, (q) => q.where("sv.township_id", "=", townshipId!))
    .$if(filters.type !== undefined, (q) => q.where("sv.village_type", "=", filters.type!))
    .$if(filters.level !== undefined, (q) => q.where("st.level", "=", filters.level!))
    .$if(filters.targetYear !== undefined, (q) =>
      q.where("sp.target_exit_year", "=", filters.targetYear!),
    );
}

/** "This village is in scope", for a query that has the village as `column`. */
function inScope(scope: Scope, column: string) {
  return scope.narrowed
    ? sql<SqlBool>`${sql.ref(column)} in (${scopeIds(scope)})`
    : sql<SqlBool>`1 = 1`;
}

type Key = "township" | "village";
const keyColumn = (key: Key) => (key === "township" ? "v.township_id" : "v.id");

/** Villages, exits, readiness and poverty figures per township or village. */
async function villageTotals(scope: Scope, key: Key, year: number) {
  const notExited = sql<SqlBool>`v.exit_status not in ('exited', 'consolidating')`;
  const rows = await db
    .selectFrom("villages as v")
    .innerJoin("village_progress as vp", "vp.village_id", "v.id")
    .leftJoin("exit_plans as p", "p.village_id", "v.id")
    .select((eb) => [
      sql<string>`${sql.ref(keyColumn(key))}`.as("key"),
      eb.fn.countAll<number>().as("villages"),
      eb.fn
        .sum<number>(eb.case().when("v.exit_status", "in", EXITED).then(1).else(0).end())
        .as("exited"),
      eb.fn.sum<number>(sql`case when ${notExited} and vp.ready = 1 then 1 else 0 end`).as("ready"),
      eb.fn
        .sum<number>(
          sql`case when ${notExited} and vp.ready = 0 and p.target_exit_year <= ${year} then 1 else 0 end`,
        )
        .as("at_risk"),
      eb.fn.sum<number>("v.agricultural_population").as("population"),
      eb.fn.sum<number>("v.poor_households").as("poor_households"),
      eb.fn.sum<number>("v.poor_people").as("poor_people"),
    ])
    .where(inScope(scope, "v.id"))
    .groupBy(sql.ref(keyColumn(key)))
    .execute();
  return new Map(
    rows.map((r) => [
      r.key,
      {
        villages: Number(r.villages),
        exited: Number(r.exited),
        readyNotExited: Number(r.ready),
        atRisk: Number(r.at_risk),
        agriculturalPopulation: Number(r.population),
        poorHouseholds: Number(r.poor_households),
        poorPeople: Number(r.poor_people),
      },
    ]),
  );
}

/**
 * Open work and this year's exits per township or village: overdue milestones, open and overdue
 * cases, households exited this year; and, over the whole scope, households exited in all years
 * and leave waiting for a decision.
 */
async function workCounts(scope: Scope, key: Key) {
  const { on } = scope;
  const year = Number(on.slice(0, 4));
  const k = sql<string>`${sql.ref(keyColumn(key))}`.as("key");
  const group = sql.ref(keyColumn(key));
  const [milestones, cases, exits, exitedTotal, pending] = await Promise.all([
    db
      .selectFrom("plan_milestones as m")
      .innerJoin("villages as v", "v.id", "m.village_id")
      .select((eb) => [k, eb.fn.countAll<number>().as("n")])
      .where("m.status", "in", ["planned", "in_progress"])
      .where("m.due_on", "<", on)
      .where(inScope(scope, "v.id"))
      .groupBy(group)
      .execute(),
    db
      .selectFrom("cards as c")
      .innerJoin("villages as v", "v.id", "c.village_id")
      .select((eb) => [
        k,
        eb.fn.countAll<number>().as("open"),
        eb.fn.sum<number>(eb.case().when("c.due_on", "<", on).then(1).else(0).end()).as("overdue"),
      ])
      .where("c.board", "=", "case")
      .where("c.archived_at", "is", null)
      .where("c.column_key", "in", OPEN_CASE_COLUMNS)
      .where(inScope(scope, "v.id"))
      .groupBy(group)
      .execute(),
    // Counted per village from the covering index first, then per township: joining each of a
    // year's thousands of households to its village cost the county dashboard 0.9 ms, this 0.55.
    db
      .selectFrom(
        db
          .selectFrom("households as h")
          .select((eb) => ["h.village_id", eb.fn.countAll<number>().as("n")])
          .where("h.exit_year", "=", year)
          .where("h.status", "not in", REMAINING_POOR)
          .where(inScope(scope, "h.village_id"))
          .groupBy("h.village_id")
          .as("h"),
      )
      .innerJoin("villages as v", "v.id", "h.village_id")
      .select((eb) => [k, eb.fn.sum<number>("h.n").as("n")])
      .groupBy(group)
      .execute(),
    db
      .selectFrom("households as h")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("h.exit_year", "is not", null)
      .where("h.status", "not in", REMAINING_POOR)
      .where(inScope(scope, "h.village_id"))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("leave_requests as l")
      .innerJoin("teams as t", "t.id", "l.team_id")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("l.status", "=", "pending")
      .where(inScope(scope, "t.village_id"))
      .executeTakeFirstOrThrow(),
  ]);
  const work = new Map<string, WorkCounts>();
  const entry = (key: string) => {
    let w = work.get(key);
    if (!w) work.set(key, (w = { ...NO_WORK }));
    return w;
  };
  for (const r of milestones) entry(r.key).overdueMilestones = Number(r.n);
  for (const r of cases) {
    const w = entry(r.key);
    w.openCases = Number(r.open);
    w.overdueCases = Number(r.overdue ?? 0);
  }
  for (const r of exits) entry(r.key).householdsExitedThisYear = Number(r.n);
  return {
    work,
    householdsExitedTotal: Number(exitedTotal.n),
    pendingLeave: Number(pending.n),
  };
}

/**
 * Teams serving today and those behind the in-village rule this month, per township or village.
 * Members who served the whole month so far without approved leave are judged in the database on
 * their day count (the rule's share of the days past, as `monthAttendance` has it); the few
 * others (joined or left this month, or on leave) are judged by `monthAttendance` itself.
 */
async function teamAttendance(scope: Scope, key: Key, rules: Pick<TeamRules, "daysPerMonth">) {
  const { on } = scope;
  const month = on.slice(0, 7);
  const { first, last, days } = monthRange(month);
  const expected = Math.min(days, rules.daysPerMonth);
  const dueSoFar = Math.floor((expected * (Number(on.slice(8, 10)) - 1)) / days);
  const k = sql<string>`${sql.ref(keyColumn(key))}`.as("key");
  // The cadres on leave this month, read once: as a correlated `exists` PostgreSQL ran the
  // subquery again for every one of 24,000 members (~45 ms at province scale); both engines read
  // an uncorrelated list once and look each member up in it. Neither column holds a null, so
  // `not in` means `not exists`.
  const onLeave = sql<SqlBool>`m.cadre_id in (select l.cadre_id from leave_requests l
    where l.status = 'approved' and l.starts_on <= ${last} and l.ends_on >= ${first})`;
  const wholeMonth = sql<SqlBool>`(m.started_on <= ${first} and (m.ended_on is null or m.ended_on >= ${last}))`;
  const members = () =>
    db
      .selectFrom("team_memberships as m")
      .innerJoin("teams as t", "t.id", "m.team_id")
      .innerJoin("villages as v", "v.id", "t.village_id")
      .leftJoin("presence_months as pm", (j) =>
        j
          .onRef("pm.cadre_id", "=", "m.cadre_id")
          .onRef("pm.team_id", "=", "m.team_id")
          .on("pm.month", "=", month),
      )
      .where(activeOn("t", on))
      .where("m.started_on", "<=", last)
      .where((eb) => eb.or([eb("m.ended_on", "is", null), eb("m.ended_on", ">=", first)]))
      .where(inScope(scope, "v.id"));
  const regular = (q: ReturnType<typeof members>) =>
    q
      .select(["t.id as team_id", k])
      .distinct()
      .where(wholeMonth)
      .where((eb) => eb.not(onLeave));
  const [teams, lagging, absent, irregular] = await Promise.all([
    db
      .selectFrom("teams as t")
      .innerJoin("villages as v", "v.id", "t.village_id")
      .select((eb) => [k, eb.fn.countAll<number>().as("n")])
      .where(activeOn("t", on))
      .where(inScope(scope, "v.id"))
      .groupBy(sql.ref(keyColumn(key)))
      .execute(),
    // Members with some days this month, fewer than due (found through the day-count index)…
    dueSoFar > 0
      ? regular(members())
          .where("pm.month", "=", month)
          .where("pm.day_count", "<", dueSoFar)
          .execute()
      : [],
    // …and members without a single day yet (checked before the joins: most have days).
    dueSoFar > 0
      ? regular(members())
          .where(
            sql<SqlBool>`not exists (select 1 from presence_months p2 where p2.cadre_id = m.cadre_id
              and p2.team_id = m.team_id and p2.month = ${month})`,
          )
          .execute()
      : [],
    members()
      .select(["t.id as team_id", "m.cadre_id", "m.started_on", "m.ended_on", "pm.days", k])
      .where((eb) => eb.or([eb.not(wholeMonth), onLeave]))
      .execute(),
  ]);
  const behind = [...lagging, ...absent];
  const leave = irregular.length
    ? await approvedLeave(db, [...new Set(irregular.map((m) => m.cadre_id))], first, last)
    : [];
  const behindTeams = new Map(behind.map((b) => [b.team_id, b.key]));
  for (const m of irregular) {
    if (behindTeams.has(m.team_id)) continue;
    const record = monthAttendance(
      {
        month,
        served: [{ from: m.started_on, to: m.ended_on }],
        presentDays: [],
        presentMask: m.days ?? 0,
        leave: leave
          .filter((l) => l.cadre_id === m.cadre_id)
          .map((l) => ({ startsOn: l.starts_on, endsOn: l.ends_on, returnedOn: l.returned_on })),
        today: on,
      },
      rules,
    );
    if (record.behind) behindTeams.set(m.team_id, m.key);
  }
  const byKey = new Map<string, { teams: number; teamsBehind: number }>();
  for (const t of teams) byKey.set(t.key, { teams: Number(t.n), teamsBehind: 0 });
  for (const k of behindTeams.values()) {
    const entry = byKey.get(k);
    if (entry) entry.teamsBehind++;
  }
  return { byKey, behindTeams: new Set(behindTeams.keys()) };
}

function combine(
  villages: ReturnType<typeof emptyVillageTotals>,
  work: WorkCounts = NO_WORK,
  teams = { teams: 0, teamsBehind: 0 },
): ProgressTotals {
  return {
    ...villages,
    ...work,
    ...teams,
    incidence:
      villages.agriculturalPopulation > 0
        ? villages.poorPeople / villages.agriculturalPopulation
        : 0,
  };
}

function emptyVillageTotals() {
  return {
    villages: 0,
    exited: 0,
    readyNotExited: 0,
    atRisk: 0,
    agriculturalPopulation: 0,
    poorHouseholds: 0,
    poorPeople: 0,
  };
}

function sumTotals(rows: readonly ProgressTotals[]): ProgressTotals {
  const v = emptyVillageTotals();
  let work = NO_WORK;
  const teams = { teams: 0, teamsBehind: 0 };
  for (const r of rows) {
    for (const k of Object.keys(v) as (keyof typeof v)[]) v[k] += r[k];
    work = addCounts(work, r);
    teams.teams += r.teams;
    teams.teamsBehind += r.teamsBehind;
  }
  return combine(v, work, teams);
}

export interface DashboardRow extends ProgressTotals {
  id: string;
  name: string;
  /** The name's reading, shown beside it in English. */
  pinyin: string;
  nameSource: NameSource | null;
}

export interface AtRiskVillage {
  id: string;
  name: string;
  pinyin: string;
  nameSource: NameSource;
  townshipName: string;
  targetExitYear: number | null;
  incidence: number;
  blocking: ReadinessItem[];
}

export const AT_RISK_SHOWN = 25;
export const MATRIX_PAGE = 40;

export interface DashboardPage {
  on: string;
  year: number;
  filters: DashboardFilters;
  /** The township drilled into (always the leader's own for a township leader), else null. */
  township: { id: string; name: string } | null;
  canChooseTownship: boolean;
  headline: ProgressTotals;
  householdsExitedTotal: number;
  rowKind: Key;
  rows: DashboardRow[];
  atRisk: AtRiskVillage[];
  years: TrendPoint[];
  months: TrendPoint[];
  monthYear: number;
  matrix: {
    counts: Record<OfficialKind, Record<MatrixCell, number>>;
    rows: {
      id: string;
      name: string;
      pinyin: string;
      nameSource: NameSource;
      cells: Record<OfficialKind, MatrixCell>;
    }[];
    total: number;
    page: number;
    pages: number;
    show: MatrixShow | null;
  };
  week: { week: string; teams: number; submitted: number; late: number; missing: number };
  pendingLeave: number;
  exits: ExitProcedureCounts;
  /** The county's incidence standard in effect (a ratio). */
  incidenceThreshold: number;
  options: { townships: { id: string; name: string }[]; targetYears: number[] };
}

export interface DashboardView {
  trendYear?: number;
  page?: number;
  show?: MatrixShow;
}

export function dashboardView(url: URL): DashboardView {
  const num = (name: string) => {
    const n = Number(url.searchParams.get(name));
    return Number.isInteger(n) && n > 0 ? n : undefined;
  };
  return {
    trendYear: num("year"),
    page: num("page"),
    show: parseMatrixShow(url.searchParams.get("show")) ?? undefined,
  };
}

/** The at-risk rule in the database: not exited, blocked, and due this year or earlier. */
function atRiskWhere(year: number) {
  return sql<SqlBool>`v.exit_status not in ('exited', 'consolidating') and vp.ready = 0
    and p.target_exit_year <= ${year}`;
}

async function villagesAtRisk(scope: Scope, year: number, limit: number | undefined) {
  const rows = await db
    .selectFrom("villages as v")
    .innerJoin("townships as tw", "tw.id", "v.township_id")
    .innerJoin("village_progress as vp", "vp.village_id", "v.id")
    .innerJoin("exit_plans as p", "p.village_id", "v.id")
    .select([
      "v.id",
      "v.name_zh",
      "v.name_pinyin",
      "v.name_source",
      "tw.name_zh as township_name",
      "p.target_exit_year",
      "v.poor_people",
      "v.agricultural_population",
      "vp.blocking",
    ])
    .where(atRiskWhere(year))
    .where(inScope(scope, "v.id"))
    .orderBy("p.target_exit_year")
    .orderBy("tw.code")
    .orderBy("v.code")
    .$if(limit !== undefined, (q) => q.limit(limit!))
    .execute();
  return rows.map((v) => ({
    id: v.id,
    name: v.name_zh,
    pinyin: v.name_pinyin,
    nameSource: v.name_source,
    townshipName: v.township_name,
    targetExitYear: v.target_exit_year,
    incidence: v.agricultural_population > 0 ? v.poor_people / v.agricultural_population : 0,
    blocking: JSON.parse(v.blocking) as ReadinessItem[],
  }));
}

/** Trends from the history's changes, added up per year and per month in the database. */
async function trends(scope: Scope, year: number, askedYear: number | undefined) {
  // Summed per day first (in day order, from village_history_day_idx on SQLite), then per year
  // or month over those few rows: `substr` and the grouping on every change row cost more.
  const period = (length: number) => sql<string>`substr(d.day, 1, ${sql.lit(length)})`;
  const sums = (length: number, days?: { from: string; to: string }) =>
    db
      .selectFrom((eb) =>
        eb
          .selectFrom("village_history")
          .select((eb) => [
            "day",
            eb.fn.sum<number>("exited_change").as("exited"),
            eb.fn.sum<number>("poor_people_change").as("poor"),
            eb.fn.sum<number>("population_change").as("population"),
          ])
          .where(inScope(scope, "village_id"))
          .$if(days !== undefined, (q) =>
            q.where("day", ">=", days!.from).where("day", "<=", days!.to),
          )
          .groupBy("day")
          .as("d"),
      )
      .select((eb) => [
        period(length).as("period"),
        eb.fn.sum<number>("d.exited").as("exited"),
        eb.fn.sum<number>("d.poor").as("poor"),
        eb.fn.sum<number>("d.population").as("population"),
      ])
      .groupBy(period(length))
      .execute();
  const [byYear, planned] = await Promise.all([
    sums(4),
    db
      .selectFrom("exit_plans")
      .select((eb) => ["target_exit_year", eb.fn.countAll<number>().as("n")])
      .where(inScope(scope, "village_id"))
      .groupBy("target_exit_year")
      .execute(),
  ]);
  const changes = (rows: typeof byYear) =>
    rows.map((r) => ({
      period: r.period,
      exited: Number(r.exited),
      poorPeople: Number(r.poor),
      population: Number(r.population),
    }));
  const yearChanges = changes(byYear);
  const firstYear = Math.min(year, ...yearChanges.map((c) => Number(c.period)));
  const lastChange = Math.max(
    firstYear,
    ...yearChanges.filter((c) => c.exited || c.poorPeople).map((c) => Number(c.period)),
  );
  // By month: the year asked for, else this year, or the last year exits or poor figures changed
  // if they have not changed yet this year.
  const monthYear =
    askedYear && askedYear >= firstYear && askedYear <= year
      ? askedYear
      : Math.min(year, lastChange);
  const monthChanges = changes(
    await sums(7, { from: `${monthYear}-01-01`, to: `${monthYear}-12-31` }),
  );
  // Plans name a year: a month's planned figure is what the plans want by the end of its year.
  const plannedBy = (p: string) =>
    planned.reduce(
      (n, r) => n + (r.target_exit_year <= Number(p.slice(0, 4)) ? Number(r.n) : 0),
      0,
    );
  const years = trendFromChanges(yearChanges, yearPeriods(firstYear, year), plannedBy);
  const before = { exited: 0, poorPeople: 0, population: 0 };
  for (const c of yearChanges.filter((c) => Number(c.period) < monthYear)) {
    before.exited += c.exited;
    before.poorPeople += c.poorPeople;
    before.population += c.population;
  }
  const months = trendFromChanges(
    monthChanges,
    monthPeriods(monthYear, scope.on),
    plannedBy,
    before,
  );
  return { years, months, monthYear, firstYear };
}

/** The matrix rows a filter keeps, over the readiness record's indicator states. */
function matrixWhere(show: MatrixShow) {
  const code = CELL_CODE[show.state];
  if (show.indicator) {
    const position = MATRIX_KINDS.indexOf(show.indicator) + 1;
    return sql<SqlBool>`substr(vp.cells, ${position}, 1) = ${code}`;
  }
  return show.state === "met"
    ? sql<SqlBool>`vp.cells = ${code.repeat(MATRIX_KINDS.length)}`
    : // The codes (M, X, ?) are no LIKE wildcards, and cells hold nothing else.
      sql<SqlBool>`vp.cells like ${`%${code}%`}`;
}

/** Whether one readiness record's indicator states pass the matrix's filter: `matrixWhere` in JS. */
function matrixKeeps(show: MatrixShow, cells: string) {
  const code = CELL_CODE[show.state];
  if (show.indicator) return cells.charAt(MATRIX_KINDS.indexOf(show.indicator)) === code;
  return show.state === "met" ? cells === code.repeat(MATRIX_KINDS.length) : cells.includes(code);
}

async function matrix(scope: Scope, view: DashboardView, whole: boolean) {
  const show = view.show;
  const filtered = () =>
    db
      .selectFrom("villages as v")
      .innerJoin("village_progress as vp", "vp.village_id", "v.id")
      .where(inScope(scope, "v.id"))
      .$if(show !== undefined, (q) => q.where(matrixWhere(show!)));
  // The counts and the filter's total from one row per distinct set of states (about 1,100 of
  // them for the province's 8,000 villages), added up here: 18 `substr` sums over every village
  // and a second count took 10 ms on SQLite and 15 on PostgreSQL, this 3. Every readiness record
  // names a village (a foreign key), so the scope needs no join to villages.
  const kinds = await db
    .selectFrom("village_progress as vp")
    .select((eb) => ["vp.cells", eb.fn.countAll<number>().as("villages")])
    .where(inScope(scope, "vp.village_id"))
    .groupBy("vp.cells")
    .execute();
  const counts = Object.fromEntries(
    MATRIX_KINDS.map((kind) => [kind, { met: 0, not_met: 0, not_measured: 0 }]),
  ) as Record<OfficialKind, Record<MatrixCell, number>>;
  let n = 0;
  for (const { cells, villages } of kinds) {
    const count = Number(villages);
    MATRIX_KINDS.forEach((kind, i) => {
      const code = cells.charAt(i);
      const state =
        code === CELL_CODE.met ? "met" : code === CELL_CODE.not_met ? "not_met" : "not_measured";
      counts[kind][state] += count;
    });
    if (!show || matrixKeeps(show, cells)) n += count;
  }
  const pageSize = whole ? Math.max(1, n) : MATRIX_PAGE;
  const pages = Math.max(1, Math.ceil(n / pageSize));
  const page = Math.min(view.page ?? 1, pages);
  const rows = await filtered()
    .innerJoin("townships as tw", "tw.id", "v.township_id")
    .select(["v.id", "v.name_zh", "v.name_pinyin", "v.name_source", "vp.cells"])
    .orderBy("tw.code")
    .orderBy("v.code")
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  return {
    counts,
    rows: rows.map((r) => ({
      id: r.id,
      name: r.name_zh,
      pinyin: r.name_pinyin,
      nameSource: r.name_source,
      cells: decodeCells(r.cells),
    })),
    total: n,
    page,
    pages,
    show: show ?? null,
  };
}

/**
 * Whose dashboard a request asks for, before any figure is worked out: the county's (township
 * null), or one township's the viewer may see; null when it names one they may not (a 404), as
 * `dashboard` decides. The export answers with this and works the figures out as it streams.
 */
export async function dashboardScope(
  viewer: Viewer,
  filters: DashboardFilters,
): Promise<{ township: { id: string; name: string } | null } | null> {
  const townshipId = scopeTownship(viewer, filters);
  if (townshipId === null) return { township: null };
  const row = await db
    .selectFrom("townships")
    .select(["id", "name_zh"])
    .where("id", "=", townshipId)
    .executeTakeFirst();
  if (!row || !can(viewer, "read:dashboard", { townshipId: row.id })) return null;
  return { township: { id: row.id, name: row.name_zh } };
}

/**
 * The dashboard for a viewer, or null for a township they may not see. `whole` lists every
 * village at risk and every matrix row instead of the first ones and a page (the .xlsx export).
 */
export async function dashboard(
  viewer: Viewer,
  filters: DashboardFilters,
  view: DashboardView,
  rules: Pick<
    TeamRules,
    "daysPerMonth" | "reportDueWeekday" | "reportDueHour" | "incidenceThresholdPercent"
  >,
  on = today(),
  whole = false,
): Promise<DashboardPage | null> {
  // Readiness judged by the exit standards in effect today (refreshed once after a change).
  await ensureProgressCurrent(db);
  const scope = await scopeOf(viewer, filters, on);
  const townships = (
    await db
      .selectFrom("townships")
      .select(["id", "name_zh", "name_pinyin", "code"])
      .orderBy("code")
      .execute()
  ).filter((t) => can(viewer, "read:dashboard", { townshipId: t.id }));
  const township = scope.townshipId ? townships.find((t) => t.id === scope.townshipId) : null;
  if (scope.townshipId && !township) return null;

  const year = Number(on.slice(0, 4));
  const key: Key = township ? "village" : "township";
  const week = weekOf(on);
  const [villageRows, work, attendance, atRisk, trend, matrixPage, reports, targetYears, names] =
    await Promise.all([
      villageTotals(scope, key, year),
      workCounts(scope, key),
      teamAttendance(scope, key, rules),
      villagesAtRisk(scope, year, whole ? undefined : AT_RISK_SHOWN),
      trends(scope, year, view.trendYear),
      matrix(scope, view, whole),
      // This week's team reports: one row per team serving this week, with its first submission.
      db
        .selectFrom("teams as t")
        .leftJoin("weekly_reports as r", (j) =>
          j.onRef("r.team_id", "=", "t.id").on("r.week_of", "=", week),
        )
        .select("r.submitted_at")
        .where("t.started_on", "<=", addDays(week, 6))
        .where((eb) => eb.or([eb("t.ended_on", "is", null), eb("t.ended_on", ">=", week)]))
        .where(inScope(scope, "t.village_id"))
        .execute(),
      db
        .selectFrom("exit_plans")
        .select("target_exit_year")
        .distinct()
        .orderBy("target_exit_year")
        .execute(),
      township
        ? db
            .selectFrom("villages")
            .select(["id", "name_zh", "name_pinyin", "name_source"])
            .where("township_id", "=", township.id)
            .orderBy("code")
            .execute()
        : Promise.resolve([]),
    ]);

  const rowOf = (
    place: { id: string; name_zh: string; name_pinyin: string },
    nameSource: NameSource | null,
  ): DashboardRow => ({
    id: place.id,
    name: place.name_zh,
    pinyin: place.name_pinyin,
    nameSource,
    ...combine(
      villageRows.get(place.id) ?? emptyVillageTotals(),
      work.work.get(place.id),
      attendance.byKey.get(place.id),
    ),
  });
  const rows = township
    ? names.filter((v) => villageRows.has(v.id)).map((v) => rowOf(v, v.name_source))
    : townships.filter((t) => villageRows.has(t.id)).map((t) => rowOf(t, null));

  const exits = await exitProcedure(viewer, scope, on);
  const dueAt = reportDueAt(week, rules);
  const now = nowIso();
  const statuses = reports.map((r) => reportStatus(r.submitted_at, dueAt, now));
  return {
    on,
    year,
    filters,
    township: township ? { id: township.id, name: township.name_zh } : null,
    canChooseTownship: hasCountyWide(viewer, "read:dashboard"),
    headline: sumTotals(rows),
    householdsExitedTotal: work.householdsExitedTotal,
    rowKind: key,
    rows,
    atRisk,
    years: trend.years,
    months: trend.months,
    monthYear: trend.monthYear,
    matrix: matrixPage,
    week: {
      week,
      teams: statuses.length,
      submitted: statuses.filter((s) => s === "on_time" || s === "late").length,
      late: statuses.filter((s) => s === "late").length,
      missing: statuses.filter((s) => s === "missing").length,
    },
    pendingLeave: work.pendingLeave,
    exits,
    incidenceThreshold: rules.incidenceThresholdPercent / 100,
    options: {
      townships: townships.map((t) => ({ id: t.id, name: t.name_zh })),
      targetYears: targetYears.map((t) => t.target_exit_year),
    },
  };
}

/** Where a village waits in its exit procedure (the notice judged by the length it was opened with). */
async function exitStageOf(
  v: { exit_step: VillageExitRecord | null; exit_step_on: string | null },
  on: string,
): Promise<{ stage: WaitingStage | null; since: string | null }> {
  const noticeDays =
    v.exit_step === "notice" && v.exit_step_on
      ? (await teamRulesOn(v.exit_step_on)).villageNoticeDays
      : 0;
  const stage = waitingStage(v.exit_step, v.exit_step_on, on, noticeDays);
  const since =
    stage === "decision" && v.exit_step_on ? addDays(v.exit_step_on, noticeDays) : v.exit_step_on;
  return { stage, since };
}

export type ExitProcedureCounts = Record<
  WaitingStage,
  { villages: number; longestDays: number | null }
> & { overridden: number };

/** How many villages wait at each step of the exit procedure, and the longest wait in days. */
async function exitProcedure(
  viewer: Viewer,
  scope: Scope,
  on: string,
): Promise<ExitProcedureCounts> {
  const rows = await db
    .selectFrom("villages as v")
    .select(["v.id", "v.township_id", "v.exit_step", "v.exit_step_on", "v.exit_overridden"])
    .where(inScope(scope, "v.id"))
    .where("v.deactivated_at", "is", null)
    .where((eb) =>
      eb.or([
        eb("v.exit_step", "in", ["proposal", "township_review", "notice"]),
        eb("v.exit_overridden", "=", 1),
      ]),
    )
    .execute();
  const counts = {
    ...Object.fromEntries(
      WAITING_STAGES.map((s) => [s, { villages: 0, longestDays: null as number | null }]),
    ),
    overridden: 0,
  } as ExitProcedureCounts;
  for (const r of rows) {
    if (!can(viewer, "read:dashboard", { townshipId: r.township_id, villageId: r.id })) continue;
    if (r.exit_overridden) counts.overridden += 1;
    const { stage, since } = await exitStageOf(r, on);
    if (!stage || !since) continue;
    const entry = counts[stage];
    entry.villages += 1;
    entry.longestDays = Math.max(entry.longestDays ?? 0, Math.max(0, daysBetween(since, on)));
  }
  return counts;
}

/** One village's record on the lists behind the figures. */
export interface FigureVillage {
  id: string;
  name: string;
  pinyin: string;
  nameSource: NameSource;
  townshipName: string;
  exitStatus: ExitStatus;
  incidence: number;
  overdueMilestones: number;
  openCases: number;
  blocking: ReadinessItem[];
}

/**
 * The villages behind one dashboard figure (same scope and filters as the dashboard). A trend's
 * figure names its period: the villages exited by its end (from their history, as the trend
 * counts them), or planned to exit by the end of its year.
 */
/**
 * A village's record as `inFigure` reads it. Its counts are copied field by field: a spread
 * (`{ ...counts, exited, … }`) of counts made two ways (NO_WORK, or a copy filled in) sent V8 down
 * a slow path, 8,000 villages' records taking 100–300 ms on the province instead of about one.
 */
function figureRecord(
  v: {
    ready: number;
    at_risk: number;
    poor_people: number;
    target_exit_year: number | null;
    exit_overridden: number;
  },
  counts: WorkCounts,
  exited: boolean,
  extra: {
    teamBehind: boolean | null;
    exitedBy: boolean;
    periodYear: number | null;
    exitStage: WaitingStage | null;
  },
) {
  return {
    overdueMilestones: counts.overdueMilestones,
    openCases: counts.openCases,
    overdueCases: counts.overdueCases,
    householdsExitedThisYear: counts.householdsExitedThisYear,
    exited,
    readyNotExited: !exited && v.ready === 1,
    atRisk: v.at_risk === 1,
    poorPeople: v.poor_people,
    teamBehind: extra.teamBehind,
    exitedBy: extra.exitedBy,
    plannedBy:
      extra.periodYear !== null &&
      v.target_exit_year !== null &&
      v.target_exit_year <= extra.periodYear,
    exitStage: extra.exitStage,
    exitOverridden: v.exit_overridden === 1,
  };
}

export async function figureList(
  viewer: Viewer,
  filters: DashboardFilters,
  figure: Figure,
  rules: Pick<TeamRules, "daysPerMonth">,
  on = today(),
  period?: { period: string; lastDay: string },
  requestedPage: string | null = null,
  pageSize = LIST_PAGE_SIZE,
) {
  await ensureProgressCurrent(db);
  const scope = await scopeOf(viewer, filters, on);
  const township = scope.townshipId
    ? await db
        .selectFrom("townships")
        .select(["id", "name_zh as name"])
        .where("id", "=", scope.townshipId)
        .executeTakeFirst()
    : null;
  if (
    scope.townshipId &&
    (!township || !can(viewer, "read:dashboard", { townshipId: township.id }))
  )
    return null;
  const year = Number(on.slice(0, 4));
  const [villages, work, attendance, exitedBy] = await Promise.all([
    db
      .selectFrom("villages as v")
      .innerJoin("townships as tw", "tw.id", "v.township_id")
      .innerJoin("village_progress as vp", "vp.village_id", "v.id")
      .leftJoin("exit_plans as p", "p.village_id", "v.id")
      .leftJoin("teams as t", (j) => j.onRef("t.village_id", "=", "v.id").on(activeOn("t", on)))
      .select([
        "v.id",
        "v.name_zh",
        "v.name_pinyin",
        "v.name_source",
        "v.township_id",
        "tw.name_zh as township_name",
        "v.exit_status",
        "v.poor_people",
        "v.agricultural_population",
        "vp.ready",
        "vp.blocking",
        "v.exit_step",
        "v.exit_step_on",
        "v.exit_overridden",
        "t.id as team_id",
        "p.target_exit_year",
        sql<number>`case when ${atRiskWhere(year)} then 1 else 0 end`.as("at_risk"),
      ])
      .where(inScope(scope, "v.id"))
      .orderBy("tw.code")
      .orderBy("v.code")
      .execute(),
    workCounts(scope, "village"),
    teamAttendance(scope, "village", rules),
    // Each village's last recorded state on or before the period's last day.
    period && figure === "exited_by"
      ? db
          .selectFrom("village_history as h")
          .select("h.village_id")
          .where(inScope(scope, "h.village_id"))
          .where("h.exit_status", "in", EXITED)
          .where("h.day", "=", (eb) =>
            eb
              .selectFrom("village_history as l")
              .select((e) => e.fn.max("l.day").as("day"))
              .whereRef("l.village_id", "=", "h.village_id")
              .where("l.day", "<=", period.lastDay),
          )
          .execute()
      : Promise.resolve([]),
  ]);
  const exitedIds = new Set(exitedBy.map((r) => r.village_id));
  const periodYear = period ? Number(period.period.slice(0, 4)) : null;
  const matching: { village: (typeof villages)[number]; exited: boolean; counts: WorkCounts }[] =
    [];
  const byStage = figure.startsWith("exit_");
  for (const v of villages) {
    if (!can(viewer, "read:dashboard", { townshipId: v.township_id, villageId: v.id })) continue;
    const exited = EXITED.includes(v.exit_status as (typeof EXITED)[number]);
    const counts = work.work.get(v.id) ?? NO_WORK;
    const record = figureRecord(v, counts, exited, {
      teamBehind: v.team_id ? attendance.behindTeams.has(v.team_id) : null,
      exitedBy: exitedIds.has(v.id),
      periodYear,
      exitStage: byStage ? (await exitStageOf(v, on)).stage : null,
    });
    if (inFigure(figure, record)) matching.push({ village: v, exited, counts });
  }
  // A page of the list; only its villages' blocking items are read out of their JSON.
  const page = pageOf(matching, requestedPage, pageSize);
  const list: FigureVillage[] = page.rows.map(({ village: v, exited, counts }) => ({
    id: v.id,
    name: v.name_zh,
    pinyin: v.name_pinyin,
    nameSource: v.name_source,
    townshipName: v.township_name,
    exitStatus: v.exit_status,
    incidence: v.agricultural_population > 0 ? v.poor_people / v.agricultural_population : 0,
    overdueMilestones: counts.overdueMilestones,
    openCases: counts.openCases,
    blocking: exited ? [] : (JSON.parse(v.blocking) as ReadinessItem[]),
  }));
  return {
    figure,
    township: township ?? null,
    villages: list,
    total: matching.length,
    page: { page: page.page, pages: page.pages, from: page.start + 1, to: page.end },
  };
}
