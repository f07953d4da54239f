/**
 * Demo data for teams at work: a reserve of cadres and some past rotations, check-ins, work logs,
 * leave, weekly reports and notices for the two months before the seed date and the current one,
 * so the monthly bulletin and the weekly overview have something to show. Deterministic for a
 * given seed date; everything invented is marked demo. The 2016 programme calendar notices
 * carry the report's dates.
 */
import type { Insertable } from "kysely";
import {
  CASE_COLUMNS,
  PROJECT_COLUMNS,
  SPECIALTIES,
  type DB,
  type MembershipEndReason,
} from "../schema";
import { stableId } from "../ids";
import { personName, type DemoData } from "./demo-data";
import type { BoardDemoData } from "./demo-boards";
import type { PlanDemoData } from "./demo-plans";
import { seededRandom } from "./random";
import {
  addDays,
  eachDay,
  monthRange,
  previousMonth,
  reportDueAt,
  weekOf,
  DEFAULT_TEAM_RULES,
} from "../../app/utils/team-rules";

type Row<T extends keyof DB> = Insertable<DB[T]>;

export interface TeamworkDemoData {
  cadres: Row<"cadres">[];
  memberships: Row<"team_memberships">[];
  checkIns: Row<"check_ins">[];
  logs: Row<"work_logs">[];
  leave: Row<"leave_requests">[];
  reports: Row<"weekly_reports">[];
  notices: Row<"notices">[];
  noticeTeams: Row<"notice_teams">[];
  noticeReads: Row<"notice_reads">[];
  cardEvents: Row<"card_events">[];
}

const LOG_TEMPLATES = [
  "走访贫困户{head}家，核实收入和两不愁三保障情况，宣讲扶贫政策。",
  "参加村两委会议，讨论{card}推进安排。",
  "到{card}现场查看进度，协调解决用工和材料问题。",
  "入户走访{head}家，了解就医和子女上学情况，登记需求。",
  "组织党员学习，开展“三会一课”。",
  "召开村民代表会议，征求对退出规划的意见。",
  "整理贫困户档案资料，更新帮扶手册。",
  "陪同县扶贫办检查组入户核查。",
  "与{head}家商量产业帮扶措施，落实养殖补贴。",
  "调解邻里纠纷，做好记录并回访。",
];
const AWAY_TEMPLATES = [
  "到乡镇参加驻村工作例会。",
  "到县扶贫办汇报项目进展，协调资金。",
  "回派出单位汇报工作，争取帮扶资金。",
];
const LEAVE_REASONS = ["家中老人生病住院", "子女升学事务", "本人身体不适就医", "家中有事"];
const RESERVE_UNITS = ["县委组织部", "县财政局", "县农业农村局"];

/** The 2016 programme calendar (domain.md): the dates are from the county's report. */
const CALENDAR_2016: { at: string; title: string; body: string; place: string; sent: string }[] = [
  {
    at: "2016-01-22T09:00",
    title: "全县驻村帮扶工作动员大会",
    body: "请各驻村工作组组长、第一书记及派出单位负责同志按时参加动员大会。",
    place: "县委大礼堂",
    sent: "2016-01-18T02:00:00.000Z",
  },
  {
    at: "2016-02-19T08:30",
    title: "驻村干部岗前培训",
    body: "全体驻村干部参加岗前培训，学习精准扶贫政策和驻村工作要求。",
    place: "县委党校",
    sent: "2016-02-15T02:00:00.000Z",
  },
  {
    at: "2016-02-24T09:00",
    title: "全省驻村帮扶动员电视电话会议暨欢送仪式",
    body: "收看全省动员电视电话会议，会后举行驻村工作组欢送仪式。",
    place: "县政府视频会议室",
    sent: "2016-02-20T02:00:00.000Z",
  },
  {
    at: "2016-03-01T14:00",
    title: "驻村工作管理平台操作培训",
    body: "培训会议通知、日常考勤、请销假、信息反馈、工作日志等平台功能，请各组至少两人参加。",
    place: "县扶贫办会议室",
    sent: "2016-02-26T02:00:00.000Z",
  },
];

/** China-time local date and hour → UTC ISO instant. */
function at(day: string, hour: number, minute = 0) {
  const ms = Date.parse(`${day}T00:00:00+08:00`) + (hour * 60 + minute) * 60_000;
  return new Date(ms).toISOString();
}

export function buildTeamworkData(
  data: DemoData,
  plans: PlanDemoData,
  boards: BoardDemoData,
  users: { id: string; username: string; cadre_id: string | null; township_id: string | null }[],
  today: string,
): TeamworkDemoData {
  const random = seededRandom(20261126);
  const out: TeamworkDemoData = {
    cadres: [],
    memberships: [],
    checkIns: [],
    logs: [],
    leave: [],
    reports: [],
    notices: [],
    noticeTeams: [],
    noticeReads: [],
    cardEvents: [],
  };
  const usedNames = new Set(data.cadres.map((c) => c.name_zh));
  const unitByName = new Map(data.sendingUnits.map((u) => [u.name_zh, u.id]));
  const userByName = new Map(users.map((u) => [u.username, u]));
  const demoCadres = new Set(users.map((u) => u.cadre_id).filter(Boolean));
  const stamp = at(today, 0);

  // A reserve of cadres in no team (the county assigns from it), and past members of some teams.
  for (let i = 0; i < 6; i++) {
    out.cadres.push({
      id: stableId("cadre", `reserve-${i}`),
      name_zh: personName(random, usedNames),
      sending_unit_id:
        unitByName.get(RESERVE_UNITS[i % RESERVE_UNITS.length]!) ?? data.sendingUnits[0]!.id,
      specialty: SPECIALTIES[i % SPECIALTIES.length]!,
      phone: null,
      name_source: "demo",
    });
  }
  data.teams.forEach((team, index) => {
    if (index % 11 !== 3) return;
    const cadreId = stableId("cadre", `former-${team.id}`);
    const reason: MembershipEndReason = index % 2 ? "rotated" : "recalled";
    out.cadres.push({
      id: cadreId,
      name_zh: personName(random, usedNames),
      sending_unit_id: team.sending_unit_id,
      specialty: random.pick([
        "party_government",
        "economic",
        "professional",
        "political_legal",
      ] as const),
      phone: null,
      name_source: "demo",
    });
    out.memberships.push({
      id: stableId("membership", `former-${team.id}`),
      team_id: team.id,
      cadre_id: cadreId,
      role: "member",
      started_on: team.started_on,
      ended_on: "2018-02-28",
      end_reason: reason,
      end_note: reason === "recalled" ? "演示：因工作需要召回派出单位" : "演示：任期届满轮换",
    });
  });

  // Three months of daily work: two whole months before this one and this month so far.
  const current = today.slice(0, 7);
  const from = monthRange(previousMonth(previousMonth(current))).first;
  const days = eachDay(from, addDays(today, -1));
  const villageOf = new Map(data.teams.map((t) => [t.id, t.village_id]));
  const villageById = new Map(data.villages.map((v) => [v.id, v]));
  const householdsOf = new Map<string, { id: string; head: string }[]>();
  for (const h of plans.households) {
    const list = householdsOf.get(h.village_id) ?? [];
    list.push({ id: h.id, head: h.head_name });
    householdsOf.set(h.village_id, list);
  }
  const cardsOf = new Map<string, { id: string; title: string }[]>();
  for (const c of boards.cards) {
    const list = cardsOf.get(c.village_id) ?? [];
    list.push({ id: c.id, title: c.title });
    cardsOf.set(c.village_id, list);
  }

  for (const m of data.memberships) {
    const villageId = villageOf.get(m.team_id)!;
    const village = villageById.get(villageId)!;
    const households = householdsOf.get(villageId) ?? [];
    const cards = cardsOf.get(villageId) ?? [];
    // Most cadres are in the village most days; a few fall short some months.
    const presence = random.weighted([
      [0.94, 7],
      [0.86, 3],
      [0.62, 1],
    ] as const);
    // Leave: about one cadre in five took some in the last two months (never the demo accounts).
    const leaveDays = new Set<string>();
    if (!demoCadres.has(m.cadre_id) && random.next() < 0.2) {
      const start = random.pick(days.slice(0, Math.max(1, days.length - 10)));
      const length = random.weighted([
        [2, 4],
        [3, 3],
        [5, 2],
        [7, 1],
      ] as const);
      const end = addDays(start, length - 1);
      const township = users.find(
        (u) => u.township_id === village.township_id && u.username !== "county",
      );
      const route = length <= DEFAULT_TEAM_RULES.townshipLeaveMaxDays ? "township" : "county";
      const decider =
        route === "township" ? (township?.id ?? null) : (userByName.get("zuzhibu")?.id ?? null);
      out.leave.push({
        id: stableId("leave", m.id),
        cadre_id: m.cadre_id,
        team_id: m.team_id,
        starts_on: start,
        ends_on: end,
        reason: random.pick(LEAVE_REASONS),
        route,
        status: "approved",
        decided_by: decider,
        decided_at: at(addDays(start, -2), 16),
        decision_note: null,
        returned_on: end < today ? addDays(end, 1) : null,
        version: 1,
        created_at: at(addDays(start, -3), 9),
        created_by: null,
        updated_at: at(addDays(start, -2), 16),
      });
      for (const d of eachDay(start, end)) leaveDays.add(d);
    }
    for (const day of days) {
      if (leaveDays.has(day)) continue;
      const present = random.next() < presence;
      if (present && random.next() < 0.85) {
        out.checkIns.push({
          id: stableId("checkin", `${m.cadre_id}-${day}`),
          cadre_id: m.cadre_id,
          team_id: m.team_id,
          day,
          source: random.next() < 0.95 ? "live" : "late",
          reason: null,
          lat: null,
          lon: null,
          distance_m: null,
          created_at: at(day, 8, random.int(0, 59)),
          created_by: null,
        });
      }
      const writes = present ? random.next() < 0.35 : random.next() < 0.1;
      if (!writes) continue;
      const household = households.length ? random.pick(households) : null;
      const card = cards.length ? random.pick(cards) : null;
      const template = present ? random.pick(LOG_TEMPLATES) : random.pick(AWAY_TEMPLATES);
      const usesHousehold = template.includes("{head}") && household;
      const usesCard = template.includes("{card}") && card;
      out.logs.push({
        id: stableId("log", `${m.cadre_id}-${day}`),
        cadre_id: m.cadre_id,
        team_id: m.team_id,
        logged_on: day,
        place: present ? "village" : "elsewhere",
        body: template
          .replace("{head}", household?.head ?? "")
          .replace("{card}", card ? `“${card.title}”` : ""),
        household_id: usesHousehold ? household.id : null,
        card_id: usesCard ? card.id : null,
        name_source: "demo",
        created_at: at(day, 20, random.int(0, 59)),
        created_by: null,
      });
    }
  }

  // Some cards reached their column recently: the moves the bulletin and report drafts count.
  for (const card of boards.cards) {
    const columns: readonly string[] = card.board === "project" ? PROJECT_COLUMNS : CASE_COLUMNS;
    const index = columns.indexOf(card.column_key);
    if (index < 1 || random.next() > 0.35) continue;
    const day = random.pick(days);
    out.cardEvents.push({
      id: stableId("card-event", `${card.id}:recent-move`),
      card_id: card.id,
      action: "move",
      changes: JSON.stringify({ from: columns[index - 1], to: card.column_key }),
      actor_id: null,
      at: at(day, 10, random.int(0, 59)),
    });
  }

  // A few requests waiting for a decision: short ones for the townships, a long one for the county.
  const pendingFor = (villageName: string, length: number, index: number) => {
    const village = data.villages.find((v) => v.name_zh === villageName);
    const team = village && data.teams.find((t) => t.village_id === village.id);
    const member = team && data.memberships.filter((m) => m.team_id === team.id)[2];
    if (!member) return;
    const start = addDays(today, 5 + index);
    out.leave.push({
      id: stableId("leave", `pending-${index}`),
      cadre_id: member.cadre_id,
      team_id: member.team_id,
      starts_on: start,
      ends_on: addDays(start, length - 1),
      reason: LEAVE_REASONS[index % LEAVE_REASONS.length]!,
      route: length <= DEFAULT_TEAM_RULES.townshipLeaveMaxDays ? "township" : "county",
      status: "pending",
      decided_by: null,
      decided_at: null,
      decision_note: null,
      returned_on: null,
      version: 1,
      created_at: stamp,
      created_by: null,
      updated_at: stamp,
    });
  };
  pendingFor("下纳岭村", 2, 0);
  pendingFor("北朝碾村", 6, 1);

  // Weekly reports for every week whose deadline has passed, and some early ones this week.
  const weijiaTeam = data.teams.find(
    (t) => t.village_id === data.villages.find((v) => v.name_zh === "魏家村")?.id,
  );
  const nowIso = at(today, 12);
  for (let week = weekOf(from); week <= weekOf(today); week = addDays(week, 7)) {
    const due = reportDueAt(week, DEFAULT_TEAM_RULES);
    const thisWeek = week === weekOf(today);
    for (const team of data.teams) {
      if (thisWeek && team.id === weijiaTeam?.id) continue;
      const roll = random.next();
      let submitted: string | null;
      if (thisWeek) submitted = roll < 0.4 ? at(addDays(week, 2), 17) : null;
      else if (roll < 0.85) submitted = at(addDays(week, 3), 10, random.int(0, 59));
      else if (roll < 0.93) submitted = at(addDays(week, 4), 9, random.int(0, 59));
      else submitted = null;
      if (!submitted || submitted > nowIso) continue;
      out.reports.push({
        id: stableId("report", `${team.id}-${week}`),
        team_id: team.id,
        township_id: null,
        week_of: week,
        done: "演示周报：入户走访贫困户，推进帮扶项目，更新贫困户档案。",
        problems: random.next() < 0.4 ? "演示：部分项目资金尚未到位。" : null,
        next_plan: "演示：继续推进项目建设，做好入户回访。",
        name_source: "demo",
        submitted_at: submitted,
        submitted_by: null,
        version: 1,
        updated_at: submitted,
        updated_by: null,
      });
    }
    if (!thisWeek && due < nowIso) {
      for (const township of data.townships) {
        out.reports.push({
          id: stableId("report", `${township.id}-${week}`),
          team_id: null,
          township_id: township.id,
          week_of: week,
          done: "演示：汇总本乡镇各驻村工作组周报，督促未按时报送的工作组。",
          problems: null,
          next_plan: null,
          name_source: "demo",
          submitted_at: at(addDays(week, 4), 11),
          submitted_by: null,
          version: 1,
          updated_at: at(addDays(week, 4), 11),
          updated_by: null,
        });
      }
    }
  }

  // Notices: the 2016 calendar to every team (read long ago), and two current ones unread.
  const county = userByName.get("county")?.id ?? null;
  const allTeams = data.teams.map((t) => t.id);
  const demoReaders = users.filter((u) => u.cadre_id);
  CALENDAR_2016.forEach((n, i) => {
    const id = stableId("notice", `calendar-2016-${i}`);
    out.notices.push({
      id,
      kind: "meeting",
      title: n.title,
      body: n.body,
      meeting_at: n.at,
      place: n.place,
      audience: "all",
      audience_township_id: null,
      sender_id: county,
      sender_township_id: null,
      name_source: "report",
      created_at: n.sent,
    });
    for (const team of allTeams) out.noticeTeams.push({ notice_id: id, team_id: team });
    for (const u of demoReaders)
      out.noticeReads.push({ notice_id: id, user_id: u.id, read_at: addHours(n.sent, 3) });
  });
  const monthly = stableId("notice", `monthly-${current}`);
  out.notices.push({
    id: monthly,
    kind: "meeting",
    title: "全县驻村工作月度例会",
    body: "演示数据。请各工作组组长汇报本月驻村天数、周报和帮扶项目进展，带好工作台账。",
    meeting_at: `${addDays(today, 3)}T09:00`,
    place: "县扶贫办会议室",
    audience: "all",
    audience_township_id: null,
    sender_id: county,
    sender_township_id: null,
    name_source: "demo",
    created_at: at(addDays(today, -1), 10),
  });
  for (const team of allTeams) out.noticeTeams.push({ notice_id: monthly, team_id: team });
  const daqinggou = data.townships.find((t) => t.name_zh === "大青沟镇");
  if (daqinggou) {
    const id = stableId("notice", `daqinggou-${current}`);
    out.notices.push({
      id,
      kind: "announcement",
      title: "做好冬季困难群众走访慰问",
      body: "演示数据。请各工作组在本月底前完成对独居老人、重病和残疾贫困户的入户走访，登记取暖和就医需求。",
      meeting_at: null,
      place: null,
      audience: "township",
      audience_township_id: daqinggou.id,
      sender_id: userByName.get("daqinggou")?.id ?? null,
      sender_township_id: daqinggou.id,
      name_source: "demo",
      created_at: at(addDays(today, -2), 15),
    });
    const townshipVillages = new Set(
      data.villages.filter((v) => v.township_id === daqinggou.id).map((v) => v.id),
    );
    for (const team of data.teams.filter((t) => townshipVillages.has(t.village_id))) {
      out.noticeTeams.push({ notice_id: id, team_id: team.id });
    }
  }
  return out;
}

function addHours(iso: string, hours: number) {
  return new Date(Date.parse(iso) + hours * 3_600_000).toISOString();
}
