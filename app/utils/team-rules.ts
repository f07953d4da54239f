/**
 * The county's team rules as pure functions (domain.md, "Teams and cadres"): in-village days,
 * leave routing, the weekly-report deadline. Dates are ISO `YYYY-MM-DD` in China time; instants
 * are ISO-8601 UTC. The county's numbers come in as `TeamRules` (configured on the server).
 */
import { bitCount, upTo } from "~/utils/bits";
import { isWeekStart, weekOf } from "~/utils/dates";
import { isMonth, monthRange } from "~/utils/months";

export { isMonth, monthRange };
import {
  COLLECTIVE_INCOME_FLOOR,
  DEFAULT_NOTICE_DAYS,
  INCIDENCE_THRESHOLD,
  addDays,
} from "~/utils/exit-rules";

export interface TeamRules {
  /** In-village days a month a cadre who served the whole month should reach (default 20). */
  daysPerMonth: number;
  /** Leave up to this many days is decided by the township; longer by the county (default 3). */
  townshipLeaveMaxDays: number;
  /** Weekly report due: ISO weekday (1 = Monday … 7 = Sunday) and hour, China time (default Thu 18:00). */
  reportDueWeekday: number;
  reportDueHour: number;
  /**
   * Days a household's exit notice (公示) runs before the exit may be announced (default 7): the
   * length in effect on the day the notice was posted.
   */
  householdNoticeDays: number;
  /**
   * Days a village's exit notice runs in its township before the county may announce the exit
   * (default 7): the length in effect on the day the notice was opened.
   */
  villageNoticeDays: number;
  /** A village may exit once its poverty incidence is below this percentage (default 2). */
  incidenceThresholdPercent: number;
  /** The collective income, yuan a year, a village must reach to exit (default 30,000). */
  collectiveIncomeFloor: number;
  /** Work-in-progress limits per village board column, 0 for none (defaults 3, 2, 5). */
  wipProjectInProgress: number;
  wipProjectAcceptance: number;
  wipCaseInProgress: number;
}

export const DEFAULT_TEAM_RULES: TeamRules = {
  daysPerMonth: 20,
  townshipLeaveMaxDays: 3,
  reportDueWeekday: 4,
  reportDueHour: 18,
  householdNoticeDays: DEFAULT_NOTICE_DAYS,
  villageNoticeDays: DEFAULT_NOTICE_DAYS,
  incidenceThresholdPercent: INCIDENCE_THRESHOLD * 100,
  collectiveIncomeFloor: COLLECTIVE_INCOME_FLOOR,
  wipProjectInProgress: 3,
  wipProjectAcceptance: 2,
  wipCaseInProgress: 5,
};

export { addDays };

/** The team rules the county sets on /admin/settings, each dated (app/models/county-rules.server.ts). */
export const TEAM_RULE_KEYS = [
  "daysPerMonth",
  "townshipLeaveMaxDays",
  "reportDueWeekday",
  "reportDueHour",
  "householdNoticeDays",
  "villageNoticeDays",
  "incidenceThresholdPercent",
  "collectiveIncomeFloor",
  "wipProjectInProgress",
  "wipProjectAcceptance",
  "wipCaseInProgress",
] as const satisfies readonly (keyof TeamRules)[];
export type TeamRuleKey = (typeof TEAM_RULE_KEYS)[number];

/** The groups the settings page shows the rules in. */
export const TEAM_RULE_GROUPS = ["teams", "exit", "boards"] as const;
export type TeamRuleGroup = (typeof TEAM_RULE_GROUPS)[number];

/**
 * Each rule's allowed range, unit and group (the environment's first values are checked against
 * the range too).
 */
export const TEAM_RULE_RANGES: Record<
  TeamRuleKey,
  {
    min: number;
    max: number;
    unit: "days" | "weekday" | "hour" | "percent" | "yuan" | "cards";
    group: TeamRuleGroup;
  }
> = {
  daysPerMonth: { min: 1, max: 31, unit: "days", group: "teams" },
  townshipLeaveMaxDays: { min: 0, max: 60, unit: "days", group: "teams" },
  reportDueWeekday: { min: 1, max: 7, unit: "weekday", group: "teams" },
  reportDueHour: { min: 0, max: 23, unit: "hour", group: "teams" },
  householdNoticeDays: { min: 1, max: 30, unit: "days", group: "exit" },
  villageNoticeDays: { min: 1, max: 30, unit: "days", group: "exit" },
  // The national opinion: below 2 %, below 3 % in the western provinces.
  incidenceThresholdPercent: { min: 1, max: 10, unit: "percent", group: "exit" },
  collectiveIncomeFloor: { min: 0, max: 10_000_000, unit: "yuan", group: "exit" },
  wipProjectInProgress: { min: 0, max: 99, unit: "cards", group: "boards" },
  wipProjectAcceptance: { min: 0, max: 99, unit: "cards", group: "boards" },
  wipCaseInProgress: { min: 0, max: 99, unit: "cards", group: "boards" },
};

/** The boards' work-in-progress limits per column (per village board) from the rules. */
export function wipLimitsOf(rules: TeamRules) {
  return {
    project: { in_progress: rules.wipProjectInProgress, acceptance: rules.wipProjectAcceptance },
    case: { in_progress: rules.wipCaseInProgress },
  } as const;
}
export type WipLimits = ReturnType<typeof wipLimitsOf>;

export function isTeamRuleKey(key: string): key is TeamRuleKey {
  return (TEAM_RULE_KEYS as readonly string[]).includes(key);
}

/**
 * The day whose rules judge a month: its last day, or today while the month is still running. A
 * rule changed from a date on applies to the month that date falls in once the date has come, and
 * a month that has ended keeps the rules of its last day.
 */
export function ruleDayOfMonth(month: string, today: string): string {
  const { last } = monthRange(month);
  return last < today ? last : today;
}

const DAY_MS = 86_400_000;

/** Whole days from a to b (b − a); both ISO dates. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

/** Calendar days a leave covers, both ends included. */
export function leaveLength(startsOn: string, endsOn: string): number {
  return daysBetween(startsOn, endsOn) + 1;
}

/** Who decides a leave request of this length. */
export function leaveRoute(days: number, rules: Pick<TeamRules, "townshipLeaveMaxDays">) {
  return days <= rules.townshipLeaveMaxDays ? ("township" as const) : ("county" as const);
}

/** Whether two date ranges (inclusive) share a day. */
export function overlaps(a: { from: string; to: string }, b: { from: string; to: string }) {
  return a.from <= b.to && b.from <= a.to;
}

export function monthOf(date: string): string {
  return date.slice(0, 7);
}

export function previousMonth(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
}

export function nextMonth(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
}

/** Every date from `from` to `to`, both included. */
export function eachDay(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

export interface LeavePeriod {
  startsOn: string;
  endsOn: string;
  /** 销假: back in the village on this day; leave ends the day before (early return), never later than approved. */
  returnedOn?: string | null;
}

/** The days an approved leave actually kept the cadre away. */
export function leaveDaysTaken(leave: LeavePeriod): { from: string; to: string } | null {
  let to = leave.endsOn;
  if (leave.returnedOn && leave.returnedOn <= leave.endsOn) to = addDays(leave.returnedOn, -1);
  return to < leave.startsOn ? null : { from: leave.startsOn, to };
}

export interface MonthInput {
  month: string;
  /** The cadre's service in the team(s) that month: from its start to its end (null = still serving). */
  served: { from: string; to: string | null }[];
  /** Days with evidence of presence: a check-in, or a work-log entry written in the village. */
  presentDays: readonly string[];
  /** The same as a month's bit mask (bit d-1 for day d), as `presence_months` keeps it. */
  presentMask?: number;
  /** Approved leave. */
  leave: readonly LeavePeriod[];
  /** Today (China time): days after it are not counted yet. */
  today: string;
}

export interface MonthAttendance {
  /** Distinct days in the village, evidenced by a check-in or a log written there. */
  inVillage: number;
  /** Approved leave days within the month (and within service). */
  leaveDays: number;
  /** Days of the month the cadre served. */
  servedDays: number;
  /**
   * Days the rule expects: the rule scaled to the days served less approved leave, rounded up
   * (a whole month with no leave expects the full rule).
   */
  expected: number;
  /** Whether the month is over (otherwise the figures are "so far" and there is no verdict). */
  complete: boolean;
  /** Meets the rule: null while the month runs. */
  meets: boolean | null;
  /**
   * Behind the rule: once the month is over, not meeting it; while it runs, fewer days so far than
   * the rule's share of the available days already past (today not counted yet).
   */
  behind: boolean;
}

/**
 * In-village days for one cadre and month. A day counts once however much evidence it has, only
 * while the cadre served, never on a day of approved leave, and never in the future.
 */
export function monthAttendance(input: MonthInput, rules: Pick<TeamRules, "daysPerMonth">) {
  const { first, last, days } = monthRange(input.month);
  // Days of the month as bits (bit d-1 for day d): a province's month is counted in microseconds.
  const dayOf = (d: string) => Number(d.slice(8, 10));
  const span = (from: string, to: string) => {
    const a = from > first ? dayOf(from) : 1;
    const b = to < last ? dayOf(to) : days;
    return from > last || to < first || a > b ? 0 : upTo(b) & ~upTo(a - 1);
  };
  let served = 0;
  for (const period of input.served) served |= span(period.from, period.to ?? last);
  let onLeave = 0;
  for (const leave of input.leave) {
    const taken = leaveDaysTaken(leave);
    if (taken) onLeave |= span(taken.from, taken.to);
  }
  onLeave &= served;
  let presentMask = input.presentMask ?? 0;
  for (const d of input.presentDays)
    if (d >= first && d <= last) presentMask |= 1 << (dayOf(d) - 1);
  const counted =
    input.today > last ? upTo(days) : input.today < first ? 0 : upTo(dayOf(input.today));
  const past =
    input.today > last ? upTo(days) : input.today <= first ? 0 : upTo(dayOf(input.today) - 1);
  const available = served & ~onLeave;
  const present = bitCount(presentMask & available & counted);
  const availableDays = bitCount(available);
  const expected = Math.min(availableDays, Math.ceil((rules.daysPerMonth * availableDays) / days));
  const complete = input.today > last;
  const availablePast = bitCount(available & past);
  const dueSoFar = availableDays > 0 ? Math.floor((expected * availablePast) / availableDays) : 0;
  return {
    inVillage: present,
    leaveDays: bitCount(onLeave),
    servedDays: bitCount(served),
    expected,
    complete,
    meets: complete ? present >= expected : null,
    behind: complete ? present < expected : present < dueSoFar,
  } satisfies MonthAttendance;
}

// Dates of weeks live with the other date helpers (dates.ts): pages load them without these rules.
export { isWeekStart, weekOf };

/** The instant (UTC ISO) a week's report is due: the configured weekday and hour, China time (UTC+8, no DST). */
export function reportDueAt(
  weekStart: string,
  rules: Pick<TeamRules, "reportDueWeekday" | "reportDueHour">,
) {
  const day = addDays(weekStart, rules.reportDueWeekday - 1);
  return new Date(
    Date.parse(`${day}T00:00:00Z`) + (rules.reportDueHour - 8) * 3_600_000,
  ).toISOString();
}

export type ReportStatus = "on_time" | "late" | "missing" | "not_due";

/** A week's report: in on time, in late, not in after the deadline, or not in and not yet due. */
export function reportStatus(
  submittedAt: string | null | undefined,
  dueAt: string,
  now: string,
): ReportStatus {
  if (submittedAt) return submittedAt <= dueAt ? "on_time" : "late";
  return now > dueAt ? "missing" : "not_due";
}

/** The weeks whose report falls due within a month (each week belongs to exactly one month). */
export function reportWeeksOfMonth(
  month: string,
  rules: Pick<TeamRules, "reportDueWeekday">,
): string[] {
  const { first, last } = monthRange(month);
  const weeks: string[] = [];
  for (let w = weekOf(first); w <= last; w = addDays(w, 7)) {
    const dueDay = addDays(w, rules.reportDueWeekday - 1);
    if (dueDay >= first && dueDay <= last) weeks.push(w);
  }
  return weeks;
}

/** Great-circle distance in metres (the check-in's distance to the village, shown as evidence). */
export function distanceMetres(a: { lat: number; lon: number }, b: { lat: number; lon: number }) {
  const R = 6_371_000;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}
