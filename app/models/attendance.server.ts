/**
 * Check-ins and in-village days. A check-in is optional and is the cadre's own record: one a day,
 * today's live or a past day added afterwards with a reason. A location is attached only when the
 * cadre chose to share it; the distance to the village is kept as evidence, never judged.
 */
import type { Kysely, Transaction } from "kysely";
import type { CheckInSource, DB } from "../../db/schema";
import { idFilter } from "~/models/id-list.server";
import { newId } from "../../db/ids";
import { db } from "~/db.server";
import { membershipOn, type MembershipRecord } from "~/models/team-roster.server";
import { done, guardedWrite, refuse, type WriteResult } from "~/models/write.server";
import { claimRequest } from "~/models/write-once.server";
import { can, type Viewer } from "~/permissions";
import { today } from "~/utils/dates";
import { groupBy } from "~/utils/group";
import { bitCount } from "~/utils/bits";
import { dayBit, presenceMasks } from "~/utils/presence";
import {
  addDays,
  distanceMetres,
  monthAttendance,
  monthRange,
  type MonthAttendance,
  type MonthInput,
  type TeamRules,
} from "~/utils/team-rules";

type Executor = Kysely<DB> | Transaction<DB>;

/** How far back a forgotten day may still be added. */
export const LATE_CHECK_IN_DAYS = 31;

export interface CheckInInput {
  /** Absent for today's check-in; a past day for a late entry. */
  day?: string;
  reason?: string;
  lat?: number;
  lon?: number;
  /**
   * Today's check-in queued on the phone without signal: how long the phone held it (its own clock,
   * from when it was made to when it was sent). The day counted is the day it was made.
   */
  heldMs?: number;
  /** The form's request id (an offline write's id): a retry returns the first check-in. */
  requestId?: string;
}

export async function checkIn(
  viewer: Viewer,
  input: CheckInInput,
): Promise<WriteResult<{ day: string; distanceM: number | null }>> {
  return guardedWrite(async (trx, now) => {
    if (!viewer.cadreId) return refuse.forbidden();
    const id = newId();
    const earlier = await claimRequest(trx, viewer.id, "check-in", input.requestId, id, now);
    if (earlier) {
      const first = await trx
        .selectFrom("check_ins")
        .select(["day", "distance_m"])
        .where("id", "=", earlier)
        .executeTakeFirst();
      if (first) return done({ day: first.day, distanceM: first.distance_m });
    }
    const on = today();
    // Made on the phone without signal: the day it was made, on the server's clock (the phone's
    // own date may be wrong; how long it held the check-in is what its clock can tell).
    const madeAt =
      input.day === undefined && input.heldMs !== undefined && input.heldMs > 0
        ? new Date(Date.parse(now) - input.heldMs)
        : null;
    const late = input.day !== undefined && input.day !== on;
    const day = input.day ?? (madeAt ? today(madeAt) : on);
    if (madeAt && day < addDays(on, -LATE_CHECK_IN_DAYS)) {
      return refuse.invalid("form", "checkIn.tooOld", { days: LATE_CHECK_IN_DAYS });
    }
    if (day > on) return refuse.invalid("day", "checkIn.future");
    if (late && day < addDays(on, -LATE_CHECK_IN_DAYS)) {
      return refuse.invalid("day", "checkIn.tooOld", { days: LATE_CHECK_IN_DAYS });
    }
    if (late && !input.reason) return refuse.invalid("reason", "checkIn.reasonRequired");
    const membership = await membershipOn(trx, viewer.cadreId, day);
    if (!membership) return refuse.invalid(late ? "day" : "form", "checkIn.notServing");
    const existing = await trx
      .selectFrom("check_ins")
      .select("id")
      .where("cadre_id", "=", viewer.cadreId)
      .where("day", "=", day)
      .executeTakeFirst();
    if (existing) return refuse.invalid(late ? "day" : "form", "checkIn.already", { day });
    const located = input.lat !== undefined && input.lon !== undefined;
    const distanceM = located
      ? Math.round(distanceMetres({ lat: input.lat!, lon: input.lon! }, membership))
      : null;
    const source: CheckInSource = late ? "late" : "live";
    await trx
      .insertInto("check_ins")
      .values({
        id,
        cadre_id: viewer.cadreId,
        team_id: membership.teamId,
        day,
        source,
        made_at: madeAt?.toISOString() ?? null,
        reason: late ? (input.reason ?? null) : null,
        lat: located ? input.lat! : null,
        lon: located ? input.lon! : null,
        distance_m: distanceM,
        created_at: now,
        created_by: viewer.id,
      })
      .execute();
    await markPresent(trx, viewer.cadreId, membership.teamId, day);
    return done({ day, distanceM });
  });
}

export interface CheckInRecord {
  day: string;
  source: CheckInSource;
  reason: string | null;
  distanceM: number | null;
  createdAt: string;
}

export async function checkInsOf(
  cadreId: string,
  from: string,
  to: string,
): Promise<CheckInRecord[]> {
  const rows = await db
    .selectFrom("check_ins")
    .select(["day", "source", "reason", "distance_m", "created_at"])
    .where("cadre_id", "=", cadreId)
    .where("day", ">=", from)
    .where("day", "<=", to)
    .orderBy("day", "desc")
    .execute();
  return rows.map((r) => ({
    day: r.day,
    source: r.source,
    reason: r.reason,
    distanceM: r.distance_m,
    createdAt: r.created_at,
  }));
}

/** Approved leave of these cadres overlapping the days from `first` to `last`. */
export function approvedLeave(
  executor: Executor,
  cadreIds: readonly string[] | "all",
  first: string,
  last: string,
) {
  return executor
    .selectFrom("leave_requests")
    .select(["cadre_id", "starts_on", "ends_on", "returned_on"])
    .$if(cadreIds !== "all", (q) => q.where("cadre_id", "in", [...cadreIds]))
    .where("status", "=", "approved")
    .where("starts_on", "<=", last)
    .where("ends_on", ">=", first)
    .execute();
}

/** Marks a day present for the cadre in the team (a check-in or an in-village log), in the write's transaction. */
export async function markPresent(trx: Executor, cadreId: string, teamId: string, day: string) {
  const month = day.slice(0, 7);
  const row = await trx
    .selectFrom("presence_months")
    .select("days")
    .where("cadre_id", "=", cadreId)
    .where("team_id", "=", teamId)
    .where("month", "=", month)
    .executeTakeFirst();
  const days = (row?.days ?? 0) | dayBit(day);
  await trx
    .insertInto("presence_months")
    .values({ cadre_id: cadreId, team_id: teamId, month, days, day_count: bitCount(days) })
    .onConflict((oc) =>
      oc.columns(["cadre_id", "team_id", "month"]).doUpdateSet({ days, day_count: bitCount(days) }),
    )
    .execute();
}

/**
 * Rebuilds every present-day mask from the check-ins and in-village logs: for records written in
 * bulk (the demo seed, imports) rather than through `checkIn` and `addLog`.
 */
export async function rebuildPresence(trx: Executor) {
  const [checkIns, logs] = await Promise.all([
    trx.selectFrom("check_ins").select(["cadre_id", "team_id", "day"]).execute(),
    trx
      .selectFrom("work_logs")
      .select(["cadre_id", "team_id", "logged_on as day"])
      .distinct()
      .where("place", "=", "village")
      .execute(),
  ]);
  await trx.deleteFrom("presence_months").execute();
  const rows = presenceMasks([...checkIns, ...logs]);
  for (let i = 0; i < rows.length; i += 500) {
    await trx
      .insertInto("presence_months")
      .values(rows.slice(i, i + 500))
      .execute();
  }
}

export interface MemberMonth extends MonthAttendance {
  cadreId: string;
  teamId: string;
}

/**
 * In-village days for every (cadre, team) membership that overlaps the month, in three queries
 * whatever the number of teams: memberships, present days (`presence_months`) and approved leave.
 * A cadre who changed teams mid-month has one record per team, each counting that team's days.
 */
export async function attendanceForTeams(
  executor: Executor,
  /** The teams, or "all" for every team (a county- or province-wide count). */
  teamIds: readonly string[] | "all",
  month: string,
  rules: Pick<TeamRules, "daysPerMonth">,
  on = today(),
): Promise<MemberMonth[]> {
  if (teamIds.length === 0) return [];
  const { first, last } = monthRange(month);
  const teams = teamIds === "all" ? null : idFilter(teamIds);
  const ids = teams?.inList ?? null;
  const members = teams?.keep(
    await executor
      .selectFrom("team_memberships")
      .select(["team_id", "cadre_id", "started_on", "ended_on"])
      .$if(ids !== null, (q) => q.where("team_id", "in", ids!))
      .where("started_on", "<=", last)
      .where((eb) => eb.or([eb("ended_on", "is", null), eb("ended_on", ">=", first)]))
      .execute(),
    (m) => m.team_id,
  );
  if (!members?.length) return [];
  const cadreIds = [...new Set(members.map((m) => m.cadre_id))];
  const cadres = idFilter(cadreIds);
  const [presence, leave] = await Promise.all([
    executor
      .selectFrom("presence_months")
      .select(["cadre_id", "team_id", "days"])
      .where("month", "=", month)
      .$if(ids !== null, (q) => q.where("team_id", "in", ids!))
      .execute(),
    approvedLeave(executor, cadres.inList ?? "all", first, last),
  ]);
  const key = (cadre: string, team: string) => `${cadre}|${team}`;
  const served = groupBy(members, (m) => key(m.cadre_id, m.team_id));
  const presentBy = new Map(presence.map((p) => [key(p.cadre_id, p.team_id), p.days]));
  const leaveBy = groupBy(leave, (l) => l.cadre_id);
  const noLeave: MonthInput["leave"] = [];
  const records: MemberMonth[] = [];
  for (const [k, periods] of served) {
    const { cadre_id: cadreId, team_id: teamId } = periods[0]!;
    const cadreLeave = leaveBy.get(cadreId);
    const month_ = monthAttendance(
      {
        month,
        served: periods.map((p) => ({ from: p.started_on, to: p.ended_on })),
        presentDays: [],
        presentMask: presentBy.get(k) ?? 0,
        leave: cadreLeave
          ? cadreLeave.map((l) => ({
              startsOn: l.starts_on,
              endsOn: l.ends_on,
              returnedOn: l.returned_on,
            }))
          : noLeave,
        today: on,
      },
      rules,
    );
    // Named fields, not `{ cadreId, teamId, ...month_ }`: that spread, a province's 24,000 times,
    // took V8's slow path.
    records.push({
      cadreId,
      teamId,
      inVillage: month_.inVillage,
      leaveDays: month_.leaveDays,
      servedDays: month_.servedDays,
      expected: month_.expected,
      complete: month_.complete,
      meets: month_.meets,
      behind: month_.behind,
    });
  }
  return records;
}

/** A cadre's month on their own page: check-ins, days written in the village, and the record. */
export async function cadreMonth(
  cadreId: string,
  teamId: string | null,
  month: string,
  rules: Pick<TeamRules, "daysPerMonth">,
  on = today(),
) {
  const { first, last } = monthRange(month);
  const [checkIns, logDays, records] = await Promise.all([
    checkInsOf(cadreId, first, last),
    db
      .selectFrom("work_logs")
      .select("logged_on")
      .distinct()
      .where("cadre_id", "=", cadreId)
      .where("place", "=", "village")
      .where("logged_on", ">=", first)
      .where("logged_on", "<=", last)
      .execute(),
    teamId ? attendanceForTeams(db, [teamId], month, rules, on) : [],
  ]);
  return {
    checkIns,
    villageLogDays: logDays.map((l) => l.logged_on),
    record: records.find((r) => r.cadreId === cadreId) ?? null,
  };
}

/**
 * A cadre's recent months, added up over the teams they served in that the viewer may see the
 * attendance of (themselves always): what the cadre page shows. Months they did not serve drop out.
 */
export async function cadreMonths(
  viewer: Viewer,
  cadre: { id: string; memberships: MembershipRecord[] },
  months: readonly string[],
  /** Each month is judged by its own rule (see ruleDayOfMonth). */
  rulesFor: (month: string) => Promise<Pick<TeamRules, "daysPerMonth">>,
  on = today(),
) {
  const teamIds = [
    ...new Set(
      cadre.memberships
        .filter(
          (m) =>
            viewer.cadreId === cadre.id ||
            can(viewer, "read:attendance", {
              townshipId: m.village.townshipId,
              villageId: m.village.id,
            }),
        )
        .map((m) => m.teamId),
    ),
  ];
  const perMonth = await Promise.all(
    months.map(async (month) => {
      const rules = await rulesFor(month);
      const records = (await attendanceForTeams(db, teamIds, month, rules, on)).filter(
        (r) => r.cadreId === cadre.id,
      );
      return {
        month,
        inVillage: records.reduce((sum, r) => sum + r.inVillage, 0),
        expected: records.reduce((sum, r) => sum + r.expected, 0),
        leaveDays: records.reduce((sum, r) => sum + r.leaveDays, 0),
        complete: records.every((r) => r.complete),
        served: records.length > 0,
      };
    }),
  );
  return perMonth.filter((m) => m.served);
}

export interface TeamMonthSummary {
  members: number;
  /** Members whose month is over and who met the rule / did not. */
  meeting: number;
  below: number;
  /** Average in-village days per member (one decimal). */
  averageDays: number;
  leaveDays: number;
  complete: boolean;
}

/** A team's month from its members' records: counts, never a ranking of the people in it. */
export function summariseTeamMonth(records: readonly MonthAttendance[]): TeamMonthSummary {
  let total = 0;
  let meeting = 0;
  let below = 0;
  let leaveDays = 0;
  let complete = true;
  for (const r of records) {
    total += r.inVillage;
    leaveDays += r.leaveDays;
    if (r.meets === true) meeting += 1;
    else if (r.meets === false) below += 1;
    if (!r.complete) complete = false;
  }
  const members = records.length;
  return {
    members,
    meeting,
    below,
    averageDays: members ? Math.round((total / members) * 10) / 10 : 0,
    leaveDays,
    complete,
  };
}
