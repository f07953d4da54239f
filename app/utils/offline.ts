/**
 * What a phone may keep to read offline, and how the page, the service worker and the server name
 * it (decision 019). Pure: the root loader builds the scope, the page hands it to the worker, the
 * worker matches requests against it.
 */

/** The pages one signed-in person may find on this device without signal. */
export interface OfflineScope {
  userId: string;
  /** Paths without a query or a trailing slash; empty for roles that keep nothing. */
  paths: string[];
}

/** Who a page was drawn for (set on every document rendered for a signed-in person). */
export const USER_HEADER = "X-Zhucun-User";

/** When the worker saved its copy of a page (an ISO instant, on the cached copy only). */
export const SAVED_AT_HEADER = "X-Zhucun-Saved-At";

/** The cache holding one person's pages; every other person's is deleted when a scope arrives. */
export const PAGE_CACHE_PREFIX = "zhucun-pages-";

export function pageCacheName(userId: string): string {
  return `${PAGE_CACHE_PREFIX}${encodeURIComponent(userId)}`;
}

/** Messages the page sends its worker. */
export type OfflineMessage =
  | { type: "offline-scope"; scope: OfflineScope | null }
  | { type: "sign-out" }
  /** A page answered from the copy asks what the server said meanwhile (a port for the answer). */
  | { type: "kept-copy" };

/**
 * How the worker marks a page it answered from its copy, on `<body>` (the note is drawn by CSS
 * from `data-offline-note`, so it needs no script): `refreshing` when it asked the server for the
 * page at the same time, `offline` when there is no connection, `withdrawn` once the server
 * refused the page (the page hides itself and loads the server's answer instead).
 */
export type CopyState = "refreshing" | "offline" | "withdrawn";
export const COPY_STATE_ATTRIBUTE = "data-offline-copy";

/**
 * What the server said about a page the worker answered from its copy, as the page learns it:
 * `fresh` — drawn for the same person (the copy is refreshed; the page reloads its data);
 * `withdrawn` — refused (a redirect to sign-in, drawn for nobody or for someone else, 401, 403,
 * 404, 410: the copy is gone and the page loads the server's answer instead);
 * `reload` — drawn for the same person in another language (they switched): the page loads
 * again, from the copy just refreshed;
 * `unreachable` — no answer in time, or none from the app (the copy stays, marked offline);
 * `unknown` — the worker no longer knows (it was stopped meanwhile).
 */
export type CopyRefresh = "fresh" | "withdrawn" | "reload" | "unreachable" | "unknown";

/** The worker's answer to a page's `kept-copy` question. */
export interface CopyAnswer {
  refresh: CopyRefresh;
  /** Withdrawn by a redirect: where the server sent the person (the sign-in page, saying why). */
  to?: string;
  /** The language the server drew the page in (the worker's own note; not sent to pages). */
  locale?: string;
}

/**
 * What one answer of the server to a page request means for the device's copies:
 * - `keep`: drawn for the scope's person, 200, a kept page → its copy is refreshed;
 * - `drop-page`: a kept page the server did not give that person now (redirected — to sign-in or
 *   the password change, the only redirects of these pages' loaders — or 401, 403, 404, 410) →
 *   that page's copy goes; the page the redirect leads to says the rest;
 * - `forget-everyone`: a page drawn for nobody (the sign-in page every ended session reaches) →
 *   every person's copies go;
 * - `someone-else`: drawn for another person → every other person's copies go;
 * - `no-word`: not a page of the app's (another origin, not HTML, a captive portal), a server
 *   error, or a page outside the scope → nothing changes.
 */
export type ServerVerdict =
  | { kind: "keep" }
  | { kind: "drop-page" }
  | { kind: "forget-everyone" }
  | { kind: "someone-else"; userId: string }
  | { kind: "no-word" };

/** The parts of a `Response` the verdict reads (a plain object, so it is testable). */
export interface PageAnswer {
  /** `opaqueredirect` for a redirect the worker cannot follow (navigations, preloads). */
  type: string;
  status: number;
  /** The URL the answer is for (a followed redirect's target). */
  url: URL;
  /** The `X-Zhucun-User` header: whom the page was drawn for. */
  user: string | null;
  html: boolean;
}

const REFUSED = new Set([401, 403, 404, 410]);

export function verdictOf(
  answer: PageAnswer,
  requested: URL,
  scope: OfflineScope | null,
  origin: string,
): ServerVerdict {
  const kept = inOfflineScope(scope, requested, origin);
  if (answer.type === "opaqueredirect") return kept ? { kind: "drop-page" } : { kind: "no-word" };
  if (answer.url.origin !== origin || !answer.html) return { kind: "no-word" };
  if (!answer.user) {
    if (answer.status === 200) return { kind: "forget-everyone" };
    return kept && REFUSED.has(answer.status) ? { kind: "drop-page" } : { kind: "no-word" };
  }
  if (!scope || answer.user !== scope.userId) return { kind: "someone-else", userId: answer.user };
  if (!kept) return { kind: "no-word" };
  // A redirect followed to another page of the person's (the password change): not this page.
  if (normalizePath(answer.url.pathname) !== normalizePath(requested.pathname)) {
    return { kind: "drop-page" };
  }
  if (answer.status === 200 && inOfflineScope(scope, answer.url, origin)) return { kind: "keep" };
  return REFUSED.has(answer.status) ? { kind: "drop-page" } : { kind: "no-word" };
}

/** What a verdict on a page answered from the copy tells that page. */
export function copyRefreshOf(verdict: ServerVerdict): CopyRefresh {
  switch (verdict.kind) {
    case "keep":
      return "fresh";
    case "no-word":
      return "unreachable";
    default:
      return "withdrawn";
  }
}

/** The part of the viewer the scope is made from (`Viewer` in ~/permissions). */
export interface ScopeViewer {
  id: string;
  role: string;
  villageIds: readonly string[];
  teamIds: readonly string[];
  mustChangePassword?: boolean;
}

/**
 * A team member with a current membership keeps their own work page, their village's overview,
 * plan, roster, both boards and activity, and their team's work log. Everyone else (county and
 * township roles, a cadre between teams, an account that must first change its password) keeps
 * nothing — but still gets a scope, so the worker knows who is signed in and drops anyone else's
 * pages.
 */
export function offlineScope(viewer: ScopeViewer): OfflineScope {
  if (viewer.role !== "team_member" || viewer.mustChangePassword || !viewer.villageIds.length) {
    return { userId: viewer.id, paths: [] };
  }
  const paths = ["/me"];
  for (const village of viewer.villageIds) {
    const base = `/villages/${encodeURIComponent(village)}`;
    paths.push(
      base,
      `${base}/plan`,
      `${base}/households`,
      `${base}/projects`,
      `${base}/cases`,
      // The form for a new case: a case met on a visit is registered there, signal or not.
      `${base}/cases/new`,
      `${base}/activity`,
    );
  }
  for (const team of viewer.teamIds) paths.push(`/teams/${encodeURIComponent(team)}/logs`);
  return { userId: viewer.id, paths };
}

/** A path as the scope lists it: no trailing slash (but "/" itself). */
export function normalizePath(pathname: string): string {
  return pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
}

/**
 * Whether a request is for one of the scope's pages: same origin, the path listed, and no query
 * (a filtered board or a second page is not kept: the copy would not be what the URL asks for).
 */
export function inOfflineScope(scope: OfflineScope | null, url: URL, origin: string): boolean {
  if (!scope || url.origin !== origin || url.search !== "") return false;
  return scope.paths.includes(normalizePath(url.pathname));
}

/** Whether two scopes keep the same person's same pages (then nothing needs fetching again). */
export function sameScope(a: OfflineScope | null, b: OfflineScope | null): boolean {
  if (!a || !b) return a === b;
  return a.userId === b.userId && a.paths.join("\n") === b.paths.join("\n");
}

/**
 * "14:05" when the copy is from today (China time, as every time in Zhucun), otherwise with its
 * date: a copy from yesterday must not read as this afternoon's.
 */
export function offlineTime(locale: string, saved: Date, now: Date): string {
  // China keeps UTC+8 all year: its wall clock is UTC's, eight hours on.
  const china = (d: Date) => new Date(d.getTime() + 8 * 3_600_000);
  const [at, today] = [china(saved), china(now)];
  const pad = (n: number) => String(n).padStart(2, "0");
  const time = `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}`;
  if (at.toISOString().slice(0, 10) === today.toISOString().slice(0, 10)) return time;
  const [m, d] = [at.getUTCMonth() + 1, at.getUTCDate()];
  // As Intl's { month: "short", day: "numeric" }: "12月3日" / "Dec 3".
  const date =
    locale === "zh-CN"
      ? `${m}月${d}日`
      : `${"JanFebMarAprMayJunJulAugSepOctNovDec".slice(m * 3 - 3, m * 3)} ${d}`;
  return `${date} ${time}`;
}
