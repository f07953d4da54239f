/**
 * Builds the Shangyi demo data set: pure and deterministic (same output on every run and machine).
 *
 * What is sourced (db/seed-data/shangyi.json, shared/guides/domain.md): the 14 townships and their
 * codes, the county outline, the five villages and five sending units named in the county's 2016
 * report, the 1997 village lists of 小蒜沟镇 and 三工地镇, and the team counts (4 / 18 / 67, 267 cadres).
 * Everything else — other village names, every position, all figures, cadre names, most sending
 * units — is invented and carries name_source / position_source "demo", which the UI shows.
 */
import type { Polygon } from "geojson";
import type { Insertable } from "kysely";
import type {
  DB,
  ExitStatus,
  MembershipRole,
  NameSource,
  Specialty,
  UnitLevel,
  VillageType,
} from "../schema";
import { stableId } from "../ids";
import { seededRandom, type Random } from "./random";
import {
  CITY_UNITS,
  COUNTY_UNITS,
  DEMO_VILLAGE_STEMS,
  GIVEN_NAME_CHARS,
  PROVINCE_UNITS,
  SURNAMES,
} from "./demo-names";

export interface TownshipInput {
  code: string;
  name_zh: string;
  name_pinyin: string;
  kind: "镇" | "乡";
  lat: number | null;
  lon: number | null;
}

export interface DemoInput {
  townships: TownshipInput[];
  boundary: Polygon;
  villageLists1997: Record<string, string[]>;
  isInside: (point: { lat: number; lon: number }, polygon: Polygon) => boolean;
  toPinyin: (name: string) => string;
}

/** How many of the 89 poor villages each township gets in the demo (sums to 89). */
const VILLAGES_PER_TOWNSHIP: Record<string, number> = {
  南壕堑镇: 5,
  大青沟镇: 7,
  八道沟镇: 7,
  红土梁镇: 7,
  小蒜沟镇: 9,
  三工地镇: 6,
  满井镇: 6,
  大营盘乡: 7,
  大苏计乡: 6,
  石井乡: 6,
  七甲乡: 5,
  套里庄乡: 6,
  甲石河乡: 6,
  下马圈乡: 6,
};

/**
 * Demo anchor points, placed from each township's described direction (north-east, south-east, …)
 * in the data file; only the county seat (南壕堑镇) has a sourced coordinate.
 */
const TOWNSHIP_ANCHORS: Record<string, [lat: number, lon: number]> = {
  南壕堑镇: [41.06, 113.99],
  大青沟镇: [41.3, 114.2],
  八道沟镇: [41.12, 114.26],
  红土梁镇: [40.93, 114.05],
  小蒜沟镇: [40.82, 114.22],
  三工地镇: [41.42, 114.02],
  满井镇: [40.96, 114.37],
  大营盘乡: [41.36, 113.97],
  大苏计乡: [41.48, 114.1],
  石井乡: [41.2, 114.12],
  七甲乡: [41.18, 114.01],
  套里庄乡: [41.01, 114.16],
  甲石河乡: [40.86, 114.34],
  下马圈乡: [41.1, 113.86],
};

interface NamedVillage {
  name: string;
  township: string;
  nameSource: NameSource;
  townshipSource: NameSource;
  note: string | null;
  type: VillageType;
  status: ExitStatus;
  unit: { name: string; level: UnitLevel };
  leaderSpecialty: Specialty;
}

/** The five villages of the county's 2016 report (domain.md). */
const REPORT_VILLAGES: NamedVillage[] = [
  {
    name: "魏家村",
    township: "大青沟镇",
    nameSource: "report",
    townshipSource: "report",
    note: "source.weijia",
    type: "industry",
    status: "exit_ready",
    unit: { name: "省公安厅", level: "province" },
    leaderSpecialty: "professional",
  },
  {
    name: "下纳岭村",
    township: "小蒜沟镇",
    nameSource: "verified",
    townshipSource: "verified",
    note: "source.xianaling",
    type: "weak",
    status: "not_exited",
    unit: { name: "市总工会", level: "city" },
    leaderSpecialty: "economic",
  },
  {
    name: "北朝碾村",
    township: "小蒜沟镇",
    nameSource: "verified",
    townshipSource: "verified",
    note: "source.beichaonian",
    type: "difficult",
    status: "not_exited",
    unit: { name: "县国土局", level: "county" },
    leaderSpecialty: "party_government",
  },
  {
    name: "程家村",
    township: "大营盘乡",
    nameSource: "report",
    townshipSource: "report",
    note: "source.chengjia",
    type: "difficult",
    status: "exited",
    unit: { name: "县委组织部", level: "county" },
    leaderSpecialty: "party_government",
  },
  {
    name: "大井村",
    township: "满井镇",
    nameSource: "report",
    townshipSource: "demo",
    note: "source.dajing",
    type: "disorderly",
    status: "not_exited",
    unit: { name: "县公安局", level: "county" },
    leaderSpecialty: "political_legal",
  },
];

const SPECIALTY_FOR_TYPE: Record<VillageType, Specialty> = {
  difficult: "party_government",
  weak: "economic",
  industry: "professional",
  disorderly: "political_legal",
};
const SPECIALTIES: Specialty[] = [
  "party_government",
  "economic",
  "professional",
  "political_legal",
];

const TEAM_COUNTS: Record<UnitLevel, number> = { province: 4, city: 18, county: 67 };
/** Arrival dates from the 2016 programme calendar; county teams' date is not given (demo). */
const TEAM_START: Record<UnitLevel, string> = {
  province: "2016-02-25",
  city: "2016-02-23",
  county: "2016-02-23",
};

/** Rows as they are inserted: the schema's own Insertable types, so the seed cannot drift from it. */
type Row<T extends keyof DB> = Required<Omit<Insertable<DB[T]>, "created_at" | "deactivated_at">>;

export interface DemoData {
  townships: Row<"townships">[];
  villages: (Row<"villages"> & { position_source: "demo"; code_source: "demo" })[];
  sendingUnits: Row<"sending_units">[];
  teams: Row<"teams">[];
  cadres: Row<"cadres">[];
  memberships: Row<"team_memberships">[];
}

const SEED_TIMESTAMP = "2016-03-01T00:00:00.000Z";

export function buildDemoData(input: DemoInput): DemoData {
  const random = seededRandom(130725);

  const townships = input.townships.map((t) => ({
    id: stableId("township", t.code),
    code: t.code,
    name_zh: t.name_zh,
    name_pinyin: t.name_pinyin,
    kind: t.kind === "镇" ? ("town" as const) : ("township" as const),
    lat: t.lat,
    lon: t.lon,
  }));
  const townshipByName = new Map(townships.map((t) => [t.name_zh, t]));

  // 1. Village names per township: report villages first, then verified 1997 names, then demo stems.
  const usedNames = new Set<string>();
  const villagePlans: (Omit<NamedVillage, "unit" | "leaderSpecialty" | "type" | "status"> &
    Partial<NamedVillage>)[] = [];
  const demoStems = [...DEMO_VILLAGE_STEMS];
  for (const township of townships) {
    const wanted = VILLAGES_PER_TOWNSHIP[township.name_zh];
    if (wanted === undefined) throw new Error(`No demo village count for ${township.name_zh}`);
    const plans: typeof villagePlans = REPORT_VILLAGES.filter(
      (v) => v.township === township.name_zh,
    ).map((v) => ({ ...v }));
    for (const stem of input.villageLists1997[township.name_zh] ?? []) {
      if (plans.length >= wanted) break;
      const name = stem.endsWith("村") ? stem : `${stem}村`;
      if (plans.some((p) => p.name === name) || name === "北槽碾村") continue;
      plans.push({
        name,
        township: township.name_zh,
        nameSource: "verified",
        townshipSource: "verified",
        note: "source.list1997",
      });
    }
    while (plans.length < wanted) {
      const stem = demoStems.shift();
      if (!stem) throw new Error("Ran out of demo village names");
      const name = `${stem}村`;
      if (usedNames.has(name)) continue;
      plans.push({
        name,
        township: township.name_zh,
        nameSource: "demo",
        townshipSource: "demo",
        note: null,
      });
    }
    for (const p of plans) {
      if (usedNames.has(p.name)) throw new Error(`Duplicate demo village name ${p.name}`);
      usedNames.add(p.name);
    }
    villagePlans.push(...plans);
  }

  // 2. Team levels: the report's units first, the rest spread deterministically.
  const levelsLeft: Record<UnitLevel, number> = { ...TEAM_COUNTS };
  for (const v of REPORT_VILLAGES) levelsLeft[v.unit.level] -= 1;
  const levelPool: UnitLevel[] = [
    ...Array<UnitLevel>(levelsLeft.province).fill("province"),
    ...Array<UnitLevel>(levelsLeft.city).fill("city"),
    ...Array<UnitLevel>(levelsLeft.county).fill("county"),
  ];
  shuffle(levelPool, random);

  // 3. Sending units.
  const sendingUnits: DemoData["sendingUnits"] = [];
  const unitId = (name: string) => stableId("sending_unit", name);
  const addUnit = (name: string, level: UnitLevel, source: NameSource) => {
    if (!sendingUnits.some((u) => u.name_zh === name)) {
      sendingUnits.push({ id: unitId(name), name_zh: name, level, name_source: source });
    }
    return unitId(name);
  };
  for (const v of REPORT_VILLAGES) addUnit(v.unit.name, v.unit.level, "report");
  const unitQueues: Record<UnitLevel, string[]> = {
    province: [...PROVINCE_UNITS],
    city: [...CITY_UNITS],
    // County units: the named ones may send a second team; demo units send one or two.
    county: [...COUNTY_UNITS, ...COUNTY_UNITS.slice(0, 30)],
  };

  // 4. Villages, teams, cadres.
  const villages: DemoData["villages"] = [];
  const teams: DemoData["teams"] = [];
  const cadres: DemoData["cadres"] = [];
  const memberships: DemoData["memberships"] = [];
  const placed: [number, number][] = [];
  const usedPeople = new Set<string>();
  const villageIndexInTownship = new Map<string, number>();

  for (const plan of villagePlans) {
    const township = townshipByName.get(plan.township)!;
    const index = (villageIndexInTownship.get(township.code) ?? 0) + 1;
    villageIndexInTownship.set(township.code, index);
    const code = `${township.code}${String(200 + index)}`;
    const id = stableId("village", code);

    const type: VillageType =
      plan.type ??
      random.weighted<VillageType>([
        ["difficult", 32],
        ["weak", 30],
        ["industry", 24],
        ["disorderly", 14],
      ]);
    const status: ExitStatus =
      plan.status ??
      random.weighted<ExitStatus>([
        ["not_exited", 40],
        ["exit_ready", 15],
        ["exited", 30],
        ["consolidating", 15],
      ]);
    const population = random.int(320, 2200);
    const households = Math.round(population / (2.4 + random.next() * 0.6));
    const poorShare =
      status === "not_exited" ? 0.03 + random.next() * 0.2 : 0.003 + random.next() * 0.015;
    const poorPeople = Math.floor(population * poorShare);
    const poorHouseholds =
      poorPeople === 0 ? 0 : Math.max(1, Math.round(poorPeople / (1.8 + random.next())));
    const exitYear =
      status === "exited"
        ? // The demo is dated November 2018 (app/utils/clock.ts): exits announced by then.
          random.pick([2017, 2018, 2018])
        : status === "consolidating"
          ? random.pick([2016, 2017])
          : null;

    const [lat, lon] = placeNear(TOWNSHIP_ANCHORS[township.name_zh]!, placed, input, random);
    placed.push([lat, lon]);

    villages.push({
      id,
      code,
      code_source: "demo",
      township_id: township.id,
      name_zh: plan.name,
      name_pinyin: input.toPinyin(plan.name),
      name_source: plan.nameSource,
      township_source: plan.townshipSource,
      source_note: plan.note,
      lat,
      lon,
      position_source: "demo",
      village_type: type,
      agricultural_population: population,
      households,
      poor_households: poorHouseholds,
      poor_people: poorPeople,
      exit_status: status,
      exit_year: exitYear,
      // Set with the procedure's demo steps (demo-exits.ts).
      exit_step: null,
      exit_step_on: null,
      exit_overridden: 0,
      updated_at: SEED_TIMESTAMP,
    });

    const level: UnitLevel = plan.unit?.level ?? levelPool.shift()!;
    const sendingUnitId = plan.unit
      ? unitId(plan.unit.name)
      : addUnit(unitQueues[level].shift()!, level, "demo");
    const teamId = stableId("team", code);
    teams.push({
      id: teamId,
      village_id: id,
      sending_unit_id: sendingUnitId,
      level,
      started_on: TEAM_START[level],
      ended_on: null,
    });

    // Three cadres per team (89 × 3 = 267). The leader's specialty follows the matching rule in
    // most teams; a few deliberate mismatches give the county something to look at.
    const leaderSpecialty =
      plan.leaderSpecialty ??
      (random.next() < 0.85 ? SPECIALTY_FOR_TYPE[type] : random.pick(SPECIALTIES));
    const roles: MembershipRole[] =
      random.next() < 0.7
        ? ["leader_first_secretary", "member", "member"]
        : ["leader", "first_secretary", "member"];
    roles.forEach((role, i) => {
      const name = personName(random, usedPeople);
      const cadreId = stableId("cadre", `${code}-${i}`);
      cadres.push({
        id: cadreId,
        name_zh: name,
        sending_unit_id: sendingUnitId,
        specialty: i === 0 ? leaderSpecialty : random.pick(SPECIALTIES),
        phone: null,
        name_source: "demo",
      });
      memberships.push({
        id: stableId("membership", `${code}-${i}`),
        team_id: teamId,
        cadre_id: cadreId,
        role,
        started_on: TEAM_START[level],
        ended_on: null,
        end_reason: null,
        end_note: null,
      });
    });
  }

  return { townships, villages, sendingUnits, teams, cadres, memberships };
}

function shuffle<T>(items: T[], random: Random) {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

/** A demo position near the township's anchor, inside the county outline, not on top of another village. */
function placeNear(
  [anchorLat, anchorLon]: [number, number],
  placed: [number, number][],
  input: DemoInput,
  random: Random,
): [number, number] {
  for (let attempt = 0; attempt < 500; attempt++) {
    const radius = 0.012 + 0.05 * Math.sqrt(random.next()) + attempt * 0.0005;
    const angle = random.next() * 2 * Math.PI;
    const lat = round(anchorLat + radius * Math.sin(angle) * 0.75, 5);
    const lon = round(anchorLon + radius * Math.cos(angle), 5);
    const tooClose = placed.some(([a, b]) => Math.hypot(a - lat, b - lon) < 0.012);
    if (!tooClose && input.isInside({ lat, lon }, input.boundary)) return [lat, lon];
  }
  throw new Error(`Could not place a demo village near ${anchorLat},${anchorLon}`);
}

function round(value: number, digits: number) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function personName(random: Random, used: Set<string>): string {
  for (;;) {
    const given =
      random.next() < 0.55
        ? random.pick(GIVEN_NAME_CHARS) + random.pick(GIVEN_NAME_CHARS)
        : random.pick(GIVEN_NAME_CHARS);
    const name = random.pick(SURNAMES) + given;
    if (!used.has(name)) {
      used.add(name);
      return name;
    }
  }
}
