/**
 * The compact wire format of the map's villages: parallel arrays (columns) instead of an array of
 * objects, so 8,000 villages stay small after gzip. Encoded on the server, decoded in the browser.
 */
import {
  EXIT_STATUSES,
  UNIT_LEVELS,
  VILLAGE_TYPES,
  type ExitStatus,
  type UnitLevel,
  type VillageType,
} from "../../db/schema";
import type { ListableVillage } from "~/utils/village-list";

export interface MapDataWire {
  townships: { id: string; name: string; code: string }[];
  units: string[];
  v: {
    id: string[];
    name: string[];
    pinyin: string[];
    lat: number[];
    lon: number[];
    /** Index into EXIT_STATUSES. */
    status: number[];
    /** Index into VILLAGE_TYPES, or -1 where the viewer sees only the public summary. */
    type: number[];
    /** Index into UNIT_LEVELS, or -1 without an active team. */
    level: number[];
    /** Index into townships. */
    township: number[];
    /** Index into units, or -1. */
    unit: number[];
    /** 1 for the viewer's own village. */
    own: number[];
    /** 1 when the position is invented demo data. */
    demo: number[];
    /** updated_at, needed to correct a position (sent only to those who may). */
    version?: string[];
  };
}

export interface MapVillage extends ListableVillage {
  id: string;
  lat: number;
  lon: number;
  townshipName: string;
  teamLevel?: UnitLevel;
  sendingUnit?: string;
  own: boolean;
  demoPosition: boolean;
  version?: string;
}

export function decodeMapData(wire: MapDataWire): MapVillage[] {
  const { v } = wire;
  return v.id.map((id, i) => {
    const township = wire.townships[v.township[i]!]!;
    const level = v.level[i]!;
    const type = v.type[i]!;
    const unit = v.unit[i]!;
    return {
      id,
      nameZh: v.name[i]!,
      namePinyin: v.pinyin[i]!,
      lat: v.lat[i]!,
      lon: v.lon[i]!,
      exitStatus: EXIT_STATUSES[v.status[i]!] as ExitStatus,
      type: type >= 0 ? (VILLAGE_TYPES[type] as VillageType) : undefined,
      teamLevel: level >= 0 ? (UNIT_LEVELS[level] as UnitLevel) : undefined,
      sendingUnit: unit >= 0 ? wire.units[unit] : undefined,
      townshipId: township.id,
      townshipCode: township.code,
      townshipName: township.name,
      own: v.own[i] === 1,
      demoPosition: v.demo[i] === 1,
      version: v.version?.[i],
    };
  });
}
