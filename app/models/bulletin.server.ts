/**
 * The monthly bulletin (月度通报): for a month, per team and per township, the in-village days
 * against the rule, leave taken, weekly reports on time, logs written, cases resolved, projects
 * moved and milestones done, with the teams below the rule listed for follow-up. Figures are
 * counts per team; nothing scores or ranks a person.
 */
import { nowIso } from "~/utils/clock";
import type { Kysely, Transaction } from "kysely";
import type { DB, NameSource, UnitLevel } from "../../db/schema";
import { db } from "~/db.server";
import { cardMoves, resolvesCase } from "~/models/card.server";
import { idFilter } from "~/models/id-list.server";
import {
  attendanceForTeams,
  summariseTeamMonth,
  type TeamMonthSummary,
} from "~/models/attendance.server";
import { can, villageListScope, type Viewer } from "~/permissions";
import { today } from "~/utils/dates";
import { groupBy } from "~/utils/group";
import {
  isMonth,
  monthRange,
  previousMonth,
  reportDueAt,
  reportStatus,
  reportWeeksOfMonth,
  type TeamRules,
} from "~/utils/team-rules";

type Executor = Kysely<DB> | Transaction<DB>;

export interface BulletinFigures {
  attendance: TeamMonthSummary;
  reports: { due: number; onTime: number; late: number; missing: number };
  logs: number;
  casesResolved: number;
  projectsMoved: number;
  milestonesDone: number;
}

export interface BulletinTeam extends BulletinFigures {
  id: string;
  level: UnitLevel;
  village: { id: string; name: string; nameSource: NameSource };
  township: { id: string; name: string };
  unit: string;
}

export interface BulletinTownship extends BulletinFigures {
  id: string;
  name: string;
  teams: number;
  /** Teams with at least one member below the rule (only once the month is over). */
  teamsBelow: number;
}

export interface Bulletin {
  month: string;
  complete: boolean;
  rule: number;
  teams: BulletinTeam[];
  townships: BulletinTownship[];
  total: BulletinTownship;
  /** Teams with members below the rule, for follow-up (by township, then village: not a ranking). */
  followUp: BulletinTeam[];
}

/** The month's figures for the given teams (any number, in a fixed number of queries). */
export async function bulletinFigures(
  executor: Executor,
  teams: { id: string; villageId: string }[],
  month: string,
  rules: TeamRules,
  on = today(),
): Promise<Map<string, BulletinFigures>> {
  const result = new Map<string, BulletinFigures>();
  if (teams.length === 0) return result;
  const { first, last } = monthRange(month);
  const teamIds = teams.map((t) => t.id);
  const villageIds = teams.map((t) => t.villageId);
  // Every team of a province: the month's rows of all teams are read and the listed ones kept.
  const byTeam = idFilter(teamIds);
  const byVillage = idFilter(villageIds);
  const weeks = reportWeeksOfMonth(month, rules);
  const now = nowIso();
  const [attendance, reports, logs, moves, milestones] = await Promise.all([
    attendanceForTeams(executor, teamIds, month, rules, on),
    executor
      .selectFrom("weekly_reports")
      .select(["team_id", "week_of", "submitted_at"])
      .$if(byTeam.inList !== null, (q) => q.where("team_id", "in", byTeam.inList!))
      .where("week_of", "in", weeks)
      .execute()
      .then((rows) => byTeam.keep(rows, (r) => r.team_id)),
    executor
      .selectFrom("work_logs")
      .select(["team_id", (eb) => eb.fn.countAll<number>().as("n")])
      .$if(byTeam.inList !== null, (q) => q.where("team_id", "in", byTeam.inList!))
      .where("logged_on", ">=", first)
      .where("logged_on", "<=", last)
      .groupBy("team_id")
      .execute()
      .then((rows) => byTeam.keep(rows, (r) => r.team_id)),
    cardMoves(executor, villageIds, first, last),
    executor
      .selectFrom("plan_milestones")
      .select(["village_id", (eb) => eb.fn.countAll<number>().as("n")])
      .$if(byVillage.inList !== null, (q) => q.where("village_id", "in", byVillage.inList!))
      .where("status", "=", "done")
      .where("done_on", ">=", first)
      .where("done_on", "<=", last)
      .groupBy("village_id")
      .execute()
      .then((rows) => byVillage.keep(rows, (r) => r.village_id)),
  ]);
  // Each kind of record indexed once, not searched again for every team.
  const reportsBy = groupBy(reports, (r) => r.team_id ?? "");
  const attendanceBy = groupBy(attendance, (a) => a.teamId);
  const movesBy = groupBy(moves, (m) => m.villageId);
  const logsBy = new Map(logs.map((l) => [l.team_id, Number(l.n)]));
  const milestonesBy = new Map(milestones.map((m) => [m.village_id, Number(m.n)]));
  // Every team's report for a week is due at the same moment: worked out once, not per team.
  const dueAts = weeks.map((w) => [w, reportDueAt(w, rules)] as const);
  for (const team of teams) {
    const own = reportsBy.get(team.id);
    const reports = { due: 0, onTime: 0, late: 0, missing: 0 };
    for (const [week, dueAt] of dueAts) {
      const status = reportStatus(own?.find((r) => r.week_of === week)?.submitted_at, dueAt, now);
      if (status === "not_due") continue;
      reports.due += 1;
      if (status === "on_time") reports.onTime += 1;
      else if (status === "late") reports.late += 1;
      else reports.missing += 1;
    }
    const villageMoves = movesBy.get(team.villageId);
    result.set(team.id, {
      attendance: summariseTeamMonth(attendanceBy.get(team.id) ?? []),
      reports,
      logs: logsBy.get(team.id) ?? 0,
      casesResolved: villageMoves
        ? new Set(villageMoves.filter(resolvesCase).map((m) => m.cardId)).size
        : 0,
      projectsMoved: villageMoves
        ? new Set(villageMoves.filter((m) => m.board === "project").map((m) => m.cardId)).size
        : 0,
      milestonesDone: milestonesBy.get(team.villageId) ?? 0,
    });
  }
  return result;
}

/** Adds up teams' figures (a township's, or the whole county's). */
export function sumFigures(
  rows: readonly BulletinFigures[],
): BulletinFigures & { teamsBelow: number } {
  const total = {
    attendance: { members: 0, meeting: 0, below: 0, averageDays: 0, leaveDays: 0, complete: true },
    reports: { due: 0, onTime: 0, late: 0, missing: 0 },
    logs: 0,
    casesResolved: 0,
    projectsMoved: 0,
    milestonesDone: 0,
    teamsBelow: 0,
  };
  let days = 0;
  for (const r of rows) {
    const a = r.attendance;
    total.attendance.members += a.members;
    total.attendance.meeting += a.meeting;
    total.attendance.below += a.below;
    total.attendance.leaveDays += a.leaveDays;
    total.attendance.complete &&= a.complete;
    days += a.averageDays * a.members;
    total.reports.due += r.reports.due;
    total.reports.onTime += r.reports.onTime;
    total.reports.late += r.reports.late;
    total.reports.missing += r.reports.missing;
    total.logs += r.logs;
    total.casesResolved += r.casesResolved;
    total.projectsMoved += r.projectsMoved;
    total.milestonesDone += r.milestonesDone;
    if (a.below > 0) total.teamsBelow += 1;
  }
  total.attendance.averageDays = total.attendance.members
    ? Math.round((days / total.attendance.members) * 10) / 10
    : 0;
  return total;
}

/** The bulletin's month from `?month=`: the one asked for (not in the future), else last month. */
export function bulletinMonth(url: URL) {
  const current = today().slice(0, 7);
  const asked = url.searchParams.get("month");
  return isMonth(asked) && asked <= current ? asked : previousMonth(current);
}

/** The bulletin for the viewer's jurisdiction (county: all townships; a township leader: theirs). */
export async function monthlyBulletin(
  viewer: Viewer,
  month: string,
  rules: TeamRules,
  filter: { townshipId?: string } = {},
): Promise<Bulletin> {
  const { first, last } = monthRange(month);
  const scope = villageListScope(viewer);
  let query = db
    .selectFrom("teams as t")
    .innerJoin("villages as v", "v.id", "t.village_id")
    .innerJoin("townships as tw", "tw.id", "v.township_id")
    .innerJoin("sending_units as u", "u.id", "t.sending_unit_id")
    .select([
      "t.id",
      "t.level",
      "v.id as village_id",
      "v.name_zh as village_name",
      "v.name_source as village_source",
      "tw.id as township_id",
      "tw.name_zh as township_name",
      "u.name_zh as unit",
    ])
    .where("t.started_on", "<=", last)
    .where((eb) => eb.or([eb("t.ended_on", "is", null), eb("t.ended_on", ">=", first)]));
  if (scope.townshipId) query = query.where("v.township_id", "=", scope.townshipId);
  if (filter.townshipId) query = query.where("v.township_id", "=", filter.townshipId);
  const rows = (await query.orderBy("tw.code").orderBy("v.code").execute()).filter((r) =>
    can(viewer, "read:bulletin", { townshipId: r.township_id, villageId: r.village_id }),
  );
  const figures = await bulletinFigures(
    db,
    rows.map((r) => ({ id: r.id, villageId: r.village_id })),
    month,
    rules,
  );
  // Named fields, not `...figures.get(r.id)`: that spread, 8,000 times, took V8's slow path.
  const teams: BulletinTeam[] = rows.map((r) => {
    const f = figures.get(r.id)!;
    return {
      id: r.id,
      level: r.level,
      village: { id: r.village_id, name: r.village_name, nameSource: r.village_source },
      township: { id: r.township_id, name: r.township_name },
      unit: r.unit,
      attendance: f.attendance,
      reports: f.reports,
      logs: f.logs,
      casesResolved: f.casesResolved,
      projectsMoved: f.projectsMoved,
      milestonesDone: f.milestonesDone,
    };
  });
  // Grouped once, in the teams' order (township code): not every team filtered per township.
  const byTownship = new Map<string, BulletinTeam[]>();
  for (const team of teams) {
    const own = byTownship.get(team.township.id);
    if (own) own.push(team);
    else byTownship.set(team.township.id, [team]);
  }
  const townships = [...byTownship].map(([id, own]) => ({
    id,
    name: own[0]!.township.name,
    teams: own.length,
    ...sumFigures(own),
  }));
  const complete = today() > last;
  return {
    month,
    complete,
    rule: rules.daysPerMonth,
    teams,
    townships,
    total: { id: "total", name: "", teams: teams.length, ...sumFigures(teams) },
    followUp: complete ? teams.filter((t) => t.attendance.below > 0) : [],
  };
}
