/**
 * A page reading its data again (a revalidation: after a write, or when another tab or the service
 * worker says it sent the outbox) that cannot reach the server keeps the page as it is, and reads
 * again once the connection is back.
 *
 * Without this, Remix treats the failed read as the page's error: the page gave way to "出错了"
 * (500), and whatever was being typed into it — a comment, a work-log entry — was lost with it.
 * That is the field's everyday case: a write sent, the signal gone a moment later.
 *
 * How: the browser's `fetch`, wrapped once (installed by the outbox panel, which every signed-in
 * page loads). Only a GET of the page's own data is held — the `.data` address of the location
 * shown, whatever routes it asks for — and only when the network failed (a TypeError: offline, no
 * answer, connection cut). Answers from the server, errors included, go through as they are, and
 * so does every other request: a navigation elsewhere, a fetcher's read, a write. Held, it waits
 * for the browser's `online` event (offline) or retries after a growing pause (online in name, no
 * answer), and gives up only when Remix abandons the read (a navigation, a newer revalidation:
 * the request's signal aborts).
 */
const PAUSES_MS = [2_000, 5_000, 10_000, 30_000];

let installed = false;

export function keepPageWhenUnreachable() {
  if (installed || typeof window === "undefined") return;
  installed = true;
  const fetchOnce = window.fetch.bind(window);
  window.fetch = async function fetchKeepingPage(input, init) {
    const method = init?.method ?? (input instanceof Request ? input.method : "GET");
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (method.toUpperCase() !== "GET" || !readsThisPage(url)) return fetchOnce(input, init);
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    for (let attempt = 0; ; attempt++) {
      try {
        return await fetchOnce(input, init);
      } catch (error) {
        if (!(error instanceof TypeError) || signal?.aborted) throw error;
        await connectionBack(attempt, signal ?? undefined);
      }
    }
  };
}

/** Whether `href` is the single-fetch address of the page shown (`/x.data`, `/_root.data`). */
export function readsThisPage(href: string, here: Location | URL = window.location): boolean {
  const url = new URL(href, here.href);
  if (url.origin !== here.origin || !url.pathname.endsWith(".data")) return false;
  const path = url.pathname === "/_root.data" ? "/" : url.pathname.slice(0, -".data".length);
  const shown = here.pathname.length > 1 ? here.pathname.replace(/\/$/, "") : here.pathname;
  if (path !== shown) return false;
  const asked = new URLSearchParams(url.search);
  asked.delete("_routes");
  return asked.toString() === new URLSearchParams(here.search).toString();
}

/** Resolves when it is worth trying again; rejects with the signal's reason if it aborts. */
function connectionBack(attempt: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const again = () => {
      stop();
      resolve();
    };
    const abandon = () => {
      stop();
      reject(signal?.reason ?? new DOMException("The read was abandoned", "AbortError"));
    };
    const timer = navigator.onLine
      ? setTimeout(again, PAUSES_MS[Math.min(attempt, PAUSES_MS.length - 1)])
      : undefined;
    const stop = () => {
      clearTimeout(timer);
      window.removeEventListener("online", again);
      signal?.removeEventListener("abort", abandon);
    };
    window.addEventListener("online", again);
    signal?.addEventListener("abort", abandon);
  });
}
