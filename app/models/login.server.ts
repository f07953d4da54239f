/**
 * Signing in, and what resists guessing (等保: 登录失败处理; ASVS V6.3). Wrong passwords are
 * counted per account and per client address in the database (so the count holds across restarts
 * and servers); past the county's limit the account (or address) is locked for a set time with a
 * clear message. A locked sign-in is refused before any password work, and the password check
 * itself waits its turn (utils/password.server.ts), so guessing can neither succeed nor starve
 * the server. Every outcome is in the audit log.
 */
import { realNow } from "~/utils/clock";
import type { Transaction } from "kysely";
import type { DB, UserRole } from "../../db/schema";
import { db } from "~/db.server";
import type { Locale } from "~/i18n";
import { appendAudit } from "~/models/audit.server";
import { transact } from "~/models/write.server";
import { getSettings } from "~/models/settings.server";
import { clientAddress } from "~/server/request-context.server";
import { PasswordCheckBusy, dummyPasswordHash, verifyPassword } from "~/utils/password.server";
import type { Settings } from "~/utils/settings";

export interface SignedInUser {
  id: string;
  username: string;
  role: UserRole;
  locale: Locale | null;
}

export type SignInResult =
  | { ok: true; user: SignedInUser }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "locked"; until: string }
  | { ok: false; reason: "busy" };

const accountKey = (username: string) => `user:${username}`;
const addressKey = (address: string) => `ip:${address}`;

/** The account name as typed, normalised and bounded (it is written to the audit log). */
export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase().slice(0, 64);
}

/** Whether the account or the address is locked now, and until when. */
async function lockedUntil(keys: string[], now: Date): Promise<string | null> {
  const rows = await db
    .selectFrom("login_throttle")
    .select(["key", "locked_until"])
    .where("key", "in", keys)
    .execute();
  const stamp = now.toISOString();
  const until = rows
    .map((r) => r.locked_until)
    .filter((u): u is string => u !== null && u > stamp)
    .sort()
    .pop();
  return until ?? null;
}

/**
 * Counts one wrong password against each key, in the caller's transaction; a key reaching its
 * limit is locked. Returns when the account got locked by this failure, if it did.
 */
async function countFailure(
  trx: Transaction<DB>,
  limits: { key: string; max: number }[],
  settings: Settings,
  now: Date,
): Promise<string | null> {
  const stamp = now.toISOString();
  const windowMs = settings["login.lockMinutes"] * 60_000;
  const until = new Date(now.getTime() + windowMs).toISOString();
  let locked: string | null = null;
  for (const { key, max } of limits) {
    const row = await trx
      .selectFrom("login_throttle")
      .selectAll()
      .where("key", "=", key)
      .executeTakeFirst();
    const fresh =
      !row ||
      now.getTime() - Date.parse(row.window_started_at) > windowMs ||
      (row.locked_until !== null && row.locked_until <= stamp);
    const failures = fresh ? 1 : row.failures + 1;
    const lock = failures >= max ? until : null;
    await trx
      .insertInto("login_throttle")
      .values({
        key,
        failures,
        window_started_at: fresh ? stamp : row.window_started_at,
        locked_until: lock,
        refused: 0,
        updated_at: stamp,
      })
      .onConflict((oc) =>
        oc.column("key").doUpdateSet({
          failures,
          window_started_at: fresh ? stamp : row!.window_started_at,
          locked_until: lock,
          refused: fresh ? 0 : row!.refused,
          updated_at: stamp,
        }),
      )
      .execute();
    if (lock) {
      locked = lock;
      await appendAudit(trx, {
        action: "auth.lockout",
        outcome: "refused",
        targetType: key.startsWith("user:") ? "account" : "address",
        targetId: key.slice(key.indexOf(":") + 1),
        details: { failures, until: lock },
        actor: { id: null, name: null, role: null },
      });
    }
  }
  // Rows of long-past windows are of no use: clear them as we go (bounded by the index).
  await trx
    .deleteFrom("login_throttle")
    .where("updated_at", "<", new Date(now.getTime() - 86_400_000).toISOString())
    .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<", stamp)]))
    .execute();
  return locked;
}

/** Checks a username and password, counting and locking as above. */
export async function signIn(
  typedUsername: string,
  password: string,
  now = realNow(),
): Promise<SignInResult> {
  const username = normaliseUsername(typedUsername);
  const address = clientAddress();
  const keys = [accountKey(username), addressKey(address)];
  const settings = await getSettings();

  const refuseLocked = async (until: string): Promise<SignInResult> => {
    await db
      .updateTable("login_throttle")
      .set((eb) => ({ refused: eb("refused", "+", 1) }))
      .where("key", "in", keys)
      .where("locked_until", ">", now.toISOString())
      .execute();
    return { ok: false, reason: "locked", until };
  };
  const before = await lockedUntil(keys, now);
  if (before) return refuseLocked(before);

  const user = await db
    .selectFrom("users")
    .select(["id", "username", "role", "password_hash", "locale"])
    .where("username", "=", username)
    .where("deactivated_at", "is", null)
    .executeTakeFirst();
  let ok: boolean;
  try {
    ok = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), password);
  } catch (error) {
    if (error instanceof PasswordCheckBusy) return { ok: false, reason: "busy" };
    throw error;
  }
  // Guesses made at once all passed the first look; the count may have locked meanwhile.
  const after = await lockedUntil(keys, now);
  if (after) return refuseLocked(after);

  const actor = { id: user?.id ?? null, name: username, role: user?.role ?? null };
  if (!user || !ok) {
    const locked = await transact(async (trx) => {
      await appendAudit(trx, {
        action: "auth.login",
        outcome: "refused",
        targetType: "account",
        targetId: username,
        details: { reason: user ? "password" : "unknown-account" },
        actor,
      });
      return countFailure(
        trx,
        [
          { key: keys[0]!, max: settings["login.maxFailures"] },
          { key: keys[1]!, max: settings["login.addressMaxFailures"] },
        ],
        settings,
        now,
      );
    });
    return locked
      ? { ok: false, reason: "locked", until: locked }
      : { ok: false, reason: "invalid" };
  }
  await transact(async (trx) => {
    // A right password clears the account's count; the address's runs out on its own, so one
    // good account cannot be used to reset a guesser's count.
    await trx.deleteFrom("login_throttle").where("key", "=", keys[0]!).execute();
    await appendAudit(trx, {
      action: "auth.login",
      targetType: "account",
      targetId: username,
      actor,
    });
  });
  return {
    ok: true,
    user: { id: user.id, username: user.username, role: user.role, locale: user.locale },
  };
}

/** A wrong current password when changing one's own counts as a wrong password for the account. */
export async function countPasswordFailure(username: string, now = realNow()): Promise<void> {
  const settings = await getSettings();
  await transact((trx) =>
    countFailure(
      trx,
      [{ key: accountKey(normaliseUsername(username)), max: settings["login.maxFailures"] }],
      settings,
      now,
    ),
  );
}

export interface LockedKey {
  kind: "account" | "address";
  name: string;
  failures: number;
  refused: number;
  lockedUntil: string;
}

/** Accounts and addresses locked right now, for the county admin. */
export async function lockedKeys(now = realNow()): Promise<LockedKey[]> {
  const rows = await db
    .selectFrom("login_throttle")
    .selectAll()
    .where("locked_until", ">", now.toISOString())
    .orderBy("locked_until", "desc")
    .limit(200)
    .execute();
  return rows.map((r) => ({
    kind: r.key.startsWith("user:") ? "account" : "address",
    name: r.key.slice(r.key.indexOf(":") + 1),
    failures: r.failures,
    refused: r.refused,
    lockedUntil: r.locked_until!,
  }));
}

/** Lifts a lock before its time (the county admin, after checking who it was). */
export async function unlock(kind: "account" | "address", name: string): Promise<boolean> {
  const key = kind === "account" ? accountKey(normaliseUsername(name)) : addressKey(name);
  const result = await transact(async (trx) => {
    const deleted = await trx
      .deleteFrom("login_throttle")
      .where("key", "=", key)
      .executeTakeFirst();
    if (Number(deleted.numDeletedRows) > 0) {
      await appendAudit(trx, { action: "auth.unlock", targetType: kind, targetId: name });
    }
    return Number(deleted.numDeletedRows);
  });
  return result > 0;
}
