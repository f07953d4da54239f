/**
 * Demo exit plans and household rosters for the 89 demo villages: pure and deterministic. Every
 * figure and name here is invented (households carry name_source "demo"); the structure follows
 * the sources: the official indicators, the 2016–2020 programme, the 建档立卡 categories and the
 * household exit procedure. The rosters are built so that each village's remaining poor
 * households and people equal the village's figures.
 */
import { createHash } from "node:crypto";
import type { Insertable } from "kysely";
import type {
  DB,
  ExitStep,
  GuaranteeResult,
  HelpMeasure,
  HouseholdStatus,
  IndicatorKind,
  MilestoneStatus,
  PovertyCause,
} from "../schema";
import { EXIT_STEPS, HELP_MEASURES } from "../schema";
import { stableId } from "../ids";
import type { DemoData } from "./demo-data";
import { GIVEN_NAME_CHARS, SURNAMES } from "./demo-names";
import { seededRandom, type Random } from "./random";
import { povertyLineFor } from "../../app/utils/exit-rules";

type Row<T extends keyof DB> = Insertable<DB[T]>;

export interface PlanDemoData {
  plans: Row<"exit_plans">[];
  indicators: Row<"plan_indicators">[];
  milestones: Row<"plan_milestones">[];
  opinions: Row<"plan_opinions">[];
  households: Row<"households">[];
  incomes: Row<"household_incomes">[];
  steps: Row<"household_exit_steps">[];
}

const STAMP = "2016-03-01T00:00:00.000Z";
const INCOME_YEARS = [2015, 2016, 2017, 2018, 2019, 2020];
const YES_NO: IndicatorKind[] = [
  "hardened_road",
  "drinking_water",
  "reliable_power",
  "broadband",
  "clinic_doctor",
  "culture_room",
  "industry",
];
const EVIDENCE: Partial<Record<IndicatorKind, string>> = {
  hardened_road: "县交通运输局验收单",
  drinking_water: "县水务局水质检测报告",
  reliable_power: "供电所通电证明",
  broadband: "电信公司开通记录",
  clinic_doctor: "乡村医生执业证书与卫生室验收表",
  culture_room: "县文广新局验收表",
  industry: "产业项目合作社章程与分红台账",
  collective_income: "村集体经济收入台账",
};

const NARRATIVE: Record<string, string> = {
  difficult: "以抓党建促脱贫为主线，健全村两委班子，完善基础设施，逐户落实帮扶措施。",
  weak: "壮大村集体经济，发展特色种养和光伏扶贫，带动贫困户稳定增收。",
  industry: "依托现有产业基础，建立合作社，让每户贫困户入股分红、稳定增收。",
  disorderly: "化解矛盾纠纷、整顿村风民风，同时补齐基础设施短板，推进产业发展。",
};
const SPECIAL_NARRATIVE: Record<string, string> = {
  魏家村:
    "为每户贫困户制定绿色高效养猪项目规划：建设标准化猪舍，合作社统一供种、防疫和销售，实现贫困户全覆盖、稳定增收。",
  下纳岭村: "委托清华大学编制新村规划，统筹村庄布局、危房改造和公共服务设施建设，分期实施。",
};

const MILESTONE_TEMPLATES: [string, string][] = [
  ["完成村内主干道硬化", "-09-30"],
  ["安全饮水工程通水", "-10-31"],
  ["村卫生室标准化改造", "-08-31"],
  ["综合文化室建成开放", "-11-30"],
  ["光伏扶贫电站并网发电", "-06-30"],
  ["合作社成立并吸纳贫困户入股", "-05-31"],
  ["危房改造全部完工", "-10-15"],
  ["宽带网络入村", "-07-31"],
];
const SPECIAL_MILESTONES: Record<string, [string, string][]> = {
  魏家村: [
    ["绿色高效养猪项目规划评审通过", "2016-06-30"],
    ["标准化猪舍建成，首批仔猪入栏", "2016-11-30"],
    ["贫困户养猪首次分红", "2017-12-31"],
  ],
  下纳岭村: [
    ["清华大学新村规划编制完成", "2016-09-30"],
    ["新村规划第一期工程开工", "2017-05-31"],
  ],
};

const CAUSE_WEIGHTS: [PovertyCause, number][] = [
  ["illness", 30],
  ["disability", 12],
  ["education", 8],
  ["disaster", 3],
  ["land", 3],
  ["water", 3],
  ["skills", 10],
  ["labour", 14],
  ["capital", 10],
  ["transport", 2],
  ["motivation", 3],
  ["other", 2],
];

const OPINIONS: [string, string][] = [
  ["村民代表大会", "希望优先硬化通往耕地的生产路，方便农忙运输。"],
  ["入户走访", "老人多、劳力少，希望有离家近的公益岗位。"],
  ["村民代表大会", "赞成成立合作社，但担心销路，建议先小规模试点。"],
  ["贫困户座谈会", "希望增加养殖技术培训，并帮助申请扶贫小额信贷。"],
  ["入户走访", "饮用水冬季经常结冰断水，希望改造管网。"],
];

function personName(random: Random) {
  const given =
    random.next() < 0.55
      ? random.pick(GIVEN_NAME_CHARS) + random.pick(GIVEN_NAME_CHARS)
      : random.pick(GIVEN_NAME_CHARS);
  return random.pick(SURNAMES) + given;
}

/** Splits `people` into `households` sizes of 1–6 (every household at least one person). */
function householdSizes(households: number, people: number, random: Random): number[] {
  if (households === 0) return [];
  const sizes = Array.from({ length: households }, () => 1);
  let left = people - households;
  while (left > 0) {
    const i = Math.floor(random.next() * households);
    if (sizes[i]! < 6) {
      sizes[i]!++;
      left--;
    } else if (sizes.every((s) => s >= 6)) {
      break;
    }
  }
  return sizes;
}

function date(year: number, monthDay: string) {
  return `${year}${monthDay}`;
}

export function buildPlanData(
  data: DemoData,
  lines: readonly { year: number; value: number }[],
): PlanDemoData {
  const random = seededRandom(20160224);
  const lineFor = (year: number) => povertyLineFor(year, lines)?.value ?? lines[0]!.value;
  const out: PlanDemoData = {
    plans: [],
    indicators: [],
    milestones: [],
    opinions: [],
    households: [],
    incomes: [],
    steps: [],
  };

  for (const village of data.villages) {
    const team = data.teams.find((t) => t.village_id === village.id);
    const cadreIds = team
      ? data.memberships.filter((m) => m.team_id === team.id).map((m) => m.cadre_id)
      : [];
    const status = village.exit_status!;
    const done = status === "exited" || status === "consolidating" || status === "exit_ready";
    const target =
      village.exit_year ??
      // A few villages not yet exiting were planned for this year (2018): the ones at risk.
      (status === "exit_ready" ? 2018 : random.pick([2018, 2019, 2019, 2020, 2020, 2020]));

    out.plans.push({
      village_id: village.id,
      start_year: 2016,
      attack_end_year: 2018,
      end_year: 2020,
      target_exit_year: target,
      narrative: SPECIAL_NARRATIVE[village.name_zh] ?? NARRATIVE[village.village_type!] ?? "",
      version: 1,
      updated_at: STAMP,
      updated_by: null,
    });

    // Indicators: all met where the village is ready or out; two to four gaps elsewhere.
    const gaps = new Set<IndicatorKind>();
    if (!done) {
      const pool = [...YES_NO, "collective_income" as const];
      const count = random.int(2, 4);
      while (gaps.size < count) gaps.add(random.pick(pool));
    }
    out.indicators.push({
      id: stableId("indicator", `${village.id}:poverty_incidence`),
      village_id: village.id,
      kind: "poverty_incidence",
      name: null,
      unit: "ratio",
      comparison: "below",
      threshold: 0.02,
      baseline: Math.round((0.12 + random.next() * 0.2) * 1000) / 1000,
      target: 0.015,
      current_value: null,
      measured_on: null,
      evidence: "建档立卡贫困户花名册",
      position: 0,
      version: 1,
      updated_at: STAMP,
      updated_by: null,
    });
    const measuredOn = done ? `${target}-09-30` : "2019-09-30";
    YES_NO.forEach((kind, i) => {
      const met = !gaps.has(kind);
      out.indicators.push({
        id: stableId("indicator", `${village.id}:${kind}`),
        village_id: village.id,
        kind,
        name: null,
        unit: null,
        comparison: "yes",
        threshold: 1,
        baseline: random.next() < 0.35 ? 1 : 0,
        target: 1,
        current_value: met ? 1 : 0,
        measured_on: measuredOn,
        evidence: met ? `${EVIDENCE[kind]}（演示）` : null,
        position: i + 1,
        version: 1,
        updated_at: STAMP,
        updated_by: null,
      });
    });
    const incomeMet = !gaps.has("collective_income");
    out.indicators.push({
      id: stableId("indicator", `${village.id}:collective_income`),
      village_id: village.id,
      kind: "collective_income",
      name: null,
      unit: "yuan_per_year",
      comparison: "at_least",
      threshold: 30000,
      baseline: random.int(0, 8) * 1000,
      target: 50000,
      current_value: incomeMet ? random.int(32, 90) * 1000 : random.int(5, 25) * 1000,
      measured_on: measuredOn,
      evidence: incomeMet ? `${EVIDENCE.collective_income}（演示）` : null,
      position: YES_NO.length + 1,
      version: 1,
      updated_at: STAMP,
      updated_by: null,
    });

    // Milestones: the village's own first, then three to five from the templates.
    const templates = [...MILESTONE_TEMPLATES];
    const chosen: [string, string][] = [...(SPECIAL_MILESTONES[village.name_zh] ?? [])];
    const extra = random.int(3, 5);
    for (let i = 0; i < extra && templates.length; i++) {
      const [title, monthDay] = templates.splice(
        Math.floor(random.next() * templates.length),
        1,
      )[0]!;
      chosen.push([title, date(random.pick([2016, 2017, 2018, 2019]), monthDay)]);
    }
    chosen.forEach(([title, due], i) => {
      const dueYear = Number(due.slice(0, 4));
      const milestoneStatus: MilestoneStatus = done
        ? "done"
        : random.weighted<MilestoneStatus>([
            ["done", dueYear <= 2017 ? 70 : 35],
            ["in_progress", 35],
            ["planned", 20],
            ["dropped", 3],
          ]);
      // Still open from before 2018: re-planned for 2019, as a team would have done by the demo's
      // November 2018 (app/utils/clock.ts); those due earlier this year may be late.
      const open = milestoneStatus === "planned" || milestoneStatus === "in_progress";
      out.milestones.push({
        id: stableId("milestone", `${village.id}:${i}`),
        village_id: village.id,
        title,
        due_on: open && dueYear <= 2017 ? `2019${due.slice(4)}` : due,
        owner_cadre_id: cadreIds.length ? random.pick(cadreIds) : null,
        status: milestoneStatus,
        done_on: milestoneStatus === "done" ? due : null,
        evidence: milestoneStatus === "done" ? "验收记录与现场照片（演示）" : null,
        version: 1,
        created_at: STAMP,
        updated_at: STAMP,
        updated_by: null,
      });
    });

    const opinionCount = random.int(1, 3);
    for (let i = 0; i < opinionCount; i++) {
      const [source, content] = random.pick(OPINIONS);
      out.opinions.push({
        id: stableId("opinion", `${village.id}:${i}`),
        village_id: village.id,
        gathered_on: `2016-0${3 + i}-${String(random.int(1, 28)).padStart(2, "0")}`,
        source,
        content,
        recorded_by: null,
        created_at: STAMP,
      });
    }

    buildRoster(out, village, cadreIds, random, lineFor);
  }
  return out;
}

function buildRoster(
  out: PlanDemoData,
  village: DemoData["villages"][number],
  cadreIds: string[],
  random: Random,
  lineFor: (year: number) => number,
) {
  const remainingHouseholds = village.poor_households!;
  const remainingPeople = village.poor_people!;
  const population = village.agricultural_population!;
  const exitedShare =
    village.exit_status === "not_exited" ? 0.05 + random.next() * 0.1 : 0.1 + random.next() * 0.15;
  const exitedPeople = Math.round(population * exitedShare);
  const exitedHouseholds = Math.max(1, Math.round(exitedPeople / (2.2 + random.next() * 0.6)));

  const entries: { size: number; status: HouseholdStatus }[] = [
    ...householdSizes(remainingHouseholds, remainingPeople, random).map((size) => ({
      size,
      status: "poor" as HouseholdStatus,
    })),
    ...householdSizes(exitedHouseholds, Math.max(exitedPeople, exitedHouseholds), random).map(
      (size) => ({
        size,
        status: (random.next() < 0.06 ? "monitored" : "exited") as HouseholdStatus,
      }),
    ),
  ];
  // Shuffle so numbers do not reveal status.
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }

  entries.forEach((entry, index) => {
    const code = String(index + 1).padStart(4, "0");
    const id = stableId("household", `${village.id}:${code}`);
    const exited = entry.status === "exited" || entry.status === "monitored";
    // Exits up to the demo's year (November 2018, app/utils/clock.ts).
    const exitYear = exited ? (village.exit_year ?? random.pick([2016, 2017, 2018, 2018])) : null;
    // Some poor households are already in the exit procedure, some ready to start it.
    const remaining = !exited;
    const roll = random.next();
    const inWorkflow = remaining && roll < 0.15;
    const eligible = remaining && (inWorkflow || roll < 0.35);
    const mainCause = random.weighted(CAUSE_WEIGHTS);
    const measures = new Set<HelpMeasure>();
    const measureCount = random.int(1, 3);
    while (measures.size < measureCount) measures.add(random.pick(HELP_MEASURES));
    const unmet: GuaranteeResult = "unmet";
    const blockedGuarantee = remaining && !eligible && random.next() < 0.3;
    const guarantees = {
      food: "met" as GuaranteeResult,
      education: (random.next() < 0.55 ? "not_applicable" : "met") as GuaranteeResult,
      medical: (blockedGuarantee && random.next() < 0.5 ? unmet : "met") as GuaranteeResult,
      housing: (blockedGuarantee && random.next() >= 0.5 ? unmet : "met") as GuaranteeResult,
      water: "met" as GuaranteeResult,
    };
    if (blockedGuarantee && guarantees.medical === "met" && guarantees.housing === "met") {
      guarantees.housing = unmet;
    }
    const status: HouseholdStatus = inWorkflow ? "exiting" : entry.status;
    out.households.push({
      id,
      village_id: village.id,
      code,
      head_name: personName(random),
      name_source: "demo",
      members: entry.size,
      main_cause: mainCause,
      other_causes: JSON.stringify(
        random.next() < 0.4 ? [random.weighted(CAUSE_WEIGHTS)].filter((c) => c !== mainCause) : [],
      ),
      help_measures: JSON.stringify([...measures]),
      paired_cadre_id: cadreIds.length ? random.pick(cadreIds) : null,
      identified_year: random.weighted([
        [2014, 80],
        [2015, 15],
        [2016, 5],
      ] as const),
      ...guarantees,
      status,
      exit_year: exitYear,
      exit_round: exited || inWorkflow ? 1 : 0,
      version: 1,
      created_at: STAMP,
      updated_at: STAMP,
      updated_by: null,
      ...demoIdentity(id),
    });

    for (const year of INCOME_YEARS) {
      const line = lineFor(year);
      const above =
        (exitYear !== null && year >= exitYear) || (eligible && year === INCOME_YEARS.at(-1));
      const factor = above ? 1.08 + random.next() * 0.5 : 0.55 + random.next() * 0.4;
      out.incomes.push({
        household_id: id,
        year,
        per_capita_income: Math.round((line * factor) / 10) * 10,
      });
    }

    const stepsDone: ExitStep[] = exited
      ? [...EXIT_STEPS]
      : inWorkflow
        ? EXIT_STEPS.slice(0, random.int(1, 4))
        : [];
    // Households in the procedure now: their steps this autumn, before the demo's first day.
    const stepYear = exitYear ?? 2018;
    const stepDates = ["-10-10", "-10-20", "-10-25", "-11-01", "-11-15"];
    stepsDone.forEach((step, i) => {
      out.steps.push({
        id: stableId("exit-step", `${id}:1:${step}`),
        household_id: id,
        round: 1,
        step,
        done_on: date(stepYear, stepDates[i]!),
        note: null,
        recorded_by: null,
        recorded_at: `${stepYear}${stepDates[i]}T09:00:00.000Z`,
      });
    });
  });
}

/**
 * An invented ID number (Shangyi's region code 130725, a birth date, a check digit that verifies)
 * and mobile number for a demo household, derived from its id so the rest of the seed's random
 * stream is unchanged. Shown masked, like real ones; the household's 演示 badge marks them too.
 */
function demoIdentity(id: string): { head_id_number: string; phone: string } {
  const digits = [...createHash("sha256").update(`identity:${id}`).digest()].map((b) => b % 10);
  const year = 1940 + ((digits[0]! * 10 + digits[1]!) % 60);
  const month = String(1 + ((digits[2]! * 10 + digits[3]!) % 12)).padStart(2, "0");
  const day = String(1 + ((digits[4]! * 10 + digits[5]!) % 28)).padStart(2, "0");
  const body = `130725${year}${month}${day}${digits.slice(6, 9).join("")}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(body[i]), 0);
  const prefix = ["138", "139", "150", "151", "157", "187"][digits[9]! % 6]!;
  return {
    head_id_number: `${body}${"10X98765432"[sum % 11]}`,
    phone: `${prefix}${digits.slice(10, 18).join("")}`,
  };
}
