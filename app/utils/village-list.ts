/**
 * Filtering, facet counts and sorting of a village list: pure, so it is unit-tested without a
 * database and shared by every list of villages.
 */
import type { ExitStatus, UnitLevel, VillageType } from "../../db/schema";

export const VILLAGE_SORTS = ["township", "name", "incidence", "poor_people"] as const;
export type VillageSort = (typeof VILLAGE_SORTS)[number];

export interface VillageFilters {
  townshipId?: string;
  type?: VillageType;
  status?: ExitStatus;
  level?: UnitLevel;
  q?: string;
  sort?: VillageSort;
}

export interface ListableVillage {
  nameZh: string;
  namePinyin: string;
  townshipId: string;
  townshipCode: string;
  exitStatus: ExitStatus;
  /** The level of the village's active team (province / city / county), if it has one. */
  teamLevel?: UnitLevel;
  /** Absent on public summaries: such rows never match a type filter and sort last by figures. */
  type?: VillageType;
  incidence?: number;
  poorPeople?: number;
}

/** A village counts as exited once it has exited, including while it consolidates. */
export function hasExited(status: ExitStatus): boolean {
  return status === "exited" || status === "consolidating";
}

/** "Wèijiā Cūn" → "weijiacun": lets people search by pinyin without tones or spaces. */
export function plainPinyin(value: string): string {
  return value
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]/gi, "")
    .toLowerCase();
}

export function matchesQuery(village: ListableVillage, q: string): boolean {
  const query = q.trim();
  if (!query) return true;
  if (village.nameZh.includes(query)) return true;
  const plain = plainPinyin(query);
  return plain.length > 0 && plainPinyin(village.namePinyin).includes(plain);
}

function matches(v: ListableVillage, f: VillageFilters, skip?: "status" | "type"): boolean {
  if (f.townshipId && v.townshipId !== f.townshipId) return false;
  if (skip !== "status" && f.status && v.exitStatus !== f.status) return false;
  if (skip !== "type" && f.type && v.type !== f.type) return false;
  if (f.level && v.teamLevel !== f.level) return false;
  return matchesQuery(v, f.q ?? "");
}

function countBy<K extends string>(
  items: ListableVillage[],
  key: (v: ListableVillage) => K | undefined,
) {
  const counts: Partial<Record<K, number>> = {};
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

/**
 * Chinese names in pinyin order. Made when a list is first sorted, not when this module loads: a
 * collator loads ICU's collation data, which a page that never sorts (most, while hydrating) should
 * not wait for.
 */
let pinyinCollator: Intl.Collator | undefined;
const collator = () => (pinyinCollator ??= new Intl.Collator("zh-CN-u-co-pinyin"));

export function filterVillages<T extends ListableVillage>(villages: T[], filters: VillageFilters) {
  const shown = villages.filter((v) => matches(v, filters));
  const sort = filters.sort ?? "township";
  const byName = (a: T, b: T) => collator().compare(a.nameZh, b.nameZh);
  const desc = (x?: number, y?: number) => (y ?? -1) - (x ?? -1);
  shown.sort((a, b) => {
    switch (sort) {
      case "name":
        return byName(a, b);
      case "incidence":
        return desc(a.incidence, b.incidence) || byName(a, b);
      case "poor_people":
        return desc(a.poorPeople, b.poorPeople) || byName(a, b);
      case "township":
        return a.townshipCode.localeCompare(b.townshipCode) || byName(a, b);
    }
  });
  return {
    villages: shown,
    total: villages.length,
    sort,
    // Each facet counts over the other filters, so a number says what choosing it would show.
    byStatus: countBy(
      villages.filter((v) => matches(v, filters, "status")),
      (v) => v.exitStatus,
    ),
    byType: countBy(
      villages.filter((v) => matches(v, filters, "type")),
      (v) => v.type,
    ),
  };
}
