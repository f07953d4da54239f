/**
 * Demo project and case cards: 2–4 projects and 3–8 cases per village, deterministic. The report's
 * examples are present (魏家村 pig farming, 下纳岭村 new-village plan, 北朝碾村 elder care, 大井村
 * dispute mediation); every other title is invented from templates and marked demo.
 */
import { isFinished } from "../../app/utils/boards";
import type { Insertable } from "kysely";
import type { Board, BoardColumn, CaseKind, DB, HelpMeasure, Urgency } from "../schema";
import { CASE_COLUMNS, PROJECT_COLUMNS } from "../schema";
import { stableId } from "../ids";
import type { DemoData } from "./demo-data";
import type { PlanDemoData } from "./demo-plans";
import { seededRandom } from "./random";

type Row<T extends keyof DB> = Insertable<DB[T]>;

export interface BoardDemoData {
  cards: Row<"cards">[];
  assignees: Row<"card_assignees">[];
  households: Row<"card_households">[];
  events: Row<"card_events">[];
}

const PROJECTS: [string, HelpMeasure, number][] = [
  ["光伏扶贫电站建设", "asset_income", 800000],
  ["肉牛养殖合作社", "industry", 450000],
  ["马铃薯种薯基地", "industry", 300000],
  ["村内道路硬化", "infrastructure", 600000],
  ["安全饮水管网改造", "infrastructure", 250000],
  ["扶贫车间（手工编织）", "employment", 150000],
  ["危房改造（第二批）", "housing", 400000],
  ["乡村旅游民宿改造", "tourism", 350000],
  ["电商服务站", "ecommerce", 80000],
];
const CASES: [string, CaseKind][] = [
  ["独居老人冬季取暖", "elder_care"],
  ["慢性病患者报销协助", "illness"],
  ["残疾人两项补贴申请", "disability"],
  ["危房户临时安置", "housing"],
  ["大学新生助学贷款", "education"],
  ["外出务工岗位对接", "employment"],
  ["宅基地边界纠纷", "dispute"],
  ["低保申请材料补办", "other"],
  ["留守儿童课后看护", "education"],
  ["村民土地流转合同纠纷", "dispute"],
];
const SPECIAL_PROJECTS: Record<string, [string, HelpMeasure, number, BoardColumn][]> = {
  魏家村: [["绿色高效养猪项目（贫困户全覆盖）", "industry", 1200000, "in_progress"]],
  下纳岭村: [["清华大学新村规划实施（第一期）", "infrastructure", 2000000, "approved"]],
};
const SPECIAL_CASES: Record<string, [string, CaseKind, Urgency, BoardColumn, string][]> = {
  北朝碾村: [
    [
      "80 岁独居老人患病：买药并照顾至康复",
      "elder_care",
      "urgent",
      "follow_up",
      "驻村干部连续多日上门送药、做饭，老人已康复，定期回访。",
    ],
  ],
  大井村: [
    [
      "邻里宅基地纠纷调解",
      "dispute",
      "high",
      "resolved",
      "工作队会同村两委三次调解，双方签订协议。",
    ],
  ],
};

const STAMP = "2016-06-01T00:00:00.000Z";
const GAP = 1024;

export function buildBoardData(data: DemoData, plans: PlanDemoData): BoardDemoData {
  const random = seededRandom(20160301);
  const out: BoardDemoData = { cards: [], assignees: [], households: [], events: [] };
  const positions = new Map<string, number>();
  const nextPosition = (board: Board, villageId: string, column: BoardColumn) => {
    const key = `${board}:${villageId}:${column}`;
    const p = (positions.get(key) ?? 0) + GAP;
    positions.set(key, p);
    return p;
  };

  for (const village of data.villages) {
    const team = data.teams.find((t) => t.village_id === village.id);
    const cadres = team
      ? data.memberships.filter((m) => m.team_id === team.id).map((m) => m.cadre_id)
      : [];
    const households = plans.households.filter((h) => h.village_id === village.id);
    const poor = households.filter((h) => h.status === "poor" || h.status === "exiting");
    const milestones = plans.milestones.filter((m) => m.village_id === village.id);
    const exited = village.exit_status !== "not_exited";

    const projects: [string, HelpMeasure, number, BoardColumn | null][] = [
      ...(SPECIAL_PROJECTS[village.name_zh] ?? []),
    ];
    const projectPool = [...PROJECTS];
    const projectCount = random.int(2, 4) - projects.length;
    for (let i = 0; i < projectCount; i++) {
      const [title, kind, budget] = projectPool.splice(
        Math.floor(random.next() * projectPool.length),
        1,
      )[0]!;
      projects.push([title, kind, budget, null]);
    }
    projects.forEach(([title, kind, budget, fixedColumn], i) => {
      const column: BoardColumn =
        fixedColumn ??
        (exited
          ? random.pick(["acceptance", "done", "done"] as const)
          : random.pick(PROJECT_COLUMNS));
      const id = stableId("card", `${village.id}:project:${i}`);
      const startYear = random.pick([2016, 2017, 2018]);
      const special = Boolean(SPECIAL_PROJECTS[village.name_zh]) && i === 0;
      out.cards.push({
        id,
        board: "project",
        village_id: village.id,
        column_key: column,
        position: nextPosition("project", village.id, column),
        title,
        kind,
        owner_cadre_id: cadres.length ? random.pick(cadres) : null,
        household_id: null,
        person: null,
        urgency: null,
        budget,
        funding_source: random.pick([
          "财政专项扶贫资金",
          "派出单位帮扶资金",
          "整合涉农资金",
          "社会捐助",
        ]),
        milestone_id: milestones.length && random.next() < 0.5 ? random.pick(milestones).id : null,
        start_on: `${startYear}-04-01`,
        // Finished work kept its dates; open work is due from the demo's November 2018 on, but
        // for the oldest projects, a little late (app/utils/clock.ts).
        due_on: isFinished("project", column)
          ? `${startYear + 1}-10-31`
          : startYear === 2016
            ? "2018-10-31"
            : `2019-${startYear === 2017 ? "06-30" : "10-31"}`,
        follow_up_on: null,
        notes: special ? "项目规划已通过评审，标准化猪舍建设中。" : null,
        name_source: special ? "report" : "demo",
        archived_at: null,
        version: 1,
        created_at: STAMP,
        created_by: null,
        updated_at: STAMP,
      });
      // Beneficiaries: every poor household for the pig farming project, a few otherwise.
      const beneficiaries =
        village.name_zh === "魏家村" && special ? poor : poor.filter(() => random.next() < 0.3);
      for (const h of beneficiaries) out.households.push({ card_id: id, household_id: h.id });
      out.events.push({
        id: stableId("card-event", `${id}:create`),
        card_id: id,
        action: "create",
        changes: JSON.stringify({ column: "proposed", title }),
        actor_id: null,
        at: `${startYear}-03-01T02:00:00.000Z`,
      });
      // Its history reaches the column it is in.
      if (column !== "proposed") {
        out.events.push({
          id: stableId("card-event", `${id}:move`),
          card_id: id,
          action: "move",
          changes: JSON.stringify({ from: "proposed", to: column, index: 0, of: 1 }),
          actor_id: null,
          at: `${startYear}-06-15T02:00:00.000Z`,
        });
      }
    });

    const cases: [string, CaseKind, Urgency, BoardColumn | null, string | null][] = [
      ...(SPECIAL_CASES[village.name_zh] ?? []),
    ];
    const casePool = [...CASES];
    const caseCount = random.int(3, 8) - cases.length;
    for (let i = 0; i < caseCount; i++) {
      const [title, kind] = casePool.splice(Math.floor(random.next() * casePool.length), 1)[0]!;
      cases.push([
        title,
        kind,
        random.pick(["low", "normal", "normal", "high", "urgent"] as const),
        null,
        null,
      ]);
    }
    cases.forEach(([title, kind, urgency, fixedColumn, notes], i) => {
      const column: BoardColumn = fixedColumn ?? random.pick(CASE_COLUMNS);
      const id = stableId("card", `${village.id}:case:${i}`);
      const household = households.length && random.next() < 0.75 ? random.pick(households) : null;
      const year = random.pick([2017, 2018, 2019, 2020]);
      const special = Boolean(SPECIAL_CASES[village.name_zh]) && i === 0;
      out.cards.push({
        id,
        board: "case",
        village_id: village.id,
        column_key: column,
        position: nextPosition("case", village.id, column),
        title,
        kind,
        owner_cadre_id: null,
        household_id: special ? null : (household?.id ?? null),
        person: special
          ? kind === "elder_care"
            ? "独居老人（80 岁）"
            : "两户邻里"
          : household
            ? null
            : "村民",
        urgency,
        budget: null,
        funding_source: null,
        milestone_id: null,
        start_on: null,
        due_on: caseDue(column, year, random.int(1, 12)),
        follow_up_on: column === "follow_up" ? "2018-12-15" : null,
        notes,
        name_source: special ? "report" : "demo",
        archived_at: null,
        version: 1,
        created_at: STAMP,
        created_by: null,
        updated_at: STAMP,
      });
      const assigned = new Set(cadres.filter(() => random.next() < 0.45));
      if (assigned.size === 0 && cadres.length) assigned.add(random.pick(cadres));
      for (const cadre of assigned) out.assignees.push({ card_id: id, cadre_id: cadre });
      const reportedOn = `${Math.min(year, 2018)}-03-01`;
      out.events.push({
        id: stableId("card-event", `${id}:create`),
        card_id: id,
        action: "create",
        changes: JSON.stringify({ column: "reported", title }),
        actor_id: null,
        at: `${reportedOn}T02:00:00.000Z`,
      });
      if (column !== "reported") {
        out.events.push({
          id: stableId("card-event", `${id}:move`),
          card_id: id,
          action: "move",
          changes: JSON.stringify({ from: "reported", to: column, index: 0, of: 1 }),
          actor_id: null,
          at: `${Math.min(year, 2018)}-${year >= 2018 ? "09" : "06"}-${String(10 + (i % 18)).padStart(2, "0")}T02:00:00.000Z`,
        });
      }
    });
  }
  return out;
}

/**
 * A case's due date in the demo's November 2018 (app/utils/clock.ts): a finished case was due in
 * its own year (2018 at the latest); an open one is due in the coming weeks or next year, but
 * those reported in 2017, a little late.
 */
function caseDue(column: BoardColumn, year: number, month: number): string {
  const mm = (m: number) => String(m).padStart(2, "0");
  if (isFinished("case", column))
    return `${Math.min(year, 2018)}-${mm(year >= 2018 ? Math.min(month, 10) : month)}-28`;
  if (year <= 2017) return "2018-11-08";
  if (year === 2018) return `2018-${mm(11 + (month % 2))}-28`;
  return `2019-${mm(month)}-28`;
}
