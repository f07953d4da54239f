/**
 * The dashboard's progress table columns, shared by the page and the .xlsx export so both show
 * the same figures under the same headings. Each column names the list of villages behind it.
 */
import type { IndicatorKind } from "../../db/schema";
import type { MessageKey } from "~/i18n";
import { OFFICIAL_INDICATORS } from "~/utils/exit-rules";
import type { ProgressTotals, WorkCounts } from "~/utils/progress";
import type { WaitingStage } from "~/utils/village-exit";

/** The lists behind the figures (`/dashboard/villages?figure=…`). */
export const FIGURES = [
  "all",
  "exited",
  "ready",
  "at_risk",
  "poor",
  "exits_this_year",
  "overdue_milestones",
  "open_cases",
  "overdue_cases",
  "teams_behind",
  // The trends' figures, at the end of a period (`&period=2019` or `2019-11`).
  "exited_by",
  "planned_by",
  // The village exit procedure: villages waiting at each step, and exits proposed past a failing check.
  "exit_township_review",
  "exit_notice",
  "exit_notice_running",
  "exit_decision",
  "exit_overridden",
] as const;
export type Figure = (typeof FIGURES)[number];

/** The figures that need a period: which villages had exited, or were planned to, by its end. */
export const PERIOD_FIGURES: readonly Figure[] = ["exited_by", "planned_by"];

export function isFigure(value: unknown): value is Figure {
  return FIGURES.includes(value as Figure);
}

export interface ProgressColumn {
  key: keyof ProgressTotals;
  header: MessageKey;
  figure: Figure;
  /** Where a village's figure leads once drilled in: the village page's tab that lists it. */
  villageTab?: "plan" | "households" | "cases";
  /** A ratio shown as a percentage. */
  percent?: true;
}

export const PROGRESS_COLUMNS: readonly ProgressColumn[] = [
  { key: "villages", header: "dashboard.col.villages", figure: "all" },
  { key: "exited", header: "dashboard.col.exited", figure: "exited" },
  { key: "readyNotExited", header: "dashboard.col.ready", figure: "ready", villageTab: "plan" },
  { key: "atRisk", header: "dashboard.col.atRisk", figure: "at_risk", villageTab: "plan" },
  { key: "incidence", header: "dashboard.col.incidence", figure: "poor", percent: true },
  {
    key: "poorPeople",
    header: "dashboard.col.poorPeople",
    figure: "poor",
    villageTab: "households",
  },
  {
    key: "overdueMilestones",
    header: "dashboard.col.overdueMilestones",
    figure: "overdue_milestones",
    villageTab: "plan",
  },
  {
    key: "openCases",
    header: "dashboard.col.openCases",
    figure: "open_cases",
    villageTab: "cases",
  },
  { key: "teamsBehind", header: "dashboard.col.teamsBehind", figure: "teams_behind" },
];

/** Whether a village belongs to the list behind a figure. */
export function inFigure(
  figure: Figure,
  v: WorkCounts & {
    exited: boolean;
    readyNotExited: boolean;
    atRisk: boolean;
    poorPeople: number;
    teamBehind: boolean | null;
    /** By the end of the period asked for (false without one). */
    exitedBy: boolean;
    plannedBy: boolean;
    /** Where the village waits in its exit procedure, if it is in one. */
    exitStage?: WaitingStage | null;
    exitOverridden?: boolean;
  },
): boolean {
  switch (figure) {
    case "all":
      return true;
    case "exited":
      return v.exited;
    case "ready":
      return v.readyNotExited;
    case "at_risk":
      return v.atRisk;
    case "poor":
      return v.poorPeople > 0;
    case "exits_this_year":
      return v.householdsExitedThisYear > 0;
    case "overdue_milestones":
      return v.overdueMilestones > 0;
    case "open_cases":
      return v.openCases > 0;
    case "overdue_cases":
      return v.overdueCases > 0;
    case "teams_behind":
      return v.teamBehind === true;
    case "exited_by":
      return v.exitedBy;
    case "planned_by":
      return v.plannedBy;
    case "exit_township_review":
    case "exit_notice":
    case "exit_notice_running":
    case "exit_decision":
      return v.exitStage === figure.slice("exit_".length);
    case "exit_overridden":
      return v.exitOverridden === true;
  }
}

/** The indicator matrix: villages × official indicators. */
export type OfficialKind = Exclude<IndicatorKind, "custom">;
export const MATRIX_KINDS: readonly OfficialKind[] = OFFICIAL_INDICATORS.map((d) => d.kind);
export type MatrixCell = "met" | "not_met" | "not_measured";
export const MATRIX_STATES: readonly MatrixCell[] = ["not_met", "met", "not_measured"];

/**
 * The rows the matrix shows: the villages whose `indicator` is in `state`; with no indicator, the
 * villages with any indicator not met (or not measured), or with every indicator met.
 */
export interface MatrixShow {
  indicator: OfficialKind | null;
  state: MatrixCell;
}

/** `?show=` as written by the matrix's filter: "not_met", or "hardened_road.met". */
export function parseMatrixShow(value: string | null): MatrixShow | null {
  const [first, second, ...rest] = (value ?? "").split(".");
  const state = (second ?? first) as MatrixCell;
  if (rest.length > 0 || !MATRIX_STATES.includes(state)) return null;
  if (second === undefined) return { indicator: null, state };
  const indicator = first as OfficialKind;
  return MATRIX_KINDS.includes(indicator) ? { indicator, state } : null;
}

export function matrixShowValue(show: MatrixShow): string {
  return show.indicator ? `${show.indicator}.${show.state}` : show.state;
}
