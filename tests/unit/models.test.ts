import { beforeAll, describe, expect, it } from "vitest";
import { villagesGeoJSON } from "~/models/geojson.server";
import { getTeam } from "~/models/team.server";
import { getTownship, listTownships } from "~/models/township.server";
import {
  filtersFor,
  getVillage,
  listVillagePage,
  listVisibleVillages,
  tableVillage,
} from "~/models/village.server";
import type { Viewer } from "~/permissions";
import { filterVillages, type VillageFilters } from "~/utils/village-list";
import { db } from "~/db.server";
import { seedOnce, viewerFor } from "./helpers";

let weijiaId: string;
let xianalingId: string;
let daqinggouId: string;
let xiaosuangouId: string;

beforeAll(async () => {
  await seedOnce();
  const village = (name: string) =>
    db.selectFrom("villages").select("id").where("name_zh", "=", name).executeTakeFirstOrThrow();
  const township = (name: string) =>
    db.selectFrom("townships").select("id").where("name_zh", "=", name).executeTakeFirstOrThrow();
  weijiaId = (await village("魏家村")).id;
  xianalingId = (await village("下纳岭村")).id;
  daqinggouId = (await township("大青沟镇")).id;
  xiaosuangouId = (await township("小蒜沟镇")).id;
});

/** The whole list on one page (the demo's 89 villages fit on the first). */
const listVillages = (viewer: Viewer, filters: VillageFilters) =>
  listVillagePage(viewer, filters, null);

describe("village list", () => {
  it("shows the county all 89 villages in full", async () => {
    const list = await listVillages(await viewerFor("county"), {});
    expect(list.total).toBe(89);
    expect(list.villages).toHaveLength(89);
    expect(list.villages.every((v) => v.access === "full")).toBe(true);
  });

  it("shows a township leader only their township's villages", async () => {
    const list = await listVillages(await viewerFor("daqinggou"), {});
    expect(list.total).toBe(7);
    expect(new Set(list.villages.map((v) => v.townshipName))).toEqual(new Set(["大青沟镇"]));
    // Asking for another township by URL gives nothing, not its villages.
    const other = await listVillages(await viewerFor("daqinggou"), { townshipId: xiaosuangouId });
    expect(other.villages).toHaveLength(0);
  });

  it("shows a team member their own village in full and others as public summaries without figures", async () => {
    const list = await listVillages(await viewerFor("weijia"), {});
    expect(list.total).toBe(89);
    const own = list.villages.filter((v) => v.access === "full");
    expect(own.map((v) => v.nameZh)).toEqual(["魏家村"]);
    const other = list.villages.find((v) => v.id === xianalingId)!;
    expect(other.access).toBe("summary");
    expect(other).not.toHaveProperty("poorPeople");
    expect(other).not.toHaveProperty("type");
    // As the table is sent: the fields it draws, the figures only for the village seen in full.
    const rows = list.villages.map(tableVillage);
    expect(Object.keys(rows.find((v) => v.id === xianalingId)!).sort()).toEqual(
      [
        "access",
        "exitStatus",
        "id",
        "nameSource",
        "nameZh",
        "namePinyin",
        "team",
        "townshipId",
        "townshipName",
      ].sort(),
    );
    const mine = rows.find((v) => v.access === "full")!;
    expect(mine).toMatchObject({
      nameZh: "魏家村",
      poorPeople: own[0]!.access === "full" ? own[0]!.poorPeople : -1,
    });
    expect(Object.keys(mine)).toHaveLength(13);
    expect(mine).not.toHaveProperty("lat");
  });

  it("filters, counts and sorts on the database's real figures", async () => {
    const county = await viewerFor("county");
    const all = await listVillages(county, {});
    const exited = all.villages.filter((v) => v.exitStatus === "exited").length;
    const list = await listVillages(county, { status: "exited", sort: "incidence" });
    expect(list.villages).toHaveLength(exited);
    expect(list.byStatus.exited).toBe(exited);
    const incidences = list.villages.map((v) => (v.access === "full" ? v.incidence : -1));
    expect(incidences).toEqual([...incidences].sort((a, b) => b - a));
    const byTownship = await listVillages(county, { townshipId: daqinggouId });
    expect(byTownship.villages.map((v) => v.nameZh)).toContain("魏家村");
    expect((await listVillages(county, { q: "weijia" })).villages.map((v) => v.nameZh)).toEqual([
      "魏家村",
    ]);
  });

  it("pages through exactly the whole filtered, sorted list, each village once, at its access", async () => {
    const cases: [string, VillageFilters][] = [
      ["county", {}],
      ["county", { sort: "incidence" }],
      ["county", { status: "not_exited", sort: "name" }],
      ["weijia", { sort: "poor_people" }],
      ["daqinggou", { q: "cun" }],
    ];
    for (const [username, filters] of cases) {
      const viewer = await viewerFor(username);
      const whole = filterVillages(await listVisibleVillages(viewer), filtersFor(viewer, filters));
      const first = await listVillagePage(viewer, filters, "1", 10);
      expect(first.page.pages).toBe(Math.max(1, Math.ceil(whole.villages.length / 10)));
      expect(first.matched).toBe(whole.villages.length);
      expect(first.total).toBe(whole.total);
      expect(first.byStatus).toEqual(whole.byStatus);
      const paged = [];
      for (let page = 1; page <= first.page.pages; page++) {
        const { villages, page: at } = await listVillagePage(viewer, filters, String(page), 10);
        expect(villages.length).toBeLessThanOrEqual(10);
        expect(at).toMatchObject({ page, from: (page - 1) * 10 + 1 });
        paged.push(...villages);
      }
      expect(paged, `${username} ${JSON.stringify(filters)}`).toEqual(whole.villages);
    }
    // Past the end: the last page, not an empty one.
    const county = await viewerFor("county");
    const last = await listVillagePage(county, {}, "999", 10);
    expect(last.page).toMatchObject({ page: 9, pages: 9, from: 81, to: 89 });
    expect(last.villages).toHaveLength(9);
  });
});

describe("village page", () => {
  it("is a 404 (null) for a township leader outside their township and for unknown ids", async () => {
    expect(await getVillage(await viewerFor("daqinggou"), xianalingId)).toBeNull();
    expect(await getVillage(await viewerFor("daqinggou"), weijiaId)).toMatchObject({
      access: "full",
    });
    expect(await getVillage(await viewerFor("county"), "no-such-id")).toBeNull();
  });

  it("computes poverty incidence from the stored figures", async () => {
    const village = await getVillage(await viewerFor("county"), xianalingId);
    if (village?.access !== "full") throw new Error("expected full access");
    expect(village.incidence).toBeCloseTo(village.poorPeople / village.agriculturalPopulation, 10);
    expect(village.team?.cadreCount).toBe(3);
  });
});

describe("team page", () => {
  it("shows members in full within jurisdiction and hides them on a public summary", async () => {
    const county = await getVillage(await viewerFor("county"), xianalingId);
    const teamId = county!.team!.id;
    const full = await getTeam(await viewerFor("xiaosuangou"), teamId);
    expect(full?.access).toBe("full");
    expect(full?.members).toHaveLength(3);
    expect(full?.members[0]?.role).toMatch(/leader/);
    expect(full?.sendingUnit.name).toBe("市总工会");
    const summary = await getTeam(await viewerFor("weijia"), teamId);
    expect(summary?.access).toBe("summary");
    expect(summary?.members).toEqual([]);
    expect(await getTeam(await viewerFor("daqinggou"), teamId)).toBeNull();
  });
});

describe("townships", () => {
  it("lists 14 townships for the county with village counts adding up to 89", async () => {
    const rows = await listTownships(await viewerFor("viewer"));
    expect(rows).toHaveLength(14);
    expect(rows.reduce((sum, r) => sum + r.villages, 0)).toBe(89);
  });

  it("limits a township leader to their own township page", async () => {
    const leader = await viewerFor("daqinggou");
    expect((await listTownships(leader)).map((r) => r.name)).toEqual(["大青沟镇"]);
    expect(await getTownship(leader, xiaosuangouId)).toBeNull();
    expect((await getTownship(leader, daqinggouId))?.villages).toHaveLength(7);
  });
});

describe("villages.geojson", () => {
  it("has 89 features for the county, team levels 4/18/67 and 267 cadres", async () => {
    const fc = await villagesGeoJSON(await viewerFor("county"), "http://x");
    expect(fc.features).toHaveLength(89);
    const levels: Record<string, number> = {};
    let cadres = 0;
    for (const f of fc.features) {
      levels[String(f.properties?.team_level)] =
        (levels[String(f.properties?.team_level)] ?? 0) + 1;
      cadres += Number(f.properties?.cadre_count);
      expect(f.properties?.url).toBe(`http://x/villages/${f.id}`);
    }
    expect(levels).toEqual({ province: 4, city: 18, county: 67 });
    expect(cadres).toBe(267);
  });

  it("gives a team member figures for their own village only", async () => {
    const fc = await villagesGeoJSON(await viewerFor("weijia"), "http://x");
    const withFigures = fc.features.filter((f) => f.properties && "poor_people" in f.properties);
    expect(withFigures.map((f) => f.properties?.name)).toEqual(["魏家村"]);
  });
});
