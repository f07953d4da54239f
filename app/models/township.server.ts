import type { ExitStatus, TownshipKind } from "../../db/schema";
import { db } from "~/db.server";
import { townshipAccess, type Viewer } from "~/permissions";
import { listVisibleVillages, narrowVillages } from "~/models/village.server";
import { hasExited } from "~/utils/village-list";
import { groupBy } from "~/utils/group";

export interface TownshipRow {
  id: string;
  code: string;
  name: string;
  namePinyin: string;
  kind: TownshipKind;
  villages: number;
  exited: number;
  /** Null where the viewer sees only public summaries. */
  poorPeople: number | null;
}

/**
 * Townships the viewer may open, with counts over the given villages (those the viewer may see).
 * Callers that already hold the villages pass them in, so nothing is loaded twice.
 */
export async function summariseTownships(
  viewer: Viewer,
  villages: readonly {
    townshipId: string;
    exitStatus: ExitStatus;
    access: "full" | "summary";
    poorPeople?: number;
  }[],
): Promise<TownshipRow[]> {
  const townships = await db
    .selectFrom("townships")
    .select(["id", "code", "name_zh", "name_pinyin", "kind"])
    .orderBy("code")
    .execute();
  const byTownship = groupBy(villages, (v) => v.townshipId);
  return townships
    .filter((t) => townshipAccess(viewer, { townshipId: t.id }) !== null)
    .map((t) => {
      const mine = byTownship.get(t.id) ?? [];
      const full = mine.every((v) => v.access === "full");
      return {
        id: t.id,
        code: t.code,
        name: t.name_zh,
        namePinyin: t.name_pinyin,
        kind: t.kind,
        villages: mine.length,
        exited: mine.filter((v) => hasExited(v.exitStatus)).length,
        poorPeople: full ? mine.reduce((sum, v) => sum + (v.poorPeople ?? 0), 0) : null,
      };
    });
}

export async function listTownships(viewer: Viewer): Promise<TownshipRow[]> {
  return summariseTownships(viewer, await narrowVillages(viewer));
}

export async function getTownship(viewer: Viewer, townshipId: string) {
  const township = await db
    .selectFrom("townships")
    .select(["id", "code", "name_zh", "name_pinyin", "kind", "lat", "lon"])
    .where("id", "=", townshipId)
    .executeTakeFirst();
  if (!township) return null;
  const access = townshipAccess(viewer, { townshipId: township.id });
  if (!access) return null;
  const villages = await listVisibleVillages(viewer, { townshipId: township.id });
  return {
    access,
    id: township.id,
    code: township.code,
    name: township.name_zh,
    namePinyin: township.name_pinyin,
    kind: township.kind,
    villages,
    exited: villages.filter((v) => hasExited(v.exitStatus)).length,
  };
}

/** Township choices for filters: those the viewer may see. */
export async function listTownshipOptions(viewer: Viewer) {
  const rows = await db
    .selectFrom("townships")
    .select(["id", "name_zh", "code"])
    .orderBy("code")
    .execute();
  return rows
    .filter((t) => townshipAccess(viewer, { townshipId: t.id }) !== null)
    .map((t) => ({ id: t.id, name: t.name_zh }));
}
