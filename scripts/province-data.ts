/**
 * Writes a province-scale synthetic data set (default 8,000 villages in 170 townships, each with a
 * team of three) into a NEW database, for benchmarks and for trying the map at scale. Every name
 * is synthetic and marked as demo data. Deterministic.
 *   npm run data:province -- --villages 8000 --database ./data/province.db
 */
import fs from "node:fs";
import { parseArgs } from "node:util";
import type { Insertable, Kysely } from "kysely";
import { EXIT_STATUSES, UNIT_LEVELS, VILLAGE_TYPES, SPECIALTIES, type DB } from "../db/schema";
import { migrateToLatest, openDatabase } from "../db/connection";
import { stableId } from "../db/ids";
import { insertInBatches } from "../db/seed/insert";
import { seededRandom } from "../db/seed/random";

/** Roughly Hebei province (WGS-84). */
const AREA = { south: 36.1, north: 42.5, west: 113.5, east: 119.8 };

export async function writeProvinceData(db: Kysely<DB>, villageCount: number, townshipCount = 170) {
  const random = seededRandom(13);
  const now = "2016-03-01T00:00:00.000Z";
  const townships = Array.from({ length: townshipCount }, (_, i) => {
    const code = `139${String(i).padStart(6, "0")}`;
    return {
      id: stableId("p-township", code),
      code,
      name_zh: `合成乡镇${i + 1}`,
      name_pinyin: `Héchéng Xiāngzhèn ${i + 1}`,
      kind: "township" as const,
      lat: AREA.south + random.next() * (AREA.north - AREA.south),
      lon: AREA.west + random.next() * (AREA.east - AREA.west),
    };
  });
  const units = Array.from({ length: 120 }, (_, i) => ({
    id: stableId("p-unit", String(i)),
    name_zh: `合成派出单位${i + 1}`,
    level: UNIT_LEVELS[i % 3]!,
    name_source: "demo" as const,
  }));
  const villages: Insertable<DB["villages"]>[] = [];
  const teams: Insertable<DB["teams"]>[] = [];
  const cadres: Insertable<DB["cadres"]>[] = [];
  const memberships: Insertable<DB["team_memberships"]>[] = [];
  for (let i = 0; i < villageCount; i++) {
    const township = townships[i % townshipCount]!;
    const code = `${township.code}${String(200 + Math.floor(i / townshipCount)).padStart(3, "0")}`;
    const population = random.int(300, 2500);
    const status = random.pick(EXIT_STATUSES);
    const poor =
      status === "not_exited"
        ? Math.floor(population * (0.03 + random.next() * 0.2))
        : Math.floor(population * random.next() * 0.018);
    const villageId = stableId("p-village", code);
    villages.push({
      id: villageId,
      code,
      code_source: "demo" as const,
      township_id: township.id,
      name_zh: `合成村${i + 1}`,
      name_pinyin: `Héchéng Cūn ${i + 1}`,
      name_source: "demo" as const,
      township_source: "demo" as const,
      source_note: null,
      lat: Math.round((township.lat! + (random.next() - 0.5) * 0.3) * 1e5) / 1e5,
      lon: Math.round((township.lon! + (random.next() - 0.5) * 0.4) * 1e5) / 1e5,
      position_source: "demo" as const,
      village_type: random.pick(VILLAGE_TYPES),
      agricultural_population: population,
      households: Math.round(population / 2.7),
      poor_households: Math.round(poor / 2.3),
      poor_people: poor,
      exit_status: status,
      exit_year:
        status === "exited" || status === "consolidating" ? random.pick([2017, 2018, 2019]) : null,
      updated_at: now,
    });
    const unit = units[i % units.length]!;
    const teamId = stableId("p-team", code);
    teams.push({
      id: teamId,
      village_id: villageId,
      sending_unit_id: unit.id,
      level: unit.level,
      started_on: "2016-02-23",
      ended_on: null,
    });
    for (let k = 0; k < 3; k++) {
      const cadreId = stableId("p-cadre", `${code}-${k}`);
      cadres.push({
        id: cadreId,
        name_zh: `合成干部${i * 3 + k + 1}`,
        sending_unit_id: unit.id,
        specialty: random.pick(SPECIALTIES),
        phone: null,
        name_source: "demo" as const,
      });
      memberships.push({
        id: stableId("p-membership", `${code}-${k}`),
        team_id: teamId,
        cadre_id: cadreId,
        role: k === 0 ? ("leader_first_secretary" as const) : ("member" as const),
        started_on: "2016-02-23",
        ended_on: null,
      });
    }
  }
  await db.transaction().execute(async (trx) => {
    await insertInBatches(trx, "townships", townships);
    await insertInBatches(trx, "villages", villages);
    await insertInBatches(trx, "sending_units", units);
    await insertInBatches(trx, "teams", teams);
    await insertInBatches(trx, "cadres", cadres);
    await insertInBatches(trx, "team_memberships", memberships);
  });
  return { townships: townships.length, villages: villages.length, cadres: cadres.length };
}

// Run as a script: refuses to touch an existing database.
if (process.argv[1]?.endsWith("province-data.ts")) {
  const { values } = parseArgs({
    options: {
      villages: { type: "string", default: "8000" },
      database: { type: "string", default: "./data/province.db" },
    },
  });
  if (fs.existsSync(values.database!)) {
    console.error(
      `${values.database} exists; choose a new file (this script only writes new databases).`,
    );
    process.exit(2);
  }
  const db = openDatabase(values.database!);
  await migrateToLatest(db);
  const counts = await writeProvinceData(db, Number(values.villages));
  await db.destroy();
  console.log(
    `Wrote ${counts.villages} villages in ${counts.townships} townships, ${counts.cadres} cadres, to ${values.database}.`,
  );
}
