/**
 * Authentication: who is signed in. Every loader and action starts with requireViewer (or
 * getOptionalViewer) and then asks ~/permissions what that person may do.
 */
import { redirect, redirectDocument } from "@remix-run/node";
import { SESSION_END_REASONS, type SessionEndReason, type SessionProfile } from "../db/schema";
import { getViewer } from "~/models/user.server";
import type { Locale } from "~/i18n";
import { chosenLocale, localeCookie } from "~/i18n/locale.server";
import type { Viewer } from "~/permissions";
import { requestContext } from "~/server/request-context.server";
import {
  clearSessionCookie,
  endSessions,
  endSessionsRecorded,
  readSession,
  shortSessionId,
  startSession,
  type SessionRead,
} from "~/session.server";

type Signed = { read: SessionRead; viewer: Viewer | null };

/**
 * Who is signed in, read once per request (the root, layout and page loaders all ask): the
 * session from the cookie, then the user and their jurisdiction from the database, so a
 * deactivated account or a rotated cadre loses access at once. The actor is noted for the audit.
 */
async function signedIn(request: Request): Promise<Signed> {
  const context = requestContext();
  if (context?.signedIn) return context.signedIn as Promise<Signed>;
  const work = (async (): Promise<Signed> => {
    const read = await readSession(request);
    if (read.state !== "open") return { read, viewer: null };
    const viewer = await getViewer(read.session.userId);
    if (!viewer) {
      // The account was deactivated: its sessions end with it.
      await endSessions({ userId: read.session.userId }, "deactivated", null);
      return { read: { state: "ended", reason: "deactivated" }, viewer: null };
    }
    viewer.sessionId = read.session.id;
    if (context) {
      context.actor = {
        id: viewer.id,
        username: viewer.username,
        role: viewer.role,
        session: shortSessionId(read.session.id),
      };
    }
    return { read, viewer };
  })();
  if (context) context.signedIn = work;
  return work;
}

export async function getOptionalViewer(request: Request) {
  return (await signedIn(request)).viewer;
}

/** Where a person signed in with a one-time password must go first. */
export const CHANGE_PASSWORD_PATH = "/account/password";

/**
 * The signed-in viewer, or a redirect to /login that comes back here afterwards (saying why, when
 * a session has just ended: idle too long, signed out elsewhere). Someone signed in with a
 * one-time password is sent to replace it first, from every page.
 */
export async function requireViewer(request: Request) {
  const { read, viewer } = await signedIn(request);
  const url = new URL(request.url);
  const back = url.pathname + url.search;
  if (!viewer) {
    const query = new URLSearchParams();
    if (back !== "/") query.set("redirectTo", back);
    if (read.state === "ended") query.set("ended", read.reason);
    const search = query.size ? `?${query}` : "";
    // A whole page load, also when a client navigation or revalidation meets it: the sign-in
    // page then starts from fresh root data (nobody signed in), and the service worker, seeing a
    // page drawn for nobody, drops every kept copy at once (decision 019).
    throw redirectDocument(`/login${search}`, {
      headers: read.state === "none" ? {} : { "Set-Cookie": await clearSessionCookie() },
    });
  }
  // A write queued on a phone says whose it is (app/outbox): it is never applied as anyone else.
  const queuedBy = request.headers.get("X-Zhucun-User");
  if (queuedBy !== null && queuedBy !== viewer.id) {
    throw new Response(JSON.stringify({ outbox: "other-user" }), {
      status: 409,
      headers: { "Content-Type": "application/json; charset=utf-8" },
    });
  }
  if (viewer.mustChangePassword && url.pathname !== CHANGE_PASSWORD_PATH) {
    const query = back === "/" ? "" : `?${new URLSearchParams({ redirectTo: back })}`;
    throw redirect(`${CHANGE_PASSWORD_PATH}${query}`);
  }
  return viewer;
}

/**
 * Signs in and redirects, with a new session (a token the browser never had before, so nothing
 * from before sign-in carries over). An account's preferred language (set by an admin) applies
 * when this browser has not chosen one itself.
 */
export async function createUserSession(
  request: Request,
  user: { id: string; locale: Locale | null },
  redirectTo: string,
  profile: SessionProfile,
) {
  const session = await startSession(user.id, profile);
  const headers = new Headers({ "Set-Cookie": session.cookie });
  if (user.locale && !(await chosenLocale(request))) {
    headers.append("Set-Cookie", await localeCookie.serialize(user.locale));
  }
  return redirect(safeRedirect(redirectTo), { headers });
}

/** Ends this browser's session (on the server, not just the cookie) and goes to the sign-in page. */
export async function logout(request: Request) {
  const { read, viewer } = await signedIn(request);
  if (read.state === "open") {
    await endSessionsRecorded({ ids: [read.session.id] }, "logout", read.session.userId, {
      action: "auth.logout",
      account: viewer?.username,
    });
  }
  return redirect("/login", { headers: { "Set-Cookie": await clearSessionCookie() } });
}

/** Why a session ended, for the sign-in page's message. */
export function isEndReason(value: string | null): value is SessionEndReason {
  return (SESSION_END_REASONS as readonly (string | null)[]).includes(value);
}

const PARSE_BASE = "http://zhucun.invalid";

/**
 * Where to go after a form, from the client's input: only a path on this site, decided by parsing
 * it as a browser would (so "//evil.example", "/\t/evil.example" and "/\\evil" all fall back) and
 * returned as the parser wrote it back, which never holds a control character.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/") {
  if (typeof to !== "string" || !to.startsWith("/") || to.length > 2000) return fallback;
  // Browsers drop tabs and newlines from URLs and read "\" as "/": refuse both outright.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f\\]/.test(to)) return fallback;
  let url: URL;
  try {
    url = new URL(to, PARSE_BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== PARSE_BASE) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** A 404 for records that do not exist or lie outside the viewer's jurisdiction (never a 403 that confirms they exist). */
export function notFound(): never {
  throw new Response("Not Found", { status: 404 });
}
