/** Correcting where a village is: one transaction that moves it and records who did it, when and how. */
import { nowIso } from "~/utils/clock";
import type { Kysely, Transaction } from "kysely";
import type { DB, PositionChangeMethod } from "../../db/schema";
import { newId } from "../../db/ids";
import { db } from "~/db.server";
import { can, type Viewer } from "~/permissions";
import { transact } from "~/models/write.server";

export type MoveResult =
  { ok: true; version: string } | { ok: false; reason: "not-found" | "stale" };

/**
 * Moves a village inside an existing transaction (the import moves many in one). The caller has
 * checked permission; `expectedVersion` (the village's updated_at when the form was shown) makes a
 * concurrent edit fail instead of silently overwriting it.
 */
export async function moveVillageInTransaction(
  trx: Transaction<DB> | Kysely<DB>,
  changedBy: string,
  move: {
    villageId: string;
    lat: number;
    lon: number;
    method: PositionChangeMethod;
    expectedVersion?: string;
  },
  now = nowIso(),
): Promise<MoveResult> {
  const village = await trx
    .selectFrom("villages")
    .select(["lat", "lon", "position_source", "updated_at"])
    .where("id", "=", move.villageId)
    .executeTakeFirst();
  if (!village) return { ok: false, reason: "not-found" };
  if (move.expectedVersion !== undefined && move.expectedVersion !== village.updated_at) {
    return { ok: false, reason: "stale" };
  }
  const source = move.method === "import" ? "imported" : "surveyed";
  await trx
    .updateTable("villages")
    .set({ lat: move.lat, lon: move.lon, position_source: source, updated_at: now })
    .where("id", "=", move.villageId)
    .execute();
  await trx
    .insertInto("village_position_changes")
    .values({
      id: newId(),
      village_id: move.villageId,
      lat: move.lat,
      lon: move.lon,
      previous_lat: village.lat,
      previous_lon: village.lon,
      previous_source: village.position_source,
      source,
      method: move.method,
      changed_by: changedBy,
      changed_at: now,
    })
    .execute();
  return { ok: true, version: now };
}

/** A county admin corrects one village's position (dragged on the map or typed in). */
export async function moveVillage(
  viewer: Viewer,
  move: {
    villageId: string;
    lat: number;
    lon: number;
    method: "drag" | "typed";
    expectedVersion: string;
  },
): Promise<MoveResult> {
  const target = await db
    .selectFrom("villages")
    .select("township_id")
    .where("id", "=", move.villageId)
    .executeTakeFirst();
  if (
    !target ||
    !can(viewer, "update:village-position", {
      townshipId: target.township_id,
      villageId: move.villageId,
    })
  ) {
    return { ok: false, reason: "not-found" };
  }
  return transact((trx) => moveVillageInTransaction(trx, viewer.id, move));
}

export async function positionHistory(villageId: string, limit = 5) {
  const rows = await db
    .selectFrom("village_position_changes as c")
    .innerJoin("users as u", "u.id", "c.changed_by")
    .select(["c.id", "c.lat", "c.lon", "c.method", "c.changed_at", "u.display_name"])
    .where("c.village_id", "=", villageId)
    .orderBy("c.changed_at", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    lat: r.lat,
    lon: r.lon,
    method: r.method,
    changedAt: r.changed_at,
    changedBy: r.display_name,
  }));
}

/** The version a position form must send back (the village's last update time). */
export async function villageVersion(villageId: string): Promise<string | null> {
  const row = await db
    .selectFrom("villages")
    .select("updated_at")
    .where("id", "=", villageId)
    .executeTakeFirst();
  return row?.updated_at ?? null;
}
