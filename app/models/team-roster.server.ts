/**
 * Who serves where, and when: the teams list, a team's history, a cadre's record, and the county's
 * rotation writes (assign, recall, replace). Memberships are never deleted: a recall sets an end
 * date and a reason, so a cadre's logs, cards and plan changes keep pointing at them.
 */
import type { Kysely, Transaction } from "kysely";
import type {
  DB,
  MembershipEndReason,
  MembershipRole,
  NameSource,
  Specialty,
  UnitLevel,
  VillageType,
} from "../../db/schema";
import { newId } from "../../db/ids";
import { db } from "~/db.server";
import { activeOn } from "~/models/periods.server";
import { listActiveMembers, SPECIALTY_FOR_VILLAGE_TYPE, teamLeader } from "~/models/team.server";
import { done, guardedWrite, refuse, type WriteResult } from "~/models/write.server";
import { can, hasCountyWide, villageListScope, type Viewer } from "~/permissions";
import { today } from "~/utils/dates";
import { pageWindow } from "~/utils/paging";
import { addDays } from "~/utils/team-rules";

type Executor = Kysely<DB> | Transaction<DB>;

/** Roles that lead a team: they write its weekly report. */
export const LEAD_ROLES: readonly MembershipRole[] = [
  "leader_first_secretary",
  "leader",
  "first_secretary",
];

export interface ActiveMembership {
  membershipId: string;
  teamId: string;
  role: MembershipRole;
  startedOn: string;
  villageId: string;
  villageName: string;
  townshipId: string;
  lat: number;
  lon: number;
}

/** The team a cadre serves in on a date (a cadre is never in two active teams at once). */
export async function membershipOn(
  executor: Executor,
  cadreId: string,
  on: string,
): Promise<ActiveMembership | null> {
  const row = await executor
    .selectFrom("team_memberships as m")
    .innerJoin("teams as t", "t.id", "m.team_id")
    .innerJoin("villages as v", "v.id", "t.village_id")
    .select([
      "m.id",
      "m.team_id",
      "m.role",
      "m.started_on",
      "v.id as village_id",
      "v.name_zh",
      "v.township_id",
      "v.lat",
      "v.lon",
    ])
    .where("m.cadre_id", "=", cadreId)
    .where(activeOn("m", on))
    .where(activeOn("t", on))
    .orderBy("m.started_on", "desc")
    .executeTakeFirst();
  return row
    ? {
        membershipId: row.id,
        teamId: row.team_id,
        role: row.role,
        startedOn: row.started_on,
        villageId: row.village_id,
        villageName: row.name_zh,
        townshipId: row.township_id,
        lat: row.lat,
        lon: row.lon,
      }
    : null;
}

/** A team with its village and township, for permission checks on team-scoped records. */
export async function teamTarget(executor: Executor, teamId: string) {
  const row = await executor
    .selectFrom("teams as t")
    .innerJoin("villages as v", "v.id", "t.village_id")
    .select(["t.id", "t.village_id", "v.township_id", "v.name_zh", "t.ended_on"])
    .where("t.id", "=", teamId)
    .executeTakeFirst();
  return row
    ? {
        teamId: row.id,
        villageId: row.village_id,
        townshipId: row.township_id,
        villageName: row.name_zh,
        endedOn: row.ended_on,
      }
    : null;
}

export interface TeamListRow {
  id: string;
  level: UnitLevel;
  unit: string;
  unitSource: NameSource;
  village: { id: string; name: string; nameSource: NameSource; type: VillageType };
  township: { id: string; name: string };
  leader: string | null;
  firstSecretary: string | null;
  memberCount: number;
  /** The leader's specialty does not suit the village type (the matching rule). */
  mismatch: boolean;
}

/**
 * A page of the teams active today that the viewer may read in full (county: all; township:
 * theirs; a cadre: their own), with their total. Members are read for the page's teams only — for
 * all of them only when the list is filtered on the matching rule, which needs each team's leader
 * (a province's 24,000 memberships cost 125 ms a request otherwise).
 */
export async function listTeams(
  viewer: Viewer,
  filter: { townshipId?: string; level?: UnitLevel; mismatchOnly?: boolean } = {},
  requestedPage: string | null = null,
  pageSize = Number.MAX_SAFE_INTEGER,
): Promise<{ rows: TeamListRow[]; total: number; page: number; pages: number }> {
  const on = today();
  const scope = villageListScope(viewer);
  let query = db
    .selectFrom("teams as t")
    .innerJoin("villages as v", "v.id", "t.village_id")
    .innerJoin("townships as tw", "tw.id", "v.township_id")
    .innerJoin("sending_units as u", "u.id", "t.sending_unit_id")
    .select([
      "t.id",
      "t.level",
      "u.name_zh as unit",
      "u.name_source as unit_source",
      "v.id as village_id",
      "v.name_zh as village_name",
      "v.name_source as village_source",
      "v.village_type",
      "tw.id as township_id",
      "tw.name_zh as township_name",
    ])
    .where(activeOn("t", on));
  if (scope.townshipId) query = query.where("v.township_id", "=", scope.townshipId);
  if (filter.townshipId) query = query.where("v.township_id", "=", filter.townshipId);
  if (filter.level) query = query.where("t.level", "=", filter.level);
  const readable = (await query.orderBy("tw.code").orderBy("v.code").execute()).filter((r) =>
    can(viewer, "read:team", { townshipId: r.township_id, villageId: r.village_id }),
  );
  if (filter.mismatchOnly) {
    const all = (await withMembers(readable)).filter((t) => t.mismatch);
    const { page, pages, start, end } = pageWindow(all.length, requestedPage, pageSize);
    return { rows: all.slice(start, end), total: all.length, page, pages };
  }
  const { page, pages, start, end } = pageWindow(readable.length, requestedPage, pageSize);
  const rows = await withMembers(readable.slice(start, end));
  return { rows, total: readable.length, page, pages };
}

async function withMembers(
  rows: {
    id: string;
    level: UnitLevel;
    unit: string;
    unit_source: NameSource;
    village_id: string;
    village_name: string;
    village_source: NameSource;
    village_type: VillageType;
    township_id: string;
    township_name: string;
  }[],
): Promise<TeamListRow[]> {
  const members = await listActiveMembers(rows.map((r) => r.id));
  return rows.map((r) => {
    const own = members.get(r.id) ?? [];
    const leader = teamLeader(own);
    const secretary = own.find(
      (m) => m.role === "leader_first_secretary" || m.role === "first_secretary",
    );
    return {
      id: r.id,
      level: r.level,
      unit: r.unit,
      unitSource: r.unit_source,
      village: {
        id: r.village_id,
        name: r.village_name,
        nameSource: r.village_source,
        type: r.village_type,
      },
      township: { id: r.township_id, name: r.township_name },
      leader: leader?.name ?? null,
      firstSecretary: secretary?.name ?? null,
      memberCount: own.length,
      mismatch: leader ? leader.specialty !== SPECIALTY_FOR_VILLAGE_TYPE[r.village_type] : false,
    };
  });
}

export interface MembershipRecord {
  id: string;
  teamId: string;
  cadreId: string;
  cadreName: string;
  cadreSource: NameSource;
  specialty: Specialty;
  role: MembershipRole;
  startedOn: string;
  endedOn: string | null;
  endReason: MembershipEndReason | null;
  endNote: string | null;
  village: { id: string; name: string; townshipId: string };
  active: boolean;
}

async function memberships(where: { teamId?: string; cadreId?: string }) {
  const on = today();
  let query = db
    .selectFrom("team_memberships as m")
    .innerJoin("cadres as c", "c.id", "m.cadre_id")
    .innerJoin("teams as t", "t.id", "m.team_id")
    .innerJoin("villages as v", "v.id", "t.village_id")
    .select([
      "m.id",
      "m.team_id",
      "m.cadre_id",
      "m.role",
      "m.started_on",
      "m.ended_on",
      "m.end_reason",
      "m.end_note",
      "c.name_zh",
      "c.name_source",
      "c.specialty",
      "v.id as village_id",
      "v.name_zh as village_name",
      "v.township_id",
    ]);
  if (where.teamId) query = query.where("m.team_id", "=", where.teamId);
  if (where.cadreId) query = query.where("m.cadre_id", "=", where.cadreId);
  const rows = await query.orderBy("m.started_on", "desc").execute();
  return rows.map((r): MembershipRecord => ({
    id: r.id,
    teamId: r.team_id,
    cadreId: r.cadre_id,
    cadreName: r.name_zh,
    cadreSource: r.name_source,
    specialty: r.specialty,
    role: r.role,
    startedOn: r.started_on,
    endedOn: r.ended_on,
    endReason: r.end_reason,
    endNote: r.end_note,
    village: { id: r.village_id, name: r.village_name, townshipId: r.township_id },
    active: r.started_on <= on && (r.ended_on === null || r.ended_on >= on),
  }));
}

/** Everyone who has served in the team: current members and the history (ended memberships, newest first). */
export async function teamHistory(teamId: string) {
  const all = await memberships({ teamId });
  return all.filter((m) => !m.active);
}

/** Cadres free to join a team: in no active team today (the county's reserve). */
export async function availableCadres() {
  const on = today();
  return db
    .selectFrom("cadres as c")
    .innerJoin("sending_units as u", "u.id", "c.sending_unit_id")
    .select(["c.id", "c.name_zh as name", "c.specialty", "u.name_zh as unit"])
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("team_memberships as m")
            .select("m.id")
            .whereRef("m.cadre_id", "=", "c.id")
            .where((w) => w.or([w("m.ended_on", "is", null), w("m.ended_on", ">=", on)])),
        ),
      ),
    )
    .orderBy("c.name_zh")
    .execute();
}

export interface CadrePage {
  id: string;
  name: string;
  nameSource: NameSource;
  specialty: Specialty;
  phone: string | null;
  unit: { name: string; level: UnitLevel; nameSource: NameSource };
  memberships: MembershipRecord[];
  current: MembershipRecord | null;
}

/**
 * A cadre's record: visible to whoever may read one of the teams they served in (county roles,
 * the township of any of those teams, their own teammates). Anyone else gets a 404.
 */
export async function getCadre(viewer: Viewer, cadreId: string): Promise<CadrePage | null> {
  const cadre = await db
    .selectFrom("cadres as c")
    .innerJoin("sending_units as u", "u.id", "c.sending_unit_id")
    .select([
      "c.id",
      "c.name_zh",
      "c.name_source",
      "c.specialty",
      "c.phone",
      "u.name_zh as unit",
      "u.level",
      "u.name_source as unit_source",
    ])
    .where("c.id", "=", cadreId)
    .executeTakeFirst();
  if (!cadre) return null;
  const served = await memberships({ cadreId });
  const visible =
    viewer.cadreId === cadreId ||
    // County roles read every team, including a reserve cadre who serves nowhere yet.
    hasCountyWide(viewer, "read:team") ||
    served.some((m) =>
      can(viewer, "read:team", { townshipId: m.village.townshipId, villageId: m.village.id }),
    );
  if (!visible) return null;
  return {
    id: cadre.id,
    name: cadre.name_zh,
    nameSource: cadre.name_source,
    specialty: cadre.specialty,
    phone: cadre.phone,
    unit: { name: cadre.unit, level: cadre.level, nameSource: cadre.unit_source },
    memberships: served,
    current: served.find((m) => m.active) ?? null,
  };
}

/** A cadre's overlapping membership (another team, or the same one) that forbids a new one from `from`. */
async function busyElsewhere(trx: Executor, cadreId: string, from: string) {
  return trx
    .selectFrom("team_memberships as m")
    .innerJoin("teams as t", "t.id", "m.team_id")
    .innerJoin("villages as v", "v.id", "t.village_id")
    .select(["v.name_zh as village", "m.started_on", "m.ended_on"])
    .where("m.cadre_id", "=", cadreId)
    .where((eb) => eb.or([eb("m.ended_on", "is", null), eb("m.ended_on", ">=", from)]))
    .executeTakeFirst();
}

async function authorizeRoster(trx: Executor, viewer: Viewer, teamId: string) {
  const team = await teamTarget(trx, teamId);
  if (!team) return refuse.notFound();
  const target = { townshipId: team.townshipId, villageId: team.villageId };
  if (!can(viewer, "read:team", target)) return refuse.notFound();
  if (!can(viewer, "manage:team-roster", target)) return refuse.forbidden();
  if (team.endedOn) return refuse.invalid("cadreId", "rotation.teamEnded");
  return { ok: true as const, team };
}

/**
 * Adds a membership: the cadre must exist and have no membership open on or after `startedOn`
 * (a cadre is never in two teams at once). Runs inside the caller's transaction.
 */
async function joinTeam(
  trx: Transaction<DB>,
  teamId: string,
  input: { cadreId: string; role: MembershipRole; startedOn: string; note?: string },
  now: string,
): Promise<WriteResult<string>> {
  const cadre = await trx
    .selectFrom("cadres")
    .select(["id", "name_zh"])
    .where("id", "=", input.cadreId)
    .executeTakeFirst();
  if (!cadre) return refuse.invalid("cadreId", "rotation.unknownCadre");
  const busy = await busyElsewhere(trx, cadre.id, input.startedOn);
  if (busy) {
    return refuse.invalid("cadreId", "rotation.cadreBusy", {
      name: cadre.name_zh,
      village: busy.village,
    });
  }
  const id = newId();
  await trx
    .insertInto("team_memberships")
    .values({
      id,
      team_id: teamId,
      cadre_id: cadre.id,
      role: input.role,
      started_on: input.startedOn,
      ended_on: null,
      end_reason: null,
      end_note: input.note ?? null,
      created_at: now,
    })
    .execute();
  return done(id);
}

/** County admin: a cadre joins a team from a date; refused if they are (or will be) in any team then. */
export async function assignCadre(
  viewer: Viewer,
  teamId: string,
  input: { cadreId: string; role: MembershipRole; startedOn: string },
): Promise<WriteResult<string>> {
  return guardedWrite(async (trx, now) => {
    const auth = await authorizeRoster(trx, viewer, teamId);
    if (!auth.ok) return auth;
    return joinTeam(trx, teamId, input, now);
  });
}

/**
 * County admin: the cadre leaves the team on `leavesOn` (from that day they are no longer in it; the
 * membership's last day is the day before), with the reason kept in history.
 */
export async function endMembership(
  viewer: Viewer,
  membershipId: string,
  input: { leavesOn: string; reason: MembershipEndReason; note?: string },
  trxOuter?: Transaction<DB>,
): Promise<WriteResult<{ teamId: string; role: MembershipRole }>> {
  const run = async (trx: Transaction<DB>) => {
    const membership = await trx
      .selectFrom("team_memberships")
      .select(["id", "team_id", "role", "started_on", "ended_on"])
      .where("id", "=", membershipId)
      .executeTakeFirst();
    if (!membership) return refuse.notFound();
    const auth = await authorizeRoster(trx, viewer, membership.team_id);
    if (!auth.ok) return auth;
    if (membership.ended_on !== null && membership.ended_on < today()) {
      return refuse.invalid("leavesOn", "rotation.alreadyEnded");
    }
    const endedOn = addDays(input.leavesOn, -1);
    if (endedOn < membership.started_on) {
      return refuse.invalid("leavesOn", "rotation.endBeforeStart", { date: membership.started_on });
    }
    await trx
      .updateTable("team_memberships")
      .set({ ended_on: endedOn, end_reason: input.reason, end_note: input.note ?? null })
      .where("id", "=", membership.id)
      .execute();
    return done({ teamId: membership.team_id, role: membership.role });
  };
  return trxOuter ? run(trxOuter) : guardedWrite(run);
}

/** County admin: a new cadre takes over the role from `on`; the old membership ends the day before. */
export async function replaceCadre(
  viewer: Viewer,
  membershipId: string,
  input: { cadreId: string; on: string; note?: string },
): Promise<WriteResult<string>> {
  return guardedWrite(async (trx, now) => {
    const ended = await endMembership(
      viewer,
      membershipId,
      { leavesOn: input.on, reason: "replaced", note: input.note },
      trx,
    );
    if (!ended.ok) {
      return ended.reason === "invalid" ? { ...ended, field: "on" } : ended;
    }
    return joinTeam(
      trx,
      ended.value.teamId,
      { cadreId: input.cadreId, role: ended.value.role, startedOn: input.on, note: input.note },
      now,
    );
  });
}
