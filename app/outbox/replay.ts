/**
 * Sends the outbox, in the order the writes were made, to the same actions the forms post to:
 * the server validates, checks permissions and versions as it does for any form, and claims each
 * write's id once. Runs in a page (on load, when the connection returns, after a write is queued)
 * and in the service worker (Background Sync); a Web Lock keeps two from sending at once.
 *
 * What an answer means is decided by `outcomeOf`, one place, tested on its own:
 * a redirect or a 2xx is applied; a redirect to the sign-in page means the session ended (the
 * entry waits for the same user to sign in again); 409 with `outbox: "other-user"` means another
 * account is signed in on this browser (never sent as them); 409 with a conflict, or any other
 * 4xx, is kept with the server's messages for the cadre to decide; no answer or a 5xx waits.
 */
import {
  announce,
  clearUser,
  listEntries,
  removeEntry,
  updateEntry,
  type OutboxConflict,
  type OutboxEntry,
} from "~/outbox/store";
import { decode } from "turbo-stream";

export const OUTBOX_USER_HEADER = "X-Zhucun-User";

export type SendOutcome =
  | { kind: "applied" }
  | { kind: "refused"; messages: string[] }
  | { kind: "conflict"; messages: string[]; conflict: OutboxConflict }
  | { kind: "signed-out"; ended: string | null }
  | { kind: "other-user" }
  | { kind: "unreachable" };

/**
 * What the server's answer to a queued write says. Writes are sent as the router sends a form
 * (single fetch: a POST to `<path>.data`, answered in turbo-stream): 202 carries a redirect as
 * data, any other status the action's data or the error it threw.
 */
export async function outcomeOf(response: Response): Promise<SendOutcome> {
  if (response.type === "opaqueredirect" || response.status >= 500 || response.status === 0) {
    return { kind: "unreachable" };
  }
  // Too many requests: the server asks to wait, not to give up.
  if (response.status === 429 || response.status === 408) return { kind: "unreachable" };
  const isData = response.headers.get("X-Remix-Response") === "yes";
  // An answer not from the app (a proxy's page, a captive portal's sign-in): not sent yet.
  if (!isData && response.status < 400) return { kind: "unreachable" };
  const body = isData ? await decodeReply(response) : {};
  if (response.status === 202 && typeof body.redirect === "string") {
    const to = new URL(body.redirect, "http://outbox.invalid");
    if (to.pathname === "/login")
      return { kind: "signed-out", ended: to.searchParams.get("ended") };
    // The account must change its password first: nothing is applied until it has.
    if (to.pathname === "/account/password") return { kind: "signed-out", ended: null };
    return { kind: "applied" };
  }
  if (response.ok) return { kind: "applied" };
  if (response.status === 409 && body.outbox === "other-user") return { kind: "other-user" };
  const messages = messagesOf(body);
  if (response.status === 409 && isConflict(body.conflict)) {
    return {
      kind: "conflict",
      messages: messages.length ? messages : ["form.conflict"],
      conflict: body.conflict,
    };
  }
  return {
    kind: "refused",
    messages: messages.length
      ? messages
      : [
          response.status === 403
            ? "form.forbidden"
            : response.status === 404
              ? "outbox.gone"
              : "outbox.refused",
        ],
  };
}

/**
 * A single-fetch answer's payload as a plain object: a redirect's fields, the action's data, or
 * the data of a response the action threw. Decoded as Remix's client does (turbo-stream, with
 * its types for redirects, errors and class instances), without the router.
 */
async function decodeReply(response: Response): Promise<Record<string, unknown>> {
  if (!response.body) return {};
  try {
    const { value } = await decode(response.body, {
      plugins: [
        (type: string, ...rest: unknown[]) => {
          if (type === "SingleFetchRedirect") return { value: rest[0] };
          if (type === "ErrorResponse") return { value: { thrown: rest[0], status: rest[1] } };
          if (type === "SanitizedError") return { value: { error: rest[1] } };
          return undefined;
        },
        (type: string, value: unknown) => {
          if (type === "SingleFetchFallback") return { value: undefined };
          if (type === "SingleFetchClassInstance") return { value };
          return undefined;
        },
      ],
    });
    const reply = asRecord(value);
    if ("redirect" in reply) return reply;
    if ("data" in reply) return asRecord(reply.data);
    const error = asRecord(reply.error);
    return asRecord(error.thrown);
  } catch {
    return {};
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
}

/** A form reply's messages (conform's field and form errors), or a move's. */
function messagesOf(body: Record<string, unknown>): string[] {
  const out: string[] = [];
  const result = body.result as { error?: Record<string, unknown> | null } | undefined;
  for (const list of Object.values(result?.error ?? {})) {
    if (Array.isArray(list)) out.push(...list.filter((m): m is string => typeof m === "string"));
  }
  if (typeof body.message === "string") out.push(body.message);
  return [...new Set(out)].slice(0, 10);
}

function isConflict(value: unknown): value is OutboxConflict {
  if (!value || typeof value !== "object") return false;
  const c = value as Record<string, unknown>;
  return typeof c.version === "number" && typeof c.current === "object" && c.current !== null;
}

/**
 * The request that sends one entry: its form, posted as the router posts it (single fetch's
 * `<path>.data`), so the route's action answers in data rather than a whole page.
 */
export function requestOf(entry: OutboxEntry, sentAt: Date, origin: string): Request {
  const url = new URL(entry.action, origin);
  url.pathname = url.pathname === "/" ? "/_root.data" : `${url.pathname.replace(/\/$/, "")}.data`;
  const body = new URLSearchParams(entry.fields);
  body.set("requestId", entry.id);
  // A check-in counts the day it was made; the server takes only how long the phone held it.
  if (entry.kind === "check-in") body.set("sentAt", sentAt.toISOString());
  return new Request(url, {
    method: "POST",
    body,
    headers: { [OUTBOX_USER_HEADER]: entry.userId },
    credentials: "same-origin",
    redirect: "manual",
  });
}

export async function sendEntry(
  entry: OutboxEntry,
  { fetchImpl = fetch, origin = self.location.origin } = {},
): Promise<SendOutcome> {
  try {
    // eslint-disable-next-line no-restricted-syntax -- the phone's clock: only differences are used
    return await outcomeOf(await fetchImpl(requestOf(entry, new Date(), origin)));
  } catch {
    return { kind: "unreachable" };
  }
}

export interface ReplayReport {
  sent: number;
  refused: number;
  conflicts: number;
  /** Still waiting (no connection, or their user is not the one signed in). */
  waiting: number;
  /** Users whose session has ended: their entries wait for them to sign in again. */
  signedOut: string[];
  /** A write got no answer (no signal, though the browser may say it is online). */
  unreachable?: boolean;
  /** Another replay was already sending. */
  busy?: boolean;
}

/** A page's next send while writes wait, after the last answered send. */
export const RETRY_MS = 30_000;
/** The first retry after a send that got no answer (or found another sender busy). */
export const FIRST_RETRY_MS = 2_000;

/**
 * How long a page waits before sending again while writes wait: `unanswered` sends in a row got
 * no answer (or met another sender) since the connection returned or the last answer. Right
 * after the connection returns the network is often not quite there yet: 2 s, 4 s, 8 s, 16 s,
 * then every 30 s, as after an answer.
 */
export function retryDelay(unanswered: number): number {
  if (unanswered <= 0) return RETRY_MS;
  return Math.min(RETRY_MS, FIRST_RETRY_MS * 2 ** (unanswered - 1));
}

/**
 * Sends every waiting entry (of `userId`, or of whoever they belong to — the server refuses any
 * not of the signed-in user), oldest first. Stops at the first one that gets no answer.
 */
export async function replayOutbox(
  options: { userId?: string; fetchImpl?: typeof fetch; origin?: string } = {},
): Promise<ReplayReport> {
  const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
  if (!locks) return send(options);
  return locks.request("zhucun-outbox-send", { ifAvailable: true }, (lock) =>
    lock
      ? send(options)
      : { sent: 0, refused: 0, conflicts: 0, waiting: 0, signedOut: [], busy: true },
  );
}

async function send(options: {
  userId?: string;
  fetchImpl?: typeof fetch;
  origin?: string;
}): Promise<ReplayReport> {
  const report: ReplayReport = { sent: 0, refused: 0, conflicts: 0, waiting: 0, signedOut: [] };
  const blocked = new Set<string>();
  const sentBy = new Map<string, number>();
  let unreachable = false;
  for (const entry of await listEntries(options.userId)) {
    if (entry.state !== "waiting") continue;
    if (unreachable || blocked.has(entry.userId)) {
      report.waiting++;
      continue;
    }
    const outcome = await sendEntry(entry, options);
    switch (outcome.kind) {
      case "applied":
        await removeEntry(entry.id);
        report.sent++;
        sentBy.set(entry.userId, (sentBy.get(entry.userId) ?? 0) + 1);
        break;
      case "refused":
        await updateEntry(entry.id, {
          state: "refused",
          messages: outcome.messages,
          tries: entry.tries + 1,
        });
        report.refused++;
        break;
      case "conflict":
        await updateEntry(entry.id, {
          state: "conflict",
          messages: outcome.messages,
          conflict: outcome.conflict,
          tries: entry.tries + 1,
        });
        report.conflicts++;
        break;
      case "signed-out":
        blocked.add(entry.userId);
        report.signedOut.push(entry.userId);
        report.waiting++;
        // The account was deactivated: what the phone kept of it goes.
        if (outcome.ended === "deactivated") await clearUser(entry.userId);
        else announce({ type: "signed-out", userId: entry.userId });
        break;
      case "other-user":
        blocked.add(entry.userId);
        report.waiting++;
        break;
      case "unreachable":
        await updateEntry(entry.id, { tries: entry.tries + 1 });
        unreachable = true;
        report.waiting++;
        break;
    }
  }
  for (const [userId, count] of sentBy) announce({ type: "sent", userId, count });
  if (unreachable) report.unreachable = true;
  return report;
}
