/**
 * The jurisdiction check every village-scoped read and write starts with. A village the viewer may
 * not read in full does not exist for them (404); one they may read but not change is a 403.
 */
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../db/schema";
import { can, type Permission, type Viewer } from "~/permissions";

type Executor = Kysely<DB> | Transaction<DB>;

export type Refusal = { ok: false; reason: "not-found" | "forbidden" };

export interface VillageRef {
  id: string;
  townshipId: string;
  nameZh: string;
  agriculturalPopulation: number;
}

export async function authorizeVillage(
  executor: Executor,
  viewer: Viewer,
  villageId: string,
  permission: Permission,
): Promise<{ ok: true; village: VillageRef } | Refusal> {
  const row = await executor
    .selectFrom("villages")
    .select(["id", "township_id", "name_zh", "agricultural_population"])
    .where("id", "=", villageId)
    .executeTakeFirst();
  if (!row) return { ok: false, reason: "not-found" };
  const target = { townshipId: row.township_id, villageId: row.id };
  if (!can(viewer, "read:village", target)) return { ok: false, reason: "not-found" };
  if (!can(viewer, permission, target)) return { ok: false, reason: "forbidden" };
  return {
    ok: true,
    village: {
      id: row.id,
      townshipId: row.township_id,
      nameZh: row.name_zh,
      agriculturalPopulation: row.agricultural_population,
    },
  };
}
