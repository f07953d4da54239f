/**
 * Every page over HTTP, as a browser gets it: the production server (one worker) on a database,
 * signed in, each page asked for `--runs` times after a warm-up. Per page: the median and p90
 * answer time, the median time to the body's first byte (an export that streams sends it long
 * before its last), the server's CPU per request (the worker's and supervisor's CPU time from
 * /proc, over the runs: the stable figure on a shared machine), the worker's highest resident
 * memory while the page was asked for (sampled every 50 ms), the HTML's bytes raw and gzip, and
 * the most rows the page draws at once (table rows, list items or board cards, whichever is most).
 *
 * The pages are the built route manifest's GET routes (so a new page is measured without being
 * listed), their parameters filled with real ids of the database, plus the query variants that
 * show the most (a whole county's list, a board's every card).
 *
 *   npx tsx scripts/bench-pages.ts --data province [--runs 5] [--warm-ups 1] [--json out.json] [--only /teams]
 *   npx tsx scripts/bench-pages.ts --data demo
 *   npx tsx scripts/bench-pages.ts --data demo --reference --only /boards   # × the bare page, same run
 *
 * Used by scripts/bench.ts, which holds the budgets; prints a table and (with --json) the figures.
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import SQLite from "better-sqlite3";
import { migrateToLatest, openDatabase } from "../db/connection";
import { seedDemo } from "../db/seed/seed-demo";
import { DEMO_PASSWORD } from "../db/seed/demo-accounts";
import { loadRouteManifest } from "../tests/e2e/route-manifest";
import { PROVINCE_ACCOUNTS, writeProvinceData } from "./province-data";
import { benchPort, freePort, groupProcesses, ROOT, sleep, spawnServer } from "./server-process";

export interface PageFigure {
  role: string;
  url: string;
  status: number;
  medianMs: number;
  p90Ms: number;
  /** Median time to the body's first byte. */
  ttfbMs: number;
  cpuMs: number;
  /** The worker's highest RSS while the page's runs went on. */
  peakRssMiB: number;
  bytes: number;
  gzipBytes: number;
  rows: number;
}

/** The accounts the bench signs in as: the province's own, or the demo's of the same roles. */
type BenchRole = "county" | "township" | "team";
const ACCOUNTS: Record<"demo" | "province", Record<BenchRole, string>> = {
  province: PROVINCE_ACCOUNTS,
  demo: { county: "county", township: "daqinggou", team: "weijia" },
};

interface Ids {
  villageId: string;
  townshipId: string;
  teamId: string;
  householdId: string;
  cardId: string;
  cadreId: string;
  noticeId: string | null;
  userId: string;
  week: string | null;
}

export async function makeBenchDatabase(kind: "demo" | "province", dir: string): Promise<string> {
  const file = path.join(dir, `${kind}.db`);
  fs.rmSync(file, { force: true });
  const db = openDatabase(file);
  await migrateToLatest(db);
  if (kind === "demo") await seedDemo(db, { clock: "real" });
  else await writeProvinceData(db, 8000);
  await db.destroy();
  return file;
}

function idsOf(file: string, teamAccount: string): Ids {
  const db = new SQLite(file, { readonly: true });
  try {
    const one = <T>(sql: string, ...args: string[]): T => db.prepare(sql).get(...args) as T;
    const user = one<{ id: string; cadre_id: string }>(
      "select id, cadre_id from users where username = ?",
      teamAccount,
    );
    const team = one<{ id: string; village_id: string }>(
      `select t.id, t.village_id from teams t join team_memberships m on m.team_id = t.id
       where m.cadre_id = ? and t.ended_on is null and m.ended_on is null`,
      user.cadre_id,
    );
    const village = one<{ township_id: string }>(
      "select township_id from villages where id = ?",
      team.village_id,
    );
    return {
      villageId: team.village_id,
      townshipId: village.township_id,
      teamId: team.id,
      householdId: one<{ id: string }>(
        "select id from households where village_id = ? order by id limit 1",
        team.village_id,
      ).id,
      cardId: one<{ id: string }>(
        "select id from cards where village_id = ? order by id limit 1",
        team.village_id,
      ).id,
      cadreId: user.cadre_id,
      userId: user.id,
      noticeId: one<{ id: string } | undefined>("select id from notices limit 1")?.id ?? null,
      week:
        one<{ week_of: string } | undefined>(
          "select week_of from weekly_reports order by week_of desc limit 1",
        )?.week_of ?? null,
    };
  } finally {
    db.close();
  }
}

/** Pages that are not pages (sign-in, files by id, redirects) or that the bench times elsewhere. */
const SKIP = new Set([
  "/",
  "/login",
  "/logout",
  "/locale",
  "/banner",
  "/healthz",
  "/*",
  "/admin/audit/archives/:archiveId",
  "/villages/:villageId/exit-files/:fileId",
]);

/** Query variants that show the most of a page. */
const VARIANTS: Record<string, string[]> = {
  "/boards/:board": ["?all=1"],
  "/dashboard/villages": ["?figure=all"],
  "/admin/audit": [],
};

async function pageUrls(ids: Ids): Promise<string[]> {
  const routes = await loadRouteManifest();
  const fill: Record<string, string[]> = {
    villageId: [ids.villageId],
    townshipId: [ids.townshipId],
    teamId: [ids.teamId],
    householdId: [ids.householdId],
    cardId: [ids.cardId],
    cadreId: [ids.cadreId],
    userId: [ids.userId],
    noticeId: ids.noticeId ? [ids.noticeId] : [],
    week: ids.week ? [ids.week] : [],
    board: ["projects", "cases"],
    kind: ["townships", "units", "villages", "cadres", "teams"],
    id: [ids.villageId],
  };
  const urls = new Set<string>();
  for (const route of routes) {
    if (!route.pattern || !route.hasLoader || SKIP.has(route.pattern)) continue;
    if (route.id.startsWith("routes/_app.admin.$kind.$id")) continue; // one record's editor
    let expanded = [route.pattern];
    for (const param of route.params) {
      const values = fill[param] ?? [];
      expanded = expanded.flatMap((url) => values.map((v) => url.replace(`:${param}`, v)));
    }
    for (const url of expanded) {
      urls.add(url);
      for (const variant of VARIANTS[route.pattern] ?? []) urls.add(url + variant);
    }
  }
  return [...urls].sort();
}

/** Rows drawn at once: table rows, list items or cards, whichever the page has most of. */
export function rowsOf(html: string): number {
  const count = (re: RegExp) => html.match(re)?.length ?? 0;
  return Math.max(count(/<tr[\s>]/g), count(/<li[\s>]/g), count(/<option[\s>]/g) / 4);
}

async function signIn(origin: string, username: string): Promise<string> {
  const response = await fetch(`${origin}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: origin },
    body: new URLSearchParams({ username, password: DEMO_PASSWORD, redirectTo: "/me" }),
  });
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  if (response.status !== 302 || !cookie) {
    throw new Error(`sign-in as ${username}: ${response.status} ${await response.text()}`);
  }
  return cookie;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.9) - 1]!;

export async function measurePages(options: {
  /** The data set as a SQLite file: its ids fill the pages' parameters. */
  file: string;
  /** What the server opens (DATABASE_URL), when not the file itself: e.g. a PostgreSQL copy of it. */
  database?: string;
  /**
   * The database server's CPU seconds so far (PostgreSQL's processes), counted into each page's
   * server CPU with the app's: on SQLite the engine runs inside the worker and is counted there.
   */
  databaseCpu?: () => number;
  data: "demo" | "province";
  runs: number;
  /**
   * Requests of each page before its runs are timed (the first included). The county demo's pages
   * are compared with the bare page, which is asked for 5 times first: the same for both.
   */
  warmUps?: number;
  roles: BenchRole[];
  only?: string;
  /** After the pages: these, as the first role, from 10 connections for 5 s. */
  load?: string[];
  log?: (line: string) => void;
}): Promise<{ figures: PageFigure[]; load: Awaited<ReturnType<typeof loadPages>> | null }> {
  const accounts = ACCOUNTS[options.data];
  const ids = idsOf(options.file, accounts.team);
  const urls = (await pageUrls(ids)).filter((u) => !options.only || u.startsWith(options.only));
  const server = await startBenchServer(
    options.database ?? options.file,
    path.dirname(options.file),
  );
  const { origin } = server;
  const cpu = () => server.cpu() + (options.databaseCpu?.() ?? 0);
  const figures: PageFigure[] = [];
  let load: Awaited<ReturnType<typeof loadPages>> | null = null;
  try {
    for (const role of options.roles) {
      const cookie = await signIn(origin, accounts[role]);
      for (const url of urls) {
        const get = () => fetch(origin + url, { headers: { Cookie: cookie }, redirect: "manual" });
        const first = await get();
        const body = Buffer.from(await first.arrayBuffer());
        if (first.status !== 200) {
          figures.push({
            role,
            url,
            status: first.status,
            medianMs: 0,
            p90Ms: 0,
            ttfbMs: 0,
            cpuMs: 0,
            peakRssMiB: 0,
            bytes: 0,
            gzipBytes: 0,
            rows: 0,
          });
          continue;
        }
        for (let i = 1; i < (options.warmUps ?? 1); i++) await (await get()).arrayBuffer();
        const times: number[] = [];
        const firstBytes: number[] = [];
        await sleep(20);
        const cpuBefore = cpu();
        const peak = server.watchRss();
        for (let i = 0; i < options.runs; i++) {
          const started = performance.now();
          const response = await get();
          const reader = response.body!.getReader();
          let first: number | null = null;
          while (!(await reader.read()).done) first ??= performance.now() - started;
          times.push(performance.now() - started);
          firstBytes.push(first ?? performance.now() - started);
        }
        const cpuMs = ((cpu() - cpuBefore) * 1000) / options.runs;
        const peakRssMiB = peak.stop();
        const isHtml = (first.headers.get("content-type") ?? "").includes("html");
        const figure: PageFigure = {
          role,
          url,
          status: first.status,
          medianMs: median(times),
          p90Ms: p90(times),
          ttfbMs: median(firstBytes),
          cpuMs,
          peakRssMiB,
          bytes: body.length,
          gzipBytes: gzipSync(body).length,
          rows: isHtml ? rowsOf(body.toString("utf8")) : 0,
        };
        figures.push(figure);
        options.log?.(
          `${role.padEnd(9)} ${url.replace(/[A-Za-z0-9_-]{16,}/g, "…").padEnd(44)} ${figure.medianMs.toFixed(0).padStart(6)} ms ${figure.ttfbMs.toFixed(0).padStart(6)} ms 1st byte ${figure.cpuMs.toFixed(0).padStart(6)} ms cpu ${figure.peakRssMiB.toFixed(0).padStart(4)} MiB ${(figure.gzipBytes / 1000).toFixed(1).padStart(8)} KB gz ${String(figure.rows).padStart(6)} rows`,
        );
      }
    }
    if (options.load?.length) {
      const cookie = await signIn(origin, accounts[options.roles[0]!]);
      load = await loadPages(origin, cookie, options.load);
    }
  } finally {
    await server.stop();
  }
  return { figures, load };
}

/**
 * The production server (one worker) on a database (a SQLite file or a PostgreSQL URL), on a free
 * loopback port: its origin, its CPU time so far (worker and supervisor, from /proc), a session for
 * an account, and stop(). Its log goes to `logDir` (default: the SQLite file's folder).
 */
export async function startBenchServer(database: string, logDir = path.dirname(database)) {
  const port = await benchPort();
  const logFile = path.join(logDir, "server.log");
  const out = fs.openSync(logFile, "w");
  const server = spawnServer({
    port,
    stdio: ["ignore", out, out],
    env: {
      DATABASE_URL: database,
      WEB_CONCURRENCY: "1",
      SESSION_SECRET: "bench-pages-0123456789abcdef0123456789ab",
    },
  });
  const origin = `http://127.0.0.1:${port}`;
  await server.waitUntil(
    async () => (await fetch(`${origin}/healthz`)).ok,
    60_000,
    () => logFile,
  );
  const workerRssMiB = () =>
    Math.max(
      0,
      ...server
        .processes()
        .filter((p) => p.role === "worker")
        .map((p) => p.rssKiB),
    ) / 1024;
  return {
    origin,
    /** Samples the worker's RSS every 50 ms until stop(), which returns the highest seen. */
    watchRss: () => {
      let highest = workerRssMiB();
      const timer = setInterval(() => (highest = Math.max(highest, workerRssMiB())), 50);
      return {
        stop: () => {
          clearInterval(timer);
          return Math.max(highest, workerRssMiB());
        },
      };
    },
    cpu: () =>
      server
        .processes()
        .filter((p) => p.role === "worker" || p.role === "supervisor")
        .reduce((sum, p) => sum + p.cpuSeconds, 0),
    /** The session cookie's value after signing in as `username`. */
    session: async (username: string) =>
      (await signIn(origin, username)).replace(/^.*zhucun_session=([^;]*).*$/, "$1"),
    stop: async () => {
      await server.stop();
      fs.closeSync(out);
    },
  };
}

/**
 * The reference: bench/reference, a bare Remix app of one route (Kysely + better-sqlite3, the
 * villages as a table), built and served (Express + compression, as remix-serve) on the same
 * database; its CPU per request, asked for as the pages are.
 */
export async function measureReference(file: string, runs: number) {
  const dir = path.join(ROOT, "bench", "reference");
  execFileSync(path.join(ROOT, "node_modules", ".bin", "remix"), ["build"], {
    cwd: dir,
    stdio: "ignore",
    env: { ...process.env, NODE_ENV: "production" },
  });
  const port = await freePort();
  const child = spawn(process.execPath, ["server.mjs"], {
    cwd: dir,
    detached: true,
    stdio: "ignore",
    env: { ...process.env, NODE_ENV: "production", DATABASE_URL: file, PORT: String(port) },
  });
  const origin = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; i < 100; i++) {
      if (
        await fetch(origin).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await sleep(100);
    }
    const cpu = () => groupProcesses(child.pid!).reduce((sum, p) => sum + p.cpuSeconds, 0);
    for (let i = 0; i < 5; i++) await (await fetch(origin)).arrayBuffer();
    const times: number[] = [];
    const before = cpu();
    let bytes = 0;
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      bytes = (await (await fetch(origin)).arrayBuffer()).byteLength;
      times.push(performance.now() - started);
    }
    return {
      medianMs: median(times),
      cpuMs: ((cpu() - before) * 1000) / runs,
      bytes,
      rows: rowsOf(await (await fetch(origin)).text()),
    };
  } finally {
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      // gone
    }
  }
}

/**
 * `connections` clients asking for the URLs in turn for `seconds`: requests a second and the
 * answer times' median and 99th percentile (every answer must be a 200).
 */
export async function loadPages(
  origin: string,
  cookie: string,
  urls: string[],
  connections = 10,
  seconds = 5,
) {
  const until = performance.now() + seconds * 1000;
  const times: number[] = [];
  let failed = 0;
  await Promise.all(
    Array.from({ length: connections }, async (_, c) => {
      for (let i = c; performance.now() < until; i++) {
        const started = performance.now();
        const response = await fetch(origin + urls[i % urls.length]!, {
          headers: { Cookie: cookie, "Accept-Encoding": "gzip" },
        });
        await response.arrayBuffer();
        if (response.status !== 200) failed++;
        times.push(performance.now() - started);
      }
    }),
  );
  const sorted = [...times].sort((a, b) => a - b);
  return {
    requests: times.length,
    perSecond: times.length / seconds,
    p50Ms: sorted[Math.floor(sorted.length / 2)] ?? 0,
    p99Ms: sorted[Math.ceil(sorted.length * 0.99) - 1] ?? 0,
    failed,
  };
}

if (process.argv[1]?.endsWith("bench-pages.ts")) {
  const { values } = parseArgs({
    options: {
      data: { type: "string", default: "province" },
      database: { type: "string" },
      runs: { type: "string", default: "5" },
      "warm-ups": { type: "string", default: "1" },
      json: { type: "string" },
      only: { type: "string" },
      roles: { type: "string", default: "county,township,team" },
      /** Also the bare Remix page (bench/reference) on the same database, and each page's × it. */
      reference: { type: "boolean", default: false },
    },
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zhucun-bench-pages-"));
  let file = values.database;
  if (!file) file = await makeBenchDatabase(values.data as "demo" | "province", dir);
  else if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const made = await makeBenchDatabase(values.data as "demo" | "province", dir);
    fs.copyFileSync(made, file);
  }
  const reference = values.reference
    ? await measureReference(path.resolve(ROOT, file), 40)
    : undefined;
  if (reference) {
    console.log(
      `reference (bare Remix page): ${reference.cpuMs.toFixed(1)} ms cpu, ${reference.medianMs.toFixed(1)} ms median`,
    );
  }
  const { figures } = await measurePages({
    file: path.resolve(ROOT, file),
    data: values.data as "demo" | "province",
    runs: Number(values.runs),
    warmUps: Number(values["warm-ups"]),
    roles: values.roles!.split(",") as BenchRole[],
    only: values.only,
    log: (line) => console.log(line),
  });
  if (reference) {
    for (const f of figures.filter((f) => f.status === 200)) {
      console.log(
        `${f.role.padEnd(9)} ${f.url.replace(/[A-Za-z0-9_-]{16,}/g, "…").padEnd(44)} ${(f.cpuMs / reference.cpuMs).toFixed(1).padStart(5)}× the bare page`,
      );
    }
  }
  if (values.json) fs.writeFileSync(values.json, JSON.stringify(figures, null, 2));
}
