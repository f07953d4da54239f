/**
 * The county and township dashboard: one record per village in the viewer's scope, gathered with
 * a fixed number of grouped queries whatever the number of villages, then added up by the pure
 * functions in `utils/progress`. Township leaders see their township only; the filters narrow it.
 */
import { sql, type SqlBool } from "kysely";
import type { NameSource, UnitLevel, VillageType } from "../../db/schema";
import { UNIT_LEVELS, VILLAGE_TYPES } from "../../db/schema";
import { db } from "~/db.server";
import { attendanceForTeams } from "~/models/attendance.server";
import { activeOn } from "~/models/periods.server";
import { weekOverview } from "~/models/weekly-report.server";
import { can, hasCountyWide, type Viewer } from "~/permissions";
import { isFinished } from "~/utils/boards";
import { today } from "~/utils/dates";
import {
  INCIDENCE_THRESHOLD,
  OFFICIAL_INDICATORS,
  REMAINING_POOR,
  incidence,
  type ReadinessIndicator,
  type ReadinessItem,
} from "~/utils/exit-rules";
import {
  monthPeriods,
  totals,
  totalsBy,
  trend,
  villageProgress,
  yearPeriods,
  type HistoryPoint,
  type ProgressTotals,
  type ProgressVillage,
  type TrendPoint,
  type VillageProgress,
} from "~/utils/progress";
import {
  inFigure,
  MATRIX_KINDS,
  type Figure,
  type MatrixCell,
  type OfficialKind,
} from "~/utils/dashboard-columns";
import { weekOf, type TeamRules } from "~/utils/team-rules";
import { CASE_COLUMNS } from "../../db/schema";

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

/** Official indicators other than incidence (which is computed from the roster). */
const CHECKED_KINDS = OFFICIAL_INDICATORS.filter((d) => !d.computed).map((d) => d.kind);

/** `isMet` (utils/exit-rules) as SQL, so that only villages' met indicators leave the database. */
export function metSql() {
  return sql<SqlBool>`(current_value is not null and (
    (comparison = 'yes' and current_value >= 1) or
    (comparison = 'below' and threshold is not null and current_value < threshold) or
    (comparison = 'at_least' and threshold is not null and current_value >= threshold)))`;
}

const OPEN_CASE_COLUMNS = CASE_COLUMNS.filter((c) => !isFinished("case", c));

export interface DashboardVillage extends VillageProgress {
  nameSource: NameSource;
  townshipName: string;
  townshipCode: string;
  code: string;
  teamId: string | null;
  /** Met official indicators (incidence included). */
  cells: Record<OfficialKind, MatrixCell>;
}

/**
 * Every village the viewer may see on the dashboard, with its progress record. `on` is today
 * (China time); "this year" and "this month" follow it.
 */
export async function dashboardVillages(
  viewer: Viewer,
  filters: DashboardFilters,
  rules: Pick<TeamRules, "daysPerMonth">,
  on = today(),
): Promise<DashboardVillage[]> {
  const year = Number(on.slice(0, 4));
  const month = on.slice(0, 7);
  const townshipId = scopeTownship(viewer, filters);

  const villageRows = await db
    .selectFrom("villages as v")
    .innerJoin("townships as tw", "tw.id", "v.township_id")
    .leftJoin("exit_plans as p", "p.village_id", "v.id")
    .leftJoin("teams as t", (j) => j.onRef("t.village_id", "=", "v.id").on(activeOn("t", on)))
    .select([
      "v.id",
      "v.code",
      "v.name_zh",
      "v.name_source",
      "v.township_id",
      "tw.name_zh as township_name",
      "tw.code as township_code",
      "v.village_type",
      "v.exit_status",
      "v.agricultural_population",
      "v.poor_households",
      "v.poor_people",
      "p.target_exit_year",
      "t.id as team_id",
      "t.level as team_level",
    ])
    .$if(townshipId !== null, (q) => q.where("v.township_id", "=", townshipId!))
    .$if(filters.type !== undefined, (q) => q.where("v.village_type", "=", filters.type!))
    .$if(filters.level !== undefined, (q) => q.where("t.level", "=", filters.level!))
    .$if(filters.targetYear !== undefined, (q) =>
      q.where("p.target_exit_year", "=", filters.targetYear!),
    )
    .orderBy("tw.code")
    .orderBy("v.code")
    .execute();
  const visible = villageRows.filter((v) =>
    can(viewer, "read:dashboard", { townshipId: v.township_id, villageId: v.id }),
  );

  // Each of these reads one grouped row per village (or fewer), narrowed to the township if any.
  const [met, unmet, rosters, milestones, cases, exits, attendance] = await Promise.all([
    db
      .selectFrom("plan_indicators as i")
      .innerJoin("villages as v", "v.id", "i.village_id")
      .select(["i.village_id", sql<string>`group_concat(i.kind)`.as("kinds")])
      .where("i.kind", "in", CHECKED_KINDS)
      .where(metSql())
      .$if(townshipId !== null, (q) => q.where("v.township_id", "=", townshipId!))
      .groupBy("i.village_id")
      .execute(),
    db
      .selectFrom("plan_indicators as i")
      .innerJoin("villages as v", "v.id", "i.village_id")
      .select([
        "i.village_id",
        "i.kind",
        "i.name",
        "i.comparison",
        "i.threshold",
        "i.current_value",
      ])
      .where("i.kind", "in", CHECKED_KINDS)
      .where((eb) => eb.not(metSql()))
      .$if(townshipId !== null, (q) => q.where("v.township_id", "=", townshipId!))
      .execute(),
    db
      .selectFrom("villages as v")
      .select("v.id")
      .where(({ exists, selectFrom }) =>
        exists(selectFrom("households as h").select("h.id").whereRef("h.village_id", "=", "v.id")),
      )
      .$if(townshipId !== null, (q) => q.where("v.township_id", "=", townshipId!))
      .execute(),
    db
      .selectFrom("plan_milestones as m")
      .innerJoin("villages as v", "v.id", "m.village_id")
      .select(["m.village_id", (eb) => eb.fn.countAll<number>().as("n")])
      .where("m.status", "in", ["planned", "in_progress"])
      .where("m.due_on", "<", on)
      .$if(townshipId !== null, (q) => q.where("v.township_id", "=", townshipId!))
      .groupBy("m.village_id")
      .execute(),
    db
      .selectFrom("cards as c")
      .innerJoin("villages as v", "v.id", "c.village_id")
      .select((eb) => [
        "c.village_id",
        eb.fn.countAll<number>().as("open"),
        eb.fn.sum<number>(eb.case().when("c.due_on", "<", on).then(1).else(0).end()).as("overdue"),
      ])
      .where("c.board", "=", "case")
      .where("c.archived_at", "is", null)
      .where("c.column_key", "in", OPEN_CASE_COLUMNS)
      .$if(townshipId !== null, (q) => q.where("v.township_id", "=", townshipId!))
      .groupBy("c.village_id")
      .execute(),
    db
      .selectFrom("households as h")
      .innerJoin("villages as v", "v.id", "h.village_id")
      .select(["h.village_id", (eb) => eb.fn.countAll<number>().as("n")])
      .where("h.exit_year", "=", year)
      .where("h.status", "not in", REMAINING_POOR)
      .$if(townshipId !== null, (q) => q.where("v.township_id", "=", townshipId!))
      .groupBy("h.village_id")
      .execute(),
    attendanceForTeams(
      db,
      townshipId === null ? "all" : visible.flatMap((v) => (v.team_id ? [v.team_id] : [])),
      month,
      rules,
      on,
    ),
  ]);

  const metBy = new Map(met.map((m) => [m.village_id, new Set(m.kinds.split(","))]));
  const unmetBy = new Map<string, typeof unmet>();
  for (const row of unmet) {
    const list = unmetBy.get(row.village_id);
    if (list) list.push(row);
    else unmetBy.set(row.village_id, [row]);
  }
  const withRoster = new Set(rosters.map((r) => r.id));
  const milestonesBy = new Map(milestones.map((m) => [m.village_id, Number(m.n)]));
  const casesBy = new Map(cases.map((c) => [c.village_id, c]));
  const exitsBy = new Map(exits.map((e) => [e.village_id, Number(e.n)]));
  const behindTeams = new Set<string>();
  const servingTeams = new Set<string>();
  for (const record of attendance) {
    servingTeams.add(record.teamId);
    if (record.behind) behindTeams.add(record.teamId);
  }

  return visible.map((v) => {
    const metKinds = metBy.get(v.id) ?? new Set<string>();
    const rows = unmetBy.get(v.id) ?? [];
    const hasRoster = withRoster.has(v.id);
    const openIndicators: ReadinessIndicator[] = [];
    const cells = {} as Record<OfficialKind, MatrixCell>;
    const rate = hasRoster
      ? incidence({
          poorPeople: v.poor_people,
          poorHouseholds: v.poor_households,
          agriculturalPopulation: v.agricultural_population,
        })
      : null;
    cells.poverty_incidence =
      rate === null ? "not_measured" : rate < INCIDENCE_THRESHOLD ? "met" : "not_met";
    for (const definition of OFFICIAL_INDICATORS) {
      if (definition.computed) continue;
      if (metKinds.has(definition.kind)) {
        cells[definition.kind] = "met";
        continue;
      }
      const row = rows.find((r) => r.kind === definition.kind);
      const indicator: ReadinessIndicator = row
        ? {
            kind: row.kind,
            name: row.name,
            comparison: row.comparison,
            threshold: row.threshold,
            currentValue: row.current_value,
          }
        : {
            kind: definition.kind,
            name: null,
            comparison: definition.comparison,
            threshold: definition.threshold,
            currentValue: null,
          };
      openIndicators.push(indicator);
      cells[definition.kind] = indicator.currentValue === null ? "not_measured" : "not_met";
    }
    const caseCounts = casesBy.get(v.id);
    const record: ProgressVillage = {
      id: v.id,
      nameZh: v.name_zh,
      townshipId: v.township_id,
      type: v.village_type,
      teamLevel: v.team_level,
      exitStatus: v.exit_status,
      agriculturalPopulation: v.agricultural_population,
      poorHouseholds: v.poor_households,
      poorPeople: v.poor_people,
      targetExitYear: v.target_exit_year,
      hasRoster,
      openIndicators,
      overdueMilestones: milestonesBy.get(v.id) ?? 0,
      openCases: Number(caseCounts?.open ?? 0),
      overdueCases: Number(caseCounts?.overdue ?? 0),
      householdsExitedThisYear: exitsBy.get(v.id) ?? 0,
      teamBehind: v.team_id && servingTeams.has(v.team_id) ? behindTeams.has(v.team_id) : null,
    };
    return {
      ...villageProgress(record, year),
      nameSource: v.name_source,
      townshipName: v.township_name,
      townshipCode: v.township_code,
      code: v.code,
      teamId: v.team_id,
      cells,
    };
  });
}

/** The township the dashboard is narrowed to: a township leader's own, or the one chosen. */
export function scopeTownship(viewer: Viewer, filters: DashboardFilters): string | null {
  if (!hasCountyWide(viewer, "read:dashboard")) return viewer.townshipId ?? "\u0000none";
  return filters.townshipId ?? null;
}

export interface DashboardRow extends ProgressTotals {
  id: string;
  name: string;
  nameSource: NameSource | null;
}

export interface AtRiskVillage {
  id: string;
  name: string;
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
  rowKind: "township" | "village";
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
      nameSource: NameSource;
      cells: Record<OfficialKind, MatrixCell>;
    }[];
    total: number;
    page: number;
    pages: number;
    indicator: OfficialKind | null;
    state: MatrixCell | null;
  };
  week: { week: string; teams: number; submitted: number; late: number; missing: number };
  pendingLeave: number;
  options: { townships: { id: string; name: string }[]; targetYears: number[] };
}

export interface DashboardView {
  trendYear?: number;
  page?: number;
  indicator?: OfficialKind;
  state?: MatrixCell;
}

export function dashboardView(url: URL): DashboardView {
  const num = (name: string) => {
    const n = Number(url.searchParams.get(name));
    return Number.isInteger(n) && n > 0 ? n : undefined;
  };
  const indicator = url.searchParams.get("indicator");
  const state = url.searchParams.get("state");
  return {
    trendYear: num("year"),
    page: num("page"),
    indicator: MATRIX_KINDS.includes(indicator as OfficialKind)
      ? (indicator as OfficialKind)
      : undefined,
    state: ["met", "not_met", "not_measured"].includes(state ?? "")
      ? (state as MatrixCell)
      : undefined,
  };
}

/**
 * The dashboard for a viewer. `whole` lists every village at risk and every matrix row instead of
 * the first ones and a page (the .xlsx export).
 */
export async function dashboard(
  viewer: Viewer,
  filters: DashboardFilters,
  view: DashboardView,
  rules: Pick<TeamRules, "daysPerMonth" | "reportDueWeekday" | "reportDueHour">,
  on = today(),
  whole = false,
): Promise<DashboardPage | null> {
  const townshipId = scopeTownship(viewer, filters);
  const townshipOptions = await db
    .selectFrom("townships")
    .select(["id", "name_zh", "code"])
    .orderBy("code")
    .execute();
  const townships = townshipOptions.filter((t) =>
    can(viewer, "read:dashboard", { townshipId: t.id }),
  );
  const township = townshipId ? townships.find((t) => t.id === townshipId) : null;
  if (townshipId && !township) return null;

  const year = Number(on.slice(0, 4));
  const [villages, historyRows, pending, week, exitedTotal, targetYears] = await Promise.all([
    dashboardVillages(viewer, filters, rules, on),
    db
      .selectFrom("village_history as h")
      .innerJoin("villages as v", "v.id", "h.village_id")
      .select([
        "h.village_id",
        "h.day",
        "h.exit_status",
        "h.poor_people",
        "h.agricultural_population",
      ])
      .$if(townshipId !== null, (q) => q.where("v.township_id", "=", townshipId!))
      .orderBy("h.village_id")
      .orderBy("h.day")
      .execute(),
    db
      .selectFrom("leave_requests as l")
      .innerJoin("teams as t", "t.id", "l.team_id")
      .innerJoin("villages as v", "v.id", "t.village_id")
      .select(["t.village_id", (eb) => eb.fn.countAll<number>().as("n")])
      .where("l.status", "=", "pending")
      .$if(townshipId !== null, (q) => q.where("v.township_id", "=", townshipId!))
      .groupBy("t.village_id")
      .execute(),
    weekOverview(viewer, weekOf(on), rules),
    db
      .selectFrom("households as h")
      .innerJoin("villages as v", "v.id", "h.village_id")
      .select(["h.village_id", (eb) => eb.fn.countAll<number>().as("n")])
      .where("h.exit_year", "is not", null)
      .where("h.status", "not in", REMAINING_POOR)
      .$if(townshipId !== null, (q) => q.where("v.township_id", "=", townshipId!))
      .groupBy("h.village_id")
      .execute(),
    db
      .selectFrom("exit_plans")
      .select("target_exit_year")
      .distinct()
      .orderBy("target_exit_year")
      .execute(),
  ]);
  const ids = new Set(villages.map((v) => v.id));
  const inScope = (row: { village_id: string }) => ids.has(row.village_id);

  const rowKind = township ? "village" : "township";
  const grouped = totalsBy(villages, (v) => (township ? v.id : v.townshipId));
  const rows: DashboardRow[] = township
    ? villages.map((v) => ({
        id: v.id,
        name: v.nameZh,
        nameSource: v.nameSource,
        ...grouped.get(v.id)!,
      }))
    : townships
        .filter((t) => grouped.has(t.id))
        .map((t) => ({ id: t.id, name: t.name_zh, nameSource: null, ...grouped.get(t.id)! }));

  const atRisk = villages
    .filter((v) => v.atRisk)
    .sort(
      (a, b) =>
        (a.targetExitYear ?? 0) - (b.targetExitYear ?? 0) ||
        b.blocking.length - a.blocking.length ||
        a.townshipCode.localeCompare(b.townshipCode) ||
        a.code.localeCompare(b.code),
    )
    .slice(0, whole ? undefined : AT_RISK_SHOWN)
    .map((v) => ({
      id: v.id,
      name: v.nameZh,
      nameSource: v.nameSource,
      townshipName: v.townshipName,
      targetExitYear: v.targetExitYear,
      incidence: v.agriculturalPopulation > 0 ? v.poorPeople / v.agriculturalPopulation : 0,
      blocking: v.blocking,
    }));

  const history: HistoryPoint[] = [];
  let firstYear = year;
  for (const h of historyRows) {
    if (!inScope(h)) continue;
    history.push({
      villageId: h.village_id,
      day: h.day,
      exitStatus: h.exit_status,
      poorPeople: h.poor_people,
      agriculturalPopulation: h.agricultural_population,
    });
    firstYear = Math.min(firstYear, Number(h.day.slice(0, 4)));
  }
  const planned = new Map<number, number>();
  for (const v of villages) {
    if (v.targetExitYear !== null) {
      planned.set(v.targetExitYear, (planned.get(v.targetExitYear) ?? 0) + 1);
    }
  }
  const plannedBy = (period: string) => {
    let n = 0;
    for (const [y, count] of planned) if (y <= Number(period)) n += count;
    return n;
  };
  const monthYear =
    view.trendYear && view.trendYear >= firstYear && view.trendYear <= year ? view.trendYear : year;

  const counts = Object.fromEntries(
    MATRIX_KINDS.map((k) => [k, { met: 0, not_met: 0, not_measured: 0 }]),
  ) as Record<OfficialKind, Record<MatrixCell, number>>;
  for (const v of villages) for (const k of MATRIX_KINDS) counts[k][v.cells[k]]++;
  const matrixRows = villages.filter(
    (v) => !view.indicator || v.cells[view.indicator] === (view.state ?? "not_met"),
  );
  const pageSize = whole ? Math.max(1, matrixRows.length) : MATRIX_PAGE;
  const pages = Math.max(1, Math.ceil(matrixRows.length / pageSize));
  const page = Math.min(view.page ?? 1, pages);

  const weekTeams = week.teams.filter((t) => ids.has(t.team.villageId));
  return {
    on,
    year,
    filters,
    township: township ? { id: township.id, name: township.name_zh } : null,
    canChooseTownship: hasCountyWide(viewer, "read:dashboard"),
    headline: totals(villages),
    householdsExitedTotal: exitedTotal.filter(inScope).reduce((s, r) => s + Number(r.n), 0),
    rowKind,
    rows,
    atRisk,
    years: trend(history, yearPeriods(firstYear, year), plannedBy),
    months: trend(history, monthPeriods(monthYear, on)),
    monthYear,
    matrix: {
      counts,
      rows: matrixRows.slice((page - 1) * pageSize, page * pageSize).map((v) => ({
        id: v.id,
        name: v.nameZh,
        nameSource: v.nameSource,
        cells: v.cells,
      })),
      total: matrixRows.length,
      page,
      pages,
      indicator: view.indicator ?? null,
      state: view.indicator ? (view.state ?? "not_met") : null,
    },
    week: {
      week: week.week,
      teams: weekTeams.length,
      submitted: weekTeams.filter((t) => t.submittedAt !== null).length,
      late: weekTeams.filter((t) => t.status === "late").length,
      missing: weekTeams.filter((t) => t.status === "missing").length,
    },
    pendingLeave: pending.filter(inScope).reduce((s, r) => s + Number(r.n), 0),
    options: {
      townships: townships.map((t) => ({ id: t.id, name: t.name_zh })),
      targetYears: targetYears.map((t) => t.target_exit_year),
    },
  };
}

/** The villages behind one dashboard figure (same scope and filters as the dashboard). */
export async function figureList(
  viewer: Viewer,
  filters: DashboardFilters,
  figure: Figure,
  rules: Pick<TeamRules, "daysPerMonth">,
  on = today(),
) {
  const townshipId = scopeTownship(viewer, filters);
  const township = townshipId
    ? await db
        .selectFrom("townships")
        .select(["id", "name_zh as name"])
        .where("id", "=", townshipId)
        .executeTakeFirst()
    : null;
  if (townshipId && (!township || !can(viewer, "read:dashboard", { townshipId }))) return null;
  const villages = (await dashboardVillages(viewer, filters, rules, on)).filter((v) =>
    inFigure(figure, v),
  );
  return {
    figure,
    township: township ?? null,
    villages: villages.map((v) => ({
      id: v.id,
      name: v.nameZh,
      nameSource: v.nameSource,
      townshipName: v.townshipName,
      exitStatus: v.exitStatus,
      incidence: v.agriculturalPopulation > 0 ? v.poorPeople / v.agriculturalPopulation : 0,
      overdueMilestones: v.overdueMilestones,
      openCases: v.openCases,
      blocking: v.blocking,
    })),
  };
}
