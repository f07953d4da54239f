import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import {
  commitImport,
  loadPlaceIndex,
  parseImport,
  type PlaceIndex,
  type PositionRow,
} from "~/models/geo-import.server";
import { seedOnce, viewerFor } from "./helpers";

let places: PlaceIndex;
let weijia: PlaceIndex["villages"][number];
let xianaling: PlaceIndex["villages"][number];

beforeAll(async () => {
  await seedOnce();
  places = await loadPlaceIndex();
  weijia = places.villages.find((v) => v.name === "魏家村")!;
  xianaling = places.villages.find((v) => v.name === "下纳岭村")!;
});

const point = (props: Record<string, unknown>, lon: unknown, lat: unknown) => ({
  type: "Feature",
  properties: props,
  geometry: { type: "Point", coordinates: [lon, lat] },
});
const collection = (...features: unknown[]) =>
  JSON.stringify({ type: "FeatureCollection", features });
const square = (lon: number, lat: number, d = 0.02) => ({
  type: "Polygon",
  coordinates: [
    [
      [lon, lat],
      [lon + d, lat],
      [lon + d, lat + d],
      [lon, lat + d],
      [lon, lat],
    ],
  ],
});

describe("parsing an import", () => {
  it("reads village positions from CSV by code, or by name and township", () => {
    const csv = `code,name,township,lat,lon\n${weijia.code},,,41.31,114.25\n,下纳岭,小蒜沟镇,40.81,114.18\n`;
    const parsed = parseImport("positions.csv", csv, places, { gcj02: false });
    expect(parsed.errors).toEqual([]);
    expect(parsed.kind).toBe("positions");
    expect((parsed.rows as PositionRow[]).map((r) => [r.row, r.label, r.lat, r.lon])).toEqual([
      [2, "魏家村", 41.31, 114.25],
      [3, "下纳岭村", 40.81, 114.18],
    ]);
  });

  it("names the row and the problem: unknown village, duplicate, bad number, outside the county", () => {
    const csv = [
      "code,lat,lon",
      `${weijia.code},41.3,114.2`,
      "999999999999,41.3,114.2",
      `${weijia.code},41.2,114.2`,
      `${xianaling.code},forty,114.2`,
      `${places.villages.find((v) => v.name === "程家村")!.code},39.9,116.4`,
    ].join("\n");
    const parsed = parseImport("p.csv", csv, places, { gcj02: false });
    expect(parsed.errors.map((e) => [e.key, e.params?.row])).toEqual([
      ["import.error.unknownVillage", 3],
      ["import.error.duplicate", 4],
      ["import.error.coordinates", 5],
      ["import.error.outside", 6],
    ]);
  });

  it("rejects malformed files, missing columns, unknown types and mixed content", () => {
    expect(parseImport("x.geojson", "{ not json", places, { gcj02: false }).errors[0]?.key).toBe(
      "import.error.json",
    );
    expect(parseImport("x.csv", "village,x\na,b", places, { gcj02: false }).errors[0]?.key).toBe(
      "import.error.csvHeader",
    );
    expect(parseImport("x.kml", "<kml/>", places, { gcj02: false }).errors[0]?.key).toBe(
      "import.error.fileType",
    );
    const mixed = collection(point({ code: weijia.code }, 114.2, 41.3), {
      type: "Feature",
      properties: { name: "大青沟镇" },
      geometry: square(114.1, 41.2),
    });
    expect(parseImport("x.geojson", mixed, places, { gcj02: false }).errors[0]?.key).toBe(
      "import.error.mixed",
    );
    expect(parseImport("x.geojson", collection(), places, { gcj02: false }).errors[0]?.key).toBe(
      "import.error.empty",
    );
  });

  it("converts GCJ-02 (AMap/Tencent) coordinates to WGS-84 when asked", () => {
    const file = collection(point({ code: weijia.code }, 114.25, 41.31));
    const plain = parseImport("p.geojson", file, places, { gcj02: false });
    const converted = parseImport("p.geojson", file, places, { gcj02: true });
    const dLat = (plain.rows[0] as PositionRow).lat - (converted.rows[0] as PositionRow).lat;
    const dLon = (plain.rows[0] as PositionRow).lon - (converted.rows[0] as PositionRow).lon;
    // In this part of China the GCJ-02 offset is a few hundred metres to the north-east.
    expect(dLat).toBeGreaterThan(0.0005);
    expect(dLat).toBeLessThan(0.005);
    expect(dLon).toBeGreaterThan(0.003);
    expect(dLon).toBeLessThan(0.01);
  });

  it("reads township boundaries by code or name and checks their geometry", () => {
    const file = collection(
      { type: "Feature", properties: { code: "130725101" }, geometry: square(114.15, 41.25) },
      { type: "Feature", properties: { name: "小蒜沟镇" }, geometry: square(114.2, 40.8) },
      { type: "Feature", properties: { name: "不存在乡" }, geometry: square(114.2, 40.9) },
      {
        type: "Feature",
        properties: { name: "满井镇" },
        geometry: {
          type: "LineString",
          coordinates: [
            [114.3, 40.9],
            [114.4, 41],
          ],
        },
      },
    );
    const parsed = parseImport("b.geojson", file, places, { gcj02: false });
    expect(parsed.kind).toBe("boundaries");
    expect(parsed.rows.map((r) => r.label)).toEqual(["大青沟镇", "小蒜沟镇"]);
    expect(parsed.errors.map((e) => [e.key, e.params?.row])).toEqual([
      ["import.error.unknownTownship", 3],
      ["import.error.geometry", 4],
    ]);
  });
});

describe("committing an import", () => {
  it("writes nothing when one row is bad, everything when all are good, and nothing again on re-import", async () => {
    const county = await viewerFor("county");
    const before = await db
      .selectFrom("villages")
      .select(["id", "lat", "lon", "position_source"])
      .where("id", "in", [weijia.id, xianaling.id])
      .execute();

    const bad = `code,lat,lon\n${weijia.code},41.32,114.26\n${xianaling.code},91,114.2\n`;
    const refused = await commitImport(county, "p.csv", bad, { gcj02: false });
    expect(refused.written).toBe(0);
    expect(refused.errors).toHaveLength(1);
    const unchanged = await db
      .selectFrom("villages")
      .select(["id", "lat", "lon", "position_source"])
      .where("id", "in", [weijia.id, xianaling.id])
      .execute();
    expect(unchanged).toEqual(before);

    const good = `code,lat,lon\n${weijia.code},41.32,114.26\n${xianaling.code},40.82,114.19\n`;
    const done = await commitImport(county, "p.csv", good, { gcj02: false });
    expect(done.written).toBe(2);
    const after = await db
      .selectFrom("villages")
      .select(["lat", "lon", "position_source"])
      .where("id", "=", weijia.id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ lat: 41.32, lon: 114.26, position_source: "imported" });
    const changes = await db
      .selectFrom("village_position_changes")
      .select("method")
      .where("village_id", "=", weijia.id)
      .execute();
    expect(changes.map((c) => c.method)).toContain("import");

    const again = await commitImport(county, "p.csv", good, { gcj02: false });
    expect(again.written).toBe(0);
    expect(again.rows.every((r) => r.result === "unchanged")).toBe(true);
  });

  it("stores township boundaries, and refuses anyone but a county admin", async () => {
    const file = collection({
      type: "Feature",
      properties: { code: "130725101" },
      geometry: square(114.15, 41.25),
    });
    await expect(
      commitImport(await viewerFor("viewer"), "b.geojson", file, { gcj02: false }),
    ).rejects.toBeInstanceOf(Response);
    const done = await commitImport(await viewerFor("county"), "b.geojson", file, { gcj02: false });
    expect(done.written).toBe(1);
    const stored = await db
      .selectFrom("township_boundaries")
      .select(["geometry", "source_name"])
      .executeTakeFirstOrThrow();
    expect(JSON.parse(stored.geometry).type).toBe("Polygon");
    expect(stored.source_name).toBe("b.geojson");
  });
});
