/**
 * What the map needs, and nothing more: compact village columns for the viewer's jurisdiction,
 * township boundaries with their exit shares, and the county outline.
 */
import { EXIT_STATUSES, UNIT_LEVELS, VILLAGE_TYPES } from "../../db/schema";
import { county } from "~/data/shangyi.server";
import { db } from "~/db.server";
import { activeOn } from "~/models/periods.server";
import { hasAnywhere, villageAccess, villageListScope, type Viewer } from "~/permissions";
import { today } from "~/utils/dates";
import { summariseTownships, type TownshipRow } from "~/models/township.server";
import type { MapDataWire } from "~/utils/map-data";

const round5 = (n: number) => Math.round(n * 1e5) / 1e5;

/**
 * One lean query (only the columns the map draws), then one pass into columns. Jurisdiction is the
 * same as everywhere: SQL narrows a township leader's rows, villageAccess decides each row.
 */
export async function mapData(viewer: Viewer): Promise<MapDataWire> {
  const on = today();
  const scope = villageListScope(viewer);
  const withVersions = hasAnywhere(viewer, "update:village-position");
  // The villages, one row each with only ids for their township and sending unit: the names of
  // the 14 (or a province's 170) townships and of the units come from two small reads, not
  // 8,000 times over (every string of every row is a value the driver decodes and the
  // garbage collector then sweeps).
  const [rows, townships, units] = await Promise.all([
    db
      .selectFrom("villages as v")
      // A deactivated village has left the programme: it is no longer on the map.
      .where("v.deactivated_at", "is", null)
      .leftJoin("teams as tm", (join) =>
        join.onRef("tm.village_id", "=", "v.id").on(activeOn("tm", on)),
      )
      .select([
        "v.id",
        "v.name_zh",
        "v.name_pinyin",
        "v.lat",
        "v.lon",
        "v.exit_status",
        "v.village_type",
        "v.position_source",
        "v.updated_at",
        "v.township_id",
        "tm.level as team_level",
        "tm.sending_unit_id",
      ])
      .$if(Boolean(scope.townshipId), (q) => q.where("v.township_id", "=", scope.townshipId!))
      .execute(), // unordered: the map has no order, and sorting 8,000 rows costs a fifth of the time
    db
      .selectFrom("townships")
      .select(["id", "name_zh", "code"])
      .$if(Boolean(scope.townshipId), (q) => q.where("id", "=", scope.townshipId!))
      .execute(),
    db.selectFrom("sending_units").select(["id", "name_zh"]).execute(),
  ]);
  const townshipOf = new Map(townships.map((t) => [t.id, t]));
  const unitName = new Map(units.map((u) => [u.id, u.name_zh]));

  const townshipIndex = new Map<string, number>();
  const unitIndex = new Map<string, number>();
  const own = new Set(viewer.villageIds);
  const wire: MapDataWire = {
    townships: [],
    units: [],
    v: {
      id: [],
      name: [],
      pinyin: [],
      lat: [],
      lon: [],
      status: [],
      type: [],
      level: [],
      township: [],
      unit: [],
      own: [],
      demo: [],
    },
  };
  if (withVersions) wire.v.version = [];
  const seen = new Set<string>();
  for (const r of rows) {
    if (seen.has(r.id)) continue; // a village with two active teams is drawn once
    seen.add(r.id);
    const access = villageAccess(viewer, { townshipId: r.township_id, villageId: r.id });
    if (!access) continue;
    let t = townshipIndex.get(r.township_id);
    if (t === undefined) {
      const township = townshipOf.get(r.township_id);
      if (!township) continue; // a village always has its township (a foreign key): not drawn
      t = wire.townships.push({ id: township.id, name: township.name_zh, code: township.code }) - 1;
      townshipIndex.set(r.township_id, t);
    }
    let u = -1;
    const unit = r.sending_unit_id ? unitName.get(r.sending_unit_id) : undefined;
    if (unit) {
      u = unitIndex.get(unit) ?? -1;
      if (u < 0) {
        u = wire.units.push(unit) - 1;
        unitIndex.set(unit, u);
      }
    }
    wire.v.id.push(r.id);
    wire.v.name.push(r.name_zh);
    wire.v.pinyin.push(r.name_pinyin);
    wire.v.lat.push(round5(r.lat));
    wire.v.lon.push(round5(r.lon));
    wire.v.status.push(STATUS_INDEX[r.exit_status]);
    wire.v.type.push(access === "full" ? TYPE_INDEX[r.village_type] : -1);
    wire.v.level.push(r.team_level ? LEVEL_INDEX[r.team_level] : -1);
    wire.v.township.push(t);
    wire.v.unit.push(u);
    wire.v.own.push(own.has(r.id) ? 1 : 0);
    wire.v.demo.push(r.position_source === "demo" ? 1 : 0);
    wire.v.version?.push(r.updated_at);
  }
  return wire;
}

const indexOf = <T extends string>(values: readonly T[]) =>
  Object.fromEntries(values.map((v, i) => [v, i])) as Record<T, number>;
const STATUS_INDEX = indexOf(EXIT_STATUSES);
const TYPE_INDEX = indexOf(VILLAGE_TYPES);
const LEVEL_INDEX = indexOf(UNIT_LEVELS);

export interface TownshipShape extends TownshipRow {
  /** Imported boundary (GeoJSON geometry), or null: boundaries are never invented. */
  geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon | null;
}

/** Townships the viewer may see, with counts over `villages` and any boundary the county imported. */
export async function townshipShapes(
  viewer: Viewer,
  villages: Parameters<typeof summariseTownships>[1],
): Promise<TownshipShape[]> {
  const [summaries, boundaries] = await Promise.all([
    summariseTownships(viewer, villages),
    db.selectFrom("township_boundaries").select(["township_id", "geometry"]).execute(),
  ]);
  const geometry = new Map(boundaries.map((b) => [b.township_id, b.geometry]));
  return summaries.map((t) => {
    const raw = geometry.get(t.id);
    return { ...t, geometry: raw ? (JSON.parse(raw) as TownshipShape["geometry"]) : null };
  });
}

export function countyOutline() {
  return { boundary: county.boundary, bbox: county.bbox };
}

/** Where the map opens: a township leader on their township, a team member on their village. */
export function mapFocus(viewer: Viewer) {
  if (viewer.role === "township_leader" && viewer.townshipId)
    return { townshipId: viewer.townshipId };
  if (viewer.villageIds.length > 0) return { villageId: viewer.villageIds[0] };
  return {};
}

export function canEditPositions(viewer: Viewer) {
  return hasAnywhere(viewer, "update:village-position");
}
