/**
 * Villages as the screens need them. Every function takes the viewer and returns only what that
 * viewer may see: full records in their jurisdiction, public summaries elsewhere, nothing else.
 */
import type {
  ExitStatus,
  NameSource,
  PositionSource,
  UnitLevel,
  VillageType,
} from "../../db/schema";
import { sql, type SqlBool } from "kysely";
import { db } from "~/db.server";
import { activeOn } from "~/models/periods.server";
import { villageAccess, villageListScope, type Viewer } from "~/permissions";
import { today } from "~/utils/dates";
import { LIST_PAGE_SIZE, pageOf } from "~/utils/paging";
import { filterVillages, type VillageFilters } from "~/utils/village-list";

export interface VillageSummary {
  access: "summary";
  id: string;
  nameZh: string;
  namePinyin: string;
  nameSource: NameSource;
  townshipId: string;
  townshipName: string;
  townshipCode: string;
  exitStatus: ExitStatus;
  exitYear: number | null;
  lat: number;
  lon: number;
  positionSource: PositionSource;
  teamLevel?: UnitLevel;
  team: {
    id: string;
    level: UnitLevel;
    sendingUnit: string;
    sendingUnitSource: NameSource;
    cadreCount: number;
  } | null;
}

export interface VillageFull extends Omit<VillageSummary, "access"> {
  access: "full";
  code: string;
  codeSource: NameSource;
  type: VillageType;
  nameNote: string | null;
  townshipSource: NameSource;
  agriculturalPopulation: number;
  households: number;
  poorHouseholds: number;
  poorPeople: number;
  /** Remaining poor people ÷ agricultural population (0–1). */
  incidence: number;
}

export type VillageItem = VillageSummary | VillageFull;

/** What the village table draws of a village (components/village-table.tsx), and nothing more. */
export type TableVillage =
  | (TableVillageBase & { access: "summary" })
  | (TableVillageBase &
      Pick<VillageFull, "access" | "type" | "poorHouseholds" | "poorPeople" | "incidence">);
type TableVillageBase = Pick<
  VillageSummary,
  "id" | "nameZh" | "namePinyin" | "nameSource" | "townshipId" | "townshipName" | "exitStatus"
> & {
  team: Pick<
    NonNullable<VillageSummary["team"]>,
    "level" | "sendingUnit" | "sendingUnitSource"
  > | null;
};

/**
 * A village as the table draws it: a page sends its table rows with its HTML (twice: drawn, and as
 * data to hydrate), so each field not drawn is sent for nothing; the county's 89 rows were 47 KB
 * of the map page's data, 26 fields a row for 15 drawn.
 */
export function tableVillage(v: VillageItem): TableVillage {
  const team = v.team
    ? {
        level: v.team.level,
        sendingUnit: v.team.sendingUnit,
        sendingUnitSource: v.team.sendingUnitSource,
      }
    : null;
  const base = {
    id: v.id,
    nameZh: v.nameZh,
    namePinyin: v.namePinyin,
    nameSource: v.nameSource,
    townshipId: v.townshipId,
    townshipName: v.townshipName,
    exitStatus: v.exitStatus,
    team,
  };
  return v.access === "full"
    ? {
        ...base,
        access: "full",
        type: v.type,
        poorHouseholds: v.poorHouseholds,
        poorPeople: v.poorPeople,
        incidence: v.incidence,
      }
    : { ...base, access: "summary" };
}

/** Villages with their active team (if any) and its size, narrowed to the viewer's jurisdiction. */
function selectVillages(
  viewer: Viewer,
  where: { villageId?: string; townshipId?: string; ids?: readonly string[] } = {},
) {
  const on = today();
  const scope = villageListScope(viewer);
  return (
    db
      .selectFrom("villages")
      .innerJoin("townships", "townships.id", "villages.township_id")
      .leftJoin("teams", (join) =>
        join.onRef("teams.village_id", "=", "villages.id").on(activeOn("teams", on)),
      )
      .leftJoin("sending_units", "sending_units.id", "teams.sending_unit_id")
      .select((eb) => [
        "villages.id",
        "villages.code",
        "villages.code_source",
        "villages.name_zh",
        "villages.name_pinyin",
        "villages.name_source",
        "villages.township_source",
        "villages.source_note",
        "villages.township_id",
        "villages.exit_status",
        "villages.exit_year",
        "villages.lat",
        "villages.lon",
        "villages.position_source",
        "villages.village_type",
        "villages.agricultural_population",
        "villages.households",
        "villages.poor_households",
        "villages.poor_people",
        "townships.name_zh as township_name",
        "townships.code as township_code",
        "teams.id as team_id",
        "teams.level as team_level",
        "sending_units.name_zh as sending_unit_name",
        "sending_units.name_source as sending_unit_source",
        eb
          .selectFrom("team_memberships as m")
          .select((m) => m.fn.countAll<number>().as("n"))
          .whereRef("m.team_id", "=", "teams.id")
          .where(activeOn("m", on))
          .as("cadre_count"),
      ])
      .$if(Boolean(scope.townshipId), (q) =>
        q.where("villages.township_id", "=", scope.townshipId!),
      )
      // Lists leave out villages the county deactivated; a village's own page still opens (history).
      .$if(!where.villageId, (q) => q.where("villages.deactivated_at", "is", null))
      .$if(Boolean(where.villageId), (q) => q.where("villages.id", "=", where.villageId!))
      .$if(Boolean(where.townshipId), (q) =>
        q.where("villages.township_id", "=", where.townshipId!),
      )
      .$if(Boolean(where.ids), (q) =>
        where.ids!.length ? q.where("villages.id", "in", where.ids!) : q.where(sql<SqlBool>`0 = 1`),
      )
  );
}

type VillageRow = Awaited<ReturnType<ReturnType<typeof selectVillages>["execute"]>>[number];

function toItem(row: VillageRow, access: "full" | "summary"): VillageItem {
  // Each record is written out whole, without spreading the summary into the full one: in Node 20
  // `{ ...summary, access: "full", … }` (a spread, then a key it already has) took V8's slow path,
  // ~13 µs a village, 1.2 ms of every county page that lists the 89.
  const team =
    row.team_id && row.team_level && row.sending_unit_name && row.sending_unit_source
      ? {
          id: row.team_id,
          level: row.team_level,
          sendingUnit: row.sending_unit_name,
          sendingUnitSource: row.sending_unit_source,
          cadreCount: Number(row.cadre_count ?? 0),
        }
      : null;
  if (access === "summary") {
    return {
      access: "summary",
      id: row.id,
      nameZh: row.name_zh,
      namePinyin: row.name_pinyin,
      nameSource: row.name_source,
      townshipId: row.township_id,
      townshipName: row.township_name,
      townshipCode: row.township_code,
      exitStatus: row.exit_status,
      exitYear: row.exit_year,
      lat: row.lat,
      lon: row.lon,
      positionSource: row.position_source,
      teamLevel: row.team_level ?? undefined,
      team,
    };
  }
  return {
    access: "full",
    id: row.id,
    nameZh: row.name_zh,
    namePinyin: row.name_pinyin,
    nameSource: row.name_source,
    townshipId: row.township_id,
    townshipName: row.township_name,
    townshipCode: row.township_code,
    exitStatus: row.exit_status,
    exitYear: row.exit_year,
    lat: row.lat,
    lon: row.lon,
    positionSource: row.position_source,
    teamLevel: row.team_level ?? undefined,
    team,
    code: row.code,
    codeSource: row.code_source,
    type: row.village_type,
    nameNote: row.source_note,
    townshipSource: row.township_source,
    agriculturalPopulation: row.agricultural_population,
    households: row.households,
    poorHouseholds: row.poor_households,
    poorPeople: row.poor_people,
    incidence: row.agricultural_population > 0 ? row.poor_people / row.agricultural_population : 0,
  };
}

/** Every village the viewer may see, each at the access level the permissions module grants. */
export async function listVisibleVillages(viewer: Viewer, where: { townshipId?: string } = {}) {
  const rows = await selectVillages(viewer, where).execute();
  return rows.flatMap((row) => {
    const access = villageAccess(viewer, { townshipId: row.township_id, villageId: row.id });
    return access ? [toItem(row, access)] : [];
  });
}

/**
 * The villages the viewer may see a batch at a time, in the order of their ids (keyset: the ones
 * after `after`), for an export that writes them as it reads them. `last` is where the next batch
 * starts, null after the last one; a batch may hold fewer than `limit` villages (those the viewer
 * may not see are left out) and still not be the last.
 */
export async function visibleVillagesAfter(viewer: Viewer, after: string | null, limit: number) {
  const rows = await selectVillages(viewer)
    .$if(after !== null, (q) => q.where("villages.id", ">", after!))
    .orderBy("villages.id")
    .limit(limit)
    .execute();
  const items = rows.flatMap((row) => {
    const access = villageAccess(viewer, { townshipId: row.township_id, villageId: row.id });
    return access ? [toItem(row, access)] : [];
  });
  return { items, last: rows.length === limit ? rows[rows.length - 1]!.id : null };
}

/**
 * The filters a viewer may use: the village type is not public, so for someone who sees only
 * summaries elsewhere it is dropped rather than letting it reveal types by elimination.
 */
export function filtersFor(viewer: Viewer, filters: VillageFilters): VillageFilters {
  return seesFullList(viewer) ? filters : { ...filters, type: undefined };
}

/**
 * Every village the viewer may see, narrowly: what lists filter, sort, count and group by (name,
 * township, status, team level; type and figures where the viewer sees them in full), without the
 * team's size and the rest of a full record. A province's 8,000: ~0.05 s, a third of the full read.
 */
export async function narrowVillages(viewer: Viewer) {
  const on = today();
  const scope = villageListScope(viewer);
  const rows = await db
    .selectFrom("villages")
    .innerJoin("townships", "townships.id", "villages.township_id")
    .leftJoin("teams", (join) =>
      join.onRef("teams.village_id", "=", "villages.id").on(activeOn("teams", on)),
    )
    .select([
      "villages.id",
      "villages.name_zh",
      "villages.name_pinyin",
      "villages.township_id",
      "townships.code as township_code",
      "villages.exit_status",
      "villages.village_type",
      "villages.agricultural_population",
      "villages.poor_people",
      "teams.level as team_level",
    ])
    .where("villages.deactivated_at", "is", null)
    .$if(Boolean(scope.townshipId), (q) => q.where("villages.township_id", "=", scope.townshipId!))
    .execute();
  return rows.flatMap((row) => {
    const access = villageAccess(viewer, { townshipId: row.township_id, villageId: row.id });
    if (!access) return [];
    const summary = {
      access,
      id: row.id,
      nameZh: row.name_zh,
      namePinyin: row.name_pinyin,
      townshipId: row.township_id,
      townshipCode: row.township_code,
      exitStatus: row.exit_status,
      teamLevel: row.team_level ?? undefined,
    };
    if (access === "summary") return [summary];
    const population = row.agricultural_population;
    return [
      {
        ...summary,
        type: row.village_type,
        poorPeople: row.poor_people,
        incidence: population > 0 ? row.poor_people / population : 0,
      },
    ];
  });
}

/** Full records of the given villages, in the given order (those the viewer may see). */
export async function villagesByIds(
  viewer: Viewer,
  ids: readonly string[],
): Promise<VillageItem[]> {
  const full = new Map(
    (await selectVillages(viewer, { ids }).execute()).flatMap((row) => {
      const access = villageAccess(viewer, { townshipId: row.township_id, villageId: row.id });
      return access ? [[row.id, toItem(row, access)] as const] : [];
    }),
  );
  return ids.flatMap((id) => full.get(id) ?? []);
}

/**
 * One page of the village list, filtered and sorted, with its facet counts: the filters, facets
 * and order are worked out over a narrow read of every visible village (what they need and no
 * more), and only the page's villages are read in full. A province's 8,000 villages: ~0.1 s, not
 * the whole list's 0.3–0.4 s.
 */
export async function listVillagePage(
  viewer: Viewer,
  filters: VillageFilters,
  requestedPage: string | null,
  size = LIST_PAGE_SIZE,
) {
  const listable = await narrowVillages(viewer);
  const { villages: matching, ...list } = filterVillages(listable, filtersFor(viewer, filters));
  const page = pageOf(matching, requestedPage, size);
  return {
    ...list,
    villages: await villagesByIds(
      viewer,
      page.rows.map((v) => v.id),
    ),
    matched: matching.length,
    page: { page: page.page, pages: page.pages, from: page.start + 1, to: page.end },
  };
}

/** One village for its page, or null when it does not exist or lies outside the viewer's jurisdiction. */
export async function getVillage(viewer: Viewer, villageId: string): Promise<VillageItem | null> {
  const row = await selectVillages(viewer, { villageId }).executeTakeFirst();
  if (!row) return null;
  const access = villageAccess(viewer, { townshipId: row.township_id, villageId: row.id });
  return access ? toItem(row, access) : null;
}

/** Whether every listed village is visible in full (so type filters and figures may be offered). */
export function seesFullList(viewer: Viewer): boolean {
  return viewer.role !== "team_member";
}

/** Village names by id, for lists that carry ids (the audit log). */
export async function villageNames(ids: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await db
    .selectFrom("villages")
    .select(["id", "name_zh"])
    .where("id", "in", unique)
    .execute();
  return new Map(rows.map((r) => [r.id, r.name_zh]));
}
