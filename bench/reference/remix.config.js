/**
 * The bench's reference page (scripts/bench-pages.ts): a bare Remix app of one route, the same
 * stack as Zhucun (Remix 2 classic compiler, React 18, Kysely over better-sqlite3), showing the
 * county's villages as a table. Zhucun's pages are measured against it: what a page costs beyond
 * what Remix itself costs for the same data. Built by the bench into bench/reference/build.
 * @type {import('@remix-run/dev').AppConfig}
 */
export default {
  serverModuleFormat: "esm",
  future: {
    v3_fetcherPersist: true,
    v3_lazyRouteDiscovery: false,
    v3_relativeSplatPath: true,
    v3_singleFetch: true,
    v3_throwAbortReason: true,
  },
};
