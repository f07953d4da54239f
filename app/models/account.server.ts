/**
 * Accounts the county makes for others (cadres of a team, township leaders) and a person's own
 * password. An account made for someone gets a one-time password, shown once to the admin; the
 * first sign-in must replace it (`must_change_password`).
 */
import { newId } from "../../db/ids";
import type { MembershipRole, NameSource } from "../../db/schema";
import { db } from "~/db.server";
import { activeOn } from "~/models/periods.server";
import { done, guardedWrite, refuse, type WriteResult } from "~/models/write.server";
import { hasCountyWide, type Viewer } from "~/permissions";
import { today } from "~/utils/dates";
import { oneTimePassword, proposeUsername, USERNAME_PATTERN } from "~/utils/credentials.server";
import { hashPassword, verifyPassword } from "~/utils/password.server";

export interface AccountCandidate {
  cadreId: string;
  name: string;
  nameSource: NameSource;
  role: MembershipRole;
  /** The village of the team they serve in. */
  village: string;
  proposed: string;
  /** The cadre's existing account, if any (then nothing is proposed). */
  existing: string | null;
}

/** Every team: the cadres serving in any team who have no account yet. */
export const ALL_TEAMS = "all";

/**
 * A team's current members, each with their account or a proposed username; or, for
 * `ALL_TEAMS`, every serving cadre of the county who has no account yet (the bulk list).
 */
export async function accountCandidates(
  viewer: Viewer,
  teamId: string,
): Promise<AccountCandidate[] | null> {
  if (!hasCountyWide(viewer, "manage:account")) return null;
  const on = today();
  const all = teamId === ALL_TEAMS;
  const [members, users] = await Promise.all([
    db
      .selectFrom("team_memberships as m")
      .innerJoin("cadres as c", "c.id", "m.cadre_id")
      .innerJoin("teams as tm", "tm.id", "m.team_id")
      .innerJoin("villages as v", "v.id", "tm.village_id")
      .innerJoin("townships as tw", "tw.id", "v.township_id")
      .leftJoin("users as u", "u.cadre_id", "c.id")
      .select([
        "c.id",
        "c.name_zh",
        "c.name_source",
        "m.role",
        "u.username",
        "v.name_zh as village",
      ])
      .where(activeOn("m", on))
      .$if(!all, (q) => q.where("m.team_id", "=", teamId))
      .$if(all, (q) => q.where("u.id", "is", null).orderBy("tw.code").orderBy("v.code"))
      .orderBy("m.started_on")
      .execute(),
    db.selectFrom("users").select("username").execute(),
  ]);
  const taken = new Set(users.map((u) => u.username));
  return members.map((m) => {
    const proposed = m.username ? "" : proposeUsername(m.name_zh, taken);
    if (proposed) taken.add(proposed);
    return {
      cadreId: m.id,
      name: m.name_zh,
      nameSource: m.name_source,
      role: m.role,
      village: m.village,
      proposed,
      existing: m.username,
    };
  });
}

export interface Credential {
  name: string;
  username: string;
  password: string;
}

/**
 * Creates accounts for some of a team's current members (or, for `ALL_TEAMS`, of any serving
 * cadres), all or none: each must be serving, have no account yet, and get a free, well-formed
 * username.
 */
export async function createCadreAccounts(
  viewer: Viewer,
  teamId: string,
  picks: readonly { cadreId: string; username: string }[],
): Promise<WriteResult<Credential[]>> {
  if (!hasCountyWide(viewer, "manage:account")) return refuse.forbidden();
  if (picks.length === 0) return refuse.invalid("form", "account.nonePicked");
  const passwords = picks.map(() => oneTimePassword());
  const hashes = await Promise.all(passwords.map((p) => hashPassword(p)));
  return guardedWrite(async (trx) => {
    const on = today();
    const seen = new Set<string>();
    const created: Credential[] = [];
    for (const [i, pick] of picks.entries()) {
      const username = pick.username.trim().toLowerCase();
      if (!USERNAME_PATTERN.test(username)) {
        return refuse.invalid(`username-${pick.cadreId}`, "account.usernameFormat");
      }
      const taken = await trx
        .selectFrom("users")
        .select("id")
        .where("username", "=", username)
        .executeTakeFirst();
      if (taken || seen.has(username)) {
        return refuse.invalid(`username-${pick.cadreId}`, "account.usernameTaken", { username });
      }
      seen.add(username);
      const member = await trx
        .selectFrom("team_memberships as m")
        .innerJoin("cadres as c", "c.id", "m.cadre_id")
        .select(["c.id", "c.name_zh"])
        .$if(teamId !== ALL_TEAMS, (q) => q.where("m.team_id", "=", teamId))
        .where("m.cadre_id", "=", pick.cadreId)
        .where(activeOn("m", on))
        .executeTakeFirst();
      if (!member) return refuse.invalid("form", "account.notServing");
      const existing = await trx
        .selectFrom("users")
        .select("username")
        .where("cadre_id", "=", pick.cadreId)
        .executeTakeFirst();
      if (existing) {
        return refuse.invalid("form", "account.hasAccount", {
          name: member.name_zh,
          username: existing.username,
        });
      }
      await trx
        .insertInto("users")
        .values({
          id: newId(),
          username,
          password_hash: hashes[i]!,
          display_name: member.name_zh,
          role: "team_member",
          township_id: null,
          cadre_id: pick.cadreId,
          locale: null,
          deactivated_at: null,
          must_change_password: 1,
        })
        .execute();
      created.push({ name: member.name_zh, username, password: passwords[i]! });
    }
    return done(created);
  });
}

/** An account for a township leader: sees and decides for their township only. */
export async function createTownshipLeaderAccount(
  viewer: Viewer,
  input: { townshipId: string; name: string; username: string },
): Promise<WriteResult<Credential[]>> {
  if (!hasCountyWide(viewer, "manage:account")) return refuse.forbidden();
  const name = input.name.trim();
  const username = input.username.trim().toLowerCase();
  if (!name) return refuse.invalid("leaderName", "form.required");
  if (name.length > 40) return refuse.invalid("leaderName", "form.tooLong");
  if (!USERNAME_PATTERN.test(username))
    return refuse.invalid("leaderUsername", "account.usernameFormat");
  const password = oneTimePassword();
  const hash = await hashPassword(password);
  return guardedWrite(async (trx) => {
    const township = await trx
      .selectFrom("townships")
      .select("id")
      .where("id", "=", input.townshipId)
      .executeTakeFirst();
    if (!township) return refuse.invalid("township", "form.required");
    const taken = await trx
      .selectFrom("users")
      .select("id")
      .where("username", "=", username)
      .executeTakeFirst();
    if (taken) return refuse.invalid("leaderUsername", "account.usernameTaken", { username });
    await trx
      .insertInto("users")
      .values({
        id: newId(),
        username,
        password_hash: hash,
        display_name: name,
        role: "township_leader",
        township_id: township.id,
        cadre_id: null,
        locale: null,
        deactivated_at: null,
        must_change_password: 1,
      })
      .execute();
    return done([{ name, username, password }]);
  });
}

/** Replaces the viewer's own password (the one-time one, or any), checking the current one. */
export async function changePassword(
  viewer: Viewer,
  current: string,
  next: string,
): Promise<WriteResult> {
  const user = await db
    .selectFrom("users")
    .select("password_hash")
    .where("id", "=", viewer.id)
    .executeTakeFirst();
  if (!user || !(await verifyPassword(user.password_hash, current))) {
    return refuse.invalid("current", "account.currentWrong");
  }
  if (await verifyPassword(user.password_hash, next)) {
    return refuse.invalid("next", "account.sameAsBefore");
  }
  const hash = await hashPassword(next);
  return guardedWrite(async (trx) => {
    await trx
      .updateTable("users")
      .set({ password_hash: hash, must_change_password: 0 })
      .where("id", "=", viewer.id)
      .execute();
    return done(undefined);
  });
}
