/**
 * Zhucun's service worker (decision 019), bundled by scripts/build-sw.ts into public/sw.js.
 *
 * - The app shell: every file of the current build (public/build), the icons, the manifest and
 *   both catalogues are precached by Workbox and served from the cache; a new build's worker
 *   takes over at once and drops the files the new build no longer has.
 * - Offline reading: a signed-in team member's own pages (the scope the page sends, built on the
 *   server from their current membership) are kept in a cache of their own, only as the server
 *   drew them for that same person (X-Zhucun-User). A kept page is answered from its copy at once,
 *   marked "the copy of HH:MM, refreshing" (or "offline — as of HH:MM" without a connection),
 *   while the server is asked for it; the page then reloads its data, or, if the server refused
 *   it, loads the server's answer. Other pages are network first; offline, the offline page.
 * - Clearing: at sign-out (the page says so), when a page comes back drawn for nobody (the session
 *   ended, was revoked, the account deactivated: /login), when another person's page or scope
 *   arrives (every other person's pages go), and a page's copy when the server refuses that page
 *   to its person (redirect, 401, 403, 404, 410).
 *
 * The outbox (app/outbox/, IndexedDB "zhucun-outbox") is only read and sent from here (Background
 * Sync), never cleared: it must survive updates of this worker; sign-out clears it from the page.
 */
import { clientsClaim } from "workbox-core";
import { cleanupOutdatedCaches, getCacheKeyForURL, precacheAndRoute } from "workbox-precaching";
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
  COPY_STATE_ATTRIBUTE,
  copyRefreshOf,
  verdictOf,
  type CopyAnswer,
  type CopyState,
  type OfflineMessage,
  type OfflineScope,
  type ServerVerdict,
} from "~/utils/offline";
import { offlinePage, type OfflineTexts } from "./offline-page";
import { replayOutbox } from "~/outbox/replay";
import { OUTBOX_SYNC_TAG } from "~/outbox/store";

declare const self: ServiceWorkerGlobalScope;

/** Replaced by scripts/build-sw.ts (esbuild `define`). */
declare const __PRECACHE_MANIFEST__: { url: string; revision: string | null }[];
declare const __OFFLINE_TEXTS__: OfflineTexts;

/**
 * How long a page answered from the copy waits to hear the server's answer before it is told
 * there is none (a weak signal): it then says "offline — as of"; a later answer still refreshes
 * the copy.
 */
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
// No navigation preload (decision 019): a preload's redirect is opaque to the worker, and its
// answer would already have cleared an ended session's cookie, so the refresh of a kept copy
// could no longer learn why the server refused it; kept pages no longer wait for the network.

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
// Whether the server answers.

/**
 * Whether the worker's last request to the server went unanswered (no connection): then a kept
 * page is marked "offline — as of" from the start. The browser's `navigator.onLine` alone is not
 * enough: a phone on a mast with no data says it is online, and the worker's own `onLine` may lag
 * the page's (a CI run saw a kept page, opened offline, marked "refreshing"). Any answer clears it.
 */
let unanswered = false;

async function serverFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  try {
    const response = await fetch(input, init);
    unanswered = false;
    return response;
  } catch (error) {
    unanswered = true;
    throw error;
  }
}

/** Without a connection a request fails at once; a slow one is still being answered after this. */
const FAILS_WITHIN_MS = 300;

/**
 * How a kept copy is marked while its refresh is asked for: "offline" when the browser knows it
 * has no connection, "refreshing" otherwise — unless the last request went unanswered, when the
 * refresh is given a moment to fail (as it does at once without a connection) before saying so.
 * Online, that moment is spent only on the first page after a failure, and ends at the answer.
 */
async function copyState(refresh: Promise<unknown>): Promise<CopyState> {
  if (!self.navigator.onLine) return "offline";
  if (!unanswered) return "refreshing";
  const settled = await Promise.race([
    refresh.then(
      () => "answered" as const,
      () => "failed" as const,
    ),
    timeout(FAILS_WITHIN_MS),
  ]);
  return settled === "failed" ? "offline" : "refreshing";
}

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
      response = await serverFetch(url, {
        credentials: "same-origin",
        // Followed: a kept page that leads to the sign-in page clears every copy at once.
        redirect: "follow",
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
 * What a page from the server says (`verdictOf`, unit-tested): drawn for nobody (signed out,
 * session ended or revoked, account deactivated) → nothing is kept for anyone; drawn for someone
 * else → only their pages may stay; a kept page refused to its person (redirected, 401, 403, 404,
 * 410) → its copy goes; drawn for the scope's person, a kept path, 200 → its copy is refreshed.
 * `requested` is the URL asked for (a followed redirect's answer is for another).
 */
async function learn(response: Response, requested: URL): Promise<Learnt> {
  const scope = await currentScope();
  const verdict = verdictOf(
    {
      type: response.type,
      status: response.status,
      url: new URL(response.url || requested.href),
      user: response.headers.get(USER_HEADER),
      html: isHtml(response),
    },
    requested,
    scope,
    origin,
  );
  switch (verdict.kind) {
    case "forget-everyone":
      await forgetEveryone();
      break;
    case "someone-else":
      await dropPagesExcept(verdict.userId);
      await saveScope({ userId: verdict.userId, paths: [] }); // the page sends the real scope next
      break;
    case "drop-page":
      if (scope) {
        await (
          await caches.open(pageCacheName(scope.userId))
        ).delete(normalizePath(requested.pathname));
      }
      break;
    case "keep": {
      const headers = new Headers(response.headers);
      // The body is stored decoded; its length and encoding as sent no longer apply.
      headers.delete("Content-Encoding");
      headers.delete("Content-Length");
      headers.set(SAVED_AT_HEADER, realNow().toISOString());
      const body = await response.clone().text();
      const cache = await caches.open(pageCacheName(scope!.userId));
      await cache.put(
        normalizePath(requested.pathname),
        new Response(body, { status: 200, headers }),
      );
      return { verdict, locale: localeOf(body) };
    }
    case "no-word":
      break;
  }
  return { verdict };
}

interface Learnt {
  verdict: ServerVerdict;
  /** The language of the page kept. */
  locale?: string;
}

// ---------------------------------------------------------------------------------------------
// Navigations.

const escapeAttribute = (s: string) => s.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A person's kept copy of a page, as stored. */
interface KeptCopy {
  html: string;
  headers: Headers;
  saved: Date;
  locale: "zh-CN" | "en";
  /** Whether its scripts are this build's (a copy from before an update would not start). */
  currentBuild: boolean;
}

const localeOf = (html: string) => (/<html[^>]*\slang="en"/.test(html) ? "en" : "zh-CN");

async function readCopy(scope: OfflineScope, url: URL): Promise<KeptCopy | undefined> {
  const cache = await caches.open(pageCacheName(scope.userId));
  const copy = await cache.match(normalizePath(url.pathname));
  if (!copy) return undefined;
  const html = await copy.text();
  const manifest = /\/build\/manifest-\w+\.js/.exec(html)?.[0];
  return {
    html,
    headers: copy.headers,
    saved: new Date(copy.headers.get(SAVED_AT_HEADER) ?? realNow().toISOString()),
    locale: localeOf(html),
    currentBuild: manifest !== undefined && getCacheKeyForURL(manifest) !== undefined,
  };
}

/**
 * The copy as answered: marked as the copy of HH:MM — being refreshed, or read offline (a note
 * the page's CSS shows at the top; the page changes it once it knows more).
 */
function markedCopy(copy: KeptCopy, state: CopyState): Response {
  const texts = __OFFLINE_TEXTS__[copy.locale];
  const note = (state === "offline" ? texts.banner : texts.refreshing).replace(
    "{time}",
    offlineTime(copy.locale, copy.saved, realNow()),
  );
  // An attribute on <body>: React does not compare attributes when it hydrates a production
  // build, and the note needs no script (it is drawn by CSS from the attribute).
  const marked = copy.html.replace(
    /<body(?=[\s>])/,
    `<body data-offline-note="${escapeAttribute(note)}" data-offline-saved-at="${copy.saved.toISOString()}" ${COPY_STATE_ATTRIBUTE}="${state}"`,
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

/**
 * What the server said about each page answered from the copy, by the tab it went to (the
 * navigation's resulting client): the page asks once it has hydrated (a `kept-copy` message).
 */
const answers = new Map<string, Promise<CopyAnswer>>();
/** The page asks within a second or two of its answer; an entry nobody asked for goes after this. */
const ANSWER_KEPT_MS = 60_000;

/**
 * Asks the server for a kept page as the person's own request would (their cookie), following a
 * redirect, so the worker sees where it leads — the sign-in page, saying why — and learns from it.
 */
async function refreshCopy(url: URL): Promise<CopyAnswer> {
  const response = await serverFetch(url, {
    credentials: "same-origin",
    redirect: "follow",
    headers: { Accept: "text/html" },
  });
  const { verdict, locale } = await serially(() => learn(response, url));
  const refresh = copyRefreshOf(verdict);
  const final = new URL(response.url || url.href);
  if (refresh === "withdrawn" && response.redirected && final.origin === origin) {
    return { refresh, to: final.pathname + final.search };
  }
  return { refresh, locale };
}

/**
 * Navigations. A person's kept page with a copy on this device is answered from the copy at once
 * (stale-while-revalidate, decision 019), marked as the copy of HH:MM being refreshed; the server's
 * answer, asked for at the same time (`refreshCopy`), refreshes the copy or — if it was refused to
 * that person — removes it, and the page learns which (`answers`): it then reloads its data, or
 * goes where the server sent it. Every other page (and a kept page not yet copied, or copied by
 * an earlier build) is network first; without a connection, the copy or the offline page.
 */
async function navigate({ event, request, url }: RouteHandlerCallbackOptions): Promise<Response> {
  const fetchEvent = event as FetchEvent;
  const scope = await currentScope();
  const copy = scope && inOfflineScope(scope, url, origin) ? await readCopy(scope, url) : undefined;
  // A copy from before an update would not start its scripts: the server's page first, unless
  // the browser itself knows it has no connection.
  if (!copy || (self.navigator.onLine && !copy.currentBuild)) {
    try {
      const response = await serverFetch(request);
      // What the answer says is learnt while the event lives on (the clone is taken before the
      // browser reads the body).
      const clone = response.clone();
      fetchEvent.waitUntil(serially(() => learn(clone, url)).catch(() => undefined));
      return response;
    } catch {
      return copy ? markedCopy(copy, "offline") : offlineAnswer(url, await currentScope());
    }
  }
  const refreshed = refreshCopy(url);
  fetchEvent.waitUntil(refreshed.catch(() => undefined));
  const answer = Promise.race([
    refreshed.then(
      (answer): CopyAnswer =>
        // Kept in another language meanwhile (the person switched): the page loads again, from
        // the copy just refreshed, rather than reading data its catalogue cannot show.
        answer.refresh === "fresh" && answer.locale !== copy.locale
          ? { refresh: "reload" }
          : { refresh: answer.refresh, to: answer.to },
      (): CopyAnswer => ({ refresh: "unreachable" }),
    ),
    timeout(NETWORK_TIMEOUT_MS).then((): CopyAnswer => ({ refresh: "unreachable" })),
  ]);
  const client = fetchEvent.resultingClientId;
  if (client) {
    answers.set(client, answer);
    setTimeout(() => answers.delete(client), ANSWER_KEPT_MS);
  }
  return markedCopy(copy, await copyState(refreshed));
}

registerRoute(
  ({ request, url }) => request.mode === "navigate" && url.origin === origin,
  navigate,
  "GET",
);

/**
 * Remix prefetches a link's data once it is pointed at or touched (the village's tabs). Without a
 * connection that request can only fail, logged as a broken request: answered here with "no
 * content" at once instead (a followed link loads the whole page offline anyway). Otherwise
 * prefetches go to the server untouched, so the browser keeps their answers for the click.
 */
registerRoute(
  ({ request, url }) =>
    url.origin === origin &&
    (unanswered || !self.navigator.onLine) &&
    (request.headers.get("Sec-Purpose") ?? "").startsWith("prefetch"),
  async () => new Response(null, { status: 204 }),
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
  } else if (message?.type === "kept-copy") {
    // A page answered from the copy asks what the server said (answered on the port it sent).
    const port = event.ports[0];
    const client = event.source && "id" in event.source ? event.source.id : null;
    const answer =
      (client && answers.get(client)) || Promise.resolve<CopyAnswer>({ refresh: "unknown" });
    if (client) answers.delete(client);
    event.waitUntil(answer.then((a) => port?.postMessage(a)));
  }
});
