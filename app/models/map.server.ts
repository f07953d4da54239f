/**
 * What the map needs, and nothing more: compact village columns for the viewer's jurisdiction,
 * township boundaries with their exit shares, and the county outline.
 */
import { sql, type RawBuilder } from "kysely";
import { EXIT_STATUSES, UNIT_LEVELS, VILLAGE_TYPES } from "../../db/schema";
import { county } from "~/data/shangyi.server";
import { selectTuples } from "../../db/dialect";
import { db } from "~/db.server";
import { activeOn } from "~/models/periods.server";
import { hasAnywhere, villageAccess, villageListScope, type Viewer } from "~/permissions";
import { today } from "~/utils/dates";
import { summariseTownships, type TownshipRow } from "~/models/township.server";
import type { MapDataWire } from "~/utils/map-data";

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
  // garbage collector then sweeps). For the same reason the enum columns come as their indexes,
  // the coordinates as integers, and the rows as tuples (selectTuples: arrays from node-postgres,
  // far cheaper than its objects).
  const [rows, townships, units] = await Promise.all([
    selectTuples(
      db,
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
          e5("v.lat").as("lat"),
          e5("v.lon").as("lon"),
          indexIn("v.exit_status", EXIT_STATUSES).as("status"),
          indexIn("v.village_type", VILLAGE_TYPES).as("type"),
          indexIn("v.position_source", ["demo"]).as("demo"),
          "v.updated_at",
          "v.township_id",
          indexIn("tm.level", UNIT_LEVELS).as("level"),
          "tm.sending_unit_id",
        ])
        .$if(Boolean(scope.townshipId), (q) => q.where("v.township_id", "=", scope.townshipId!)),
      [
        "id",
        "name_zh",
        "name_pinyin",
        "lat",
        "lon",
        "status",
        "type",
        "demo",
        "updated_at",
        "township_id",
        "level",
        "sending_unit_id",
      ],
    ), // unordered: the map has no order, and sorting 8,000 rows costs a fifth of the time
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
  for (const [
    id,
    name,
    pinyin,
    lat,
    lon,
    status,
    type,
    demo,
    version,
    townshipId,
    level,
    unitId,
  ] of rows) {
    if (seen.has(id)) continue; // a village with two active teams is drawn once
    seen.add(id);
    const access = villageAccess(viewer, { townshipId, villageId: id });
    if (!access) continue;
    let t = townshipIndex.get(townshipId);
    if (t === undefined) {
      const township = townshipOf.get(townshipId);
      if (!township) continue; // a village always has its township (a foreign key): not drawn
      t = wire.townships.push({ id: township.id, name: township.name_zh, code: township.code }) - 1;
      townshipIndex.set(townshipId, t);
    }
    let u = -1;
    const unit = unitId ? unitName.get(unitId) : undefined;
    if (unit) {
      u = unitIndex.get(unit) ?? -1;
      if (u < 0) {
        u = wire.units.push(unit) - 1;
        unitIndex.set(unit, u);
      }
    }
    wire.v.id.push(id);
    wire.v.name.push(name);
    wire.v.pinyin.push(pinyin);
    wire.v.lat.push(lat / 1e5);
    wire.v.lon.push(lon / 1e5);
    wire.v.status.push(status ?? -1);
    wire.v.type.push(access === "full" ? (type ?? -1) : -1);
    wire.v.level.push(level ?? -1);
    wire.v.township.push(t);
    wire.v.unit.push(u);
    wire.v.own.push(own.has(id) ? 1 : 0);
    wire.v.demo.push(demo === 0 ? 1 : 0);
    wire.v.version?.push(version);
  }
  return wire;
}

/**
 * A coordinate times 10⁵, rounded as Math.round rounds (halves up), as an integer: exactly
 * Math.round(x * 1e5), so that dividing by 1e5 in JS gives what round5 gave.
 */
function e5(ref: string): RawBuilder<number> {
  const x = sql`(${sql.ref(ref)} * 100000.0)`;
  return sql<number>`cast(floor(${x}) + case when ${x} - floor(${x}) >= 0.5 then 1 else 0 end as integer)`;
}

/** A text column's value as its index in `values` (null when it is none of them, or null). */
function indexIn(ref: string, values: readonly string[]): RawBuilder<number | null> {
  const whens = values.map((v, i) => sql`when ${sql.lit(v)} then ${sql.lit(i)}`);
  return sql<number | null>`case ${sql.ref(ref)} ${sql.join(whens, sql` `)} end`;
}

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
