/**
 * The change log behind a village's Activity tab: every write to a plan or roster records who,
 * when and each changed field's before and after, in the same transaction as the write.
 */
import type { Kysely, Transaction } from "kysely";
import type { ActivityAction, ActivityLogTable, DB } from "../../db/schema";
import { newId } from "../../db/ids";
import { db } from "~/db.server";

type Executor = Kysely<DB> | Transaction<DB>;
export type Changes = Record<string, [unknown, unknown]>;

/** The fields whose value differs between two versions of a record (unchanged fields are left out). */
export function diff<T extends Record<string, unknown>>(
  before: Partial<T> | null,
  after: Partial<T>,
  fields: readonly (keyof T & string)[],
): Changes {
  const changes: Changes = {};
  for (const field of fields) {
    const a = before?.[field] ?? null;
    const b = after[field] ?? null;
    if (JSON.stringify(a) !== JSON.stringify(b)) changes[field] = [a, b];
  }
  return changes;
}

export async function recordActivity(
  trx: Executor,
  entry: {
    villageId: string;
    entity: ActivityLogTable["entity"];
    entityId: string;
    label: string;
    action: ActivityAction;
    changes: Changes | Record<string, unknown>;
    actorId: string | null;
    at: string;
  },
) {
  await trx
    .insertInto("activity_log")
    .values({
      id: newId(),
      village_id: entry.villageId,
      entity: entry.entity,
      entity_id: entry.entityId,
      label: entry.label,
      action: entry.action,
      changes: JSON.stringify(entry.changes),
      actor_id: entry.actorId,
      at: entry.at,
    })
    .execute();
}

export interface ActivityEntry {
  id: string;
  entity: ActivityLogTable["entity"];
  entityId: string;
  label: string;
  action: ActivityAction;
  changes: Record<string, unknown>;
  actor: string | null;
  at: string;
}

/** A village's activity, newest first. The caller has checked that the viewer may read the village. */
export async function listActivity(
  villageId: string,
  { limit = 200, before }: { limit?: number; before?: string } = {},
): Promise<ActivityEntry[]> {
  let query = db
    .selectFrom("activity_log")
    .leftJoin("users", "users.id", "activity_log.actor_id")
    .select([
      "activity_log.id",
      "activity_log.entity",
      "activity_log.entity_id",
      "activity_log.label",
      "activity_log.action",
      "activity_log.changes",
      "activity_log.at",
      "users.display_name",
    ])
    .where("activity_log.village_id", "=", villageId)
    .orderBy("activity_log.at", "desc")
    .orderBy("activity_log.id", "desc")
    .limit(limit);
  if (before) query = query.where("activity_log.at", "<", before);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    entity: r.entity,
    entityId: r.entity_id,
    label: r.label,
    action: r.action,
    changes: JSON.parse(r.changes) as Record<string, unknown>,
    actor: r.display_name,
    at: r.at,
  }));
}
