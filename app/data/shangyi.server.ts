/**
 * Typed access to the sourced facts about Shangyi County (db/seed-data/shangyi.json, a copy of
 * shared/data/shangyi.json kept in the repo so a fresh clone has it). Every value there cites its source.
 */
import raw from "../../db/seed-data/shangyi.json";

export interface TownshipFact {
  code: string;
  name_zh: string;
  name_pinyin: string;
  kind: "镇" | "乡";
  lat: number | null;
  lon: number | null;
  location_note?: string;
}

export interface CountyFacts {
  name_zh: string;
  name_en: string;
  adcode: string;
  seat: { name_zh: string; lat: number; lon: number };
  bbox: { west: number; south: number; east: number; north: number };
  /** GeoJSON Polygon, WGS-84, [lon, lat] pairs. */
  boundary: { type: "Polygon"; coordinates: number[][][] };
}

export const county: CountyFacts = {
  name_zh: raw.county.name_zh,
  name_en: raw.county.name_en,
  adcode: raw.county.adcode,
  seat: raw.county.seat,
  bbox: raw.county.bbox_wgs84,
  boundary: {
    type: "Polygon",
    coordinates: raw.county.boundary_approx_wgs84.coordinates as number[][][],
  },
};

export const townshipFacts: TownshipFact[] = raw.townships as TownshipFact[];

/** 1997 administrative-village lists (verified names, without the 村 suffix). */
export const villageLists1997: Record<string, string[]> = {
  小蒜沟镇: raw.other_verified_village_lists_1997["小蒜沟镇"],
  三工地镇: raw.other_verified_village_lists_1997["三工地镇"],
};

export const povertyLines: { year: number; value: number; verified: boolean | string }[] =
  raw.poverty_line_by_year.values_yuan_current_prices;
