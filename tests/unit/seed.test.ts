import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { availableCadres } from "~/models/team-roster.server";
import { county } from "~/data/shangyi.server";
import { isInsidePolygon } from "~/utils/geo";
import { SPECIALTY_FOR_VILLAGE_TYPE } from "~/models/team.server";
import { demoData, seedDemo, isEmptyDatabase } from "../../db/seed/seed-demo";
import { seedOnce } from "./helpers";

async function count(
  table:
    "townships" | "villages" | "teams" | "cadres" | "team_memberships" | "users" | "sending_units",
) {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe("Shangyi demo seed", () => {
  it("is only written into an empty database", async () => {
    expect(await isEmptyDatabase(db)).toBe(true);
    await seedOnce();
    expect(await isEmptyDatabase(db)).toBe(false);
  });

  it("has the 14 townships with their official codes", async () => {
    await seedOnce();
    const townships = await db
      .selectFrom("townships")
      .select(["code", "name_zh", "kind"])
      .orderBy("code")
      .execute();
    expect(townships).toHaveLength(14);
    expect(townships[0]).toEqual({ code: "130725100", name_zh: "南壕堑镇", kind: "town" });
    expect(townships.find((t) => t.name_zh === "大青沟镇")?.code).toBe("130725101");
    expect(townships.filter((t) => t.kind === "town")).toHaveLength(7);
  });

  it("has 89 villages, 89 teams (4 province, 18 city, 67 county) and 267 cadres serving", async () => {
    await seedOnce();
    expect(await count("villages")).toBe(89);
    expect(await count("teams")).toBe(89);
    const serving = await db
      .selectFrom("team_memberships")
      .select((eb) => eb.fn.count<number>("cadre_id").distinct().as("n"))
      .where("ended_on", "is", null)
      .executeTakeFirstOrThrow();
    expect(Number(serving.n)).toBe(267);
    // Everyone else is the county's reserve or a former member: in no team today.
    const free = await availableCadres();
    expect(free.length).toBe((await count("cadres")) - 267);
    expect(free.length).toBeGreaterThan(0);
    const levels = await db
      .selectFrom("teams")
      .select(["level", (eb) => eb.fn.countAll<number>().as("n")])
      .groupBy("level")
      .execute();
    expect(Object.fromEntries(levels.map((l) => [l.level, Number(l.n)]))).toEqual({
      province: 4,
      city: 18,
      county: 67,
    });
  });

  it("places the report's five villages with their sending units", async () => {
    await seedOnce();
    const rows = await db
      .selectFrom("villages as v")
      .innerJoin("townships as t", "t.id", "v.township_id")
      .innerJoin("teams as tm", "tm.village_id", "v.id")
      .innerJoin("sending_units as u", "u.id", "tm.sending_unit_id")
      .select(["v.name_zh as village", "t.name_zh as township", "u.name_zh as unit", "u.level"])
      .where("v.name_zh", "in", ["魏家村", "下纳岭村", "北朝碾村", "程家村", "大井村"])
      .orderBy("v.name_zh")
      .execute();
    expect(rows).toEqual(
      expect.arrayContaining([
        { village: "魏家村", township: "大青沟镇", unit: "省公安厅", level: "province" },
        { village: "下纳岭村", township: "小蒜沟镇", unit: "市总工会", level: "city" },
        { village: "北朝碾村", township: "小蒜沟镇", unit: "县国土局", level: "county" },
        { village: "程家村", township: "大营盘乡", unit: "县委组织部", level: "county" },
        expect.objectContaining({ village: "大井村", unit: "县公安局", level: "county" }),
      ]),
    );
    expect(rows).toHaveLength(5);
  });

  it("puts every village inside the county outline and marks every invented position and name", () => {
    const data = demoData();
    for (const v of data.villages) {
      expect(isInsidePolygon(v, county.boundary), `${v.name_zh} ${v.lat},${v.lon}`).toBe(true);
      expect(v.position_source).toBe("demo");
      expect(v.code_source).toBe("demo");
    }
    const verified = new Set(
      data.villages.filter((v) => v.name_source !== "demo").map((v) => v.name_zh),
    );
    // Only names from the report or the 1997 lists are not marked as demo.
    expect([...verified]).toEqual(
      expect.arrayContaining([
        "魏家村",
        "下纳岭村",
        "北朝碾村",
        "程家村",
        "大井村",
        "小蒜沟村",
        "三工地村",
      ]),
    );
    expect(data.villages.find((v) => v.name_zh === "东沟村")?.name_source).toBe("demo");
    expect(data.cadres.every((c) => c.name_source === "demo")).toBe(true);
    expect(new Set(data.villages.map((v) => v.name_zh)).size).toBe(89);
  });

  it("gives every team exactly one leader and three cadres, and mostly follows the matching rule", () => {
    const data = demoData();
    let matching = 0;
    for (const team of data.teams) {
      const members = data.memberships.filter((m) => m.team_id === team.id);
      expect(members).toHaveLength(3);
      const leaders = members.filter(
        (m) => m.role === "leader" || m.role === "leader_first_secretary",
      );
      expect(leaders).toHaveLength(1);
      const leader = data.cadres.find((c) => c.id === leaders[0]!.cadre_id)!;
      const village = data.villages.find((v) => v.id === team.village_id)!;
      if (SPECIALTY_FOR_VILLAGE_TYPE[village.village_type] === leader.specialty) matching++;
    }
    expect(matching / data.teams.length).toBeGreaterThan(0.75);
    expect(matching).toBeLessThan(data.teams.length); // a few mismatches for the county to see
  });

  it("is deterministic and idempotent", async () => {
    expect(demoData()).toEqual(demoData());
    await seedOnce();
    const before = await Promise.all([
      count("villages"),
      count("cadres"),
      count("users"),
      count("sending_units"),
    ]);
    await seedDemo(db, { clock: "real" });
    const after = await Promise.all([
      count("villages"),
      count("cadres"),
      count("users"),
      count("sending_units"),
    ]);
    expect(after).toEqual(before);
  });
});
