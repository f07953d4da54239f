import { clockOffset, setClockOffset } from "~/utils/clock";
import { isMoveAnsweredInPlace, isQueued } from "~/outbox/client-action";
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  type ShouldRevalidateFunction,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRevalidator,
  useRouteLoaderData,
} from "@remix-run/react";
import { Suspense, useEffect, useRef, type ReactNode } from "react";
import { getOptionalViewer } from "~/auth.server";
import { ErrorPage } from "~/components/error-page.lazy";
import { DEFAULT_LOCALE, translatorFor, useLocale, useT } from "~/i18n";
import { catalogueHref } from "~/i18n/catalogues.server";
import { resolveLocale } from "~/i18n/locale.server";
import { hasDemoData } from "~/models/demo.server";
import { bannerFolded } from "~/utils/banner.server";
import { COPY_STATE_ATTRIBUTE, offlineScope } from "~/utils/offline";
import styles from "~/styles/app.css";
import { useNonce } from "~/utils/nonce";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
  // Installable (decision 019): the manifest, and the icon iOS puts on the home screen.
  { rel: "manifest", href: "/manifest.webmanifest" },
  { rel: "apple-touch-icon", href: "/icons/apple-touch-icon.png" },
];

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  const t = translatorFor(data?.locale);
  return [{ title: t("app.name") }, { name: "description", content: t("app.tagline") }];
};

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await getOptionalViewer(request);
  const locale = await resolveLocale(request);
  return {
    locale,
    catalogue: catalogueHref(locale),
    demo: await hasDemoData(),
    /** The business clock's offset (a demo's calendar; 0 for a county's): forms date by it too. */
    clockOffset: clockOffset(),
    demoFolded: await bannerFolded(request),
    viewer: viewer
      ? { username: viewer.username, displayName: viewer.displayName, role: viewer.role }
      : null,
    /** What this device may keep to read offline (the service worker's scope; decision 019). */
    offline: viewer ? offlineScope(viewer) : null,
  };
}

/**
 * Whether the revalidation under way is a page answered from the worker's copy catching up with
 * the server (useKeptCopyRefresh): the copy's root data (who was signed in, what may be kept) is
 * as old as the rest of it.
 */
let refreshingCopy = false;

/**
 * The root data (language, catalogue, who is signed in) changes only through a form post (sign in
 * or out, language switch), so GET navigations such as filter changes do not fetch it again —
 * except when the page itself came from the worker's copy.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({
  formMethod,
  defaultShouldRevalidate,
  actionResult,
}) => {
  if (refreshingCopy) return true;
  return formMethod !== undefined &&
    formMethod !== "GET" &&
    !isQueued(actionResult) &&
    !isMoveAnsweredInPlace(actionResult)
    ? defaultShouldRevalidate
    : false;
};

/**
 * The page's scripts start after its first paint (decision 013, fifth pass). Remix's <Scripts>
 * (patched: scripts/patches/@remix-run+react+2.17.5.patch) writes its module preloads as
 * `rel="zhucun-modulepreload"` and its module script as `type="zhucun-module"`, which the browser
 * neither fetches nor runs, and the root's catalogue preload is `rel="zhucun-preload"`. This
 * script, which the browser runs only once the stylesheet has come (a script after a pending
 * stylesheet waits for it), waits for the next frame, the first paint, and then adds the real
 * preloads and the module script, with the page's nonce. So on a slow network the stylesheet and
 * the page's text have the line to themselves until the page shows, and Lighthouse's simulation no
 * longer counts ~100 KB of scripts requested before that paint into the largest paint (it did on
 * Regular 3G: 4.5 s for a page whose largest text was painted with the first). A tab opened in the
 * background, which paints nothing, starts at once. Without JavaScript nothing changes.
 */
const START_SCRIPTS_AFTER_PAINT = `(function(){var d=document,started=0;function start(){if(started)return;started=1;d.querySelectorAll('link[rel^="zhucun-"]').forEach(function(k){var l=d.createElement("link");l.rel=k.rel.slice(7);l.href=k.href;if(k.as)l.as=k.as;if(k.crossOrigin!==null)l.crossOrigin=k.crossOrigin;if(l.rel==="modulepreload")l.setAttribute("fetchpriority","low");d.head.appendChild(l)});var k=d.querySelector('script[type="zhucun-module"]');if(k){var s=d.createElement("script");s.type="module";s.nonce=k.nonce;s.textContent=k.textContent;d.body.appendChild(s)}}if(d.visibilityState==="hidden")start();else requestAnimationFrame(function(){setTimeout(start,0)})})()`;

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  const nonce = useNonce();
  // Before anything below renders: the browser's "today" is the server's (utils/clock.ts).
  if (data) setClockOffset(data.clockOffset);
  return (
    // `js` is added before first paint by the inline script, so CSS can show what only works
    // with JavaScript (or only without it); React never renders that class, hence the suppression.
    <html lang={data?.locale ?? DEFAULT_LOCALE} suppressHydrationWarning>
      <head>
        <meta charSet="utf-8" />
        <script
          nonce={nonce}
          suppressHydrationWarning
          dangerouslySetInnerHTML={{ __html: "document.documentElement.classList.add('js')" }}
        />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {/* The header's red (--red in app.css), for the browser's bar and the installed app's. */}
        <meta name="theme-color" content="#b3261e" />
        <Meta />
        {/* The catalogue entry.client.tsx fetches before hydrating: asked for with the scripts, after
            the first paint (START_SCRIPTS_AFTER_PAINT). */}
        {data?.catalogue ? (
          <link
            rel="zhucun-preload"
            as="fetch"
            href={data.catalogue}
            crossOrigin="anonymous"
            data-catalogue=""
          />
        ) : null}
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
        <script
          nonce={nonce}
          suppressHydrationWarning
          dangerouslySetInnerHTML={{ __html: START_SCRIPTS_AFTER_PAINT }}
        />
      </body>
    </html>
  );
}

export default function App() {
  // Marks the page as interactive; end-to-end tests wait for it before typing or dragging.
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  useOfflineScope();
  useKeptCopyRefresh();
  return <Outlet />;
}

/**
 * A kept page the service worker answered from its copy (`data-offline-copy` on <body>; decision
 * 019) asks the worker, once hydrated, what the server said meanwhile:
 * - drawn for this person: the page reads all its data again (the root's too), in one round trip,
 *   and stops saying it is the copy;
 * - refused (signed out, session ended or revoked, account closed, drawn for someone else, the
 *   page no longer theirs): the worker has dropped the copy; the page hides at once and loads the
 *   server's answer — the sign-in page, saying why;
 * - drawn in another language (the person switched): it loads again, from the refreshed copy;
 * - no answer (no connection, a weak signal): it stays, and says "offline — as of".
 */
function useKeptCopyRefresh() {
  const revalidator = useRevalidator();
  const t = useT();
  const locale = useLocale();
  const phase = useRef<"none" | "asking" | "asked" | "loading" | "done">("none");
  useEffect(() => {
    if (phase.current !== "none" || process.env.NODE_ENV !== "production") return;
    phase.current = "done";
    if (!document.body.hasAttribute(COPY_STATE_ATTRIBUTE)) return;
    phase.current = "asking";
    // The rest is loaded only on such a page (the worker keeps the chunk, offline too).
    void import("~/utils/offline.client").then((m) =>
      m.followKeptCopy({
        t,
        locale,
        revalidate: () => {
          phase.current = "asked";
          refreshingCopy = true;
          revalidator.revalidate();
        },
      }),
    );
  }, [revalidator, t, locale]);
  // The revalidation has run (loading, then idle): the page is the server's now.
  useEffect(() => {
    if (phase.current === "asked" && revalidator.state === "loading") {
      phase.current = "loading";
    } else if (phase.current === "loading" && revalidator.state === "idle") {
      phase.current = "done";
      refreshingCopy = false;
      for (const name of ["data-offline-note", "data-offline-saved-at", COPY_STATE_ATTRIBUTE]) {
        document.body.removeAttribute(name);
      }
    }
  }, [revalidator.state]);
}

/**
 * Tells the service worker whose pages this device may keep (after hydration, and again when a
 * sign-in or sign-out changed the root data): a new person's scope makes it drop everyone else's
 * pages and fetch theirs; none (signed out) makes it drop everything. Production builds only, as
 * the worker is registered only there (entry.client.tsx).
 */
function useOfflineScope() {
  const data = useRouteLoaderData<typeof loader>("root");
  const scope = data ? JSON.stringify(data.offline) : undefined;
  useEffect(() => {
    if (scope === undefined || process.env.NODE_ENV !== "production") return;
    if (!("serviceWorker" in navigator)) return;
    void import("~/utils/offline.client").then((m) => m.sendOfflineScope(JSON.parse(scope)));
  }, [scope]);
}

export function ErrorBoundary() {
  return (
    <Suspense fallback={null}>
      <ErrorPage standalone />
    </Suspense>
  );
}
