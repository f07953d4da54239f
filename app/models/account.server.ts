/**
 * Accounts the county makes for others (cadres of a team, township leaders) and a person's own
 * password. An account made for someone gets a one-time password, shown once to the admin; the
 * first sign-in must replace it (`must_change_password`).
 */
import { realNowIso } from "~/utils/clock";
import { sql } from "kysely";
import { newId } from "../../db/ids";
import type { MembershipRole, NameSource, UserRole } from "../../db/schema";
import { db } from "~/db.server";
import { activeOn } from "~/models/periods.server";
import { done, guardedWrite, refuse, type WriteResult } from "~/models/write.server";
import { hasCountyWide, type Viewer } from "~/permissions";
import { ALL_TEAMS } from "~/utils/accounts";
import { today } from "~/utils/dates";
import { oneTimePassword, proposeUsername, USERNAME_PATTERN } from "~/utils/credentials.server";
import { PasswordCheckBusy, hashPassword, verifyPassword } from "~/utils/password.server";
import { countPasswordFailure } from "~/models/login.server";
import { endSessions } from "~/session.server";

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

/**
 * A team's current members, each with their account or a proposed username; or, for
 * `ALL_TEAMS`, every serving cadre of the county who has no account yet (the bulk list).
 */
export async function accountCandidates(
  viewer: Viewer,
  teamId: string,
): Promise<{ candidates: AccountCandidate[]; total: number } | null> {
  if (!hasCountyWide(viewer, "manage:account")) return null;
  const on = today();
  const all = teamId === ALL_TEAMS;
  const [members, users, without] = await Promise.all([
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
      // The bulk list comes a batch at a time: a province has tens of thousands to make.
      .$if(all, (q) =>
        q.where("u.id", "is", null).orderBy("tw.code").orderBy("v.code").limit(ACCOUNT_BATCH),
      )
      .orderBy("m.started_on")
      .orderBy("c.id")
      .execute(),
    db.selectFrom("users").select("username").execute(),
    all
      ? db
          .selectFrom("team_memberships as m")
          .innerJoin("teams as tm", "tm.id", "m.team_id")
          .leftJoin("users as u", "u.cadre_id", "m.cadre_id")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where(activeOn("m", on))
          .where("u.id", "is", null)
          .executeTakeFirstOrThrow()
      : null,
  ]);
  const taken = new Set(users.map((u) => u.username));
  const candidates = members.map((m) => {
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
  return { candidates, total: without ? Number(without.n) : candidates.length };
}

/** Cadres listed at once for the bulk accounts form (the rest follow once these have accounts). */
export const ACCOUNT_BATCH = 200;

/** A team to pick on the accounts page: its township and village. */
export interface TeamChoice {
  id: string;
  township: { id: string; name: string };
  village: string;
  source: NameSource;
}

/** How many teams are active today (a county's fit one list; a province's are chosen by township). */
export async function activeTeamCount(viewer: Viewer): Promise<number | null> {
  if (!hasCountyWide(viewer, "manage:account")) return null;
  const { n } = await db
    .selectFrom("teams as t")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where(activeOn("t", today()))
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** The active teams to choose from on the accounts page: one township's, every one, or one by id. */
export async function teamChoices(
  viewer: Viewer,
  where: { townshipId?: string; teamId?: string },
): Promise<TeamChoice[] | null> {
  if (!hasCountyWide(viewer, "manage:account")) return null;
  const rows = await db
    .selectFrom("teams as t")
    .innerJoin("villages as v", "v.id", "t.village_id")
    .innerJoin("townships as tw", "tw.id", "v.township_id")
    .select([
      "t.id",
      "tw.id as township_id",
      "tw.name_zh as township_name",
      "v.name_zh as village",
      "v.name_source as source",
    ])
    .where(activeOn("t", today()))
    .$if(Boolean(where.townshipId), (q) => q.where("tw.id", "=", where.townshipId!))
    .$if(Boolean(where.teamId), (q) => q.where("t.id", "=", where.teamId!))
    .orderBy("tw.code")
    .orderBy("v.code")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    township: { id: r.township_id, name: r.township_name },
    village: r.village,
    source: r.source,
  }));
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

/**
 * Replaces the viewer's own password (the one-time one, or any), checking the current one. Every
 * other session of the account ends with the old password; this one stays. A wrong current
 * password counts against the account like a wrong sign-in.
 */
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
  let rightCurrent: boolean;
  let sameAsBefore: boolean;
  try {
    rightCurrent = Boolean(user) && (await verifyPassword(user!.password_hash, current));
    sameAsBefore = rightCurrent && (await verifyPassword(user!.password_hash, next));
  } catch (error) {
    if (error instanceof PasswordCheckBusy) return refuse.invalid("current", "login.busy");
    throw error;
  }
  if (!rightCurrent) {
    await countPasswordFailure(viewer.username);
    return refuse.invalid("current", "account.currentWrong");
  }
  if (sameAsBefore) return refuse.invalid("next", "account.sameAsBefore");
  const hash = await hashPassword(next);
  return guardedWrite(async (trx, now) => {
    await trx
      .updateTable("users")
      .set({ password_hash: hash, must_change_password: 0 })
      .where("id", "=", viewer.id)
      .execute();
    await endSessions(
      { userId: viewer.id, except: viewer.sessionId },
      "password",
      viewer.id,
      new Date(now),
      trx,
    );
    return done(undefined);
  });
}

export interface AccountRow {
  id: string;
  username: string;
  displayName: string;
  role: UserRole;
  township: string | null;
  active: boolean;
  mustChangePassword: boolean;
  openSessions: number;
  lastSignIn: string | null;
  lockedUntil: string | null;
}

/** Every account (or those matching a search), with open sessions and the last sign-in, paged. */
export async function listAccounts(
  viewer: Viewer,
  { q, page, pageSize }: { q: string; page: number; pageSize: number },
): Promise<{ rows: AccountRow[]; total: number } | null> {
  if (!hasCountyWide(viewer, "manage:account")) return null;
  // LIKE's wildcards typed in the search are dropped, not matched.
  const search = q.trim().toLowerCase().replace(/[%_]/g, "");
  const like = `%${search}%`;
  const base = db
    .selectFrom("users as u")
    .leftJoin("townships as tw", "tw.id", "u.township_id")
    .$if(search !== "", (qb) =>
      qb.where((eb) => eb.or([eb("u.username", "like", like), eb("u.display_name", "like", like)])),
    );
  const now = realNowIso();
  const [rows, count] = await Promise.all([
    base
      .select((eb) => [
        "u.id",
        "u.username",
        "u.display_name",
        "u.role",
        "u.deactivated_at",
        "u.must_change_password",
        "tw.name_zh as township",
        eb
          .selectFrom("sessions as s")
          .select((e) => e.fn.countAll<number>().as("n"))
          .whereRef("s.user_id", "=", "u.id")
          .where("s.ended_at", "is", null)
          .as("open_sessions"),
        eb
          .selectFrom("sessions as s")
          .select((e) => e.fn.max("s.created_at").as("at"))
          .whereRef("s.user_id", "=", "u.id")
          .as("last_sign_in"),
        eb
          .selectFrom("login_throttle as l")
          .select("l.locked_until")
          .where(sql<boolean>`l.key = 'user:' || u.username`)
          .where("l.locked_until", ">", now)
          .as("locked_until"),
      ])
      .orderBy("u.deactivated_at")
      .orderBy("u.role")
      .orderBy("u.username")
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(count.n),
    rows: rows.map((r) => ({
      id: r.id,
      username: r.username,
      displayName: r.display_name,
      role: r.role,
      township: r.township,
      active: r.deactivated_at === null,
      mustChangePassword: r.must_change_password === 1,
      openSessions: Number(r.open_sessions ?? 0),
      lastSignIn: r.last_sign_in ?? null,
      lockedUntil: r.locked_until ?? null,
    })),
  };
}

/**
 * A new one-time password for someone who forgot theirs: shown once to the admin, to be replaced
 * at the next sign-in. The account's sessions end and its lock is lifted.
 */
export async function resetPassword(
  viewer: Viewer,
  userId: string,
): Promise<WriteResult<Credential>> {
  if (!hasCountyWide(viewer, "manage:account")) return refuse.forbidden();
  const password = oneTimePassword();
  const hash = await hashPassword(password);
  return guardedWrite(async (trx, now) => {
    const user = await trx
      .selectFrom("users")
      .select(["id", "username", "display_name", "deactivated_at"])
      .where("id", "=", userId)
      .executeTakeFirst();
    if (!user) return refuse.notFound();
    if (user.deactivated_at) return refuse.invalid("form", "account.admin.inactive");
    await trx
      .updateTable("users")
      .set({ password_hash: hash, must_change_password: 1 })
      .where("id", "=", userId)
      .execute();
    await endSessions({ userId }, "reset", viewer.id, new Date(now), trx);
    await trx.deleteFrom("login_throttle").where("key", "=", `user:${user.username}`).execute();
    return done({ name: user.display_name, username: user.username, password });
  });
}

/**
 * Deactivates or reactivates an account (a township leader's, or any but one's own); its sessions
 * end at once. A cadre's account follows the cadre on the registry screens instead.
 */
export async function setAccountActive(
  viewer: Viewer,
  userId: string,
  active: boolean,
): Promise<WriteResult> {
  if (!hasCountyWide(viewer, "manage:account")) return refuse.forbidden();
  if (userId === viewer.id) return refuse.invalid("form", "account.admin.notSelf");
  return guardedWrite(async (trx, now) => {
    const user = await trx
      .selectFrom("users")
      .select(["id", "cadre_id", "deactivated_at"])
      .where("id", "=", userId)
      .executeTakeFirst();
    if (!user) return refuse.notFound();
    if (active && user.cadre_id) {
      const cadre = await trx
        .selectFrom("cadres")
        .select("deactivated_at")
        .where("id", "=", user.cadre_id)
        .executeTakeFirst();
      if (cadre?.deactivated_at) return refuse.invalid("form", "account.admin.cadreInactive");
    }
    await trx
      .updateTable("users")
      .set({ deactivated_at: active ? null : now })
      .where("id", "=", userId)
      .execute();
    if (!active) await endSessions({ userId }, "deactivated", viewer.id, new Date(now), trx);
    return done(undefined);
  });
}

/** One account for the county admin: who, and whether it can sign in now. */
export async function accountDetail(viewer: Viewer, userId: string) {
  if (!hasCountyWide(viewer, "manage:account")) return null;
  const user = await db
    .selectFrom("users as u")
    .leftJoin("townships as tw", "tw.id", "u.township_id")
    .leftJoin("cadres as c", "c.id", "u.cadre_id")
    .select([
      "u.id",
      "u.username",
      "u.display_name",
      "u.role",
      "u.deactivated_at",
      "u.must_change_password",
      "u.created_at",
      "tw.name_zh as township",
      "c.id as cadre_id",
    ])
    .where("u.id", "=", userId)
    .executeTakeFirst();
  if (!user) return null;
  const lock = await db
    .selectFrom("login_throttle")
    .select(["failures", "locked_until"])
    .where("key", "=", `user:${user.username}`)
    .executeTakeFirst();
  const now = realNowIso();
  return {
    id: user.id,
    username: user.username,
    displayName: user.display_name,
    role: user.role,
    township: user.township,
    cadreId: user.cadre_id,
    active: user.deactivated_at === null,
    mustChangePassword: user.must_change_password === 1,
    createdAt: user.created_at,
    isSelf: user.id === viewer.id,
    lockedUntil: lock?.locked_until && lock.locked_until > now ? lock.locked_until : null,
    recentFailures: lock?.failures ?? 0,
  };
}
