/**
 * npm run bench:lighthouse — Lighthouse on a phone: each page of PAGES below, loaded cold in
 * Chromium (/usr/bin/chromium, headless) as a 360 × 740 px mobile screen, with Lighthouse's
 * simulated throttling for each network its budgets name (Slow 4G: 150 ms RTT, 1.6 Mbit/s,
 * CPU × 4; Regular 3G: 300 ms RTT, 700 kbit/s, CPU × 4), `--runs` times (default 5). The budgets
 * are judged on the medians of the runs; the lowest and highest of each figure are printed beside
 * them, with the machine's load average before and after each page's runs, and a table of it all
 * at the end (the one in bench/RESULTS.md). The accessibility score is the median run's.
 *
 * Why the spread is printed: Lighthouse's simulation (lantern) multiplies by 4 the CPU time each
 * task took here, in wall-clock time, so anything else running on this 2-core machine lengthens
 * the tasks it measures; and it places the first paint by what had loaded when Chromium really
 * painted, so on some runs the paint comes before the scripts and all of hydration counts as
 * blocking time, on others after (bench/RESULTS.md, "Phones"). One run is not a verdict.
 *
 * It starts its own production server (`tsx scripts/server.ts`, as `npm start` runs it) on a free
 * port in 3600–3699 on a throwaway database with the demo data, signs in through the real form as
 * each demo account a page is seen as (the team member `weijia` for /me and the village's board
 * and plan, the county admin for /map and /dashboard), and gives Lighthouse the session cookie.
 * Map tiles come from a stand-in tile server on another local port (`--tiles stub`, the default:
 * this machine cannot reach OpenStreetMap, and a phone downloads the tiles too); `--tiles none`
 * runs with MAP_TILES=none. Needs the production build (`npm run bench` builds first); run alone
 * without one, it builds.
 *
 * Before measuring, Chromium draws a blank page of Chinese text in regular and bold once (not one
 * of ours, nothing cached for the app): a phone's system fonts are loaded when it boots, but a
 * freshly started headless Chromium on Linux first opens fontconfig and the two 20 MB Noto CJK
 * files, 200–300 ms that Lighthouse would otherwise charge (× 4) to the first page's first layout.
 * A renderer process loads its fonts itself, and Chromium gives each site (and the warm-up's
 * data: page) a process of its own, so Chromium runs here with one renderer process for all
 * tabs: without it every measured page paid about 100 ms for each of the two faces in its first
 * two layouts, which lantern counts × 4 into the first paint. `--cold-fonts` skips both, to see it.
 *
 * One Chromium per run: that single renderer process also keeps what the earlier runs left, each a
 * copy of the page with Lighthouse's own gatherers and axe-core in the same V8 heap. While the next
 * run's navigation commits, the process cleans up after them on the main thread: one task of
 * 60–200 ms with nothing of the page in it (no script, style or layout; garbage-collection
 * safepoints), that lantern charges after the first paint as "unattributable" blocking time. It
 * grew with each page's weight and was most of /map's spread (TBT 57–823 ms over five runs,
 * performance 80–99). So each run starts a fresh Chromium, its fonts warmed as above (~3 s a
 * run): /map's five runs then gave TBT 28–126 ms. `--one-chromium` keeps one for all runs.
 *
 * `--throttling devtools` loads each page through Chromium's own throttled network and CPU instead
 * of Lighthouse's simulation (lantern). Slower, but it sees what the browser does: lantern 12
 * counts every module script that finished before the first paint as render-blocking
 * (GoogleChrome/lighthouse#17163; fixed in Lighthouse 13, which needs Node 22), so the two differ.
 * The budgets are judged on the default, simulate.
 *   npm run bench:lighthouse -- [--runs 5] [--pages login,me,cases,plan,map,dashboard]
 *                               [--json figures.json] [--reports dir] [--keep] [--cold-fonts]
 *                               [--throttling devtools] [--tiles stub|none] [--one-chromium]
 * --pages measures only those (ids below); --json writes every run's figures and each page's
 * failing audits to a file; --reports writes, for each page and network, the run with the median
 * performance score and the lowest one as Lighthouse's own report (.html, and .json to load in the
 * Lighthouse viewer) and as the trace Lighthouse recorded (.trace.json, for Chromium's
 * Performance panel); --keep leaves the temp folder (database, server log) behind.
 *
 * Exits 1 if a budget is missed, listing for each such page the audits that fail (for
 * accessibility with the elements' selectors), 2 if it could not measure at all.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type net from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import zlib from "node:zlib";
import { launch, type LaunchedChrome } from "chrome-launcher";
import lighthouse, { type Config, type Result } from "lighthouse";
import { activeOn } from "../app/models/periods.server";
import { setClockOffset } from "../app/utils/clock";
import { demoClockOffset } from "../app/utils/demo-clock.server";
import { today } from "../app/utils/dates";
import { openDatabase } from "../db/connection";
import { DEMO_PASSWORD } from "../db/seed/demo-accounts";
import { NETWORKS, type Network } from "./bench-networks";
import { seededDatabase, tempFolder } from "./crash-test";
import { ROOT, freePortIn, sleep, spawnServer, type ServerGroup } from "./server-process";

// ---------------------------------------------------------------------------------------------
// What is measured, and against what: data. A page is measured once per network its budgets name.
// The networks (Lighthouse's own mobile profiles) are in bench-networks.ts.

/** Lower bounds for scores (0–100), upper bounds for times; an absent field is not checked. */
interface Budget {
  performance?: number;
  accessibility?: number;
  /** First contentful paint (the "first paint" of a budget). */
  fcpMs?: number;
  lcpMs?: number;
}

interface PageSpec {
  /** For --pages and the JSON. */
  id: string;
  /** How the table names it. */
  label: string;
  path: (context: { villageId: string }) => string;
  /** The demo account it is seen as (db/seed/demo-accounts.ts), or null: signed out. */
  user: string | null;
  budgets: Partial<Record<Network, Budget>>;
}

const PHONE: Budget = { performance: 90, accessibility: 100, lcpMs: 2500 };
/** Issue 18: on Regular 3G the first paint within 3 s and the largest within 4 s. */
const PHONE_3G: Budget = { fcpMs: 3000, lcpMs: 4000 };

/** The team member whose village's board and plan are measured. */
const TEAM_MEMBER = "weijia";

const PAGES: PageSpec[] = [
  {
    id: "login",
    label: "/login (signed out)",
    path: () => "/login",
    user: null,
    budgets: { "Slow 4G": PHONE },
  },
  {
    id: "me",
    label: "/me",
    path: () => "/me",
    user: TEAM_MEMBER,
    budgets: { "Slow 4G": PHONE, "Regular 3G": PHONE_3G },
  },
  {
    id: "cases",
    label: "village case board",
    path: ({ villageId }) => `/villages/${villageId}/cases`,
    user: TEAM_MEMBER,
    budgets: { "Slow 4G": PHONE },
  },
  {
    id: "plan",
    label: "village exit plan",
    path: ({ villageId }) => `/villages/${villageId}/plan`,
    user: TEAM_MEMBER,
    budgets: { "Slow 4G": PHONE, "Regular 3G": PHONE_3G },
  },
  // The county admin sees the most on both: every village on the map and in its table, every
  // township on the overview.
  { id: "map", label: "/map", path: () => "/map", user: "county", budgets: { "Slow 4G": PHONE } },
  {
    id: "dashboard",
    label: "/dashboard",
    path: () => "/dashboard",
    user: "county",
    budgets: { "Slow 4G": PHONE },
  },
];

const SCREEN = { mobile: true, width: 360, height: 740, deviceScaleFactor: 3, disabled: false };
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const PORTS = [3600, 3699] as const;
const lighthouseVersion = (
  JSON.parse(
    fs.readFileSync(path.join(ROOT, "node_modules", "lighthouse", "package.json"), "utf8"),
  ) as { version: string }
).version;

// ---------------------------------------------------------------------------------------------

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    pages: { type: "string" },
    json: { type: "string" },
    reports: { type: "string" },
    keep: { type: "boolean", default: false },
    "cold-fonts": { type: "boolean", default: false },
    "one-chromium": { type: "boolean", default: false },
    tiles: { type: "string", default: "stub" },
    throttling: { type: "string", default: "simulate" },
  },
});
const METHODS = ["simulate", "devtools"] as const;
const method = METHODS.find((m) => m === values.throttling);
if (!method) {
  console.error("[zhucun] --throttling is simulate (Lighthouse's default) or devtools.");
  process.exit(2);
}
if (values.tiles !== "stub" && values.tiles !== "none") {
  console.error("[zhucun] --tiles is stub (a local stand-in tile server, the default) or none.");
  process.exit(2);
}
const runs = Number(values.runs);
const wanted = values.pages?.split(",").map((s) => s.trim());
const pages = wanted ? PAGES.filter((p) => wanted.includes(p.id)) : PAGES;
if (!(Number.isInteger(runs) && runs >= 1) || (wanted && pages.length !== wanted.length)) {
  console.error(
    `[zhucun] --runs takes a whole number ≥ 1, --pages some of: ${PAGES.map((p) => p.id).join(", ")}.`,
  );
  process.exit(2);
}

const KB = 1000;
const failures: string[] = [];
/** A line as scripts/bench.ts prints it; a missed target is counted under `name`. */
const row = (label: string, value: string, target?: string, ok = true, name = label) => {
  console.log(
    `${ok ? "  " : "✗ "}${label.padEnd(44)} ${value.padStart(14)}${target ? `   (target ${target})` : ""}`,
  );
  if (!ok) failures.push(name);
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/**
 * CPU time so far (Linux jiffies, from /proc): all of the machine's busy time, and that of this
 * process and its descendants (the server, Chromium). The difference is what other programs took:
 * with simulated throttling Lighthouse multiplies the CPU time it observes, so a busy machine
 * inflates TBT, FCP and LCP and lowers the score.
 */
function cpuSnapshot() {
  const cpu = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.split(/\s+/).slice(1);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = cpu.map(Number) as number[];
  const busy = user! + nice! + system! + irq! + softirq! + steal!;
  const children = new Map<number, number[]>();
  const times = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const pid = Number(entry);
      const ppid = Number(fields[1]);
      // utime, stime, cutime, cstime: fields 14–17 of proc(5).
      times.set(
        pid,
        fields.slice(11, 15).reduce((sum, f) => sum + Number(f), 0),
      );
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    } catch {
      // The process ended while we looked.
    }
  }
  let ours = 0;
  const queue = [process.pid];
  while (queue.length) {
    const pid = queue.pop()!;
    ours += times.get(pid) ?? 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return { busy, total: busy + idle! + iowait!, ours };
}

/**
 * A 256 px PNG tile of about 17 KB (an OpenStreetMap tile of rural Shangyi weighs 10–30 KB): pale
 * land with a little noise, so it does not compress to nothing, and a few darker lines.
 */
function stubTile(): Buffer {
  const size = 256;
  const stride = size * 3 + 1;
  const raw = Buffer.alloc(stride * size);
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const shade =
        232 + Math.round((random() - 0.5) * 2) - (x % 64 < 3 || (x + y) % 97 < 2 ? 60 : 0);
      raw.set([shade, shade - 4, shade - 14], y * stride + 1 + x * 3);
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([head, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2], 8); // 8 bits a channel, RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", zlib.deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/**
 * A stand-in for the basemap's tile server (this machine cannot reach OpenStreetMap): every
 * `/{z}/{x}/{y}.png` answers the same tile, cached for a day as OSM's are. On a phone the map's
 * tiles are the largest things /map draws, so its LCP is a tile's; with the real server's tiles
 * failing, Lighthouse would time a line of text instead and count the failures.
 */
async function startTileServer(): Promise<{ template: string; server: http.Server }> {
  const tile = stubTile();
  const server = http.createServer((req, res) => {
    if (!/^\/\d+\/\d+\/\d+\.png$/.test(req.url ?? "")) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      "Content-Type": "image/png",
      "Content-Length": tile.length,
      "Cache-Control": "public, max-age=86400",
    });
    res.end(tile);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return { template: `http://127.0.0.1:${port}/{z}/{x}/{y}.png`, server };
}

/** The village the demo user's team serves, from the database. */
async function villageOf(database: string, username: string): Promise<string> {
  const db = openDatabase(database);
  try {
    // The database's own business date (a demo lives in 2018, app/utils/clock.ts).
    setClockOffset(await demoClockOffset(db));
    const on = today();
    const row = await db
      .selectFrom("users as u")
      .innerJoin("team_memberships as m", "m.cadre_id", "u.cadre_id")
      .innerJoin("teams as t", "t.id", "m.team_id")
      .select("t.village_id")
      .where("u.username", "=", username)
      .where(activeOn("m", on))
      .where(activeOn("t", on))
      .executeTakeFirst();
    if (!row) throw new Error(`${username} serves in no team in the demo database`);
    return row.village_id;
  } finally {
    await db.destroy();
  }
}

/** Signs in through the sign-in form, as the browser posts it; the session's Cookie header. */
async function signIn(origin: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${origin}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: origin },
    body: new URLSearchParams({ username, password, device: "on", redirectTo: "/" }),
  });
  await res.arrayBuffer();
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!.trim())
    .filter((pair) => !pair.endsWith("="))
    .join("; ");
  if (res.status !== 302 || !cookie) {
    throw new Error(`signing in as ${username} answered ${res.status}, no session cookie`);
  }
  // The cookie must open the role's start page (/me, /dashboard, /map), not the sign-in form.
  const start = await fetch(`${origin}/`, { redirect: "manual", headers: { Cookie: cookie } });
  await start.arrayBuffer();
  const to = start.headers.get("location") ?? "";
  if (start.status !== 302 || to.startsWith("/login")) {
    throw new Error(`/ with ${username}'s session answered ${start.status} ${to}`);
  }
  return cookie;
}

// ---------------------------------------------------------------------------------------------
// Lighthouse runs and what is read from them.

interface RunFigures {
  performance: number;
  accessibility: number;
  fcpMs: number;
  lcpMs: number;
  tbtMs: number;
  cls: number;
  bytes: number;
  /** Lighthouse's measure of this machine's CPU during the run (higher is faster). */
  benchmarkIndex: number;
}

interface FailingAudit {
  category: "performance" | "accessibility";
  id: string;
  title: string;
  score: number | null;
  value?: string;
  /** Elements (selectors) or resources (URLs) the audit names, with a short note each. */
  items: string[];
  moreItems: number;
}

interface Measurement {
  page: string;
  label: string;
  path: string;
  network: Network;
  /** The demo account, or null: signed out. */
  user: string | null;
  budget: Budget;
  /** Each figure's median, lowest and highest over the runs. */
  median: RunFigures;
  min: RunFigures;
  max: RunFigures;
  runs: RunFigures[];
  /** CPU cores other programs kept busy, on average, while these runs went on. */
  otherCores: number;
  /** The machine's load averages (1, 5, 15 min) before the first run and after the last. */
  loadBefore: number[];
  loadAfter: number[];
  /** The run whose audits are listed (the median performance score), 0-based. */
  auditedRun: number;
  missed: string[];
  failingAudits: FailingAudit[];
  /** Requests that failed or answered an error, in any run. */
  failedRequests: string[];
  /** Audits Lighthouse could not run (in any run), with the first error's message. */
  erroredAudits: Record<string, string>;
}

function figures(lhr: Result): RunFigures {
  const num = (id: string) => lhr.audits[id]?.numericValue ?? NaN;
  const score = (id: string) => Math.round((lhr.categories[id]?.score ?? NaN) * 100);
  return {
    performance: score("performance"),
    accessibility: score("accessibility"),
    fcpMs: num("first-contentful-paint"),
    lcpMs: num("largest-contentful-paint"),
    tbtMs: num("total-blocking-time"),
    cls: num("cumulative-layout-shift"),
    bytes: num("total-byte-weight"),
    benchmarkIndex: lhr.environment.benchmarkIndex ?? NaN,
  };
}

type Loose = Record<string, unknown>;
const isObject = (x: unknown): x is Loose => typeof x === "object" && x !== null;
const str = (x: unknown) => (typeof x === "string" ? x : undefined);

/** What an item costs, as Lighthouse gives it: time (saved, spent) or bytes. */
function cost(item: Loose): string {
  for (const key of ["wastedMs", "duration", "total", "timing"]) {
    const v = item[key];
    if (typeof v === "number") return ` (${Math.round(v)} ms${key === "wastedMs" ? " saved" : ""})`;
  }
  for (const key of ["wastedBytes", "transferSize"]) {
    const v = item[key];
    if (typeof v === "number") return ` (${(v / KB).toFixed(1)} KB)`;
  }
  return "";
}

/** One line for an item of an audit's details: the element's selector or the resource's URL. */
function describeItem(item: Loose, origin: string): string | null {
  const node = item.type === "node" ? item : isObject(item.node) ? item.node : null;
  const selector = node ? str(node.selector) : undefined;
  if (node && selector) {
    const label = str(node.nodeLabel)?.replace(/\s+/g, " ").slice(0, 60);
    const why = str(node.explanation)
      ?.split("\n")
      .map((l) => l.trim())
      .filter(Boolean)
      .find((l) => !/^Fix (any|all) of the following:?$/i.test(l));
    return [
      selector,
      // dom-size and a few others label an element with its selector again.
      label && !selector.startsWith(label) ? `"${label}"` : "",
      why ? `— ${why.slice(0, 200)}` : "",
    ]
      .filter(Boolean)
      .join(" ");
  }
  const url =
    str(item.url) ??
    (isObject(item.source) ? str(item.source.url) : undefined) ??
    (isObject(item.entity) ? str(item.entity.text) : undefined);
  if (url) return `${url.replace(origin, "")}${cost(item)}`;
  const text =
    str(item.label) ??
    str(item.groupLabel) ??
    str(item.phase) ??
    str(item.reason) ??
    str(item.description);
  return text ? `${text}${cost(item)}` : null;
}

/** The items an audit names, through lists of tables (the LCP element audit's shape). */
function auditItems(details: unknown, origin: string): string[] {
  if (!isObject(details)) return [];
  if (details.type === "list" && Array.isArray(details.items)) {
    return details.items.flatMap((d) => auditItems(d, origin));
  }
  if (!Array.isArray(details.items) || details.type === "criticalrequestchain") return [];
  return details.items
    .filter(isObject)
    .map((item) => describeItem(item, origin))
    .filter((line): line is string => Boolean(line));
}

/**
 * The audits to fix, from one run: every failing accessibility audit (all of its elements up to
 * 20); for performance the LCP element and its phases (when LCP missed its budget), then the
 * audits scoring below 0.9 other than the metrics themselves (the table has those), those with
 * the largest estimated savings first.
 */
function failingAudits(
  lhr: Result,
  origin: string,
  categories: Set<string>,
  lcpMissed: boolean,
): FailingAudit[] {
  const found: FailingAudit[] = [];
  const entry = (category: FailingAudit["category"], audit: Result["audits"][string]) => {
    const items = auditItems(audit.details, origin);
    const limit = category === "accessibility" ? 20 : 6;
    found.push({
      category,
      id: audit.id,
      title: audit.title,
      score: audit.score,
      value: audit.displayValue || undefined,
      items: items.slice(0, limit),
      moreItems: Math.max(0, items.length - limit),
    });
  };
  const lcpElement = lhr.audits["largest-contentful-paint-element"];
  if (categories.has("performance") && lcpMissed && lcpElement) entry("performance", lcpElement);
  for (const category of ["performance", "accessibility"] as const) {
    if (!categories.has(category)) continue;
    const savings = (audit: Result["audits"][string]) =>
      Object.values(audit.metricSavings ?? {})
        .filter((v): v is number => typeof v === "number")
        .reduce((s, v) => s + v, 0);
    const failing = (lhr.categories[category]?.auditRefs ?? [])
      .filter((ref) => ref.group !== "metrics" && ref.id !== "largest-contentful-paint-element")
      .map((ref) => lhr.audits[ref.id])
      .filter(
        (audit): audit is Result["audits"][string] =>
          audit !== undefined &&
          audit.score !== null &&
          audit.score < (category === "accessibility" ? 1 : 0.9) &&
          !["notApplicable", "informative", "manual"].includes(audit.scoreDisplayMode),
      )
      .sort((a, b) => savings(b) - savings(a) || (a.score ?? 0) - (b.score ?? 0));
    for (const audit of failing.slice(0, category === "accessibility" ? Infinity : 10)) {
      entry(category, audit);
    }
  }
  return found;
}

async function runLighthouse(
  chrome: LaunchedChrome,
  url: string,
  network: Network,
  headers: Record<string, string>,
): Promise<{ lhr: Result; html?: string; trace?: unknown }> {
  const config: Config = {
    extends: "lighthouse:default",
    settings: {
      onlyCategories: ["performance", "accessibility"],
      formFactor: "mobile",
      screenEmulation: SCREEN,
      throttlingMethod: method,
      throttling: NETWORKS[network],
    },
  };
  const result = await lighthouse(
    url,
    {
      port: chrome.port,
      output: values.reports ? "html" : "json",
      logLevel: "error",
      extraHeaders: headers,
    },
    config,
  );
  const lhr = result?.lhr;
  if (!lhr) throw new Error(`Lighthouse returned nothing for ${url}`);
  if (lhr.runtimeError) {
    throw new Error(`Lighthouse on ${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  }
  if (new URL(lhr.finalDisplayedUrl).pathname !== new URL(url).pathname) {
    throw new Error(`${url} ended at ${lhr.finalDisplayedUrl} (signed out?)`);
  }
  return {
    lhr,
    html: values.reports ? String(result.report) : undefined,
    trace: values.reports ? result.artifacts.Trace : undefined,
  };
}

/** Chromium for Lighthouse, its fonts warmed first unless --cold-fonts. */
async function startChromium(): Promise<LaunchedChrome> {
  const chrome = await launch({
    chromePath: CHROMIUM,
    chromeFlags: [
      "--headless=new",
      "--no-sandbox",
      "--disable-gpu",
      // Fonts are loaded per renderer process: one process for every tab, so the measured pages
      // draw with the fonts the warm-up loaded (see warmFonts). --cold-fonts keeps the default.
      ...(values["cold-fonts"]
        ? []
        : ["--renderer-process-limit=1", "--disable-site-isolation-trials"]),
    ],
    logLevel: "error",
  });
  if (!values["cold-fonts"]) await warmFonts(chrome);
  return chrome;
}

/**
 * Has Chromium draw Chinese text in regular and bold weights once, in a tab of its own that is
 * then closed (through the DevTools HTTP endpoint chrome-launcher opened), so the fonts are
 * loaded as on a phone. A data: URL: nothing of the app's is fetched or cached.
 */
async function warmFonts(chrome: LaunchedChrome): Promise<void> {
  const page =
    "data:text/html;charset=utf-8," +
    encodeURIComponent(
      '<!doctype html><html lang="zh-CN"><body style="font-family:sans-serif">' +
        "<p>驻村工作台 魏家村 服务个案 Zhucun</p><h1>我的驻村 看板 Village</h1></body></html>",
    );
  const devtools = `http://127.0.0.1:${chrome.port}/json`;
  const res = await fetch(`${devtools}/new?${page}`, { method: "PUT" });
  const target = (await res.json()) as { id: string };
  await sleep(1500);
  await (await fetch(`${devtools}/close/${target.id}`)).text();
}

/** Requests of the page that failed or answered 4xx/5xx: a broken page's figures mean little. */
function failedRequests(lhr: Result, origin: string): string[] {
  const details: unknown = lhr.audits["network-requests"]?.details;
  if (!isObject(details) || !Array.isArray(details.items)) return [];
  return details.items
    .filter(isObject)
    .filter((r) => typeof r.statusCode === "number" && (r.statusCode >= 400 || r.statusCode < 0))
    .map((r) => `${String(r.statusCode)} ${String(r.url).replace(origin, "")}`);
}

// ---------------------------------------------------------------------------------------------

if (!fs.existsSync(path.join(ROOT, "build", "index.js"))) {
  console.log("[zhucun] No production build: building it (npm run build).");
  execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
}
if (!fs.existsSync(CHROMIUM)) {
  console.error(`[zhucun] No Chromium at ${CHROMIUM} (set CHROMIUM_PATH).`);
  process.exit(2);
}

const dir = tempFolder("lighthouse");
const log = path.join(dir, "server.log");
let server: ServerGroup | undefined;
let tileServer: http.Server | undefined;
let chrome: LaunchedChrome | undefined;
const measurements: Measurement[] = [];
let exitCode = 0;
try {
  const buildStamp = () => fs.statSync(path.join(ROOT, "build", "index.js")).mtimeMs;
  const builtAt = buildStamp();
  const database = await seededDatabase(dir);
  const villageId = await villageOf(database, TEAM_MEMBER);
  const port = await freePortIn(...PORTS);
  const origin = `http://localhost:${port}`;
  const tiles = values.tiles === "stub" ? await startTileServer() : undefined;
  tileServer = tiles?.server;
  const out = fs.openSync(log, "a");
  server = spawnServer({
    port,
    stdio: ["ignore", out, out],
    env: {
      DATABASE_URL: database,
      SESSION_SECRET: "zhucun-bench-lighthouse-secret-0123456789abcdef",
      WEB_CONCURRENCY: "1",
      ...(tiles ? { MAP_TILES: "custom", MAP_TILE_URL: tiles.template } : { MAP_TILES: "none" }),
    },
  });
  fs.closeSync(out);
  await server.waitUntil(
    async () => {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, {
        signal: AbortSignal.timeout(2000),
      });
      await res.arrayBuffer();
      return res.ok;
    },
    120_000,
    () => `see ${log}`,
  );
  // One session per account the chosen pages are seen as.
  const cookies = new Map<string, string>();
  for (const user of new Set(pages.map((p) => p.user))) {
    if (user !== null) cookies.set(user, await signIn(origin, user, DEMO_PASSWORD));
  }
  chrome = await startChromium();

  console.log(
    `Lighthouse ${lighthouseVersion}, mobile ${SCREEN.width}×${SCREEN.height} px, ` +
      `${method === "simulate" ? "simulated" : "applied (devtools)"} throttling, median, lowest and highest of ${runs} run(s); Chinese (Accept-Language zh-CN); ` +
      `fonts ${values["cold-fonts"] ? "cold (--cold-fonts)" : "loaded first, as on a phone"}; ` +
      `${values["one-chromium"] ? "one Chromium for all runs" : "a fresh Chromium each run"}:`,
  );
  for (const page of pages) {
    for (const [network, budget] of Object.entries(page.budgets) as [Network, Budget][]) {
      const pagePath = page.path({ villageId });
      const headers: Record<string, string> = { "Accept-Language": "zh-CN,zh;q=0.9" };
      if (page.user !== null) headers.Cookie = cookies.get(page.user)!;
      const lhrs: Result[] = [];
      const htmls: (string | undefined)[] = [];
      const traces: unknown[] = [];
      const loadBefore = os.loadavg();
      const before = cpuSnapshot();
      for (let i = 0; i < runs; i++) {
        const { lhr, html, trace } = await runLighthouse(
          chrome,
          origin + pagePath,
          network,
          headers,
        );
        lhrs.push(lhr);
        htmls.push(html);
        traces.push(trace);
        await sleep(250);
        // Each run in a Chromium of its own (see "One Chromium per run" above).
        if (!values["one-chromium"]) {
          chrome.kill();
          chrome = await startChromium();
        }
      }
      const after = cpuSnapshot();
      const loadAfter = os.loadavg();
      const otherCores =
        Math.max(0, after.busy - before.busy - (after.ours - before.ours)) /
        ((after.total - before.total) / os.cpus().length);
      const all = lhrs.map(figures);
      const across = (pick: (xs: number[]) => number) =>
        Object.fromEntries(
          (Object.keys(all[0]!) as (keyof RunFigures)[]).map((key) => [
            key,
            pick(all.map((f) => f[key])),
          ]),
        ) as unknown as RunFigures;
      const med = across(median);
      const min = across((xs) => Math.min(...xs));
      const max = across((xs) => Math.max(...xs));
      // The run whose performance score is the median: the one whose audits are listed.
      const order = all.map((f, i) => [f.performance, i] as const).sort((a, b) => a[0] - b[0]);
      const auditedRun = order[Math.floor((order.length - 1) / 2)]![1];
      const lowestRun = order[0]![1];
      const medianRun = lhrs[auditedRun]!;
      const failed = [...new Set(lhrs.flatMap((lhr) => failedRequests(lhr, origin)))];
      const erroredAudits: Record<string, string> = {};
      for (const lhr of lhrs) {
        for (const audit of Object.values(lhr.audits)) {
          if (audit.scoreDisplayMode === "error") {
            erroredAudits[audit.id] ??= audit.errorMessage ?? "";
          }
        }
      }
      if (values.reports) {
        fs.mkdirSync(values.reports, { recursive: true });
        const base = path.join(values.reports, `${page.id}-${network.replace(/\s+/g, "")}`);
        for (const [suffix, i] of [
          ["", auditedRun],
          ["-lowest", lowestRun],
        ] as const) {
          fs.writeFileSync(`${base}${suffix}.html`, htmls[i] ?? "");
          fs.writeFileSync(`${base}${suffix}.json`, JSON.stringify(lhrs[i]));
          fs.writeFileSync(`${base}${suffix}.trace.json`, JSON.stringify(traces[i]));
        }
      }

      const name = `${page.label}, ${network}`;
      console.log(`\n${name}: ${pagePath}${page.user ? ` (as ${page.user})` : ""}`);
      const missed: string[] = [];
      const check = (label: string, value: string, target: string | undefined, ok: boolean) => {
        row(label, value, target, ok, `${name}: ${label}`);
        if (!ok) missed.push(label);
      };
      const spread = (key: keyof RunFigures, show: (x: number) => string) =>
        runs > 1 ? ` [${show(min[key])}–${show(max[key])}]` : "";
      const secs = (ms: number) => (ms / 1000).toFixed(2);
      check(
        "performance score [lowest–highest]",
        `${med.performance}${spread("performance", String)}`,
        budget.performance !== undefined ? `≥ ${budget.performance}` : undefined,
        budget.performance === undefined || med.performance >= budget.performance,
      );
      check(
        "accessibility score",
        String(med.accessibility),
        budget.accessibility !== undefined ? `≥ ${budget.accessibility}` : undefined,
        budget.accessibility === undefined || med.accessibility >= budget.accessibility,
      );
      check(
        "first contentful paint",
        `${seconds(med.fcpMs)}${spread("fcpMs", secs)}`,
        budget.fcpMs !== undefined ? `≤ ${seconds(budget.fcpMs)}` : undefined,
        budget.fcpMs === undefined || med.fcpMs <= budget.fcpMs,
      );
      check(
        "largest contentful paint",
        `${seconds(med.lcpMs)}${spread("lcpMs", secs)}`,
        budget.lcpMs !== undefined ? `≤ ${seconds(budget.lcpMs)}` : undefined,
        budget.lcpMs === undefined || med.lcpMs <= budget.lcpMs,
      );
      row(
        "total blocking time",
        `${med.tbtMs.toFixed(0)} ms${spread("tbtMs", (x) => x.toFixed(0))}`,
      );
      row("cumulative layout shift", med.cls.toFixed(3));
      row("transferred", `${(med.bytes / KB).toFixed(1)} KB`);
      row("CPU taken by other programs meanwhile", `${otherCores.toFixed(2)} cores`);
      row(
        "load average before → after",
        `${loadBefore[0]!.toFixed(2)} → ${loadAfter[0]!.toFixed(2)}`,
      );
      check("failed requests (any run)", String(failed.length), "none", failed.length === 0);
      if (runs > 1) {
        row(`performance of ${runs} runs`, all.map((f) => f.performance).join(" / "));
        row(`FCP of ${runs} runs`, all.map((f) => secs(f.fcpMs)).join(" / ") + " s");
        row(`TBT of ${runs} runs`, all.map((f) => f.tbtMs.toFixed(0)).join(" / ") + " ms");
        row(
          `CPU benchmark index of ${runs} runs`,
          all.map((f) => f.benchmarkIndex.toFixed(0)).join(" / "),
        );
        const below = all.filter(
          (f) => budget.performance !== undefined && f.performance < budget.performance,
        ).length;
        if (below && med.performance >= (budget.performance ?? 0)) {
          console.log(
            `  (${below} of ${runs} runs scored below ${budget.performance}: the budget is judged on the median; see bench/RESULTS.md on the spread)`,
          );
        }
      }
      const categories = new Set<string>();
      if (missed.includes("accessibility score")) categories.add("accessibility");
      if (missed.some((m) => m !== "accessibility score")) categories.add("performance");
      measurements.push({
        page: page.id,
        label: page.label,
        path: pagePath,
        network,
        user: page.user,
        budget,
        median: med,
        min,
        max,
        runs: all,
        otherCores,
        loadBefore,
        loadAfter,
        failedRequests: failed,
        erroredAudits,
        auditedRun,
        missed,
        failingAudits: failingAudits(
          medianRun,
          origin,
          categories,
          missed.includes("largest contentful paint"),
        ),
      });
    }
  }

  const failing = measurements.filter((m) => m.missed.length);
  if (failing.length) {
    console.log("\nFailing audits, from each page's run with the median performance score:");
    for (const m of failing) {
      const run = m.runs[m.auditedRun]!;
      console.log(
        `\n✗ ${m.label}, ${m.network} (${m.path}): ${m.missed.join(", ")}` +
          ` — run ${m.auditedRun + 1}: performance ${run.performance}, LCP ${seconds(run.lcpMs)}`,
      );
      for (const a of m.failingAudits) {
        const value = a.value ? ` — ${a.value}` : "";
        console.log(`    ${a.category}: ${a.id} — ${a.title}${value}`);
        for (const item of a.items) console.log(`        ${item}`);
        if (a.moreItems) console.log(`        … and ${a.moreItems} more`);
        if (a.id === "largest-contentful-paint-element" && !a.items.length) {
          console.log(
            m.erroredAudits[a.id] !== undefined
              ? "        (Lighthouse could not run this audit: see below)"
              : "        (Lighthouse found no element for it in this run)",
          );
        }
      }
      for (const request of m.failedRequests) console.log(`    failed request: ${request}`);
    }
  }
  if (measurements.length && runs > 1) {
    // The table of bench/RESULTS.md: medians, and the lowest–highest of the runs.
    const range = (m: Measurement, key: keyof RunFigures, show: (x: number) => string) =>
      `${show(m.median[key])} (${show(m.min[key])}–${show(m.max[key])})`;
    const secs = (ms: number) => (ms / 1000).toFixed(2);
    console.log(
      `\nMedians (lowest–highest) of ${runs} runs; times in seconds, TBT in ms:\n` +
        "| page | network | performance | accessibility | FCP | LCP | TBT | load avg (1 min) |\n" +
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    );
    for (const m of measurements) {
      console.log(
        `| ${m.label}${m.user ? ` (${m.user})` : ""} | ${m.network} | ` +
          `${range(m, "performance", String)} | ${m.median.accessibility} | ` +
          `${range(m, "fcpMs", secs)} | ${range(m, "lcpMs", secs)} | ` +
          `${range(m, "tbtMs", (x) => x.toFixed(0))} | ` +
          `${m.loadBefore[0]!.toFixed(2)} → ${m.loadAfter[0]!.toFixed(2)} |`,
      );
    }
  }
  const indices = measurements.flatMap((m) => m.runs.map((r) => r.benchmarkIndex));
  if (indices.length && indices.every(Number.isFinite)) {
    const lowest = Math.min(...indices);
    console.log(
      `\nLighthouse's CPU benchmark index of this machine: ${lowest.toFixed(0)}–${Math.max(...indices).toFixed(0)} over the runs` +
        (lowest < 1000 ? " (below 1000: CPU × 4 overstates a mid-range phone's slowness)" : ""),
    );
  }
  const busiest = Math.max(0, ...measurements.map((m) => m.otherCores));
  if (busiest > 0.25) {
    console.log(
      `Other programs kept up to ${busiest.toFixed(2)} of ${os.cpus().length} cores busy during the runs: ` +
        "TBT, FCP and LCP are inflated (Lighthouse multiplies the CPU time it sees). Run again on an idle machine.",
    );
  }
  const errored = new Map<string, string>();
  for (const m of measurements) {
    for (const [id, message] of Object.entries(m.erroredAudits)) errored.set(id, message);
  }
  if (errored.size) {
    console.log(
      `Lighthouse ${lighthouseVersion} could not run ${errored.size} audit(s) with this Chromium: ` +
        `${[...errored.keys()].join(", ")} (${[...errored.values()][0]!.slice(0, 160)}).`,
    );
  }
  if (buildStamp() !== builtAt) {
    console.log(
      "The production build changed while these pages were measured (someone rebuilt): " +
        "the figures may mix two builds. Run again.",
    );
  }
  if (values.reports) {
    console.log(
      `Lighthouse reports and traces (each page's median and lowest run) in ${values.reports}.`,
    );
  }
  if (values.json) {
    fs.writeFileSync(
      values.json,
      JSON.stringify(
        {
          date: new Date().toISOString(),
          machine: { cores: os.cpus().length, node: process.version },
          users: Object.fromEntries(pages.map((p) => [p.id, p.user])),
          loadAverageAtEnd: os.loadavg(),
          screen: SCREEN,
          runsPerPage: runs,
          fontsWarmedFirst: !values["cold-fonts"],
          chromiumPerRun: !values["one-chromium"],
          throttlingMethod: method,
          networks: NETWORKS,
          measurements,
        },
        null,
        2,
      ) + "\n",
    );
    console.log(`Figures written to ${values.json}.`);
  }
  if (failures.length) {
    console.log(`\n${failures.length} Lighthouse target(s) missed: ${failures.join("; ")}`);
    exitCode = 1;
  } else {
    console.log("\nAll Lighthouse targets met.");
  }
} catch (error) {
  console.error(`[zhucun] Lighthouse bench failed: ${(error as Error).message}`);
  exitCode = 2;
} finally {
  chrome?.kill();
  await server?.stop();
  tileServer?.close();
  if (values.keep || exitCode === 2) console.log(`[zhucun] Files kept in ${dir}`);
  else fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);
