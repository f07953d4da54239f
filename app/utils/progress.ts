/**
 * The dashboard's figures and trends as the page and the export read them, and the running totals
 * that turn the history's changes into trends (pure, tested on fixed data).
 */

/** Open work and this year's exits, counted by the database per township or village. */
export interface WorkCounts {
  overdueMilestones: number;
  openCases: number;
  overdueCases: number;
  /** Households whose exit was announced in the dashboard's year. */
  householdsExitedThisYear: number;
}

export const NO_WORK: WorkCounts = {
  overdueMilestones: 0,
  openCases: 0,
  overdueCases: 0,
  householdsExitedThisYear: 0,
};

export function addCounts(a: WorkCounts, b: WorkCounts): WorkCounts {
  return {
    overdueMilestones: a.overdueMilestones + b.overdueMilestones,
    openCases: a.openCases + b.openCases,
    overdueCases: a.overdueCases + b.overdueCases,
    householdsExitedThisYear: a.householdsExitedThisYear + b.householdsExitedThisYear,
  };
}

export interface ProgressTotals extends WorkCounts {
  villages: number;
  exited: number;
  readyNotExited: number;
  atRisk: number;
  agriculturalPopulation: number;
  poorHouseholds: number;
  poorPeople: number;
  /** Poor people ÷ agricultural population of the villages counted (0 without population). */
  incidence: number;
  /** Teams behind the in-village rule this month, of the teams counted. */
  teamsBehind: number;
  teams: number;
}

export interface TrendPoint {
  /** The period: a year ("2019") or a month ("2019-11"). */
  period: string;
  /** Villages exited (or consolidating) at the end of the period, of those with history by then. */
  exited: number;
  /** Villages whose plan targets an exit by the end of this period's year. */
  planned: number | null;
  /** Poverty incidence at the end of the period over the villages recorded by then; null if none. */
  incidence: number | null;
}

/** What changed in a period, added up over villages (`village_history`'s change columns). */
export interface PeriodChange {
  period: string;
  exited: number;
  poorPeople: number;
  population: number;
}

/**
 * Figures at the end of each period: the running total of the changes up to it (a village's first
 * row is a change from nothing, so the total counts only villages recorded by then). `changes`
 * are keyed by the same period strings; `base` is what came before the first period (changes
 * outside the periods are not counted).
 */
export function trendFromChanges(
  changes: readonly PeriodChange[],
  periods: readonly { period: string; lastDay: string }[],
  plannedBy?: (period: string) => number,
  base: Omit<PeriodChange, "period"> = { exited: 0, poorPeople: 0, population: 0 },
): TrendPoint[] {
  const byPeriod = new Map(changes.map((c) => [c.period, c]));
  let { exited, poorPeople, population } = base;
  return periods.map((p) => {
    const c = byPeriod.get(p.period);
    if (c) {
      exited += c.exited;
      poorPeople += c.poorPeople;
      population += c.population;
    }
    return {
      period: p.period,
      exited,
      planned: plannedBy ? plannedBy(p.period) : null,
      incidence: population > 0 ? poorPeople / population : null,
    };
  });
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

/** A trend's period from a URL ("2019" or "2019-11"), with its last day; null if not one. */
export function parsePeriod(value: string | null): { period: string; lastDay: string } | null {
  const match = /^(\d{4})(?:-(\d{2}))?$/.exec(value ?? "");
  if (!match) return null;
  const year = Number(match[1]);
  if (year < 2000 || year > 2100) return null;
  if (match[2] === undefined) return yearPeriods(year, year)[0]!;
  const month = Number(match[2]);
  if (month < 1 || month > 12) return null;
  return monthPeriods(year, `${year}-12-31`)[month - 1]!;
}
