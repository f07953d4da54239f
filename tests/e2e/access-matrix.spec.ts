/**
 * The access matrix: every route of the built server (its route manifest), for anonymous and for
 * each demo role with the route's parameters in and out of the role's jurisdiction, answers the
 * status the table in access-matrix.ts gives, GET and POST. No response to a township leader or a
 * team member carries an id of the other side's households or cards (ids the own side's pages do
 * show, which is checked too, so their absence means something).
 *
 * Runs against a server of its own (isolated-server.ts): its POSTs must not disturb other specs.
 */
import { expect, test } from "@playwright/test";
import { MATRIX, type MatrixEntry, type Probe, type ProbeBody } from "./access-matrix";
import {
  browserHeaders,
  multipart,
  send,
  signIn,
  startIsolatedServer,
  type IsolatedServer,
} from "./isolated-server";
import {
  HOME,
  NARROW_ROLES,
  ROLES,
  actionUrl,
  demoIds,
  fillPattern,
  hasNestedRecord,
  isScoped,
  knownParam,
  loadRouteManifest,
  type DemoIds,
  type ManifestRoute,
  type Role,
  type Side,
} from "./route-manifest";

/** Requests in flight at once: enough to be quick, few enough for a 2-core machine. */
const PARALLEL = 4;
const PRINT = Boolean(process.env.MATRIX_PRINT);

// In order, in one worker (one server); a failing test does not skip the next.
test.describe.configure({ mode: "default" });

let server: IsolatedServer;
let routes: ManifestRoute[];
let ids: DemoIds;
const sessions = new Map<Role, string>();

test.beforeAll(async () => {
  test.setTimeout(180_000);
  [server, routes] = await Promise.all([startIsolatedServer("access-matrix"), loadRouteManifest()]);
  ids = demoIds(server);
  const signingIn = performance.now();
  for (const role of ROLES) sessions.set(role, await signIn(server, role));
  console.log(
    `[access matrix] own server: seeded in ${server.seedSeconds.toFixed(1)} s, started in ` +
      `${server.startSeconds.toFixed(1)} s; ${ROLES.length} roles signed in in ` +
      `${((performance.now() - signingIn) / 1000).toFixed(1)} s.`,
  );
});

test.afterAll(async () => {
  await server?.stop();
});

test.afterEach(() => {
  expect(server.stackTraces(), "stack traces in the server's output").toEqual([]);
});

type Scope = "in" | "out" | "cross";

interface Check {
  route: ManifestRoute;
  entry: MatrixEntry;
  method: "GET" | "POST";
  who: Role | "anonymous";
  scope: Scope | null;
  url: string;
  expected: number;
  body?: ProbeBody;
}

const other = (side: Side): Side => (side === "A" ? "B" : "A");

function parseRow(row: string, where: string): number[] {
  const statuses = row.trim().split(/\s+/).map(Number);
  if (statuses.length !== ROLES.length || statuses.some((s) => !(s >= 100 && s < 600))) {
    throw new Error(`${where}: "${row}" is not ${ROLES.length} statuses`);
  }
  return statuses;
}

/** What is wrong with an entry for this route (its shape, not its statuses). */
function entryProblems(route: ManifestRoute, entry: MatrixEntry): string[] {
  const problems: string[] = [];
  const say = (text: string) => problems.push(`${route.id}: ${text}`);
  if (entry.layout !== undefined) {
    if (route.pattern !== null && route.id !== "root") say("has a URL, so it is no layout");
    if (route.hasAction) say("a layout with an action needs a post entry");
    return problems;
  }
  if (route.pattern === null) say("has no URL of its own: give it `layout`");
  for (const param of route.params) {
    if (!knownParam(param)) say(`no way to fill the parameter "${param}" (route-manifest.ts)`);
  }
  const probes: [string, Probe | undefined, boolean][] = [
    ["get", entry.get, route.hasLoader],
    ["post", entry.post, route.hasAction],
  ];
  for (const [name, probe, wanted] of probes) {
    if (!wanted) {
      if (probe) say(`has a ${name} entry but no ${name === "get" ? "loader" : "action"}`);
      continue;
    }
    if (!probe) {
      say(`has a ${name === "get" ? "loader" : "action"} but no ${name} entry`);
      continue;
    }
    try {
      parseRow(probe.in, `${route.id} ${name} in`);
      if (probe.out) parseRow(probe.out, `${route.id} ${name} out`);
      if (probe.cross) parseRow(probe.cross, `${route.id} ${name} cross`);
    } catch (error) {
      say((error as Error).message);
    }
    if (isScoped(route) !== Boolean(probe.out)) {
      say(`${name}: a route naming a record needs \`out\`, any other none`);
    }
    if (hasNestedRecord(route) !== Boolean(probe.cross)) {
      say(`${name}: a route naming a village and a household needs \`cross\`, any other none`);
    }
  }
  return problems;
}

function checksFor(route: ManifestRoute, entry: MatrixEntry): Check[] {
  if (entry.layout !== undefined) return [];
  const checks: Check[] = [];
  const probes: ["GET" | "POST", Probe | undefined][] = [
    ["GET", entry.get],
    ["POST", entry.post],
  ];
  for (const [method, probe] of probes) {
    if (!probe) continue;
    const url = (side: Side, recordSide: Side = side) => {
      const path = fillPattern(route, ids, side, recordSide);
      return method === "POST" ? actionUrl(route, path) : `${path}${entry.query ?? ""}`;
    };
    const body = method === "POST" ? entry.post?.body : undefined;
    checks.push({
      route,
      entry,
      method,
      who: "anonymous",
      scope: null,
      url: url("A"),
      expected: probe.anon,
      body,
    });
    const rows: [Scope, string | undefined][] = [
      ["in", probe.in],
      ["out", probe.out],
      ["cross", probe.cross],
    ];
    for (const [scope, row] of rows) {
      if (!row) continue;
      const statuses = parseRow(row, route.id);
      ROLES.forEach((role, i) => {
        const home = HOME[role];
        const target =
          scope === "in" ? url(home) : scope === "out" ? url(other(home)) : url(home, other(home));
        checks.push({
          route,
          entry,
          method,
          who: role,
          scope,
          url: target,
          expected: statuses[i]!,
          body,
        });
      });
    }
  }
  return checks;
}

interface Outcome {
  check: Check;
  status: number | string;
  problems: string[];
  bytes: number;
  ms: number;
}

/** Sentinel ids seen in a 200 answer to a role of their own side (the checks' positive control). */
const seenAtHome = new Set<string>();

async function run(check: Check): Promise<Outcome> {
  let cookie = check.who === "anonymous" ? null : sessions.get(check.who)!;
  // A POST that ends its session (sign-out) gets a session of its own.
  if (cookie && check.method === "POST" && check.entry.post?.endsSession) {
    cookie = await signIn(server, check.who as Role);
  }
  const headers = browserHeaders(cookie);
  let body: Buffer | undefined;
  if (check.method === "POST") {
    headers.push(["Origin", server.origin]);
    const probe = check.body!;
    if ("form" in probe) {
      const form = new URLSearchParams();
      for (const [name, value] of Object.entries(probe.form)) {
        for (const v of Array.isArray(value) ? value : [value]) form.append(name, v);
      }
      body = Buffer.from(form.toString());
      headers.push(["Content-Type", "application/x-www-form-urlencoded"]);
    } else {
      const encoded = multipart(
        Object.entries(probe.multipart).map(([name, value]) => ({ name, value })),
      );
      body = encoded.body;
      headers.push(["Content-Type", encoded.contentType]);
    }
  }
  const result = await send(server, { method: check.method, path: check.url, headers, body });
  if (result.kind === "error") {
    return {
      check,
      status: result.code,
      problems: [`no answer: ${result.code}`],
      bytes: 0,
      ms: result.ms,
    };
  }
  const problems: string[] = [];
  if (result.status !== check.expected) {
    problems.push(`expected ${check.expected}, got ${result.status}`);
  }
  if (check.who === "anonymous" && result.status === 302) {
    const location = result.headers.get("location")?.[0] ?? "";
    // The action sees its URL without Remix's `?index`, and comes back to that.
    const url = check.url.replace(/[?&]index$/, "");
    const back = url === "/" ? "" : `?${new URLSearchParams({ redirectTo: url })}`;
    const probe = check.method === "GET" ? check.entry.get : check.entry.post;
    const expected = probe?.anonLocation ?? `/login${back}`;
    if (location !== expected) problems.push(`redirected to ${location}, not ${expected}`);
  }
  const text = result.body.toString("utf8");
  if (check.who !== "anonymous" && result.status === 200) {
    for (const id of ids[HOME[check.who]].sentinels) if (text.includes(id)) seenAtHome.add(id);
  }
  if (check.who !== "anonymous" && NARROW_ROLES.includes(check.who)) {
    const foreign = ids[other(HOME[check.who])].sentinels.filter((id) => text.includes(id));
    if (foreign.length) {
      problems.push(`the ${result.status} body holds the other side's ids ${foreign.join(", ")}`);
    }
  }
  return {
    check,
    status: result.status,
    problems,
    bytes: result.body.length,
    ms: result.ms,
  };
}

async function runAll<T, R>(items: T[], parallel: number, work: (item: T) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]!);
      }
    }),
  );
  return results;
}

const describe = (c: Check) =>
  `${c.method} ${c.url} as ${c.who}${c.scope ? ` (${c.scope})` : ""} [${c.route.id}]`;

/** The observed statuses in the table's own notation, to compare with (or paste into) it. */
function printObserved(outcomes: Outcome[]) {
  const lines: string[] = [];
  for (const route of routes) {
    const mine = outcomes.filter((o) => o.check.route === route);
    if (!mine.length) continue;
    lines.push(`  "${route.id}": {  // ${route.pattern}`);
    for (const method of ["GET", "POST"] as const) {
      const of = mine.filter((o) => o.check.method === method);
      if (!of.length) continue;
      const anon = of.find((o) => o.check.who === "anonymous")?.status;
      const row = (scope: Scope) => {
        const statuses = ROLES.map(
          (role) => of.find((o) => o.check.who === role && o.check.scope === scope)?.status,
        );
        return statuses.every((s) => s === undefined) ? null : `"${statuses.join(" ")}"`;
      };
      const rows = (["in", "out", "cross"] as const)
        .map((scope) => [scope, row(scope)] as const)
        .filter(([, r]) => r !== null)
        .map(([scope, r]) => `${scope}: ${r}`);
      lines.push(`    ${method.toLowerCase()}: { anon: ${anon}, ${rows.join(", ")} },`);
    }
    lines.push("  },");
  }
  const slowest = new Map<string, number>();
  for (const o of outcomes) {
    const key = `${o.check.method} ${o.check.route.pattern}`;
    slowest.set(key, (slowest.get(key) ?? 0) + o.ms);
  }
  lines.push("  // time spent per route:");
  for (const [key, ms] of [...slowest].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    lines.push(`  //   ${key}: ${(ms / 1000).toFixed(1)} s`);
  }
  console.log(lines.join("\n"));
}

test("the matrix has an entry for every route of the manifest, and none for a route that is gone", () => {
  const missing = routes
    .filter((r) => !(r.id in MATRIX))
    .map((r) => `${r.id} (${r.pattern ?? "layout"})`);
  const gone = Object.keys(MATRIX).filter((id) => !routes.some((r) => r.id === id));
  const malformed = routes.flatMap((r) => (MATRIX[r.id] ? entryProblems(r, MATRIX[r.id]!) : []));
  expect({ missing, gone, malformed }).toEqual({ missing: [], gone: [], malformed: [] });
});

test("every route answers anonymous and each role, in and out of scope, as the matrix says", async () => {
  test.setTimeout(240_000);
  const started = performance.now();
  // Routes without a (well-formed) entry are the previous test's failure; the rest run here.
  const sound = routes.filter((r) => MATRIX[r.id] && !entryProblems(r, MATRIX[r.id]!).length);
  const checks = sound.flatMap((r) => checksFor(r, MATRIX[r.id]!));
  const outcomes = await runAll(checks, PARALLEL, run);
  const seconds = (performance.now() - started) / 1000;
  if (PRINT) printObserved(outcomes);

  const failures = outcomes
    .filter((o) => o.problems.length)
    .map((o) => `${describe(o.check)}: ${o.problems.join("; ")}`);
  // The other side's ids must be absent because they are withheld, not because no page shows
  // them: each must reach someone whose side it is.
  for (const side of ["A", "B"] as const) {
    for (const id of ids[side].sentinels) {
      if (!seenAtHome.has(id)) {
        failures.push(`side ${side}'s id ${id} was in no page of its own side's roles`);
      }
    }
  }
  const checked = sound.filter((r) => MATRIX[r.id]!.layout === undefined);
  const layouts = sound.length - checked.length;
  const unchecked = routes.length - sound.length;
  const count = (method: string) => checks.filter((c) => c.method === method).length;
  const largest = outcomes.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  console.log(
    `[access matrix] ${checked.length} routes (+${layouts} layouts` +
      `${unchecked ? `, ${unchecked} without a sound entry left out` : ""}) × ` +
      `anonymous and ${ROLES.length} roles in/out of scope: ${checks.length} requests ` +
      `(GET ${count("GET")}, POST ${count("POST")}), ${PARALLEL} at a time, ${seconds.toFixed(1)} s; ` +
      `${failures.length} wrong; largest answer ${Math.round(largest.bytes / 1024)} KB ` +
      `(${largest.check.method} ${largest.check.url} as ${largest.check.who}).`,
  );
  expect(failures).toEqual([]);
});
