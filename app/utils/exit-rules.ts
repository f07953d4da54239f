/**
 * The exit standards as pure functions (shared by loaders, forms and tests): whether an indicator
 * is met, the village's poverty incidence and exit-readiness checklist, and the gates of the
 * household exit workflow. Sources: shared/data/shangyi.json `exit_standards`,
 * `poverty_line_by_year`; shared/guides/domain.md "Exit plans".
 */
import type {
  ExitStep,
  ExitStepRecord,
  Guarantee,
  GuaranteeResult,
  HouseholdStatus,
  IndicatorComparison,
  IndicatorKind,
  MilestoneStatus,
} from "../../db/schema";
import { EXIT_STEPS, GUARANTEES } from "../../db/schema";
import { messageWithParams } from "~/i18n";
import { addDays } from "~/utils/dates";

export { addDays };

/** Village exit: poverty incidence below 2% (central and eastern provinces, Hebei included). */
export const INCIDENCE_THRESHOLD = 0.02;

/** The collective-income floor, yuan a year: an assumption (Hebei's own figure was not found). */
export const COLLECTIVE_INCOME_FLOOR = 30000;

/**
 * The exit standards the county sets (county rules, dated): the incidence a village must be below
 * (a ratio) and the collective income it must reach (yuan a year). They replace the defaults of
 * the official indicators below for every plan.
 */
export interface ExitStandards {
  incidenceThreshold: number;
  collectiveIncomeFloor: number;
}

export const DEFAULT_STANDARDS: ExitStandards = {
  incidenceThreshold: INCIDENCE_THRESHOLD,
  collectiveIncomeFloor: COLLECTIVE_INCOME_FLOOR,
};

/** The standards from the county's rules (the incidence is set as a whole percentage). */
export function standardsOf(rules: {
  incidenceThresholdPercent: number;
  collectiveIncomeFloor: number;
}): ExitStandards {
  return {
    incidenceThreshold: rules.incidenceThresholdPercent / 100,
    collectiveIncomeFloor: rules.collectiveIncomeFloor,
  };
}

/** The threshold an official indicator is judged by under the county's standards, if it sets one. */
export function standardThreshold(kind: IndicatorKind, standards: ExitStandards): number | null {
  if (kind === "poverty_incidence") return standards.incidenceThreshold;
  if (kind === "collective_income") return standards.collectiveIncomeFloor;
  return null;
}

/** Default length of the household exit notice (公示) in days; the county can change it (EXIT_NOTICE_DAYS). */
export const DEFAULT_NOTICE_DAYS = 7;

/** The programme: 三年集中攻坚 2016–2018, 两年巩固提升 2019–2020. Each plan may change its years. */
export const DEFAULT_PROGRAMME = { startYear: 2016, attackEndYear: 2018, endYear: 2020 } as const;

export interface IndicatorDefinition {
  kind: Exclude<IndicatorKind, "custom">;
  comparison: IndicatorComparison;
  /** Threshold for "met": a ratio for incidence, yuan for collective income, 1 for yes/no. */
  threshold: number;
  unit: "ratio" | "yuan_per_year" | null;
  /** Computed from the household roster, never typed in. */
  computed?: true;
}

/**
 * The built-in village indicators. Hebei's own thresholds were not found (shangyi.json
 * `hebei_specific.found: false`); the yes/no items follow other provinces' rules and the
 * collective-income floor is an assumption each plan can change.
 */
export const OFFICIAL_INDICATORS: readonly IndicatorDefinition[] = [
  {
    kind: "poverty_incidence",
    comparison: "below",
    threshold: INCIDENCE_THRESHOLD,
    unit: "ratio",
    computed: true,
  },
  { kind: "hardened_road", comparison: "yes", threshold: 1, unit: null },
  { kind: "drinking_water", comparison: "yes", threshold: 1, unit: null },
  { kind: "reliable_power", comparison: "yes", threshold: 1, unit: null },
  { kind: "broadband", comparison: "yes", threshold: 1, unit: null },
  { kind: "clinic_doctor", comparison: "yes", threshold: 1, unit: null },
  { kind: "culture_room", comparison: "yes", threshold: 1, unit: null },
  {
    kind: "collective_income",
    comparison: "at_least",
    threshold: COLLECTIVE_INCOME_FLOOR,
    unit: "yuan_per_year",
  },
  { kind: "industry", comparison: "yes", threshold: 1, unit: null },
];

export function isMet(
  comparison: IndicatorComparison,
  threshold: number | null,
  value: number | null,
): boolean | null {
  if (value === null) return null;
  switch (comparison) {
    case "yes":
      return value >= 1;
    case "below":
      return threshold === null ? null : value < threshold;
    case "at_least":
      return threshold === null ? null : value >= threshold;
  }
}

/** Remaining poor: households not yet exited (poor, or in the exit workflow). */
export const REMAINING_POOR = ["poor", "exiting"] as const satisfies readonly HouseholdStatus[];

export interface RosterFigures {
  /** People in households still poor. */
  poorPeople: number;
  poorHouseholds: number;
  agriculturalPopulation: number;
}

export function incidence({ poorPeople, agriculturalPopulation }: RosterFigures): number {
  return agriculturalPopulation > 0 ? poorPeople / agriculturalPopulation : 0;
}

/** One line of the readiness checklist: a translation key and its parameters. */
export interface ReadinessItem {
  key: string;
  params: Record<string, string | number>;
  /** Blocking items stop the exit; the rest are open work worth seeing next to them. */
  blocking: boolean;
}

export interface ReadinessIndicator {
  kind: IndicatorKind;
  name: string | null;
  comparison: IndicatorComparison;
  threshold: number | null;
  currentValue: number | null;
}

export interface ReadinessMilestone {
  title: string;
  dueOn: string;
  status: MilestoneStatus;
}

/**
 * What still stands between the village and its exit, in the order a reader checks it: the
 * incidence, then each official indicator, then the team's own indicators and overdue milestones
 * (not blocking, but open). An empty blocking list means the village is ready to exit.
 */
export function readiness(
  figures: RosterFigures | null,
  indicators: readonly ReadinessIndicator[],
  milestones: readonly ReadinessMilestone[],
  on: string,
  standards: ExitStandards = DEFAULT_STANDARDS,
): ReadinessItem[] {
  const items: ReadinessItem[] = [];
  const rate = figures ? incidence(figures) : null;
  if (!figures || rate === null) {
    items.push({ key: "readiness.noRoster", params: {}, blocking: true });
  } else if (rate >= standards.incidenceThreshold) {
    items.push({
      key: "readiness.incidence",
      params: {
        rate: Math.round(rate * 1000) / 10,
        threshold: Math.round(standards.incidenceThreshold * 1000) / 10,
        people: figures.poorPeople,
        households: figures.poorHouseholds,
      },
      blocking: true,
    });
  }
  for (const indicator of indicators) {
    if (indicator.kind === "poverty_incidence") continue;
    const threshold = standardThreshold(indicator.kind, standards) ?? indicator.threshold;
    const met = isMet(indicator.comparison, threshold, indicator.currentValue);
    if (met === true) continue;
    const custom = indicator.kind === "custom";
    items.push({
      key: met === null ? "readiness.notMeasured" : "readiness.notMet",
      params: { kind: indicator.kind, name: indicator.name ?? "" },
      blocking: !custom,
    });
  }
  for (const milestone of milestones) {
    if (isOverdue(milestone, on)) {
      items.push({
        key: "readiness.overdueMilestone",
        params: { title: milestone.title, due: milestone.dueOn },
        blocking: false,
      });
    }
  }
  return items;
}

/**
 * A readiness item as a translatable message: an official indicator is named by its catalogue key
 * (translated with the message), a team's own by the name it was given.
 */
export function readinessMessage(item: ReadinessItem): string {
  const { kind, name } = item.params;
  const named =
    typeof kind === "string" && kind !== "custom" ? `indicator.kind.${kind}` : (name ?? "");
  return messageWithParams(item.key, { ...item.params, name: named });
}

export function isOverdue(milestone: { dueOn: string; status: MilestoneStatus }, on: string) {
  return (
    (milestone.status === "planned" || milestone.status === "in_progress") && milestone.dueOn < on
  );
}

/** The poverty line for a year: that year's figure from the data file, else the latest earlier one. */
export function povertyLineFor(
  year: number,
  lines: readonly { year: number; value: number }[],
): { year: number; value: number } | null {
  let best: { year: number; value: number } | null = null;
  for (const line of lines) {
    if (line.year <= year && (!best || line.year > best.year)) best = line;
  }
  return best;
}

export interface WorkflowHousehold {
  guarantees: Record<Guarantee, GuaranteeResult>;
  /** Per-capita net income by year. */
  incomes: ReadonlyMap<number, number>;
}

/** Why a household may not enter (or continue) the exit workflow, in the year assessed. */
export function exitGateBlockers(
  household: WorkflowHousehold,
  year: number,
  lines: readonly { year: number; value: number }[],
): ReadinessItem[] {
  const blockers: ReadinessItem[] = [];
  const line = povertyLineFor(year, lines);
  const income = household.incomes.get(year);
  if (!line) {
    blockers.push({ key: "exit.gate.noLine", params: { year: String(year) }, blocking: true });
  } else if (income === undefined) {
    blockers.push({ key: "exit.gate.noIncome", params: { year: String(year) }, blocking: true });
  } else if (income < line.value) {
    blockers.push({
      key: "exit.gate.income",
      params: { year: String(year), income, line: line.value, lineYear: String(line.year) },
      blocking: true,
    });
  }
  for (const guarantee of GUARANTEES) {
    if (household.guarantees[guarantee] === "unmet") {
      blockers.push({
        key: "exit.gate.guarantee",
        params: { guarantee: `guarantee.${guarantee}` },
        blocking: true,
      });
    }
  }
  return blockers;
}

export interface StepRecord {
  step: ExitStepRecord;
  doneOn: string;
}

/** The next step of the current round, or null when the round has ended (announced or withdrawn). */
export function nextStep(steps: readonly StepRecord[]): ExitStep | null {
  if (steps.some((s) => s.step === "withdrawn" || s.step === "announcement")) return null;
  const done = new Set(steps.map((s) => s.step));
  return EXIT_STEPS.find((step) => !done.has(step)) ?? null;
}

/**
 * Whether a step may be recorded on a date: steps go in order, never before the previous one, and
 * the announcement only once the notice has run its full length.
 * Returns a translation key for the reason, or null when allowed.
 */
export function stepRefusal(
  steps: readonly StepRecord[],
  step: ExitStep,
  doneOn: string,
  noticeDays: number,
): { key: string; params: Record<string, string | number> } | null {
  const expected = nextStep(steps);
  if (expected !== step)
    return { key: "exit.step.outOfOrder", params: { step: `exit.step.${expected ?? step}` } };
  const last = steps.at(-1);
  if (last && doneOn < last.doneOn)
    return { key: "exit.step.beforePrevious", params: { date: last.doneOn } };
  if (step === "announcement") {
    const notice = steps.find((s) => s.step === "notice");
    const earliest = notice ? addDays(notice.doneOn, noticeDays) : null;
    if (!earliest || doneOn < earliest) {
      return { key: "exit.step.noticeRunning", params: { days: noticeDays, date: earliest ?? "" } };
    }
  }
  return null;
}
