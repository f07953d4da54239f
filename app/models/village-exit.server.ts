/**
 * A village's exit procedure (贫困村出列, issue 19): its steps with who, when, a note and evidence
 * files; the order and roles the rules allow (utils/village-exit.ts); the village's status, exit
 * year and dated history following each step in the step's own transaction; undoing the last step
 * by the role that made it, with a reason kept beside the step.
 */
import { createHash } from "node:crypto";
import type { Transaction } from "kysely";
import { newId } from "../../db/ids";
import type { DB, ExitStatus, VillageExitRecord } from "../../db/schema";
import { db } from "~/db.server";
import { authorizeVillage, type VillageRef } from "~/models/access.server";
import { recordActivity } from "~/models/activity.server";
import { teamRulesOn } from "~/models/county-rules.server";
import { ensureProgressCurrent, refreshVillageProgress } from "~/models/progress.server";
import { recordVillageHistory } from "~/models/village-history.server";
import { done, guardedWrite, refuse, staleConflict, type WriteResult } from "~/models/write.server";
import { can, type Viewer } from "~/permissions";
import { today as chinaToday } from "~/utils/dates";
import type { ReadinessItem } from "~/utils/exit-rules";
import {
  exitState,
  exitStepRefusal,
  noticeEndsOn,
  statusAfter,
  STEP_PERMISSIONS,
  type ExitStepFact,
} from "~/utils/village-exit";

/** An evidence file as received and checked (type sniffed, thumbnail made) by the route. */
export interface EvidenceUpload {
  fileName: string;
  contentType: string;
  content: Uint8Array;
  thumbnail: Uint8Array | null;
}

export interface ExitStepView {
  id: string;
  round: number;
  step: VillageExitRecord;
  doneOn: string;
  note: string | null;
  overrideReason: string | null;
  overridden: ReadinessItem[];
  by: string | null;
  recordedAt: string;
  undone: { at: string; by: string | null; reason: string } | null;
  files: { id: string; name: string; type: string; size: number; thumbnail: boolean }[];
}

function mayRecord(viewer: Viewer, village: VillageRef, step: VillageExitRecord): boolean {
  const target = { townshipId: village.townshipId, villageId: village.id };
  return STEP_PERMISSIONS[step].some((p) => can(viewer, p, target));
}

type Executor = Transaction<DB> | typeof db;

async function keptSteps(executor: Executor, villageId: string): Promise<ExitStepFact[]> {
  return executor
    .selectFrom("village_exit_steps")
    .select(["id", "round", "step", "done_on as doneOn"])
    .where("village_id", "=", villageId)
    .where("undone_at", "is", null)
    .orderBy("recorded_at")
    .orderBy("id")
    .execute();
}

async function blockingItems(executor: Executor, villageId: string): Promise<ReadinessItem[]> {
  const row = await executor
    .selectFrom("village_progress")
    .select("blocking")
    .where("village_id", "=", villageId)
    .executeTakeFirst();
  return row ? (JSON.parse(row.blocking) as ReadinessItem[]) : [];
}

async function noticeDaysFor(state: ReturnType<typeof exitState>, executor: Executor) {
  return (await teamRulesOn(state.notice?.doneOn ?? chinaToday(), executor)).villageNoticeDays;
}

/** The Plan tab's exit section and the procedure page: where the village stands, what may come next. */
export async function getVillageExit(viewer: Viewer, villageId: string) {
  const auth = await authorizeVillage(db, viewer, villageId, "read:village");
  if (!auth.ok) return auth;
  // The checklist shown is judged by the standards in effect today.
  await ensureProgressCurrent(db);
  const village = await db
    .selectFrom("villages")
    .select(["exit_status", "exit_year", "name_zh"])
    .where("id", "=", villageId)
    .executeTakeFirstOrThrow();
  const rows = await db
    .selectFrom("village_exit_steps as s")
    .leftJoin("users as r", "r.id", "s.recorded_by")
    .leftJoin("users as u", "u.id", "s.undone_by")
    .select([
      "s.id",
      "s.round",
      "s.step",
      "s.done_on as doneOn",
      "s.note",
      "s.override_reason as overrideReason",
      "s.overridden",
      "r.display_name as by",
      "s.recorded_at as recordedAt",
      "s.undone_at as undoneAt",
      "u.display_name as undoneBy",
      "s.undo_reason as undoReason",
    ])
    .where("s.village_id", "=", villageId)
    .orderBy("s.recorded_at")
    .orderBy("s.id")
    .execute();
  const files = await db
    .selectFrom("village_exit_files")
    .select(["id", "step_id", "file_name", "content_type", "size"])
    .select((eb) => eb("thumbnail", "is not", null).as("hasThumbnail"))
    .where("village_id", "=", villageId)
    .orderBy("uploaded_at")
    .execute();
  const steps: ExitStepView[] = rows.map((r) => ({
    id: r.id,
    round: r.round,
    step: r.step,
    doneOn: r.doneOn,
    note: r.note,
    overrideReason: r.overrideReason,
    overridden: r.overridden ? (JSON.parse(r.overridden) as ReadinessItem[]) : [],
    by: r.by,
    recordedAt: r.recordedAt,
    undone: r.undoneAt ? { at: r.undoneAt, by: r.undoneBy, reason: r.undoReason ?? "" } : null,
    files: files
      .filter((f) => f.step_id === r.id)
      .map((f) => ({
        id: f.id,
        name: f.file_name,
        type: f.content_type,
        size: f.size,
        thumbnail: Boolean(f.hasThumbnail),
      })),
  }));
  const kept: ExitStepFact[] = steps.filter((s) => !s.undone);
  const state = exitState(kept, village.exit_status);
  const noticeDays = await noticeDaysFor(state, db);
  const blocking = await blockingItems(db, villageId);
  const target = { townshipId: auth.village.townshipId, villageId };
  const last = state.last;
  return {
    ok: true as const,
    status: village.exit_status,
    exitYear: village.exit_year,
    steps,
    state,
    noticeDays,
    noticeEndsOn: noticeEndsOn(state, noticeDays),
    blocking,
    /** The next steps this viewer may record. */
    mayRecord: state.next.filter((s) => mayRecord(viewer, auth.village, s)),
    mayOverride: can(viewer, "override:village-exit", target),
    /** The last kept step, if this viewer's role may take it back. */
    mayUndo: last && mayRecord(viewer, auth.village, last.step) ? last.id : null,
  };
}

/** Brings the village's status, exit year and procedure columns in line with its kept steps. */
async function followSteps(
  trx: Transaction<DB>,
  villageId: string,
  before: { exit_status: ExitStatus; exit_year: number | null },
  now: string,
) {
  const kept = await keptSteps(trx, villageId);
  const last = kept.at(-1) ?? null;
  // The status the procedure started from: an exit announced and then undone goes back to
  // "in the procedure", not to a status the village held before it.
  const status = statusAfter(last?.step ?? null, before.exit_status);
  const announcement = [...kept].reverse().find((s) => s.step === "announcement");
  const proposal =
    last && last.step !== "objection"
      ? kept.find((s) => s.round === last.round && s.step === "proposal")
      : undefined;
  const overridden = proposal
    ? await trx
        .selectFrom("village_exit_steps")
        .select("override_reason")
        .where("id", "=", proposal.id)
        .executeTakeFirst()
    : undefined;
  const exitYear =
    status === "exited" || status === "consolidating"
      ? announcement
        ? Number(announcement.doneOn.slice(0, 4))
        : before.exit_year
      : null;
  await trx
    .updateTable("villages")
    .set({
      exit_status: status,
      exit_year: exitYear,
      exit_step: last?.step ?? null,
      exit_step_on: last?.doneOn ?? null,
      exit_overridden: overridden?.override_reason ? 1 : 0,
      updated_at: now,
    })
    .where("id", "=", villageId)
    .execute();
  await recordVillageHistory(trx, villageId, now);
  return { status, last };
}

/**
 * Records a step of the procedure. Refused when out of order or out of the viewer's role
 * (403), when the form was shown before someone else's step (409), or when its date or the
 * readiness gate says no (400). A proposal with failing readiness items needs the county's
 * override and a written reason, both kept on the step.
 */
export async function recordVillageExitStep(
  viewer: Viewer,
  villageId: string,
  input: {
    step: VillageExitRecord;
    doneOn: string;
    note?: string;
    overrideReason?: string;
    /** The last kept step the form was shown ("none" for none): a step recorded since is a conflict. */
    after: string;
  },
  files: readonly EvidenceUpload[],
  today: string = chinaToday(),
): Promise<WriteResult<string>> {
  return guardedWrite(async (trx, now) => {
    const auth = await authorizeVillage(trx, viewer, villageId, "read:village");
    if (!auth.ok) return auth;
    if (!mayRecord(viewer, auth.village, input.step)) return refuse.forbidden();
    const village = await trx
      .selectFrom("villages")
      .select(["exit_status", "exit_year", "exit_step", "exit_step_on"])
      .where("id", "=", villageId)
      .executeTakeFirstOrThrow();
    const kept = await keptSteps(trx, villageId);
    const state = exitState(kept, village.exit_status);
    const stale = staleConflict(
      {
        version: 0,
        current: { step: state.last?.step ?? null, doneOn: state.last?.doneOn ?? null },
        by: null,
        at: village.exit_step_on,
      },
      (state.last?.id ?? "none") === input.after ? 0 : 1,
    );
    if (stale) return stale;
    const refusal = exitStepRefusal(
      state,
      input.step,
      input.doneOn,
      today,
      await noticeDaysFor(state, trx),
    );
    if (refusal) return refuse.invalid(refusal.field, refusal.key, refusal.params);
    if (input.step === "objection" && !input.note) {
      return refuse.invalid("note", "villageExit.refused.objectionReason");
    }

    let overridden: ReadinessItem[] = [];
    if (input.step === "proposal") {
      // The gate judged now, by today's standards, in this transaction.
      await refreshVillageProgress(trx, [villageId], now);
      const blocking = await blockingItems(trx, villageId);
      if (blocking.length) {
        const target = { townshipId: auth.village.townshipId, villageId };
        if (!can(viewer, "override:village-exit", target)) {
          return refuse.invalid("step", "villageExit.refused.notReady", {
            count: blocking.length,
          });
        }
        if (!input.overrideReason) {
          return refuse.invalid("overrideReason", "villageExit.refused.overrideReason");
        }
        overridden = blocking;
      }
    }

    const id = newId();
    await trx
      .insertInto("village_exit_steps")
      .values({
        id,
        village_id: villageId,
        round: state.round,
        step: input.step,
        done_on: input.doneOn,
        note: input.note ?? null,
        override_reason: overridden.length ? (input.overrideReason ?? null) : null,
        overridden: overridden.length ? JSON.stringify(overridden) : null,
        recorded_by: viewer.id,
        recorded_at: now,
      })
      .execute();
    for (const file of files) {
      await trx
        .insertInto("village_exit_files")
        .values({
          id: newId(),
          step_id: id,
          village_id: villageId,
          file_name: file.fileName,
          content_type: file.contentType,
          size: file.content.byteLength,
          sha256: createHash("sha256").update(file.content).digest("hex"),
          content: file.content,
          thumbnail: file.thumbnail,
          uploaded_by: viewer.id,
          uploaded_at: now,
        })
        .execute();
    }
    const { status } = await followSteps(trx, villageId, village, now);
    await recordActivity(trx, {
      villageId,
      entity: "village_exit",
      entityId: id,
      label: auth.village.nameZh,
      action: "step",
      changes: {
        step: input.step,
        doneOn: input.doneOn,
        note: input.note ?? null,
        override: overridden.length ? (input.overrideReason ?? null) : null,
        files: files.length,
        status: [village.exit_status, status],
      },
      actorId: viewer.id,
      at: now,
    });
    return done(id);
  });
}

/**
 * Takes back the last kept step, by the role that may make it and only before anything came after
 * it; the step stays on the record with who undid it, when and why.
 */
export async function undoVillageExitStep(
  viewer: Viewer,
  villageId: string,
  input: { stepId: string; reason: string },
): Promise<WriteResult<undefined>> {
  return guardedWrite(async (trx, now) => {
    const auth = await authorizeVillage(trx, viewer, villageId, "read:village");
    if (!auth.ok) return auth;
    const step = await trx
      .selectFrom("village_exit_steps")
      .select(["id", "step", "undone_at"])
      .where("id", "=", input.stepId)
      .where("village_id", "=", villageId)
      .executeTakeFirst();
    if (!step) return refuse.notFound();
    if (!mayRecord(viewer, auth.village, step.step)) return refuse.forbidden();
    const village = await trx
      .selectFrom("villages")
      .select(["exit_status", "exit_year", "exit_step_on"])
      .where("id", "=", villageId)
      .executeTakeFirstOrThrow();
    const kept = await keptSteps(trx, villageId);
    const last = kept.at(-1);
    if (step.undone_at || last?.id !== step.id) {
      return refuse.invalid("stepId", "villageExit.refused.notLast");
    }
    await trx
      .updateTable("village_exit_steps")
      .set({ undone_at: now, undone_by: viewer.id, undo_reason: input.reason })
      .where("id", "=", step.id)
      .execute();
    const { status } = await followSteps(trx, villageId, village, now);
    await recordActivity(trx, {
      villageId,
      entity: "village_exit",
      entityId: step.id,
      label: auth.village.nameZh,
      action: "step",
      changes: {
        step: step.step,
        undone: true,
        reason: input.reason,
        status: [village.exit_status, status],
      },
      actorId: viewer.id,
      at: now,
    });
    return done(undefined);
  });
}

/** One evidence file (or its thumbnail) for someone who may read the village; null otherwise. */
export async function evidenceFile(
  viewer: Viewer,
  villageId: string,
  fileId: string,
  thumbnail: boolean,
) {
  const auth = await authorizeVillage(db, viewer, villageId, "read:village");
  if (!auth.ok) return null;
  const row = await db
    .selectFrom("village_exit_files")
    .select(["file_name", "content_type", "sha256"])
    .select(thumbnail ? "thumbnail as content" : "content")
    .where("id", "=", fileId)
    .where("village_id", "=", villageId)
    .executeTakeFirst();
  if (!row?.content) return null;
  return {
    name: row.file_name,
    type: thumbnail ? "image/webp" : row.content_type,
    sha256: row.sha256,
    content: row.content,
  };
}
