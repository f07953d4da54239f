/**
 * The village exit procedure (贫困村出列) as pure functions, shared by the model, the forms and the
 * tests: which step may come next, who may record it, what the village's status becomes, and
 * whether a step's date fits. Source: shared/data/shangyi.json `exit_standards.village`;
 * domain.md, "Exit plans": the team proposes (申请) → the township reviews (乡镇审核) → public
 * notice within the township (乡镇公示) → the county decides and announces (县审定公告); an
 * objection during the notice ends the round; an exited village may later be checked (抽查核查).
 */
import type { ExitStatus, VillageExitRecord } from "../../db/schema";
import type { Permission } from "~/permissions";
import { addDays } from "~/utils/dates";
import { MAX_EVIDENCE_BYTES, MAX_EVIDENCE_FILES } from "~/utils/limits";

/** What the viewer needs, in the village's jurisdiction, to record each kind of step. */
export const STEP_PERMISSIONS: Record<VillageExitRecord, readonly Permission[]> = {
  proposal: ["submit:village-exit"],
  township_review: ["review:village-exit"],
  notice: ["review:village-exit"],
  // Whoever runs or decides the notice may take an objection to it.
  objection: ["review:village-exit", "decide:village-exit"],
  announcement: ["decide:village-exit"],
  county_check: ["decide:village-exit"],
};

/** A step as the rules see it: kept steps only (an undone step no longer counts). */
export interface ExitStepFact {
  id: string;
  round: number;
  step: VillageExitRecord;
  doneOn: string;
}

/** Where a village stands: the last kept step, and the steps that may come after it. */
export interface ExitState {
  /** The round the next proposal would start, or the one under way. */
  round: number;
  last: ExitStepFact | null;
  next: VillageExitRecord[];
  /** The notice of the open round, if one was opened. */
  notice: ExitStepFact | null;
}

function nextAfter(last: VillageExitRecord | null, status: ExitStatus): VillageExitRecord[] {
  switch (last) {
    case null:
    case "objection":
      // A village already out of poverty (an imported status, no procedure on record) is only checked.
      return status === "exited" || status === "consolidating" ? ["county_check"] : ["proposal"];
    case "proposal":
      return ["township_review"];
    case "township_review":
      return ["notice"];
    case "notice":
      return ["announcement", "objection"];
    case "announcement":
    case "county_check":
      return ["county_check"];
  }
}

/** The state from the kept steps in the order they were recorded, and the village's status. */
export function exitState(steps: readonly ExitStepFact[], status: ExitStatus): ExitState {
  const last = steps.at(-1) ?? null;
  const open = last !== null && last.step !== "objection";
  const round = last === null ? 1 : open ? last.round : last.round + 1;
  const notice =
    open && last
      ? (steps.find((s) => s.round === last.round && s.step === "notice") ?? null)
      : null;
  return { round, last, next: nextAfter(last?.step ?? null, status), notice };
}

/** The village's status after a step; `before` is the status to return to when nothing is kept. */
export function statusAfter(last: VillageExitRecord | null, before: ExitStatus): ExitStatus {
  switch (last) {
    case null:
      // Undoing the whole procedure: a village that was in it is not exited.
      return before === "exit_ready" ? "not_exited" : before;
    case "objection":
      return "not_exited";
    case "proposal":
    case "township_review":
    case "notice":
      return "exit_ready";
    case "announcement":
      return before === "consolidating" ? "consolidating" : "exited";
    case "county_check":
      return before;
  }
}

/** A refusal as a translation key and its parameters. */
export interface StepRefusal {
  field: "step" | "doneOn";
  key: string;
  params: Record<string, string | number>;
}

/**
 * Whether a step may be recorded now: in order, dated on or after the step before it and not in
 * the future, and an announcement only once the notice has run its length.
 */
export function exitStepRefusal(
  state: ExitState,
  step: VillageExitRecord,
  doneOn: string,
  today: string,
  noticeDays: number,
): StepRefusal | null {
  if (!state.next.includes(step)) {
    return {
      field: "step",
      key: "villageExit.refused.outOfOrder",
      params: { step: `villageExit.step.${step}`, expected: `villageExit.step.${state.next[0]}` },
    };
  }
  if (doneOn > today) return { field: "doneOn", key: "villageExit.refused.future", params: {} };
  if (state.last && doneOn < state.last.doneOn) {
    return {
      field: "doneOn",
      key: "villageExit.refused.beforePrevious",
      params: { date: state.last.doneOn },
    };
  }
  if (step === "announcement") {
    const ends = noticeEndsOn(state, noticeDays);
    if (!ends || doneOn < ends) {
      return {
        field: "doneOn",
        key: "villageExit.refused.noticeRunning",
        params: { days: noticeDays, date: ends ?? "" },
      };
    }
  }
  return null;
}

/** The first day the exit may be announced: the notice's day plus its length. */
export function noticeEndsOn(state: ExitState, noticeDays: number): string | null {
  return state.notice ? addDays(state.notice.doneOn, noticeDays) : null;
}

/**
 * Where a village waits, for the dashboard: the step it waits after, split for the notice into
 * "running" and "ended, waiting for the county's decision".
 */
export const WAITING_STAGES = ["township_review", "notice", "notice_running", "decision"] as const;
export type WaitingStage = (typeof WAITING_STAGES)[number];

export function waitingStage(
  lastStep: VillageExitRecord | null,
  lastOn: string | null,
  today: string,
  noticeDays: number,
): WaitingStage | null {
  switch (lastStep) {
    case "proposal":
      return "township_review";
    case "township_review":
      return "notice";
    case "notice":
      return lastOn && addDays(lastOn, noticeDays) <= today ? "decision" : "notice_running";
    default:
      return null;
  }
}

/** The step the village list filters by (`?exit=`): the last kept step of each village. */
export const EXIT_FILTERS = ["proposal", "township_review", "notice", "overridden"] as const;
export type ExitFilter = (typeof EXIT_FILTERS)[number];

/** Evidence files: images and PDF, each at most 10 MB, a few per step (utils/limits.ts). */
export { MAX_EVIDENCE_BYTES as EVIDENCE_MAX_BYTES, MAX_EVIDENCE_FILES as EVIDENCE_MAX_FILES };
export const EVIDENCE_TYPES = ["image/jpeg", "image/png", "image/webp", "application/pdf"] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];

/** The file's type from its first bytes (what it is, not what its name or the browser says). */
export function sniffEvidenceType(bytes: Uint8Array): EvidenceType | null {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (starts(0x52, 0x49, 0x46, 0x46) && String.fromCharCode(...bytes.slice(8, 12)) === "WEBP")
    return "image/webp";
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return "application/pdf";
  return null;
}
