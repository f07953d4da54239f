/**
 * Remix classic compiler (see docs/decisions/001-classic-compiler.md).
 * All v3 future flags are on so a later move to Vite / React Router 7 stays cheap, but one:
 * lazy route discovery. With it each page fetched /__manifest for its links after hydrating and
 * then re-rendered the whole page in one long task (~100 ms on the test machine, the largest part
 * of a phone's blocking time on the boards), a click on a link not yet discovered waited for a
 * round trip on a weak signal first, and a list of 8,000 village links made a URL too long to
 * send. The whole route manifest is one cached file instead (~3 KB compressed). React Router 7
 * keeps the choice (`routeDiscovery: { mode: "initial" }`). See docs/decisions/013.
 * @type {import('@remix-run/dev').AppConfig}
 */
export default {
  ignoredRouteFiles: ["**/.*", "**/*.test.{ts,tsx}"],
  serverModuleFormat: "esm",
  serverDependenciesToBundle: [/^remix-utils/, "intl-parse-accept-language"],
  future: {
    v3_fetcherPersist: true,
    v3_lazyRouteDiscovery: false,
    v3_relativeSplatPath: true,
    v3_singleFetch: true,
    v3_throwAbortReason: true,
  },
};
