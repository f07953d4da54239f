import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { isLocale, registerCatalogue, type Catalogue } from "~/i18n";

/**
 * The active catalogue, fetched before hydrating: a file named by its content's hash (preloaded by
 * the page's head, cached for good), not repeated inside every page. If it cannot be fetched the
 * page stays as the server drew it — it works as it does without JavaScript — rather than
 * hydrating into untranslated keys.
 */
async function loadCatalogue(): Promise<boolean> {
  const link = document.querySelector<HTMLLinkElement>("link[data-catalogue]");
  const locale = document.documentElement.lang;
  if (!link || !isLocale(locale)) return true; // the error page without a catalogue
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const response = await fetch(link.href, { credentials: "same-origin" });
      if (response.ok) {
        registerCatalogue(locale, (await response.json()) as Catalogue);
        return true;
      }
    } catch {
      // Offline or cut short: one more try, then leave the page as it is.
    }
  }
  return false;
}

/**
 * The service worker (decision 019), in production builds only: registered once the page has
 * hydrated and the browser is idle, so it never competes with the first load.
 */
function registerWorkerWhenIdle() {
  if (process.env.NODE_ENV !== "production" || !("serviceWorker" in navigator)) return;
  const register = () =>
    void import("~/utils/offline.client").then((m) => m.registerServiceWorker());
  if ("requestIdleCallback" in window) requestIdleCallback(register, { timeout: 5_000 });
  else setTimeout(register, 1_000);
}

/**
 * Remix's page data (single fetch: a stream written into the page), decoded before hydrating.
 * Left to itself, RemixBrowser suspends on that decoding in its first render, at the root, outside
 * any Suspense boundary; a click or key press in that moment makes React hydrate the root at once,
 * which cannot suspend, and ends in React's error #345 with the page's handlers lost (decision 013).
 * `decodeState` is added by our patch of @remix-run/react (scripts/patches).
 */
function decodeRemixState(): Promise<unknown> {
  const decode = (RemixBrowser as { decodeState?: () => Promise<unknown> }).decodeState;
  try {
    return decode ? decode() : Promise.resolve();
  } catch {
    return Promise.resolve(); // no stream to decode: RemixBrowser reports that itself
  }
}

void Promise.all([loadCatalogue(), decodeRemixState()]).then(([ok]) => {
  if (!ok) return;
  startTransition(() => {
    hydrateRoot(
      document,
      <StrictMode>
        <RemixBrowser />
      </StrictMode>,
    );
  });
  registerWorkerWhenIdle();
});
