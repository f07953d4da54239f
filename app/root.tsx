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
import { START_SCRIPTS_AFTER_PAINT } from "~/utils/start-scripts.server";
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
          // The server writes it (a .server module: undefined in the browser, where React leaves
          // a hydrated script's text as it is).
          dangerouslySetInnerHTML={{ __html: START_SCRIPTS_AFTER_PAINT ?? "" }}
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
  const data = useRouteLoaderData<typeof loader>("root");
  const phase = useRef<"none" | "asking" | "asked" | "done">("none");
  // The root data the copy was drawn with: the revalidation replaces it (it always reads the
  // root's again, see shouldRevalidate).
  const copied = useRef<unknown>(undefined);
  useEffect(() => {
    if (phase.current !== "none" || process.env.NODE_ENV !== "production") return;
    phase.current = "done";
    if (!document.body.hasAttribute(COPY_STATE_ATTRIBUTE)) return;
    phase.current = "asking";
    copied.current = data;
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
  }, [revalidator, t, locale, data]);
  // The revalidation is over once the page has the server's data and is idle. Not "once it went
  // from loading to idle": the router's updates are transitions, and when its answer arrives
  // before React has drawn the loading state (a slow phone, a near server), that state is never
  // drawn (a CI run saw the note stay).
  useEffect(() => {
    if (phase.current === "asked" && revalidator.state === "idle" && data !== copied.current) {
      phase.current = "done";
      refreshingCopy = false;
      for (const name of ["data-offline-note", "data-offline-saved-at", COPY_STATE_ATTRIBUTE]) {
        document.body.removeAttribute(name);
      }
    }
  }, [revalidator.state, data]);
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
