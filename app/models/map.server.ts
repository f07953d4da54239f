/**
 * What the map needs, and nothing more: compact village columns for the viewer's jurisdiction,
 * township boundaries with their exit shares, and the county outline.
 */
import { EXIT_STATUSES, UNIT_LEVELS, VILLAGE_TYPES } from "../../db/schema";
import { county } from "~/data/shangyi.server";
import { db } from "~/db.server";
import { hasAnywhere, townshipAccess, type Viewer } from "~/permissions";
import { listVisibleVillages } from "~/models/village.server";
import type { MapDataWire } from "~/utils/map-data";

const EXITED = new Set(["exited", "consolidating"]);
const round5 = (n: number) => Math.round(n * 1e5) / 1e5;

export async function mapData(viewer: Viewer): Promise<MapDataWire> {
  const [villages, versions] = await Promise.all([
    listVisibleVillages(viewer),
    hasAnywhere(viewer, "update:village-position")
      ? db.selectFrom("villages").select(["id", "updated_at"]).execute()
      : Promise.resolve(null),
  ]);
  const townshipIndex = new Map<string, number>();
  const unitIndex = new Map<string, number>();
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
  const versionById = versions ? new Map(versions.map((r) => [r.id, r.updated_at])) : null;
  if (versionById) wire.v.version = [];
  for (const v of villages) {
    let t = townshipIndex.get(v.townshipId);
    if (t === undefined) {
      t = wire.townships.push({ id: v.townshipId, name: v.townshipName, code: v.townshipCode }) - 1;
      townshipIndex.set(v.townshipId, t);
    }
    let u = -1;
    if (v.team) {
      u = unitIndex.get(v.team.sendingUnit) ?? -1;
      if (u < 0) {
        u = wire.units.push(v.team.sendingUnit) - 1;
        unitIndex.set(v.team.sendingUnit, u);
      }
    }
    wire.v.id.push(v.id);
    wire.v.name.push(v.nameZh);
    wire.v.pinyin.push(v.namePinyin);
    wire.v.lat.push(round5(v.lat));
    wire.v.lon.push(round5(v.lon));
    wire.v.status.push(EXIT_STATUSES.indexOf(v.exitStatus));
    wire.v.type.push(v.access === "full" ? VILLAGE_TYPES.indexOf(v.type) : -1);
    wire.v.level.push(v.team ? UNIT_LEVELS.indexOf(v.team.level) : -1);
    wire.v.township.push(t);
    wire.v.unit.push(u);
    wire.v.own.push(viewer.villageIds.includes(v.id) ? 1 : 0);
    wire.v.demo.push(v.positionSource === "demo" ? 1 : 0);
    wire.v.version?.push(versionById?.get(v.id) ?? "");
  }
  return wire;
}

export interface TownshipShape {
  id: string;
  name: string;
  villages: number;
  exited: number;
  /** Imported boundary (GeoJSON geometry), or null: boundaries are never invented. */
  geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon | null;
}

/** Townships the viewer may see, with imported boundaries where the county has loaded them. */
export async function townshipShapes(viewer: Viewer): Promise<TownshipShape[]> {
  const [townships, boundaries, villages] = await Promise.all([
    db.selectFrom("townships").select(["id", "name_zh"]).orderBy("code").execute(),
    db.selectFrom("township_boundaries").select(["township_id", "geometry"]).execute(),
    listVisibleVillages(viewer),
  ]);
  const geometry = new Map(boundaries.map((b) => [b.township_id, b.geometry]));
  return townships
    .filter((t) => townshipAccess(viewer, { townshipId: t.id }) !== null)
    .map((t) => {
      const mine = villages.filter((v) => v.townshipId === t.id);
      const raw = geometry.get(t.id);
      return {
        id: t.id,
        name: t.name_zh,
        villages: mine.length,
        exited: mine.filter((v) => EXITED.has(v.exitStatus)).length,
        geometry: raw ? (JSON.parse(raw) as TownshipShape["geometry"]) : null,
      };
    });
}

export function countyOutline() {
  return { boundary: county.boundary, bbox: county.bbox, seat: county.seat };
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
