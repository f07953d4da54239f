/**
 * The page's side of offline reading (decision 019), loaded after hydration in production builds:
 * registers the service worker, hands it the scope the server gave, tells it about a sign-out
 * (`forgetKeptPages`, called by the header's sign-out before the form leaves), asks it what the
 * server said about a page it answered from its copy (`keptCopyRefresh`), and turns navigations
 * into full page loads when the worker will have to answer them.
 */
import type { Locale, Translate } from "~/i18n";
import { realNow } from "~/utils/clock";
import {
  COPY_STATE_ATTRIBUTE,
  offlineTime,
  type CopyAnswer,
  type OfflineMessage,
  type OfflineScope,
} from "~/utils/offline";

let started = false;

export function registerServiceWorker() {
  if (started || !("serviceWorker" in navigator)) return;
  started = true;
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
    // No worker (a private window that forbids it, a file missing): the app works as before.
  });
  loadPagesFullyOffline();
}

let following = false;

/**
 * Offline, or on a page the worker answered from its copy, links and filter forms load whole
 * pages (see `offlineNavigation`). Set up with the worker's registration (once the browser is
 * idle), and at once on a page answered from the copy: a tap there before the browser fell idle
 * (a slow phone) would otherwise ask the server for the next page's data without a connection.
 */
function loadPagesFullyOffline() {
  if (following) return;
  following = true;
  // Capture on window: before React's listeners on the document (Remix's <Link> and <Form>).
  window.addEventListener("click", loadLinksFully, true);
  window.addEventListener("submit", beforeSubmit, true);
}

async function post(message: OfflineMessage) {
  const registration = await navigator.serviceWorker.ready;
  registration.active?.postMessage(message);
}

export function sendOfflineScope(scope: OfflineScope | null) {
  void post({ type: "offline-scope", scope });
}

/** Signing out: the worker forgets the person's pages now, not when the next page says so. */
export function forgetKeptPages() {
  navigator.serviceWorker?.controller?.postMessage({ type: "sign-out" } satisfies OfflineMessage);
}

/** How long a page answered from the copy waits for its worker's word (it waits 4 s at most). */
const ASK_TIMEOUT_MS = 10_000;

/**
 * What the server said about this page, which the worker answered from its copy while it asked
 * the server for it (decision 019).
 */
export function keptCopyRefresh(): Promise<CopyAnswer> {
  const worker = navigator.serviceWorker?.controller;
  if (!worker) return Promise.resolve({ refresh: "unknown" });
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => resolve({ refresh: "unknown" }), ASK_TIMEOUT_MS);
    channel.port1.onmessage = (event: MessageEvent<CopyAnswer>) => {
      clearTimeout(timer);
      resolve(event.data);
    };
    worker.postMessage({ type: "kept-copy" } satisfies OfflineMessage, [channel.port2]);
  });
}

/**
 * A page answered from the worker's copy follows what the server said meanwhile (decision 019;
 * root.tsx's useKeptCopyRefresh calls it, loaded only on such a page): withdrawn, it hides at
 * once and goes where the server sent the person (sign-in, saying why); drawn in another language,
 * it loads again; fresh, it reads its data again (`revalidate`); no answer (no connection, a weak
 * signal), it stays and says "offline — as of".
 */
export async function followKeptCopy(page: {
  t: Translate;
  locale: Locale;
  revalidate: () => void;
}) {
  loadPagesFullyOffline();
  const body = document.body;
  const { refresh, to } = navigator.onLine
    ? await keptCopyRefresh()
    : ({ refresh: "unknown" } as CopyAnswer);
  if (refresh === "withdrawn") {
    body.setAttribute(COPY_STATE_ATTRIBUTE, "withdrawn");
    body.dataset.offlineNote = page.t("offline.withdrawn");
    // Where the server sent the person (sign-in, saying why), or its answer here.
    if (to?.startsWith("/") && !to.startsWith("//")) location.replace(to);
    else location.reload();
  } else if (refresh === "reload") {
    location.reload();
  } else if (refresh === "fresh" || (refresh === "unknown" && navigator.onLine)) {
    page.revalidate();
  } else {
    body.setAttribute(COPY_STATE_ATTRIBUTE, "offline");
    const saved = new Date(body.dataset.offlineSavedAt ?? "");
    body.dataset.offlineNote = page.t("offline.banner", {
      time: offlineTime(page.locale, saved, realNow()),
    });
  }
}

/**
 * Whether navigations should be whole page loads: offline, or on a page that itself came from
 * the worker's copy. Remix's client navigations fetch `.data` from the server, which the worker
 * never keeps (it keeps pages only); a document load is what the worker can answer, from the
 * person's kept pages or with the offline page.
 */
function offlineNavigation(): boolean {
  return !navigator.onLine || document.body.hasAttribute("data-offline-note");
}

function loadLinksFully(event: MouseEvent) {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  if (!offlineNavigation() || !(event.target instanceof Element)) return;
  const link = event.target.closest<HTMLAnchorElement>("a[href]");
  if (!link || link.hasAttribute("download") || (link.target && link.target !== "_self")) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin) return;
  // A link within the page (the board's column switcher) stays as it is.
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
  event.preventDefault();
  location.assign(url.href);
}

function beforeSubmit(event: SubmitEvent) {
  if (!(event.target instanceof HTMLFormElement)) return;
  const form = event.target;
  const action = new URL(form.getAttribute("action") ?? location.href, location.href);
  // A filter form (GET) offline: a page load too, as for links. Posts are the outbox's.
  if (
    event.defaultPrevented ||
    (form.getAttribute("method") ?? "get").toLowerCase() !== "get" ||
    !offlineNavigation()
  )
    return;
  if (action.origin !== location.origin) return;
  const query = new URLSearchParams();
  for (const [name, value] of new FormData(form, event.submitter)) {
    if (typeof value === "string") query.append(name, value);
  }
  action.search = query.toString();
  event.preventDefault();
  location.assign(action.href);
}
