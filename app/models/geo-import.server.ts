/**
 * Importing township boundaries and village positions from GeoJSON or CSV. Two steps: `parseImport`
 * checks the whole file and reports every row (nothing is written), `commitImport` re-checks and
 * writes everything in one transaction, or nothing.
 */
import { nowIso } from "~/utils/clock";
import type { Kysely } from "kysely";
import gcoord from "gcoord";
import Papa from "papaparse";
import type { DB } from "../../db/schema";
import { db } from "~/db.server";
import type { MessageKey, MessageParams } from "~/i18n";
import { moveVillageInTransaction } from "~/models/position.server";
import { hasAnywhere, type Viewer } from "~/permissions";
import { isInAllowedArea } from "~/utils/county-area";
import { MAX_GEO_IMPORT_ROWS } from "~/utils/limits";
import { transact } from "~/models/write.server";

export { MAX_GEO_IMPORT_BYTES as MAX_IMPORT_BYTES } from "~/utils/limits";

export interface ImportMessage {
  key: MessageKey;
  params?: MessageParams;
}

export interface PositionRow {
  row: number;
  villageId: string;
  label: string;
  lat: number;
  lon: number;
  result: "update" | "unchanged";
}

export interface BoundaryRow {
  row: number;
  townshipId: string;
  label: string;
  geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon;
  result: "update" | "unchanged";
}

export type ParsedImport =
  | { kind: "positions"; rows: PositionRow[]; errors: ImportMessage[]; total: number }
  | { kind: "boundaries"; rows: BoundaryRow[]; errors: ImportMessage[]; total: number }
  | { kind: null; rows: []; errors: ImportMessage[]; total: 0 };

/** What the parser needs to know about the places already stored. */
export interface PlaceIndex {
  villages: {
    id: string;
    code: string;
    name: string;
    townshipId: string;
    lat: number;
    lon: number;
  }[];
  townships: { id: string; code: string; name: string; geometry: string | null }[];
}

type RawPosition = {
  row: number;
  code?: string;
  name?: string;
  township?: string;
  lat: unknown;
  lon: unknown;
};
type RawBoundary = { row: number; code?: string; name?: string; geometry: GeoJSON.Geometry | null };

const text = (v: unknown) =>
  typeof v === "string" || typeof v === "number" ? String(v).trim() : undefined;
const pick = (o: Record<string, unknown>, ...keys: string[]) => {
  for (const k of keys) {
    const v = text(o[k]);
    if (v) return v;
  }
  return undefined;
};

function failure(key: MessageKey, params?: MessageParams): ParsedImport {
  return { kind: null, rows: [], errors: [{ key, params }], total: 0 };
}

const tooManyRows: ImportMessage = {
  key: "spreadsheet.tooManyRows",
  params: { max: MAX_GEO_IMPORT_ROWS },
};

/**
 * Reads a file's rows without judging them yet: GeoJSON features or CSV lines, at most
 * MAX_GEO_IMPORT_ROWS of them (every row beyond would only add to the work and to the errors
 * shown).
 */
function readRows(
  fileName: string,
  content: string,
): { positions: RawPosition[]; boundaries: RawBoundary[] } | ImportMessage {
  const lower = fileName.toLowerCase();
  if (lower.endsWith(".csv")) {
    const rows: Record<string, string>[] = [];
    let tooMany = false;
    // Parsing stops one row past the limit: "greedy" drops blank lines before they reach `step`.
    const parsed = Papa.parse<Record<string, string>>(content.replace(/^\uFEFF/, ""), {
      header: true,
      skipEmptyLines: "greedy",
      transformHeader: (h) => h.trim().toLowerCase(),
      step: (result, parser) => {
        if (rows.length < MAX_GEO_IMPORT_ROWS) {
          rows.push(result.data);
          return;
        }
        tooMany = true;
        parser.abort();
      },
    });
    // Papa Parse returns nothing once aborted.
    if (tooMany) return tooManyRows;
    const fields = parsed.meta.fields ?? [];
    const has = (...names: string[]) => names.some((n) => fields.includes(n));
    if (
      !has("lat", "纬度") ||
      !has("lon", "lng", "经度") ||
      !(has("code", "村代码") || (has("name", "村名") && has("township", "乡镇")))
    ) {
      return { key: "import.error.csvHeader" };
    }
    return {
      positions: rows.map((r, i) => ({
        row: i + 2, // the header is row 1
        code: pick(r, "code", "村代码"),
        name: pick(r, "name", "村名"),
        township: pick(r, "township", "乡镇"),
        lat: r.lat ?? r["纬度"],
        lon: r.lon ?? r.lng ?? r["经度"],
      })),
      boundaries: [],
    };
  }
  if (!lower.endsWith(".geojson") && !lower.endsWith(".json"))
    return { key: "import.error.fileType" };
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (e) {
    return {
      key: "import.error.json",
      params: { detail: e instanceof Error ? e.message : String(e) },
    };
  }
  const features: unknown[] =
    json && typeof json === "object" && (json as { type?: string }).type === "FeatureCollection"
      ? ((json as { features?: unknown[] }).features ?? [])
      : json && typeof json === "object" && (json as { type?: string }).type === "Feature"
        ? [json]
        : [];
  if (!Array.isArray(features) || (features.length === 0 && !(json as { type?: string })?.type)) {
    return { key: "import.error.json", params: { detail: "FeatureCollection" } };
  }
  if (features.length > MAX_GEO_IMPORT_ROWS) return tooManyRows;
  const positions: RawPosition[] = [];
  const boundaries: RawBoundary[] = [];
  features.forEach((f, i) => {
    const feature = (f ?? {}) as {
      geometry?: GeoJSON.Geometry | null;
      properties?: Record<string, unknown> | null;
    };
    const props = feature.properties ?? {};
    const geometry = feature.geometry ?? null;
    const row = i + 1;
    if (geometry?.type === "Point") {
      positions.push({
        row,
        code: pick(props, "code", "village_code", "村代码"),
        name: pick(props, "name", "village", "村名"),
        township: pick(props, "township", "township_name", "township_code", "乡镇"),
        lat: geometry.coordinates?.[1],
        lon: geometry.coordinates?.[0],
      });
    } else {
      boundaries.push({
        row,
        code: pick(props, "code", "township_code", "区划代码"),
        name: pick(props, "name", "township", "乡镇"),
        geometry,
      });
    }
  });
  return { positions, boundaries };
}

const toNumber = (v: unknown) =>
  typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;

function convert(lat: number, lon: number, gcj02: boolean): [number, number] {
  if (!gcj02) return [lat, lon];
  const [x, y] = gcoord.transform([lon, lat], gcoord.GCJ02, gcoord.WGS84) as [number, number];
  return [Math.round(y * 1e6) / 1e6, Math.round(x * 1e6) / 1e6];
}

/** Checks a whole file against the stored places. Pure apart from its inputs: nothing is written. */
export function parseImport(
  fileName: string,
  content: string,
  places: PlaceIndex,
  options: { gcj02: boolean },
): ParsedImport {
  const read = readRows(fileName, content);
  if ("key" in read) return failure(read.key, read.params);
  const { positions, boundaries } = read;
  if (positions.length > 0 && boundaries.length > 0) return failure("import.error.mixed");
  if (positions.length === 0 && boundaries.length === 0) return failure("import.error.empty");

  const townshipByKey = new Map<string, PlaceIndex["townships"][number]>();
  for (const t of places.townships) {
    townshipByKey.set(t.code, t);
    townshipByKey.set(t.name, t);
  }
  const errors: ImportMessage[] = [];

  if (positions.length > 0) {
    const byCode = new Map(places.villages.map((v) => [v.code, v]));
    const byNameTownship = new Map(places.villages.map((v) => [`${v.name}|${v.townshipId}`, v]));
    const seen = new Map<string, number>();
    const rows: PositionRow[] = [];
    for (const r of positions) {
      let village: PlaceIndex["villages"][number] | undefined;
      let key: string;
      if (r.code) {
        key = r.code;
        village = byCode.get(r.code);
      } else if (r.name && r.township) {
        key = `${r.township} ${r.name}`;
        const township = townshipByKey.get(r.township);
        if (!township) {
          errors.push({
            key: "import.error.unknownTownship",
            params: { row: r.row, key: r.township },
          });
          continue;
        }
        village =
          byNameTownship.get(`${r.name}|${township.id}`) ??
          byNameTownship.get(`${r.name}村|${township.id}`);
      } else {
        errors.push({ key: "import.error.missingKey", params: { row: r.row } });
        continue;
      }
      if (!village) {
        errors.push({ key: "import.error.unknownVillage", params: { row: r.row, key } });
        continue;
      }
      const first = seen.get(village.id);
      if (first !== undefined) {
        errors.push({ key: "import.error.duplicate", params: { row: r.row, first, key } });
        continue;
      }
      seen.set(village.id, r.row);
      const rawLat = toNumber(r.lat);
      const rawLon = toNumber(r.lon);
      if (!Number.isFinite(rawLat) || !Number.isFinite(rawLon)) {
        errors.push({
          key: "import.error.coordinates",
          params: { row: r.row, field: Number.isFinite(rawLat) ? "lon" : "lat" },
        });
        continue;
      }
      const [lat, lon] = convert(rawLat, rawLon, options.gcj02);
      if (!isInAllowedArea(lat, lon)) {
        errors.push({
          key: "import.error.outside",
          params: { row: r.row, lat: String(lat), lon: String(lon) },
        });
        continue;
      }
      const unchanged = Math.abs(village.lat - lat) < 1e-7 && Math.abs(village.lon - lon) < 1e-7;
      rows.push({
        row: r.row,
        villageId: village.id,
        label: village.name,
        lat,
        lon,
        result: unchanged ? "unchanged" : "update",
      });
    }
    return { kind: "positions", rows, errors, total: positions.length };
  }

  const seen = new Map<string, number>();
  const rows: BoundaryRow[] = [];
  for (const r of boundaries) {
    const key = r.code ?? r.name;
    if (!key) {
      errors.push({ key: "import.error.missingKey", params: { row: r.row } });
      continue;
    }
    const township = townshipByKey.get(key);
    if (!township) {
      errors.push({ key: "import.error.unknownTownship", params: { row: r.row, key } });
      continue;
    }
    if (!r.geometry || (r.geometry.type !== "Polygon" && r.geometry.type !== "MultiPolygon")) {
      errors.push({
        key: "import.error.geometry",
        params: { row: r.row, expected: "Polygon / MultiPolygon" },
      });
      continue;
    }
    const first = seen.get(township.id);
    if (first !== undefined) {
      errors.push({ key: "import.error.duplicate", params: { row: r.row, first, key } });
      continue;
    }
    seen.set(township.id, r.row);
    const rings = r.geometry.type === "Polygon" ? [r.geometry.coordinates] : r.geometry.coordinates;
    let bad: [number, number] | null = null;
    const converted = rings.map((polygon) =>
      polygon.map((ring) =>
        ring.map((point) => {
          const [lon0, lat0] = point as [number, number];
          if (!Number.isFinite(lat0) || !Number.isFinite(lon0)) {
            bad ??= [lat0, lon0];
            return [lon0, lat0];
          }
          const [lat, lon] = convert(lat0, lon0, options.gcj02);
          if (!isInAllowedArea(lat, lon)) bad ??= [lat, lon];
          return [lon, lat];
        }),
      ),
    );
    if (bad) {
      errors.push({
        key: "import.error.outside",
        params: { row: r.row, lat: String(bad[0]), lon: String(bad[1]) },
      });
      continue;
    }
    const geometry: BoundaryRow["geometry"] =
      r.geometry.type === "Polygon"
        ? { type: "Polygon", coordinates: converted[0]! }
        : { type: "MultiPolygon", coordinates: converted };
    const serialised = JSON.stringify(geometry);
    rows.push({
      row: r.row,
      townshipId: township.id,
      label: township.name,
      geometry,
      result: township.geometry === serialised ? "unchanged" : "update",
    });
  }
  return { kind: "boundaries", rows, errors, total: boundaries.length };
}

/** Reads through the given executor: inside a transaction it must be the transaction (one SQLite connection). */
export async function loadPlaceIndex(executor: Kysely<DB> = db): Promise<PlaceIndex> {
  const [villages, townships] = await Promise.all([
    executor
      .selectFrom("villages")
      .select(["id", "code", "name_zh as name", "township_id as townshipId", "lat", "lon"])
      .execute(),
    executor
      .selectFrom("townships")
      .leftJoin("township_boundaries as b", "b.township_id", "townships.id")
      .select(["townships.id", "townships.code", "townships.name_zh as name", "b.geometry"])
      .execute(),
  ]);
  return { villages, townships };
}

/**
 * Re-checks the file against the database as it is now and writes it all in one transaction —
 * or writes nothing and returns the errors. Only a county admin may import.
 */
export async function commitImport(
  viewer: Viewer,
  fileName: string,
  content: string,
  options: { gcj02: boolean },
): Promise<ParsedImport & { written: number }> {
  if (!hasAnywhere(viewer, "manage:geodata")) throw new Response("Not Found", { status: 404 });
  return transact(async (trx) => {
    const parsed = parseImport(fileName, content, await loadPlaceIndex(trx), options);
    if (parsed.errors.length > 0 || parsed.kind === null) return { ...parsed, written: 0 };
    const now = nowIso();
    let written = 0;
    if (parsed.kind === "positions") {
      for (const row of parsed.rows) {
        if (row.result === "unchanged") continue;
        await moveVillageInTransaction(
          trx,
          viewer.id,
          { villageId: row.villageId, lat: row.lat, lon: row.lon, method: "import" },
          now,
        );
        written++;
      }
    } else {
      for (const row of parsed.rows) {
        if (row.result === "unchanged") continue;
        await trx
          .insertInto("township_boundaries")
          .values({
            township_id: row.townshipId,
            geometry: JSON.stringify(row.geometry),
            source_name: fileName,
            imported_by: viewer.id,
            imported_at: now,
          })
          .onConflict((oc) =>
            oc.column("township_id").doUpdateSet({
              geometry: JSON.stringify(row.geometry),
              source_name: fileName,
              imported_by: viewer.id,
              imported_at: now,
            }),
          )
          .execute();
        written++;
      }
    }
    return { ...parsed, written };
  });
}
