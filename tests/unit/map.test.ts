import { beforeAll, describe, expect, it } from "vitest";
import { EXIT_STATUSES } from "../../db/schema";
import raw from "../../db/seed-data/shangyi.json";
import { serverTranslator } from "~/i18n/catalogues.server";
import { mapData } from "~/models/map.server";
import { activeOn } from "~/models/periods.server";
import { moveVillage, positionHistory, villageVersion } from "~/models/position.server";
import { db } from "~/db.server";
import { PositionSchema } from "~/schemas/position";
import { clusterCounts, createVillageIndex, separateIcons } from "~/utils/clusters";
import { COUNTY_BBOX } from "~/utils/county-area";
import { today } from "~/utils/dates";
import { decodeMapData } from "~/utils/map-data";
import { clusterLabel, clusterSvg, exitShareFill } from "~/utils/cluster-style";
import { markerSvg, STATUS_ORDER, STATUS_STYLE } from "~/utils/map-style";
import { seedOnce, viewerFor } from "./helpers";

const zh = serverTranslator("zh-CN");
const en = serverTranslator("en");

describe("status → colour, shape and legend", () => {
  it("gives every status its own colour and its own shape, and the legend lists them all", () => {
    expect([...STATUS_ORDER].sort()).toEqual([...EXIT_STATUSES].sort());
    expect(new Set(EXIT_STATUSES.map((s) => STATUS_STYLE[s].color)).size).toBe(4);
    expect(new Set(EXIT_STATUSES.map((s) => STATUS_STYLE[s].shape)).size).toBe(4);
    for (const status of EXIT_STATUSES) {
      const svg = markerSvg(status);
      expect(svg).toContain(STATUS_STYLE[status].color);
      expect(svg).toContain('aria-hidden="true"');
    }
    // Shapes differ in the drawing itself, not only in colour.
    expect(markerSvg("exited")).not.toEqual(
      markerSvg("not_exited").replaceAll(STATUS_STYLE.not_exited.color, STATUS_STYLE.exited.color),
    );
    expect(markerSvg("consolidating")).toContain("<path");
    expect(markerSvg("exited", true)).toContain('stroke="#b3261e"'); // the viewer's own village stands out
  });

  it("shades townships from pale (none exited) to green (all exited)", () => {
    expect(exitShareFill(0)).toBe("#f3e9d2");
    expect(exitShareFill(1)).toBe("#1e6b34");
    expect(exitShareFill(2)).toBe("#1e6b34");
  });
});

describe("clusters", () => {
  const villages = [
    { lat: 41.1, lon: 114.1, exitStatus: "exited" as const },
    { lat: 41.1001, lon: 114.1001, exitStatus: "not_exited" as const },
    { lat: 41.1002, lon: 114.1002, exitStatus: "exited" as const },
    { lat: 40.8, lon: 114.3, exitStatus: "consolidating" as const },
  ];

  it("summarise the statuses inside each cluster and name them for screen readers", () => {
    const index = createVillageIndex(villages);
    const features = index.getClusters([113, 40, 115, 42], 8);
    const cluster = features.find((f) => "cluster" in f.properties && f.properties.cluster)!;
    const counts = clusterCounts(cluster.properties as never);
    expect(counts).toEqual({ exited: 2, not_exited: 1 });
    expect(clusterLabel(zh, counts)).toBe("3 个村，2 个已出列");
    expect(clusterLabel(en, { exited: 1, consolidating: 2, not_exited: 9 })).toBe(
      "12 villages, 3 exited",
    );
    expect(clusterSvg(counts)).toContain(">3</text>");
    // The lone village far away stays a single point.
    expect(
      features.filter((f) => !("cluster" in f.properties && f.properties.cluster)),
    ).toHaveLength(1);
  });

  it("split apart when zoomed in far enough", () => {
    const index = createVillageIndex(villages);
    expect(index.getClusters([113, 40, 115, 42], 16)).toHaveLength(4);
  });
});

describe("icons on screen", () => {
  // Items are village counts; a lone village is a 24 px marker, anything more a 40 px cluster.
  const sizeOf = (items: readonly number[]) =>
    items.length === 1 && items[0] === 1 ? 24 : items.reduce((a, b) => a + b, 0) >= 100 ? 46 : 40;
  const overlapping = (groups: ReturnType<typeof separateIcons<number>>) =>
    groups.some((a, i) =>
      groups.some(
        (b, j) =>
          i < j &&
          Math.abs(a.x - b.x) < (a.size + b.size) / 2 &&
          Math.abs(a.y - b.y) < (a.size + b.size) / 2,
      ),
    );

  it("merge where they would overlap, into the larger one's place, until none do", () => {
    const groups = separateIcons(
      [
        { x: 30, y: 0, size: 24, item: 1 }, // clear of the next marker, not of the cluster it becomes
        { x: 0, y: 0, size: 24, item: 1 },
        { x: -20, y: 0, size: 24, item: 1 }, // under the one before: a cluster of 2, then 3
        { x: 200, y: 200, size: 40, item: 5 },
        { x: 200, y: 230, size: 24, item: 1 }, // under the cluster: joins it
        { x: 300, y: 0, size: 24, item: 1 }, // alone
      ],
      sizeOf,
    );
    expect(overlapping(groups)).toBe(false);
    expect(groups.map((g) => [g.x, g.y, g.items.reduce((a, b) => a + b, 0), g.size])).toEqual([
      [200, 200, 6, 40],
      [0, 0, 3, 40],
      [300, 0, 1, 24],
    ]);
  });

  it("grow a cluster past a size step and still leave none overlapping", () => {
    const icons = Array.from({ length: 30 }, (_, i) => ({
      x: (i % 6) * 30,
      y: Math.floor(i / 6) * 30,
      size: 40,
      item: 10,
    }));
    const groups = separateIcons(icons, sizeOf);
    expect(overlapping(groups)).toBe(false);
    expect(groups.reduce((n, g) => n + g.items.reduce((a, b) => a + b, 0), 0)).toBe(300);
  });

  it("never merge into a fixed icon (the viewer's own village)", () => {
    const groups = separateIcons(
      [
        { x: 0, y: 0, size: 30, item: 1, fixed: true },
        { x: 10, y: 0, size: 24, item: 1 },
      ],
      sizeOf,
    );
    expect(groups.map((g) => [g.fixed, g.items])).toEqual([
      [true, [1]],
      [false, [1]],
    ]);
  });
});

describe("the county area", () => {
  it("matches the bounding box in the data file", () => {
    expect(COUNTY_BBOX).toEqual({
      west: raw.county.bbox_wgs84.west,
      south: raw.county.bbox_wgs84.south,
      east: raw.county.bbox_wgs84.east,
      north: raw.county.bbox_wgs84.north,
    });
  });

  it("rejects positions outside it, and non-numbers, with translation keys", () => {
    const base = { intent: "move", method: "typed", version: "v" };
    expect(PositionSchema.safeParse({ ...base, lat: 41.1, lon: 114.1 }).success).toBe(true);
    const outside = PositionSchema.safeParse({ ...base, lat: 39.9, lon: 116.4 }); // Beijing
    expect(outside.success).toBe(false);
    expect(outside.error?.issues.map((i) => i.message)).toContain("position.outside");
    const noVersion = PositionSchema.safeParse({ intent: "move", lat: 41.1, lon: 114.1 });
    expect(noVersion.error?.issues.map((i) => i.message)).toEqual(["form.invalid"]);
    const text = PositionSchema.safeParse({ ...base, lat: "abc", lon: 114.1 });
    expect(text.error?.issues.map((i) => i.message)).toContain("position.notNumber");
  });
});

describe("map data and position corrections", () => {
  beforeAll(seedOnce);

  it("sends the county 89 villages compactly and decodes them back", async () => {
    const wire = await mapData(await viewerFor("county"));
    expect(wire.v.id).toHaveLength(89);
    expect(wire.townships).toHaveLength(14);
    const villages = decodeMapData(wire);
    const weijia = villages.find((v) => v.nameZh === "魏家村")!;
    expect(weijia).toMatchObject({
      townshipName: "大青沟镇",
      teamLevel: "province",
      sendingUnit: "省公安厅",
      type: "industry",
    });
    expect(weijia.version).toEqual(expect.any(String)); // the county may correct positions
    expect(JSON.stringify(wire).length).toBeLessThan(15_000);
  });

  it("decodes every village's status, type, team, unit and position source as the tables hold them", async () => {
    const villages = decodeMapData(await mapData(await viewerFor("county")));
    const rows = await db
      .selectFrom("villages as v")
      .leftJoin("teams as tm", (join) =>
        join.onRef("tm.village_id", "=", "v.id").on(activeOn("tm", today())),
      )
      .leftJoin("sending_units as su", "su.id", "tm.sending_unit_id")
      .select([
        "v.id",
        "v.lat",
        "v.lon",
        "v.exit_status",
        "v.village_type",
        "v.position_source",
        "v.updated_at",
        "tm.level",
        "su.name_zh as unit",
      ])
      .where("v.deactivated_at", "is", null)
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(villages).toHaveLength(rows.length);
    for (const v of villages) {
      const row = byId.get(v.id)!;
      expect(v).toMatchObject({
        exitStatus: row.exit_status,
        type: row.village_type,
        demoPosition: row.position_source === "demo",
        teamLevel: row.level ?? undefined,
        sendingUnit: row.unit ?? undefined,
        version: row.updated_at,
        lat: Math.round(row.lat * 1e5) / 1e5,
        lon: Math.round(row.lon * 1e5) / 1e5,
      });
    }
    expect(new Set(villages.map((v) => v.exitStatus)).size).toBeGreaterThan(1);
    expect(villages.some((v) => v.demoPosition)).toBe(true);
    expect(villages.some((v) => v.teamLevel === undefined)).toBe(false);
  });

  it("sends a township leader only their township, a team member types of their own village only", async () => {
    expect((await mapData(await viewerFor("daqinggou"))).v.id).toHaveLength(7);
    const member = decodeMapData(await mapData(await viewerFor("weijia")));
    expect(member.filter((v) => v.type !== undefined).map((v) => v.nameZh)).toEqual(["魏家村"]);
    expect(member.filter((v) => v.own).map((v) => v.nameZh)).toEqual(["魏家村"]);
    expect(member.every((v) => v.version === undefined)).toBe(true);
  });

  it("lets the county correct a position, recording who and when, and refuses stale or unauthorised edits", async () => {
    const county = await viewerFor("county");
    const village = await db
      .selectFrom("villages")
      .select(["id", "lat", "lon"])
      .where("name_zh", "=", "程家村")
      .executeTakeFirstOrThrow();
    const version = (await villageVersion(village.id))!;

    const refused = await moveVillage(await viewerFor("viewer"), {
      villageId: village.id,
      lat: 41.3,
      lon: 114,
      method: "typed",
      expectedVersion: version,
    });
    expect(refused).toEqual({ ok: false, reason: "not-found" });

    const moved = await moveVillage(county, {
      villageId: village.id,
      lat: 41.30001,
      lon: 114.00002,
      method: "drag",
      expectedVersion: version,
    });
    expect(moved.ok).toBe(true);
    const after = await db
      .selectFrom("villages")
      .select(["lat", "lon", "position_source"])
      .where("id", "=", village.id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ lat: 41.30001, lon: 114.00002, position_source: "surveyed" });
    const [change] = await positionHistory(village.id);
    expect(change).toMatchObject({ lat: 41.30001, method: "drag", changedBy: "县扶贫办管理员" });

    const stale = await moveVillage(county, {
      villageId: village.id,
      lat: 41.2,
      lon: 114,
      method: "typed",
      expectedVersion: version,
    });
    expect(stale).toEqual({ ok: false, reason: "stale" });
  });

  it("rounds positions to five decimals as Math.round does, halves and negatives included", async () => {
    // Coordinates whose 10⁵ multiple falls on or beside a half, and a few below zero: the
    // database rounds them (db-side integers), and the JSON must be what Math.round gives.
    const tricky = [
      41.000005,
      41.123455,
      40.999995,
      41.0000049999999,
      114.000015,
      114.123445,
      113.99999500000001,
      0.000005,
      5e-6 * (1 - Number.EPSILON),
      41.5,
      1e-7,
    ];
    const ids = (
      await db
        .selectFrom("villages")
        .select("id")
        .where("deactivated_at", "is", null)
        .orderBy("id")
        .limit(tricky.length)
        .execute()
    ).map((r) => r.id);
    for (const [i, id] of ids.entries()) {
      await db
        .updateTable("villages")
        .set({ lat: tricky[i]!, lon: -tricky[i]! })
        .where("id", "=", id)
        .execute();
    }
    const wire = await mapData(await viewerFor("county"));
    for (const [i, id] of ids.entries()) {
      const k = wire.v.id.indexOf(id);
      const x = tricky[i]!;
      expect(JSON.stringify([wire.v.lat[k], wire.v.lon[k]])).toBe(
        JSON.stringify([Math.round(x * 1e5) / 1e5, Math.round(-x * 1e5) / 1e5]),
      );
    }
  });
});
