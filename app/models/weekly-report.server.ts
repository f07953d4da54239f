/**
 * Weekly reports (周报): every team submits one a week, due on the configured weekday and hour
 * (Thursday afternoon by default); townships submit a summary of their teams. A report is judged
 * on time or late by its first submission; later corrections keep that time.
 */
import { nowIso } from "~/utils/clock";
import type { Kysely, Transaction } from "kysely";
import type { DB, NameSource } from "../../db/schema";
import { newId } from "../../db/ids";
import { db } from "~/db.server";
import { cardMoves, resolvesCase } from "~/models/card.server";
import { activeOn } from "~/models/periods.server";
import { LEAD_ROLES, teamTarget } from "~/models/team-roster.server";
import { done, guardedWrite, refuse, staleConflict, type WriteResult } from "~/models/write.server";
import { can, villageListScope, type Viewer } from "~/permissions";
import { isFinished } from "~/utils/boards";
import { today } from "~/utils/dates";
import type { WeekFacts } from "~/utils/report-draft";
import {
  addDays,
  reportDueAt,
  reportStatus,
  weekOf,
  type ReportStatus,
  type TeamRules,
} from "~/utils/team-rules";

type Executor = Kysely<DB> | Transaction<DB>;
type DueRules = Pick<TeamRules, "reportDueWeekday" | "reportDueHour">;

/** What a team's week recorded: the facts the draft is written from. */
export async function weekFacts(
  executor: Executor,
  team: { teamId: string; villageId: string },
  week: string,
): Promise<WeekFacts> {
  const last = addDays(week, 6);
  const [logs, moves, milestones, openMilestones, overdueCases] = await Promise.all([
    executor
      .selectFrom("work_logs as l")
      .innerJoin("cadres as c", "c.id", "l.cadre_id")
      .select(["l.logged_on", "c.name_zh", "l.body"])
      .where("l.team_id", "=", team.teamId)
      .where("l.logged_on", ">=", week)
      .where("l.logged_on", "<=", last)
      .orderBy("l.logged_on")
      .orderBy("l.created_at")
      .execute(),
    cardMoves(executor, [team.villageId], week, last),
    executor
      .selectFrom("plan_milestones")
      .select(["title", "done_on"])
      .where("village_id", "=", team.villageId)
      .where("status", "=", "done")
      .where("done_on", ">=", week)
      .where("done_on", "<=", last)
      .orderBy("done_on")
      .execute(),
    // Open milestones due by two weeks after the week: overdue ones and those coming up.
    executor
      .selectFrom("plan_milestones")
      .select(["title", "due_on"])
      .where("village_id", "=", team.villageId)
      .where("status", "in", ["planned", "in_progress"])
      .where("due_on", "<=", addDays(last, 14))
      .orderBy("due_on")
      .execute(),
    executor
      .selectFrom("cards")
      .select(["title", "due_on", "board", "column_key"])
      .where("village_id", "=", team.villageId)
      .where("archived_at", "is", null)
      .where("due_on", "<=", last)
      .orderBy("due_on")
      .execute(),
  ]);
  return {
    logs: logs.map((l) => ({ on: l.logged_on, cadre: l.name_zh, body: l.body })),
    moves: moves.map((m) => ({ title: m.title, board: m.board, from: m.from, to: m.to })),
    casesResolved: moves.filter(resolvesCase).map((m) => ({ title: m.title })),
    milestonesDone: milestones.map((m) => ({ title: m.title, on: m.done_on ?? last })),
    overdue: [
      ...openMilestones.filter((m) => m.due_on < last),
      ...overdueCases.filter(
        (c) => c.due_on && c.due_on < last && !isFinished(c.board, c.column_key),
      ),
    ].map((o) => ({ title: o.title, dueOn: o.due_on! })),
    upcoming: openMilestones
      .filter((m) => m.due_on > last)
      .map((m) => ({ title: m.title, dueOn: m.due_on })),
  };
}

export interface ReportRecord {
  id: string;
  weekOf: string;
  done: string;
  problems: string | null;
  nextPlan: string | null;
  nameSource: NameSource;
  submittedAt: string;
  submittedBy: string | null;
  updatedAt: string;
  updatedBy: string | null;
  version: number;
}

async function loadReport(
  executor: Executor,
  where: { teamId: string } | { townshipId: string },
  week: string,
): Promise<ReportRecord | null> {
  let query = executor
    .selectFrom("weekly_reports as r")
    .leftJoin("users as s", "s.id", "r.submitted_by")
    .leftJoin("users as u", "u.id", "r.updated_by")
    .select([
      "r.id",
      "r.week_of",
      "r.done",
      "r.problems",
      "r.next_plan",
      "r.name_source",
      "r.submitted_at",
      "s.display_name as submitter",
      "r.updated_at",
      "u.display_name as updater",
      "r.version",
    ])
    .where("r.week_of", "=", week);
  query =
    "teamId" in where
      ? query.where("r.team_id", "=", where.teamId)
      : query.where("r.township_id", "=", where.townshipId);
  const r = await query.executeTakeFirst();
  return r
    ? {
        id: r.id,
        weekOf: r.week_of,
        done: r.done,
        problems: r.problems,
        nextPlan: r.next_plan,
        nameSource: r.name_source,
        submittedAt: r.submitted_at,
        submittedBy: r.submitter,
        updatedAt: r.updated_at,
        updatedBy: r.updater,
        version: r.version,
      }
    : null;
}

/** Whether the viewer writes this team's report: a current lead (队长/第一书记) of the team. */
async function leadsTeam(executor: Executor, viewer: Viewer, teamId: string, on: string) {
  if (!viewer.cadreId) return false;
  const row = await executor
    .selectFrom("team_memberships as m")
    .select("m.id")
    .where("m.team_id", "=", teamId)
    .where("m.cadre_id", "=", viewer.cadreId)
    .where("m.role", "in", [...LEAD_ROLES])
    .where(activeOn("m", on))
    .executeTakeFirst();
  return Boolean(row);
}

export interface TeamReportPage {
  team: { id: string; villageId: string; village: string; townshipId: string };
  week: string;
  dueAt: string;
  status: ReportStatus;
  report: ReportRecord | null;
  facts: WeekFacts;
  canSubmit: boolean;
}

export async function teamReport(
  viewer: Viewer,
  teamId: string,
  week: string,
  rules: DueRules,
): Promise<TeamReportPage | null> {
  const team = await teamTarget(db, teamId);
  if (!team) return null;
  const target = { townshipId: team.townshipId, villageId: team.villageId };
  if (!can(viewer, "read:team", target) || !can(viewer, "read:weekly-report", target)) return null;
  const report = await loadReport(db, { teamId }, week);
  const dueAt = reportDueAt(week, rules);
  const on = today();
  return {
    team: {
      id: team.teamId,
      villageId: team.villageId,
      village: team.villageName,
      townshipId: team.townshipId,
    },
    week,
    dueAt,
    status: reportStatus(report?.submittedAt, dueAt, nowIso()),
    report,
    facts: await weekFacts(db, team, week),
    canSubmit:
      week <= weekOf(on) &&
      can(viewer, "submit:weekly-report", target) &&
      (await leadsTeam(db, viewer, teamId, on)),
  };
}

export interface ReportInput {
  done: string;
  problems?: string;
  nextPlan?: string;
  /** The stored version the form was shown with; absent for a first submission. */
  version?: number;
}

async function saveReport(
  trx: Transaction<DB>,
  viewer: Viewer,
  owner: { teamId: string } | { townshipId: string },
  week: string,
  input: ReportInput,
  now: string,
): Promise<WriteResult<string>> {
  const existing = await loadReport(trx, owner, week);
  if (existing) {
    const stale = staleConflict(
      {
        version: existing.version,
        current: { done: existing.done, problems: existing.problems, nextPlan: existing.nextPlan },
        by: existing.updatedBy,
        at: existing.updatedAt,
      },
      input.version ?? 0,
    );
    if (stale) return stale;
    await trx
      .updateTable("weekly_reports")
      .set({
        done: input.done,
        problems: input.problems ?? null,
        next_plan: input.nextPlan ?? null,
        version: existing.version + 1,
        updated_at: now,
        updated_by: viewer.id,
      })
      .where("id", "=", existing.id)
      .execute();
    return done(existing.id);
  }
  if (input.version !== undefined) {
    // The form was shown with a stored report that is gone: treat it as a conflict, not a new one.
    return refuse.invalid("form", "report.vanished");
  }
  const id = newId();
  await trx
    .insertInto("weekly_reports")
    .values({
      id,
      team_id: "teamId" in owner ? owner.teamId : null,
      township_id: "townshipId" in owner ? owner.townshipId : null,
      week_of: week,
      done: input.done,
      problems: input.problems ?? null,
      next_plan: input.nextPlan ?? null,
      name_source: "imported",
      submitted_at: now,
      submitted_by: viewer.id,
      updated_at: now,
      updated_by: viewer.id,
    })
    .execute();
  return done(id);
}

/** A team lead submits (or corrects) their team's report for a week that has begun. */
export async function submitTeamReport(
  viewer: Viewer,
  teamId: string,
  week: string,
  input: ReportInput,
): Promise<WriteResult<string>> {
  return guardedWrite(async (trx, now) => {
    const team = await teamTarget(trx, teamId);
    if (!team) return refuse.notFound();
    const target = { townshipId: team.townshipId, villageId: team.villageId };
    if (!can(viewer, "read:team", target)) return refuse.notFound();
    if (!can(viewer, "submit:weekly-report", target)) return refuse.forbidden();
    if (!(await leadsTeam(trx, viewer, teamId, today()))) return refuse.forbidden();
    if (week > weekOf(today())) return refuse.invalid("done", "report.futureWeek");
    return saveReport(trx, viewer, { teamId }, week, input, now);
  });
}

export interface WeekRow {
  team: { id: string; villageId: string; village: string; villageSource: NameSource };
  township: { id: string; name: string };
  status: ReportStatus;
  submittedAt: string | null;
}

/** Reports of the viewer's teams for a week: who is in, on time or late, and who is missing. */
export async function weekOverview(viewer: Viewer, week: string, rules: DueRules) {
  const scope = villageListScope(viewer);
  const end = addDays(week, 6);
  let query = db
    .selectFrom("teams as t")
    .innerJoin("villages as v", "v.id", "t.village_id")
    .innerJoin("townships as tw", "tw.id", "v.township_id")
    .leftJoin("weekly_reports as r", (j) =>
      j.onRef("r.team_id", "=", "t.id").on("r.week_of", "=", week),
    )
    .select([
      "t.id",
      "v.id as village_id",
      "v.name_zh as village_name",
      "v.name_source as village_source",
      "tw.id as township_id",
      "tw.name_zh as township_name",
      "r.submitted_at",
    ])
    .where("t.started_on", "<=", end)
    .where((eb) => eb.or([eb("t.ended_on", "is", null), eb("t.ended_on", ">=", week)]));
  if (scope.townshipId) query = query.where("v.township_id", "=", scope.townshipId);
  const rows = (await query.orderBy("tw.code").orderBy("v.code").execute()).filter((r) =>
    can(viewer, "read:weekly-report", { townshipId: r.township_id, villageId: r.village_id }),
  );
  const dueAt = reportDueAt(week, rules);
  const now = nowIso();
  const teams: WeekRow[] = rows.map((r) => ({
    team: {
      id: r.id,
      villageId: r.village_id,
      village: r.village_name,
      villageSource: r.village_source,
    },
    township: { id: r.township_id, name: r.township_name },
    status: reportStatus(r.submitted_at, dueAt, now),
    submittedAt: r.submitted_at,
  }));
  const townshipIds = [...new Set(teams.map((t) => t.township.id))];
  const summaries = townshipIds.length
    ? await db
        .selectFrom("weekly_reports")
        .select(["township_id", "submitted_at"])
        .where("week_of", "=", week)
        .where("township_id", "in", townshipIds)
        .execute()
    : [];
  const townships = townshipIds.map((id) => {
    const own = teams.filter((t) => t.township.id === id);
    const summary = summaries.find((s) => s.township_id === id);
    return {
      id,
      name: own[0]!.township.name,
      teams: own.length,
      onTime: own.filter((t) => t.status === "on_time").length,
      late: own.filter((t) => t.status === "late").length,
      missing: own.filter((t) => t.status === "missing").length,
      summaryStatus: reportStatus(summary?.submitted_at, dueAt, now),
    };
  });
  return { week, dueAt, teams, townships };
}

export interface TownshipReportPage {
  township: { id: string; name: string };
  week: string;
  dueAt: string;
  status: ReportStatus;
  report: ReportRecord | null;
  teams: WeekRow[];
  canSubmit: boolean;
}

/** A township's own summary for a week, with its teams' reports listed to write it from. */
export async function townshipReport(
  viewer: Viewer,
  townshipId: string,
  week: string,
  rules: DueRules,
): Promise<TownshipReportPage | null> {
  const township = await db
    .selectFrom("townships")
    .select(["id", "name_zh"])
    .where("id", "=", townshipId)
    .executeTakeFirst();
  if (!township || !can(viewer, "read:township", { townshipId }) || viewer.role === "team_member") {
    return null;
  }
  const overview = await weekOverview(viewer, week, rules);
  const report = await loadReport(db, { townshipId }, week);
  return {
    township: { id: township.id, name: township.name_zh },
    week,
    dueAt: overview.dueAt,
    status: reportStatus(report?.submittedAt, overview.dueAt, nowIso()),
    report,
    teams: overview.teams.filter((t) => t.township.id === townshipId),
    canSubmit: week <= weekOf(today()) && can(viewer, "submit:township-report", { townshipId }),
  };
}

export async function submitTownshipReport(
  viewer: Viewer,
  townshipId: string,
  week: string,
  input: ReportInput,
): Promise<WriteResult<string>> {
  return guardedWrite(async (trx, now) => {
    if (!can(viewer, "read:township", { townshipId })) return refuse.notFound();
    if (!can(viewer, "submit:township-report", { townshipId })) return refuse.forbidden();
    if (week > weekOf(today())) return refuse.invalid("done", "report.futureWeek");
    return saveReport(trx, viewer, { townshipId }, week, input, now);
  });
}
