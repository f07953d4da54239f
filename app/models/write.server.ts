/**
 * The one way a village-scoped write runs: a transaction that checks jurisdiction first, then makes
 * the change. A refusal (not found, forbidden, invalid, conflict) rolls the whole transaction back,
 * so nothing is ever half-written, and comes back to the caller as a value.
 */
import { nowIso } from "~/utils/clock";
import type { Transaction } from "kysely";
import type { DB } from "../../db/schema";
import { db } from "~/db.server";
import { authorizeVillage, type Refusal, type VillageRef } from "~/models/access.server";
import {
  appendAudit,
  captureChanges,
  flushAuditedChanges,
  requestLabel,
} from "~/models/audit.server";
import { refreshVillageProgress } from "~/models/progress.server";
import type { Permission, Viewer } from "~/permissions";

/** A refused write because someone saved first: what is stored now, by whom, when. */
export interface Conflict {
  ok: false;
  reason: "conflict";
  current: Record<string, unknown>;
  version: number;
  by: string | null;
  at: string;
}

/** A rule only the database can check (a code taken, an owner not in the team): a field and a message. */
export interface Invalid {
  ok: false;
  reason: "invalid";
  field: string;
  message: string;
  params?: Record<string, string | number>;
}

/**
 * The optimistic-concurrency check every versioned write makes: null when the stored version is
 * the one the form was shown, else the conflict to refuse with (what is stored, by whom, when).
 */
export function staleConflict(
  stored: {
    version: number;
    current: Record<string, unknown>;
    by: string | null | undefined;
    at: string | null | undefined;
  },
  expectedVersion: number,
): Conflict | null {
  if (stored.version === expectedVersion) return null;
  return {
    ok: false,
    reason: "conflict",
    current: stored.current,
    version: stored.version,
    by: stored.by ?? null,
    at: stored.at ?? "",
  };
}

export type WriteResult<T = undefined> = { ok: true; value: T } | Refusal | Invalid | Conflict;

/**
 * The one way to open a write transaction: what it changed becomes an audit entry (who, when,
 * from where, before → after) in the same transaction, just before it commits.
 */
export async function transact<T>(change: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await captureChanges(trx);
    const result = await change(trx);
    await flushAuditedChanges(trx);
    return result;
  });
}

class Refused extends Error {
  constructor(readonly result: Refusal | Invalid | Conflict) {
    super(result.reason);
  }
}

/**
 * Runs a write in one transaction; a refusal returned by `change` rolls everything back and comes
 * back as a value. Writes that are not scoped to one village (a cadre's leave, a notice) use this.
 */
export async function guardedWrite<T>(
  change: (trx: Transaction<DB>, now: string) => Promise<WriteResult<T>>,
): Promise<WriteResult<T>> {
  try {
    return await transact(async (trx) => {
      const result = await change(trx, nowIso());
      if (!result.ok) throw new Refused(result);
      return result;
    });
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    // A write refused for being out of the viewer's reach is worth a line of its own: it is what
    // a forged request looks like. Conflicts and invalid input are everyday and leave none.
    if (error.result.reason === "forbidden" || error.result.reason === "not-found") {
      await db.transaction().execute((trx) =>
        appendAudit(trx, {
          action: "write",
          outcome: "refused",
          details: { reason: error.result.reason, request: requestLabel() },
        }),
      );
    }
    return error.result;
  }
}

/**
 * A write scoped to one village: checks the viewer may make it there, runs it in one transaction,
 * and keeps the village's readiness record (`village_progress`) current.
 */
export async function villageWrite<T>(
  viewer: Viewer,
  villageId: string,
  permission: Permission,
  change: (trx: Transaction<DB>, village: VillageRef, now: string) => Promise<WriteResult<T>>,
): Promise<WriteResult<T>> {
  return guardedWrite(async (trx, now) => {
    const auth = await authorizeVillage(trx, viewer, villageId, permission);
    if (!auth.ok) return auth;
    const result = await change(trx, auth.village, now);
    // Whatever changed in the village, its readiness record follows in the same transaction.
    if (result.ok) await refreshVillageProgress(trx, [villageId], now);
    return result;
  });
}

/** Shorthands for the refusals models return. */
export const refuse = {
  notFound: (): Refusal => ({ ok: false, reason: "not-found" }),
  forbidden: (): Refusal => ({ ok: false, reason: "forbidden" }),
  invalid: (field: string, message: string, params?: Invalid["params"]): Invalid => ({
    ok: false,
    reason: "invalid",
    field,
    message,
    params,
  }),
};

export function done<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}
