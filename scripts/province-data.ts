/**
 * Writes a province-scale synthetic data set (default 8,000 villages in 170 townships, each with a
 * team of three, a plan, a small roster, case cards, history and this month's in-village days)
 * into a NEW database, for benchmarks and for trying the map and the dashboard at scale. Every name
 * is synthetic and marked as demo data. Deterministic for a given day. Three accounts sign in to
 * it, with the demo password: `province-county` (county admin: every village), `province-township`
 * (the leader of the first township) and `province-team` (the first leader of its first village's
 * team).
 *   npm run data:province -- --villages 8000 [--townships 170] --database ./data/province.db
 */
import fs from "node:fs";
import { parseArgs } from "node:util";
import type { Insertable, Kysely } from "kysely";
import {
  CASE_COLUMNS,
  CASE_KINDS,
  EXIT_STATUSES,
  UNIT_LEVELS,
  VILLAGE_TYPES,
  SPECIALTIES,
  type DB,
} from "../db/schema";
import { today as chinaToday } from "../app/utils/dates";
import { refreshVillageProgress } from "../app/models/progress.server";
import { bitCount } from "../app/utils/bits";
import { OFFICIAL_INDICATORS } from "../app/utils/exit-rules";
import { historyChange, type VillageFigures } from "../app/utils/history";
import { migrateToLatest, openDatabase } from "../db/connection";
import { stableId } from "../db/ids";
import { insertInBatches } from "../db/seed/insert";
import { seededRandom } from "../db/seed/random";
import { DEMO_PASSWORD } from "../db/seed/demo-accounts";
import { hashPassword } from "../app/utils/password.server";

/** The accounts of the synthetic province (password: the demo's). */
export const PROVINCE_ACCOUNTS = {
  county: "province-county",
  township: "province-township",
  team: "province-team",
} as const;

/** Roughly Hebei province (WGS-84). */
const AREA = { south: 36.1, north: 42.5, west: 113.5, east: 119.8 };

export async function writeProvinceData(
  db: Kysely<DB>,
  villageCount: number,
  townshipCount = 170,
  today = chinaToday(),
) {
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
  const progress = progressData(villages, memberships, random, today);
  const stamp = (day: string) => `${day}T00:00:00.000Z`;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const account = (
    username: string,
    role: "county_admin" | "township_leader" | "team_member",
    scope: { township_id?: string; cadre_id?: string } = {},
  ): Insertable<DB["users"]> => ({
    id: stableId("p-user", username),
    username,
    password_hash: passwordHash,
    display_name: `${username}（合成）`,
    role,
    township_id: scope.township_id ?? null,
    cadre_id: scope.cadre_id ?? null,
    locale: null,
    deactivated_at: null,
    created_at: stamp(today),
  });
  const users = [
    account(PROVINCE_ACCOUNTS.county, "county_admin"),
    account(PROVINCE_ACCOUNTS.township, "township_leader", { township_id: townships[0]!.id }),
    account(PROVINCE_ACCOUNTS.team, "team_member", { cadre_id: memberships[0]!.cadre_id }),
  ];
  await db.transaction().execute(async (trx) => {
    await insertInBatches(trx, "townships", townships);
    await insertInBatches(trx, "villages", villages);
    await insertInBatches(trx, "sending_units", units);
    await insertInBatches(trx, "teams", teams);
    await insertInBatches(trx, "cadres", cadres);
    await insertInBatches(trx, "team_memberships", memberships);
    await insertInBatches(trx, "exit_plans", progress.plans);
    await insertInBatches(trx, "plan_indicators", progress.indicators);
    await insertInBatches(trx, "plan_milestones", progress.milestones);
    await insertInBatches(trx, "households", progress.households);
    await insertInBatches(trx, "cards", progress.cards);
    await insertInBatches(trx, "village_history", progress.history);
    await insertInBatches(trx, "presence_months", progress.presence);
    await insertInBatches(trx, "users", users);
    await refreshVillageProgress(trx, "all", stamp(today));
  });
  return { townships: townships.length, villages: villages.length, cadres: cadres.length };
}

/**
 * What the dashboard reads, at scale: a plan with the official indicators (most met) and three
 * milestones per village, a small roster, four case cards, three history rows, and this month's
 * in-village days of every cadre.
 */
function progressData(
  villages: Insertable<DB["villages"]>[],
  memberships: Insertable<DB["team_memberships"]>[],
  random: ReturnType<typeof seededRandom>,
  today: string,
) {
  const year = Number(today.slice(0, 4));
  const stamp = `${today}T00:00:00.000Z`;
  const plans: Insertable<DB["exit_plans"]>[] = [];
  const indicators: Insertable<DB["plan_indicators"]>[] = [];
  const milestones: Insertable<DB["plan_milestones"]>[] = [];
  const households: Insertable<DB["households"]>[] = [];
  const cards: Insertable<DB["cards"]>[] = [];
  const history: Insertable<DB["village_history"]>[] = [];
  for (const v of villages) {
    const id = v.id!;
    plans.push({
      village_id: id,
      start_year: 2016,
      attack_end_year: 2018,
      end_year: 2020,
      target_exit_year: random.int(2018, year + 1),
      narrative: "",
      updated_at: stamp,
      updated_by: null,
    });
    OFFICIAL_INDICATORS.forEach((d, position) => {
      if (d.computed) return;
      const met = random.next() < 0.85;
      indicators.push({
        id: stableId("p-indicator", `${id}-${d.kind}`),
        village_id: id,
        kind: d.kind,
        name: null,
        unit: d.unit,
        comparison: d.comparison,
        threshold: d.threshold,
        baseline: null,
        target: d.threshold,
        current_value: random.next() < 0.05 ? null : met ? d.threshold : 0,
        measured_on: today,
        evidence: null,
        position,
        updated_at: stamp,
        updated_by: null,
      });
    });
    for (let k = 0; k < 3; k++) {
      milestones.push({
        id: stableId("p-milestone", `${id}-${k}`),
        village_id: id,
        title: `合成里程碑${k + 1}`,
        due_on: `${random.int(year - 1, year + 1)}-${String(random.int(1, 12)).padStart(2, "0")}-15`,
        owner_cadre_id: null,
        status: random.pick(["planned", "in_progress", "done"] as const),
        done_on: null,
        evidence: null,
        created_at: stamp,
        updated_at: stamp,
        updated_by: null,
      });
    }
    for (let k = 0; k < 12; k++) {
      const exited = random.next() < 0.7;
      households.push({
        id: stableId("p-household", `${id}-${k}`),
        village_id: id,
        code: String(k + 1).padStart(3, "0"),
        head_name: `合成户主${k + 1}`,
        name_source: "demo",
        members: random.int(1, 5),
        main_cause: "illness",
        other_causes: "[]",
        help_measures: "[]",
        paired_cadre_id: null,
        identified_year: 2015,
        food: "met",
        education: "met",
        medical: "met",
        housing: "met",
        water: "met",
        status: exited ? "exited" : "poor",
        exit_year: exited ? random.int(2017, year) : null,
        created_at: stamp,
        updated_at: stamp,
        updated_by: null,
      });
    }
    for (let k = 0; k < 4; k++) {
      cards.push({
        id: stableId("p-card", `${id}-${k}`),
        board: "case",
        village_id: id,
        column_key: random.pick(CASE_COLUMNS),
        position: (k + 1) * 1024,
        title: `合成个案${k + 1}`,
        kind: random.pick(CASE_KINDS),
        owner_cadre_id: null,
        household_id: null,
        person: null,
        urgency: null,
        budget: null,
        funding_source: null,
        milestone_id: null,
        start_on: null,
        due_on:
          random.next() < 0.5 ? null : `${year}-${String(random.int(1, 12)).padStart(2, "0")}-10`,
        follow_up_on: null,
        notes: null,
        name_source: "demo",
        archived_at: null,
        created_at: stamp,
        created_by: null,
        updated_at: stamp,
      });
    }
    let previous: VillageFigures | null = null;
    for (const [day, figures] of [
      ["2016-01-01", { exit_status: "not_exited", factor: 3 }],
      ["2018-06-30", { exit_status: "not_exited", factor: 2 }],
      [`${v.exit_year ?? 2020}-11-30`, { exit_status: v.exit_status!, factor: 1 }],
    ] as const) {
      const next: VillageFigures = {
        exit_status: figures.exit_status,
        poor_households: v.poor_households! * figures.factor,
        poor_people: v.poor_people! * figures.factor,
        agricultural_population: v.agricultural_population,
      };
      history.push({
        village_id: id,
        day,
        ...next,
        ...historyChange(previous, next),
        recorded_at: stamp,
      });
      previous = next;
    }
  }
  const month = today.slice(0, 7);
  const pastDays = Number(today.slice(8, 10)) - 1;
  const presence = memberships.map((m) => {
    let mask = 0;
    for (let d = 1; d <= pastDays; d++) if (random.next() < 0.8) mask |= 1 << (d - 1);
    return {
      cadre_id: m.cadre_id,
      team_id: m.team_id,
      month,
      days: mask,
      day_count: bitCount(mask),
    };
  });
  return { plans, indicators, milestones, households, cards, history, presence };
}

// Run as a script: refuses to touch an existing database.
if (process.argv[1]?.endsWith("province-data.ts")) {
  const { values } = parseArgs({
    options: {
      villages: { type: "string", default: "8000" },
      townships: { type: "string", default: "170" },
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
  const counts = await writeProvinceData(db, Number(values.villages), Number(values.townships));
  await db.destroy();
  console.log(
    `Wrote ${counts.villages} villages in ${counts.townships} townships, ${counts.cadres} cadres, to ${values.database}.`,
  );
  console.log(
    `Accounts: ${Object.values(PROVINCE_ACCOUNTS).join(", ")} — password "${DEMO_PASSWORD}".`,
  );
}
