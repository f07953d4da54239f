import type {
  DB,
  MembershipRole,
  NameSource,
  Specialty,
  UnitLevel,
  VillageType,
} from "../../db/schema";
import type { Kysely, Transaction } from "kysely";
import { db } from "~/db.server";
import { activeOn } from "~/models/periods.server";
import { teamAccess, type Viewer } from "~/permissions";
import { today } from "~/utils/dates";

export interface TeamMember {
  membershipId: string;
  cadreId: string;
  name: string;
  nameSource: NameSource;
  role: MembershipRole;
  specialty: Specialty;
  sendingUnit: string;
  startedOn: string;
}

/** Leaders first, then first secretaries, then members; by start date within a role. */
const ROLE_ORDER: Record<MembershipRole, number> = {
  leader_first_secretary: 0,
  leader: 1,
  first_secretary: 2,
  member: 3,
};

/** The matching rule: which cadre type suits which village type (domain.md, "Teams and cadres"). */
export const SPECIALTY_FOR_VILLAGE_TYPE: Record<VillageType, Specialty> = {
  difficult: "party_government",
  weak: "economic",
  industry: "professional",
  disorderly: "political_legal",
};

/** Current members of the given teams, in one query (no per-team round trips). */
export async function listActiveMembers(teamIds: string[]): Promise<Map<string, TeamMember[]>> {
  const result = new Map<string, TeamMember[]>(teamIds.map((id) => [id, []]));
  if (teamIds.length === 0) return result;
  const on = today();
  const rows = await db
    .selectFrom("team_memberships as m")
    .innerJoin("cadres as c", "c.id", "m.cadre_id")
    .innerJoin("sending_units as u", "u.id", "c.sending_unit_id")
    .select([
      "m.id as membership_id",
      "m.team_id",
      "m.role",
      "m.started_on",
      "c.id as cadre_id",
      "c.name_zh",
      "c.name_source",
      "c.specialty",
      "u.name_zh as unit_name",
    ])
    .where("m.team_id", "in", teamIds)
    .where(activeOn("m", on))
    .execute();
  for (const r of rows) {
    result.get(r.team_id)?.push({
      membershipId: r.membership_id,
      cadreId: r.cadre_id,
      name: r.name_zh,
      nameSource: r.name_source,
      role: r.role,
      specialty: r.specialty,
      sendingUnit: r.unit_name,
      startedOn: r.started_on,
    });
  }
  for (const members of result.values()) {
    members.sort(
      (a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.startedOn.localeCompare(b.startedOn),
    );
  }
  return result;
}

export function teamLeader(members: TeamMember[]): TeamMember | undefined {
  return members.find((m) => m.role === "leader_first_secretary" || m.role === "leader");
}

export interface TeamPage {
  access: "full" | "summary";
  id: string;
  level: UnitLevel;
  startedOn: string;
  endedOn: string | null;
  sendingUnit: { name: string; level: UnitLevel; nameSource: NameSource };
  village: { id: string; name: string; nameSource: NameSource; type: VillageType | null };
  township: { id: string; name: string };
  /** Empty on a public summary: members' details stay within the team's jurisdiction. */
  members: TeamMember[];
  /** The leader's cadre type against the village type, for the county's matching check. */
  matching: { leaderSpecialty: Specialty; expected: Specialty; matches: boolean } | null;
}

export async function getTeam(viewer: Viewer, teamId: string): Promise<TeamPage | null> {
  const row = await db
    .selectFrom("teams as t")
    .innerJoin("villages as v", "v.id", "t.village_id")
    .innerJoin("townships as tw", "tw.id", "v.township_id")
    .innerJoin("sending_units as u", "u.id", "t.sending_unit_id")
    .select([
      "t.id",
      "t.level",
      "t.started_on",
      "t.ended_on",
      "v.id as village_id",
      "v.name_zh as village_name",
      "v.name_source as village_name_source",
      "v.village_type",
      "tw.id as township_id",
      "tw.name_zh as township_name",
      "u.name_zh as unit_name",
      "u.level as unit_level",
      "u.name_source as unit_name_source",
    ])
    .where("t.id", "=", teamId)
    .executeTakeFirst();
  if (!row) return null;
  const access = teamAccess(viewer, { townshipId: row.township_id, villageId: row.village_id });
  if (!access) return null;

  const members = access === "full" ? ((await listActiveMembers([row.id])).get(row.id) ?? []) : [];
  const leader = teamLeader(members);
  const expected = SPECIALTY_FOR_VILLAGE_TYPE[row.village_type];
  return {
    access,
    id: row.id,
    level: row.level,
    startedOn: row.started_on,
    endedOn: row.ended_on,
    sendingUnit: { name: row.unit_name, level: row.unit_level, nameSource: row.unit_name_source },
    village: {
      id: row.village_id,
      name: row.village_name,
      nameSource: row.village_name_source,
      type: access === "full" ? row.village_type : null,
    },
    township: { id: row.township_id, name: row.township_name },
    members,
    matching:
      access === "full" && leader
        ? { leaderSpecialty: leader.specialty, expected, matches: leader.specialty === expected }
        : null,
  };
}

/** The village's active team members: who may own a milestone or be paired with a household. */
export async function teamCadres(
  executor: Kysely<DB> | Transaction<DB>,
  villageId: string,
  on = today(),
) {
  return executor
    .selectFrom("team_memberships")
    .innerJoin("teams", "teams.id", "team_memberships.team_id")
    .innerJoin("cadres", "cadres.id", "team_memberships.cadre_id")
    .select(["cadres.id", "cadres.name_zh as name"])
    .where("teams.village_id", "=", villageId)
    .where(activeOn("teams", on))
    .where(activeOn("team_memberships", on))
    .orderBy("team_memberships.role")
    .orderBy("cadres.name_zh")
    .execute();
}
