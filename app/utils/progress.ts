/**
 * Exit progress at a glance (the dashboard): headline figures, the by-township table, villages at
 * risk and the trends, as pure functions over one record per village, so the figures are tested
 * on fixed data and the server only gathers the records. Readiness comes from `exit-rules`.
 */
import type { ExitStatus, UnitLevel, VillageType } from "../../db/schema";
import { readiness, type ReadinessIndicator, type ReadinessItem } from "~/utils/exit-rules";
import { hasExited } from "~/utils/village-list";

export interface ProgressVillage {
  id: string;
  nameZh: string;
  townshipId: string;
  type: VillageType;
  teamLevel: UnitLevel | null;
  exitStatus: ExitStatus;
  agriculturalPopulation: number;
  poorHouseholds: number;
  poorPeople: number;
  targetExitYear: number | null;
  /** Whether the village has a household roster at all (else readiness cannot be judged). */
  hasRoster: boolean;
  /** Its official indicators that are not met or not measured (others may be left out). */
  openIndicators: readonly ReadinessIndicator[];
  overdueMilestones: number;
  openCases: number;
  overdueCases: number;
  /** Households whose exit was announced in the dashboard's year. */
  householdsExitedThisYear: number;
  /** Whether its team is behind the in-village rule this month (null: no active team). */
  teamBehind: boolean | null;
}

export interface VillageProgress extends ProgressVillage {
  exited: boolean;
  /** What blocks the exit, in plain words (translation keys); empty when ready. */
  blocking: ReadinessItem[];
  /** Ready by the checklist but not yet announced as exited. */
  readyNotExited: boolean;
  atRisk: boolean;
}

/** Exit-ready: no blocking item on the readiness checklist (incidence, official indicators). */
export function villageProgress(village: ProgressVillage, year: number): VillageProgress {
  const exited = hasExited(village.exitStatus);
  const blocking = exited
    ? []
    : readiness(
        village.hasRoster
          ? {
              poorPeople: village.poorPeople,
              poorHouseholds: village.poorHouseholds,
              agriculturalPopulation: village.agriculturalPopulation,
            }
          : null,
        village.openIndicators,
        [],
        "",
      ).filter((item) => item.blocking);
  return {
    ...village,
    exited,
    blocking,
    readyNotExited: !exited && blocking.length === 0,
    atRisk: isAtRisk(village, exited, blocking, year),
  };
}

/**
 * At risk: not exited, due to exit this year or earlier by its plan, and still blocked by the
 * readiness checklist.
 */
export function isAtRisk(
  village: Pick<ProgressVillage, "targetExitYear">,
  exited: boolean,
  blocking: readonly ReadinessItem[],
  year: number,
): boolean {
  return (
    !exited &&
    village.targetExitYear !== null &&
    village.targetExitYear <= year &&
    blocking.length > 0
  );
}

export interface ProgressTotals {
  villages: number;
  exited: number;
  readyNotExited: number;
  atRisk: number;
  agriculturalPopulation: number;
  poorHouseholds: number;
  poorPeople: number;
  /** Poor people ÷ agricultural population of the villages counted (0 without population). */
  incidence: number;
  householdsExitedThisYear: number;
  overdueMilestones: number;
  openCases: number;
  overdueCases: number;
  /** Teams behind the in-village rule this month, of the teams counted. */
  teamsBehind: number;
  teams: number;
}

export function totals(villages: readonly VillageProgress[]): ProgressTotals {
  const t: ProgressTotals = {
    villages: 0,
    exited: 0,
    readyNotExited: 0,
    atRisk: 0,
    agriculturalPopulation: 0,
    poorHouseholds: 0,
    poorPeople: 0,
    incidence: 0,
    householdsExitedThisYear: 0,
    overdueMilestones: 0,
    openCases: 0,
    overdueCases: 0,
    teamsBehind: 0,
    teams: 0,
  };
  for (const v of villages) {
    t.villages++;
    if (v.exited) t.exited++;
    if (v.readyNotExited) t.readyNotExited++;
    if (v.atRisk) t.atRisk++;
    t.agriculturalPopulation += v.agriculturalPopulation;
    t.poorHouseholds += v.poorHouseholds;
    t.poorPeople += v.poorPeople;
    t.householdsExitedThisYear += v.householdsExitedThisYear;
    t.overdueMilestones += v.overdueMilestones;
    t.openCases += v.openCases;
    t.overdueCases += v.overdueCases;
    if (v.teamBehind !== null) t.teams++;
    if (v.teamBehind) t.teamsBehind++;
  }
  t.incidence = t.agriculturalPopulation > 0 ? t.poorPeople / t.agriculturalPopulation : 0;
  return t;
}

/** One row per group (township, or village when drilled in), in the order the keys come. */
export function totalsBy(
  villages: readonly VillageProgress[],
  key: (v: VillageProgress) => string,
): Map<string, ProgressTotals> {
  const groups = new Map<string, VillageProgress[]>();
  for (const v of villages) {
    const k = key(v);
    const list = groups.get(k);
    if (list) list.push(v);
    else groups.set(k, [v]);
  }
  return new Map([...groups].map(([k, list]) => [k, totals(list)]));
}

/** A village's figures as they stood from a day on (a `village_history` row). */
export interface HistoryPoint {
  villageId: string;
  day: string;
  exitStatus: ExitStatus;
  poorPeople: number;
  agriculturalPopulation: number;
}

export interface TrendPoint {
  /** The period: a year ("2019") or a month ("2019-11"). */
  period: string;
  /** Villages exited (or consolidating) at the end of the period, of those with history by then. */
  exited: number;
  /** Villages whose plan targets an exit in this period or earlier (years only). */
  planned: number | null;
  /** Poverty incidence at the end of the period over the villages recorded by then; null if none. */
  incidence: number | null;
}

/**
 * Figures at the end of each period from the dated history: for each village, its last row on or
 * before the period's last day. `history` must be ordered by village, then day.
 */
export function trend(
  history: readonly HistoryPoint[],
  periods: readonly { period: string; lastDay: string }[],
  plannedBy?: (period: string) => number,
): TrendPoint[] {
  const exited = new Array<number>(periods.length).fill(0);
  const poor = new Array<number>(periods.length).fill(0);
  const population = new Array<number>(periods.length).fill(0);
  const recorded = new Array<number>(periods.length).fill(0);
  let i = 0;
  while (i < history.length) {
    let j = i;
    while (j < history.length && history[j]!.villageId === history[i]!.villageId) j++;
    // Rows i..j-1 are one village's, by day; walk the periods alongside them.
    let row = i - 1;
    periods.forEach((p, k) => {
      while (row + 1 < j && history[row + 1]!.day <= p.lastDay) row++;
      if (row < i) return;
      const h = history[row]!;
      recorded[k]!++;
      if (hasExited(h.exitStatus)) exited[k]!++;
      poor[k]! += h.poorPeople;
      population[k]! += h.agriculturalPopulation;
    });
    i = j;
  }
  return periods.map((p, k) => ({
    period: p.period,
    exited: exited[k]!,
    planned: plannedBy ? plannedBy(p.period) : null,
    incidence: recorded[k]! > 0 && population[k]! > 0 ? poor[k]! / population[k]! : null,
  }));
}

export function yearPeriods(from: number, to: number) {
  const out: { period: string; lastDay: string }[] = [];
  for (let y = from; y <= to; y++) out.push({ period: String(y), lastDay: `${y}-12-31` });
  return out;
}

export function monthPeriods(year: number, until: string) {
  const out: { period: string; lastDay: string }[] = [];
  for (let m = 1; m <= 12; m++) {
    const month = `${year}-${String(m).padStart(2, "0")}`;
    if (month > until.slice(0, 7)) break;
    const last = new Date(Date.UTC(year, m, 0)).getUTCDate();
    out.push({ period: month, lastDay: `${month}-${String(last).padStart(2, "0")}` });
  }
  return out;
}
