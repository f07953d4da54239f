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
  { type: "offline-scope"; scope: OfflineScope | null } | { type: "sign-out" };

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
  const day = (d: Date) =>
    new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(d);
  const time = new Intl.DateTimeFormat(locale, {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: "Asia/Shanghai",
  }).format(saved);
  if (day(saved) === day(now)) return time;
  const date = new Intl.DateTimeFormat(locale, {
    month: "short",
    day: "numeric",
    timeZone: "Asia/Shanghai",
  }).format(saved);
  return `${date} ${time}`;
}
