/**
 * Sign-in sessions kept on the server (ASVS V7; 等保: 登录超时). The cookie holds a random token
 * (256 bits, signed); the database holds only its SHA-256, with who, since when, last seen, from
 * where, and how it ended. A session ends at sign-out, after the county's idle time or absolute
 * lifetime for its profile (a shared computer, or the person's own device), at a password change
 * or reset, when the account is deactivated, or when its owner or the county admin ends it.
 */
import { realMs, realNow, realNowIso } from "~/utils/clock";
import fs from "node:fs";
import path from "node:path";
import { createHash, randomBytes } from "node:crypto";
import { createCookie } from "@remix-run/node";
import { databasePathFromUrl, isPostgresUrl } from "../db/connection";
import type { Kysely, Transaction } from "kysely";
import type { DB, SessionEndReason, SessionProfile } from "../db/schema";
import { db } from "~/db.server";
import { appendAudit } from "~/models/audit.server";
import { getSettings } from "~/models/settings.server";
import { transact } from "~/models/write.server";
import { clientAddress, requestContext } from "~/server/request-context.server";
import { secureCookiesFromEnv } from "~/utils/cookie-security";
import type { Settings } from "~/utils/settings";

/**
 * SESSION_SECRET from the environment, else one generated on first start and kept in the database
 * (`app_secrets`), so cookies survive restarts and every app server on the database signs with the
 * same key, without anyone having to invent a secret. A key an older version kept beside the
 * SQLite file is taken over, so signed-in people stay signed in across the upgrade.
 */
async function sessionSecret(): Promise<string> {
  const fromEnv = process.env.SESSION_SECRET?.trim();
  if (fromEnv) return fromEnv;
  const stored = () =>
    db.selectFrom("app_secrets").select("value").where("name", "=", "session").executeTakeFirst();
  const found = await stored();
  if (found) return found.value;
  await db
    .insertInto("app_secrets")
    .values({
      name: "session",
      value: legacySecretFile() ?? randomBytes(32).toString("base64url"),
      created_at: realNowIso(),
    })
    // Another server (or worker) starting at the same moment may have stored one first: theirs.
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  return (await stored())!.value;
}

/** The key versions before 020 kept in `session-secret` beside the SQLite file, if any. */
function legacySecretFile(): string | undefined {
  const url = process.env.DATABASE_URL;
  if (isPostgresUrl(url)) return undefined;
  const dbPath = databasePathFromUrl(url);
  const dir = dbPath === ":memory:" ? path.resolve("data") : path.dirname(path.resolve(dbPath));
  try {
    return fs.readFileSync(path.join(dir, "session-secret"), "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Secure cookies in production; COOKIE_SECURE=false allows plain HTTP on a local network. */
export const secureCookies = secureCookiesFromEnv();

export const SESSION_COOKIE = "zhucun_session";

const sessionCookie = createCookie(SESSION_COOKIE, {
  path: "/",
  httpOnly: true,
  sameSite: "lax",
  secure: secureCookies,
  secrets: [await sessionSecret()],
});

/** How long a session of this profile may sit unused, and may last at all (milliseconds). */
export function sessionLimits(profile: SessionProfile, settings: Settings) {
  return profile === "device"
    ? {
        idle: settings["session.device.idleDays"] * 86_400_000,
        max: settings["session.device.maxDays"] * 86_400_000,
      }
    : {
        idle: settings["session.shared.idleMinutes"] * 60_000,
        max: settings["session.shared.maxHours"] * 3_600_000,
      };
}

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** The part of a session's id written to the audit log and shown in lists: enough to tell apart. */
export const shortSessionId = (id: string) => id.slice(0, 10);

export interface OpenSession {
  id: string;
  userId: string;
  profile: SessionProfile;
  createdAt: string;
}

export type SessionRead =
  | { state: "none" }
  | { state: "ended"; reason: SessionEndReason }
  | { state: "open"; session: OpenSession };

/** Last-seen is written at most this often, so a page view is not a write. */
const TOUCH_EVERY_MS = 60_000;

/** The session behind a request's cookie; one that has just run out is ended on the spot. */
export async function readSession(request: Request, now = realNow()): Promise<SessionRead> {
  const token: unknown = await sessionCookie.parse(request.headers.get("Cookie"));
  if (typeof token !== "string" || !/^[\w-]{43}$/.test(token)) return { state: "none" };
  const id = hashToken(token);
  const row = await db
    .selectFrom("sessions")
    .select(["id", "user_id", "profile", "created_at", "last_seen_at", "ended_at", "ended_reason"])
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) return { state: "none" };
  if (row.ended_at) return { state: "ended", reason: row.ended_reason ?? "logout" };
  const limits = sessionLimits(row.profile, await getSettings());
  const at = now.getTime();
  const expired =
    at - Date.parse(row.created_at) > limits.max
      ? "expired"
      : at - Date.parse(row.last_seen_at) > limits.idle
        ? "idle"
        : null;
  if (expired) {
    await endSessions({ ids: [id] }, expired, null, now);
    return { state: "ended", reason: expired };
  }
  if (at - Date.parse(row.last_seen_at) > TOUCH_EVERY_MS) {
    await db
      .updateTable("sessions")
      .set({ last_seen_at: now.toISOString() })
      .where("id", "=", id)
      .where("ended_at", "is", null)
      .execute();
  }
  return {
    state: "open",
    session: { id, userId: row.user_id, profile: row.profile, createdAt: row.created_at },
  };
}

/**
 * A new session for a user who has just proved who they are: a fresh token (never one the
 * browser had before), and its Set-Cookie header. A shared computer's cookie lasts until the
 * browser closes; a personal device's as long as the session may.
 */
export async function startSession(
  userId: string,
  profile: SessionProfile,
  now = realNow(),
): Promise<{ id: string; cookie: string }> {
  const token = randomBytes(32).toString("base64url");
  const id = hashToken(token);
  const stamp = now.toISOString();
  await db
    .insertInto("sessions")
    .values({
      id,
      user_id: userId,
      profile,
      created_at: stamp,
      last_seen_at: stamp,
      ip: clientAddress(),
      user_agent: requestContext()?.userAgent ?? "",
      ended_at: null,
      ended_reason: null,
      ended_by: null,
    })
    .execute();
  const maxAge =
    profile === "device"
      ? Math.floor(sessionLimits(profile, await getSettings()).max / 1000)
      : undefined;
  return { id, cookie: await sessionCookie.serialize(token, { maxAge }) };
}

/** A Set-Cookie header that removes the session cookie. */
export function clearSessionCookie(): Promise<string> {
  return sessionCookie.serialize("", { maxAge: 0, expires: new Date(0) });
}

/**
 * Ends open sessions — these ids, or every one of a user's (but `except`) — and says how many.
 * `by` is who ended them (null: the system, for idle and expired). Pass the transaction of the
 * change that ends them (a password change), so both happen or neither.
 */
export async function endSessions(
  which: { ids: readonly string[]; userId?: string } | { userId: string; except?: string },
  reason: SessionEndReason,
  by: string | null,
  now = realNow(),
  executor: Kysely<DB> | Transaction<DB> = db,
): Promise<number> {
  let q = executor
    .updateTable("sessions")
    .set({ ended_at: now.toISOString(), ended_reason: reason, ended_by: by })
    .where("ended_at", "is", null);
  if ("ids" in which) {
    if (!which.ids.length) return 0;
    q = q.where("id", "in", which.ids);
    // Only this user's, when the ids come from a form about them.
    if (which.userId) q = q.where("user_id", "=", which.userId);
  } else {
    q = q.where("user_id", "=", which.userId);
    if (which.except) q = q.where("id", "<>", which.except);
  }
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Ends sessions and writes who ended them into the audit log in one transaction: a session is
 * never ended without its entry, nor the entry written for sessions still open. `details` add to
 * the count of sessions ended.
 */
export async function endSessionsRecorded(
  which: Parameters<typeof endSessions>[0],
  reason: SessionEndReason,
  by: string | null,
  audit: { action: string; account: string | undefined; details?: Record<string, unknown> },
): Promise<number> {
  return transact(async (trx) => {
    const ended = await endSessions(which, reason, by, realNow(), trx);
    await appendAudit(trx, {
      action: audit.action,
      targetType: "account",
      targetId: audit.account,
      details: { sessions: ended, ...audit.details },
    });
    return ended;
  });
}

export interface SessionListItem {
  id: string;
  /** The first characters of the id, as the audit log shows them. */
  shortId: string;
  profile: SessionProfile;
  createdAt: string;
  lastSeenAt: string;
  ip: string;
  device: string;
  current: boolean;
}

/** A user's open sessions, newest first (at most 50: nobody has more devices than that). */
export async function openSessions(userId: string, currentId?: string): Promise<SessionListItem[]> {
  const settings = await getSettings();
  const now = realMs();
  const rows = await db
    .selectFrom("sessions")
    .select(["id", "profile", "created_at", "last_seen_at", "ip", "user_agent"])
    .where("user_id", "=", userId)
    .where("ended_at", "is", null)
    .orderBy("last_seen_at", "desc")
    .limit(50)
    .execute();
  return (
    rows
      // One that has run out but was not visited since is not open any more.
      .filter((r) => {
        const limits = sessionLimits(r.profile, settings);
        return (
          now - Date.parse(r.created_at) <= limits.max &&
          now - Date.parse(r.last_seen_at) <= limits.idle
        );
      })
      .map((r) => ({
        id: r.id,
        shortId: shortSessionId(r.id),
        profile: r.profile,
        createdAt: r.created_at,
        lastSeenAt: r.last_seen_at,
        ip: r.ip,
        device: describeUserAgent(r.user_agent),
        current: r.id === currentId,
      }))
  );
}

/** "Chrome · Android", "微信 · iOS": enough to recognise one's own phone in a list. */
export function describeUserAgent(ua: string): string {
  const browser =
    [
      [/MicroMessenger/i, "WeChat"],
      [/DingTalk/i, "DingTalk"],
      [/UCBrowser/i, "UC"],
      [/Quark/i, "Quark"],
      [/EdgA?\//, "Edge"],
      [/Firefox\//, "Firefox"],
      [/HeadlessChrome|Chrome\//, "Chrome"],
      [/Safari\//, "Safari"],
    ].find(([re]) => (re as RegExp).test(ua))?.[1] ?? "";
  const os =
    [
      [/HarmonyOS|OpenHarmony/i, "HarmonyOS"],
      [/Android/i, "Android"],
      [/iPhone|iPad|iOS/i, "iOS"],
      [/Windows/i, "Windows"],
      [/Mac OS X|Macintosh/i, "macOS"],
      [/Linux/i, "Linux"],
    ].find(([re]) => (re as RegExp).test(ua))?.[1] ?? "";
  return [browser, os].filter(Boolean).join(" · ") || ua.slice(0, 40) || "?";
}

/** Ends one of the user's own sessions (from "My sessions"); false if it is not theirs or open. */
export async function endOwnSession(
  userId: string,
  username: string,
  id: string,
): Promise<boolean> {
  const ended = await endSessionsRecorded({ ids: [id], userId }, "user", userId, {
    action: "session.end",
    account: username,
  });
  return ended > 0;
}
