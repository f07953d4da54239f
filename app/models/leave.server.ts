/**
 * Leave (请假): a cadre asks for dates with a reason; short leave goes to their township's leader,
 * longer leave to the county (organisation department or county admin). The route is fixed when
 * the request is made. Requests are never deleted: cancelled, rejected and approved ones stay on
 * record, and an approved one ends with the cadre reporting back (销假).
 */
import type { Transaction } from "kysely";
import type { DB, LeaveRoute, LeaveStatus, NameSource } from "../../db/schema";
import { newId } from "../../db/ids";
import { db } from "~/db.server";
import { membershipOn, teamTarget } from "~/models/team-roster.server";
import { claimRequest } from "~/models/write-once.server";
import { done, guardedWrite, refuse, staleConflict, type WriteResult } from "~/models/write.server";
import { can, hasAnywhere, hasCountyWide, villageListScope, type Viewer } from "~/permissions";
import { today } from "~/utils/dates";
import { addDays, leaveLength, leaveRoute, type TeamRules } from "~/utils/team-rules";

/** How far back a request may start (a leave taken in an emergency is written up afterwards). */
export const LEAVE_BACKDATE_DAYS = 14;
export const LEAVE_MAX_DAYS = 60;

export interface LeaveInput {
  startsOn: string;
  endsOn: string;
  reason: string;
  /** The form's request id: the same id twice makes one request (write-once.server.ts). */
  requestId?: string;
}

export async function requestLeave(
  viewer: Viewer,
  input: LeaveInput,
  rules: Pick<TeamRules, "townshipLeaveMaxDays">,
): Promise<WriteResult<{ id: string; route: LeaveRoute }>> {
  return guardedWrite(async (trx, now) => {
    if (!viewer.cadreId) return refuse.forbidden();
    const id = newId();
    const earlier = await claimRequest(trx, viewer.id, "leave", input.requestId, id, now);
    if (earlier) {
      const first = await trx
        .selectFrom("leave_requests")
        .select("route")
        .where("id", "=", earlier)
        .executeTakeFirstOrThrow();
      return done({ id: earlier, route: first.route });
    }
    if (input.endsOn < input.startsOn) return refuse.invalid("endsOn", "leave.endBeforeStart");
    const days = leaveLength(input.startsOn, input.endsOn);
    if (days > LEAVE_MAX_DAYS)
      return refuse.invalid("endsOn", "leave.tooLong", { days: LEAVE_MAX_DAYS });
    if (input.startsOn < addDays(today(), -LEAVE_BACKDATE_DAYS)) {
      return refuse.invalid("startsOn", "leave.tooFarBack", { days: LEAVE_BACKDATE_DAYS });
    }
    const membership =
      (await membershipOn(trx, viewer.cadreId, input.startsOn)) ??
      (await membershipOn(trx, viewer.cadreId, today()));
    if (!membership) return refuse.invalid("startsOn", "leave.notServing");
    const clash = await trx
      .selectFrom("leave_requests")
      .select(["starts_on", "ends_on"])
      .where("cadre_id", "=", viewer.cadreId)
      .where("status", "in", ["pending", "approved"])
      .where("starts_on", "<=", input.endsOn)
      .where("ends_on", ">=", input.startsOn)
      .executeTakeFirst();
    if (clash) {
      return refuse.invalid("startsOn", "leave.overlaps", {
        from: clash.starts_on,
        to: clash.ends_on,
      });
    }
    const route = leaveRoute(days, rules);
    await trx
      .insertInto("leave_requests")
      .values({
        id,
        cadre_id: viewer.cadreId,
        team_id: membership.teamId,
        starts_on: input.startsOn,
        ends_on: input.endsOn,
        reason: input.reason,
        route,
        status: "pending",
        decided_by: null,
        decided_at: null,
        decision_note: null,
        returned_on: null,
        created_at: now,
        created_by: viewer.id,
        updated_at: now,
      })
      .execute();
    return done({ id, route });
  });
}

/**
 * The route this viewer decides: county-wide approvers (organisation department, county admin)
 * the county's, township approvers their township's; nobody else decides any.
 */
function routeDecidedBy(viewer: Viewer): LeaveRoute | null {
  if (hasCountyWide(viewer, "approve:leave")) return "county";
  return hasAnywhere(viewer, "approve:leave") ? "township" : null;
}

/** Whether this viewer decides requests on this route for this team's township. */
export function decides(
  viewer: Viewer,
  route: LeaveRoute,
  target: { townshipId: string; villageId: string },
) {
  return routeDecidedBy(viewer) === route && can(viewer, "approve:leave", target);
}

async function loadRequest(trx: Transaction<DB>, id: string) {
  return trx
    .selectFrom("leave_requests as l")
    .leftJoin("users as u", "u.id", "l.decided_by")
    .selectAll("l")
    .select("u.display_name as decider")
    .where("l.id", "=", id)
    .executeTakeFirst();
}

export async function decideLeave(
  viewer: Viewer,
  id: string,
  input: { decision: "approve" | "reject"; note?: string; version: number },
): Promise<WriteResult> {
  return guardedWrite(async (trx, now) => {
    const request = await loadRequest(trx, id);
    if (!request) return refuse.notFound();
    const team = await teamTarget(trx, request.team_id);
    if (!team) return refuse.notFound();
    const target = { townshipId: team.townshipId, villageId: team.villageId };
    if (!can(viewer, "read:team", target)) return refuse.notFound();
    if (!decides(viewer, request.route, target)) return refuse.forbidden();
    const stale = staleConflict(
      {
        version: request.version,
        current: { status: request.status, decisionNote: request.decision_note },
        by: request.decider,
        at: request.decided_at ?? request.updated_at,
      },
      input.version,
    );
    if (stale) return stale;
    if (request.status !== "pending") return refuse.invalid("decision", "leave.notPending");
    if (input.decision === "reject" && !input.note) {
      return refuse.invalid("note", "leave.reasonForRejection");
    }
    await trx
      .updateTable("leave_requests")
      .set({
        status: input.decision === "approve" ? "approved" : "rejected",
        decided_by: viewer.id,
        decided_at: now,
        decision_note: input.note ?? null,
        version: request.version + 1,
        updated_at: now,
      })
      .where("id", "=", id)
      .execute();
    return done(undefined);
  });
}

/** The cadre withdraws a request nobody has decided yet. */
export async function cancelLeave(viewer: Viewer, id: string): Promise<WriteResult> {
  return guardedWrite(async (trx, now) => {
    const request = await loadRequest(trx, id);
    if (!request || request.cadre_id !== viewer.cadreId) return refuse.notFound();
    if (request.status !== "pending") return refuse.invalid("form", "leave.notPending");
    await trx
      .updateTable("leave_requests")
      .set({ status: "cancelled", version: request.version + 1, updated_at: now })
      .where("id", "=", id)
      .execute();
    return done(undefined);
  });
}

/** 销假: the cadre is back in the village on `returnedOn` (early, on time or late). */
export async function reportBack(
  viewer: Viewer,
  id: string,
  returnedOn: string,
): Promise<WriteResult> {
  return guardedWrite(async (trx, now) => {
    const request = await loadRequest(trx, id);
    if (!request || request.cadre_id !== viewer.cadreId) return refuse.notFound();
    if (request.status !== "approved") return refuse.invalid("returnedOn", "leave.notApproved");
    if (request.returned_on) return refuse.invalid("returnedOn", "leave.alreadyBack");
    if (returnedOn > today()) return refuse.invalid("returnedOn", "form.dateInFuture");
    if (returnedOn <= request.starts_on) {
      return refuse.invalid("returnedOn", "leave.backBeforeStart", { date: request.starts_on });
    }
    await trx
      .updateTable("leave_requests")
      .set({ returned_on: returnedOn, version: request.version + 1, updated_at: now })
      .where("id", "=", id)
      .execute();
    return done(undefined);
  });
}

export interface LeaveRecord {
  id: string;
  cadre: { id: string; name: string; nameSource: NameSource };
  team: { id: string; villageId: string; village: string; township: string };
  startsOn: string;
  endsOn: string;
  days: number;
  reason: string;
  route: LeaveRoute;
  status: LeaveStatus;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  returnedOn: string | null;
  createdAt: string;
  version: number;
  /** Whether the viewer decides this one (a pending request on their route, in their jurisdiction). */
  canDecide: boolean;
}

function leaveQuery() {
  return db
    .selectFrom("leave_requests as l")
    .innerJoin("cadres as c", "c.id", "l.cadre_id")
    .innerJoin("teams as t", "t.id", "l.team_id")
    .innerJoin("villages as v", "v.id", "t.village_id")
    .innerJoin("townships as tw", "tw.id", "v.township_id")
    .leftJoin("users as d", "d.id", "l.decided_by")
    .select([
      "l.id",
      "l.cadre_id",
      "c.name_zh as cadre_name",
      "c.name_source as cadre_source",
      "t.id as team_id",
      "v.id as village_id",
      "v.name_zh as village_name",
      "v.township_id",
      "tw.name_zh as township_name",
      "l.starts_on",
      "l.ends_on",
      "l.reason",
      "l.route",
      "l.status",
      "d.display_name as decider",
      "l.decided_at",
      "l.decision_note",
      "l.returned_on",
      "l.created_at",
      "l.version",
    ]);
}

type LeaveRow = Awaited<ReturnType<ReturnType<typeof leaveQuery>["execute"]>>[number];

function toRecord(viewer: Viewer, r: LeaveRow): LeaveRecord {
  const target = { townshipId: r.township_id, villageId: r.village_id };
  return {
    id: r.id,
    cadre: { id: r.cadre_id, name: r.cadre_name, nameSource: r.cadre_source },
    team: {
      id: r.team_id,
      villageId: r.village_id,
      village: r.village_name,
      township: r.township_name,
    },
    startsOn: r.starts_on,
    endsOn: r.ends_on,
    days: leaveLength(r.starts_on, r.ends_on),
    reason: r.reason,
    route: r.route,
    status: r.status,
    decidedBy: r.decider,
    decidedAt: r.decided_at,
    decisionNote: r.decision_note,
    returnedOn: r.returned_on,
    createdAt: r.created_at,
    version: r.version,
    canDecide: r.status === "pending" && decides(viewer, r.route, target),
  };
}

/** The cadre's own requests, newest first. */
export async function myLeave(viewer: Viewer): Promise<LeaveRecord[]> {
  if (!viewer.cadreId) return [];
  const rows = await leaveQuery()
    .where("l.cadre_id", "=", viewer.cadreId)
    .orderBy("l.starts_on", "desc")
    .limit(50)
    .execute();
  return rows.map((r) => toRecord(viewer, r));
}

/**
 * Leave the viewer oversees: what waits for their decision, then recent requests in their
 * jurisdiction (the county sees all; a township its teams'). Team members see none here.
 */
export async function leaveOverview(viewer: Viewer) {
  if (viewer.role === "team_member") return { pending: [], recent: [] };
  const scope = villageListScope(viewer);
  let query = leaveQuery();
  if (scope.townshipId) query = query.where("v.township_id", "=", scope.townshipId);
  const pendingRows = await query
    .where("l.status", "=", "pending")
    .orderBy("l.starts_on")
    .execute();
  const recentRows = await query
    .where("l.status", "<>", "pending")
    .orderBy("l.updated_at", "desc")
    .limit(40)
    .execute();
  const visible = (r: LeaveRow) =>
    can(viewer, "read:team", { townshipId: r.township_id, villageId: r.village_id });
  const pending = pendingRows.filter(visible).map((r) => toRecord(viewer, r));
  return {
    // Requests the viewer decides first, then those waiting for someone else (shown for information).
    pending: [...pending.filter((p) => p.canDecide), ...pending.filter((p) => !p.canDecide)],
    recent: recentRows.filter(visible).map((r) => toRecord(viewer, r)),
  };
}

/**
 * Number of requests waiting for this viewer's decision (the navigation badge, loaded with every
 * page): one count on the viewer's route, narrowed to their township like every list.
 */
export async function pendingForViewer(viewer: Viewer): Promise<number> {
  const route = routeDecidedBy(viewer);
  if (!route) return 0;
  const scope = villageListScope(viewer);
  let query = db
    .selectFrom("leave_requests as l")
    .innerJoin("teams as t", "t.id", "l.team_id")
    .innerJoin("villages as v", "v.id", "t.village_id")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("l.status", "=", "pending")
    .where("l.route", "=", route);
  if (scope.townshipId) query = query.where("v.township_id", "=", scope.townshipId);
  const { n } = await query.executeTakeFirstOrThrow();
  return Number(n);
}
