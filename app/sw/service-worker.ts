/**
 * Zhucun's service worker (decision 019), bundled by scripts/build-sw.ts into public/sw.js.
 *
 * - The app shell: every file of the current build (public/build), the icons, the manifest and
 *   both catalogues are precached by Workbox and served from the cache; a new build's worker
 *   takes over at once and drops the files the new build no longer has.
 * - Offline reading: a signed-in team member's own pages (the scope the page sends, built on the
 *   server from their current membership) are kept in a cache of their own, network first with a
 *   4 s timeout, and only as the server drew them for that same person (X-Zhucun-User). Offline,
 *   a kept page opens with a note "offline — as of HH:MM"; any other page gets the offline page.
 * - Clearing: at sign-out (the page says so), when a page comes back drawn for nobody (the session
 *   ended, was revoked, the account deactivated: /login), and when another person's page or scope
 *   arrives (every other person's pages go).
 *
 * The outbox (app/outbox/, IndexedDB "zhucun-outbox") is only read and sent from here (Background
 * Sync), never cleared: it must survive updates of this worker; sign-out clears it from the page.
 */
import { clientsClaim } from "workbox-core";
import { cleanupOutdatedCaches, precacheAndRoute } from "workbox-precaching";
import type { RouteHandlerCallbackOptions } from "workbox-core/types";
import { registerRoute } from "workbox-routing";
import { realMs, realNow } from "~/utils/clock";
import {
  PAGE_CACHE_PREFIX,
  SAVED_AT_HEADER,
  USER_HEADER,
  inOfflineScope,
  normalizePath,
  offlineTime,
  pageCacheName,
  sameScope,
  type OfflineMessage,
  type OfflineScope,
} from "~/utils/offline";
import { offlinePage, type OfflineTexts } from "./offline-page";
import { replayOutbox } from "~/outbox/replay";
import { OUTBOX_SYNC_TAG } from "~/outbox/store";

declare const self: ServiceWorkerGlobalScope;

/** Replaced by scripts/build-sw.ts (esbuild `define`). */
declare const __PRECACHE_MANIFEST__: { url: string; revision: string | null }[];
declare const __OFFLINE_TEXTS__: OfflineTexts;

/** How long a kept page waits for the network before the copy is shown (a weak signal). */
const NETWORK_TIMEOUT_MS = 4_000;
/** Pages missing from a scope's copy are fetched again at most this often. */
const REWARM_AFTER_MS = 10 * 60_000;
/** Where the worker remembers whose pages it keeps (it may be stopped and started at any time). */
const STATE_CACHE = "zhucun-offline-state";
const SCOPE_KEY = "/__zhucun/offline-scope";

const origin = self.location.origin;

// ---------------------------------------------------------------------------------------------
// Update: a new build's worker takes over at once (see decision 019 for why not a prompt).
self.addEventListener("install", () => void self.skipWaiting());
clientsClaim();

// The app shell: cache first, versioned by the build's own file names (or a revision).
precacheAndRoute(__PRECACHE_MANIFEST__);
cleanupOutdatedCaches();

// The outbox (issue 21, app/outbox/): writes kept on the phone are sent when Background Sync
// says the connection is back, even with no page open. Pages send them too (on load and on
// reconnect); a Web Lock in replayOutbox keeps two senders from sending the same write at once,
// and the server claims each write's id once. A replay that leaves writes waiting (still no
// answer) fails the sync event, so the browser tries again later.
self.addEventListener("sync", (e) => {
  // TypeScript's WebWorker library has no SyncEvent (Background Sync is Chromium's).
  const event = e as ExtendableEvent & { tag: string };
  if (event.tag !== OUTBOX_SYNC_TAG) return;
  event.waitUntil(
    replayOutbox().then((report) => {
      if (report.waiting > report.signedOut.length && !report.busy) {
        throw new Error("outbox: writes still waiting");
      }
    }),
  );
});

// ---------------------------------------------------------------------------------------------
// Whose pages are kept.

let scopeRead: Promise<OfflineScope | null> | undefined;

function currentScope(): Promise<OfflineScope | null> {
  scopeRead ??= (async () => {
    const stored = await (await caches.open(STATE_CACHE)).match(SCOPE_KEY);
    return stored ? ((await stored.json()) as OfflineScope) : null;
  })().catch(() => null);
  return scopeRead;
}

async function saveScope(scope: OfflineScope | null) {
  scopeRead = Promise.resolve(scope);
  const state = await caches.open(STATE_CACHE);
  if (scope) {
    await state.put(
      SCOPE_KEY,
      new Response(JSON.stringify(scope), { headers: { "Content-Type": "application/json" } }),
    );
  } else {
    await state.delete(SCOPE_KEY);
  }
}

/** Deletes every person's kept pages but this one's (or everyone's). */
async function dropPagesExcept(userId: string | null) {
  const keep = userId === null ? null : pageCacheName(userId);
  for (const name of await caches.keys()) {
    if (name.startsWith(PAGE_CACHE_PREFIX) && name !== keep) await caches.delete(name);
  }
}

/** Signed out, or the server drew a page for nobody: nothing of anyone stays on this device. */
async function forgetEveryone() {
  await saveScope(null);
  await dropPagesExcept(null);
}

// One change at a time: two tabs sending their scope must not interleave deletes and fetches.
let work: Promise<unknown> = Promise.resolve();
function serially<T>(task: () => Promise<T>): Promise<T> {
  const next = work.then(task, task);
  work = next.catch(() => undefined);
  return next;
}

let lastWarm = 0;

/** A scope arrived from a page: keep this person's pages, drop everyone else's, fetch what is missing. */
async function adoptScope(scope: OfflineScope | null) {
  if (!scope) return forgetEveryone();
  const previous = await currentScope();
  await dropPagesExcept(scope.userId);
  await saveScope(scope);
  if (!scope.paths.length) {
    await caches.delete(pageCacheName(scope.userId));
    return;
  }
  const cache = await caches.open(pageCacheName(scope.userId));
  const kept = new Set<string>();
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    // A page no longer in scope (rotated to another village) goes.
    if (scope.paths.includes(path)) kept.add(path);
    else await cache.delete(request);
  }
  const changed = !sameScope(previous, scope);
  const missing = scope.paths.filter((path) => !kept.has(path));
  if (changed || (missing.length && realMs() - lastWarm > REWARM_AFTER_MS)) {
    lastWarm = realMs();
    await warm(changed ? scope.paths : missing);
  }
}

/** Fetches the scope's pages once (after sign-in), one after another, as the signed-in person. */
async function warm(paths: readonly string[]) {
  for (const path of paths) {
    const url = new URL(path, origin);
    let response: Response;
    try {
      response = await fetch(url, {
        credentials: "same-origin",
        redirect: "manual",
        headers: { Accept: "text/html" },
      });
    } catch {
      return; // No signal: what is missing is fetched on a later page.
    }
    await learn(response, url);
    // The session ended meanwhile: stop.
    if (!(await currentScope())) return;
  }
}

const isHtml = (response: Response) =>
  (response.headers.get("Content-Type") ?? "").startsWith("text/html");

/**
 * What a page from the server says: drawn for nobody (signed out, session ended or revoked,
 * account deactivated) → nothing is kept for anyone; drawn for someone else → only their pages
 * may stay; drawn for the scope's person, a kept path, 200 → its copy is refreshed.
 */
async function learn(response: Response, url: URL) {
  // A redirect tells nothing by itself (its target is hidden here); the page it leads to will.
  if (response.type === "opaqueredirect" || url.origin !== origin || !isHtml(response)) return;
  const user = response.headers.get(USER_HEADER);
  const scope = await currentScope();
  if (!user) {
    if (response.status === 200) await forgetEveryone();
    return;
  }
  if (!scope || user !== scope.userId) {
    await dropPagesExcept(user);
    await saveScope({ userId: user, paths: [] }); // the page sends the real scope next
    return;
  }
  if (response.status !== 200 || !inOfflineScope(scope, url, origin)) return;
  const headers = new Headers(response.headers);
  // The body is stored decoded; its length and encoding as sent no longer apply.
  headers.delete("Content-Encoding");
  headers.delete("Content-Length");
  headers.set(SAVED_AT_HEADER, realNow().toISOString());
  const body = await response.clone().arrayBuffer();
  const cache = await caches.open(pageCacheName(scope.userId));
  await cache.put(normalizePath(url.pathname), new Response(body, { status: 200, headers }));
}

// ---------------------------------------------------------------------------------------------
// Navigations.

const escapeAttribute = (s: string) => s.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The kept copy of a page, marked as read offline (a note the page's CSS shows at the top). */
async function keptCopy(scope: OfflineScope, url: URL): Promise<Response | undefined> {
  const cache = await caches.open(pageCacheName(scope.userId));
  const copy = await cache.match(normalizePath(url.pathname));
  if (!copy) return undefined;
  const html = await copy.text();
  const locale = /<html[^>]*\slang="en"/.test(html) ? "en" : "zh-CN";
  const saved = new Date(copy.headers.get(SAVED_AT_HEADER) ?? realNow().toISOString());
  const note = __OFFLINE_TEXTS__[locale].banner.replace(
    "{time}",
    offlineTime(locale, saved, realNow()),
  );
  // An attribute on <body>: React does not compare attributes when it hydrates a production
  // build, and the note needs no script (it is drawn by CSS from the attribute).
  const marked = html.replace(
    /<body(?=[\s>])/,
    `<body data-offline-note="${escapeAttribute(note)}" data-offline-saved-at="${saved.toISOString()}"`,
  );
  return new Response(marked, { status: 200, headers: copy.headers });
}

/** Offline and no copy: the start page opens the person's first kept page, anything else says so. */
function offlineAnswer(url: URL, scope: OfflineScope | null): Response {
  if (url.pathname === "/" && scope?.paths[0]) {
    return Response.redirect(new URL(scope.paths[0], origin).href, 302);
  }
  return new Response(offlinePage(__OFFLINE_TEXTS__, url.pathname + url.search), {
    status: 200,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Content-Security-Policy":
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    },
  });
}

const timeout = (ms: number) =>
  new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), ms));

async function navigate({ event, request, url }: RouteHandlerCallbackOptions): Promise<Response> {
  // What the answer says is learnt while the event lives on (registered before any await, so it
  // is allowed; the clone is taken before the browser reads the body).
  let learning: Promise<void> = Promise.resolve();
  const network = fetch(request).then((response) => {
    const copy = response.clone();
    learning = serially(() => learn(copy, url));
    return response;
  });
  (event as FetchEvent).waitUntil(network.then(() => learning).catch(() => undefined));
  const scope = await currentScope();
  if (!scope || !inOfflineScope(scope, url, origin)) {
    try {
      return await network;
    } catch {
      return offlineAnswer(url, await currentScope());
    }
  }
  try {
    const first = await Promise.race([network, timeout(NETWORK_TIMEOUT_MS)]);
    if (first !== "timeout") return first;
    // A weak signal: the copy now, the network's answer refreshes it when it comes.
    return (await keptCopy(scope, url)) ?? (await network);
  } catch {
    return (await keptCopy(scope, url)) ?? offlineAnswer(url, scope);
  }
}

registerRoute(
  ({ request, url }) => request.mode === "navigate" && url.origin === origin,
  navigate,
  "GET",
);

// ---------------------------------------------------------------------------------------------
// Messages from the pages.

function isScope(value: unknown): value is OfflineScope {
  if (!value || typeof value !== "object") return false;
  const { userId, paths } = value as Record<string, unknown>;
  return (
    typeof userId === "string" &&
    userId.length > 0 &&
    Array.isArray(paths) &&
    paths.length <= 50 &&
    paths.every((p) => typeof p === "string" && p.startsWith("/") && !p.startsWith("//"))
  );
}

self.addEventListener("message", (event) => {
  const message = event.data as OfflineMessage | null;
  if (message?.type === "sign-out") {
    event.waitUntil(serially(forgetEveryone));
  } else if (message?.type === "offline-scope") {
    const scope = message.scope === null || isScope(message.scope) ? message.scope : undefined;
    if (scope !== undefined) event.waitUntil(serially(() => adoptScope(scope)));
  }
});
