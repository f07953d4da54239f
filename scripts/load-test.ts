/**
 * npm run test:load — the whole county at work at once: every serving cadre (267 in the demo)
 * signed in and using the app for 60 s against the production server (`tsx scripts/server.ts`,
 * two workers, as the deployment guide runs it on two cores) on a throwaway copy of a freshly seeded database on a free loopback port. Not part
 * of `npm test`; docs/deployment.md has the figures it measured.
 *   npm run test:load -- [--users 267] [--seconds 60] [--ramp 30] [--think 5-15] [--workers 2] [--keep]
 *   npm run test:load -- --users 50 --seconds 10          (a smoke check)
 *   npm run test:load -- --engine postgres                (on a throwaway PostgreSQL cluster)
 * --think is the pause between a cadre's clicks in seconds (a range); --workers the server's
 * WEB_CONCURRENCY; --keep leaves the temp folder (database, server log) behind. The default pace
 * is a person's: a cadre reads a page or types a log entry before the next click (5–15 s), and
 * the county's cadres sign in over half a minute, not all in the same second (most stay signed
 * in on their own phones for weeks). `--think 1-3 --ramp 10` is a stress test beyond that.
 *
 * Each virtual cadre is a browser without JavaScript (full pages, cookies, the Origin header,
 * gzip): it signs in — the sign-ins spread over --ramp seconds, since argon2 checks queue behind
 * a per-process gate — opens /me, checks in once, then until the time is up waits (the think
 * time) and opens /me, their village, one of its boards or the team's work log, or writes a
 * work-log entry (then loads the page the form redirects to). Static assets are not fetched: a
 * browser has them cached (fingerprinted, immutable).
 *
 * Reported: requests, errors (any 5xx, network error or timeout after 30 s, or a status other than
 * the expected one — a 4xx included), p50/p95/p99 latency per kind of request, the server's peak
 * RSS (sampled from /proc every 250 ms) and whether every acknowledged work-log entry is in the
 * database. Exits 1 on any error. The load generator runs on the same machine and takes some of
 * its CPU: the figures are a lower bound of what the server alone can do.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { newId } from "../db/ids";
import {
  Browser,
  type CadreLogin,
  cadreAccounts,
  type Reply,
  requireBuild,
  seededDatabase,
  oneEngine,
  runDatabase,
  startServer,
  tempFolder,
  workLogBodies,
  workLogForm,
} from "./crash-test";
import { benchPort, groupProcesses, sleep } from "./server-process";

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "267" },
    seconds: { type: "string", default: "60" },
    ramp: { type: "string", default: "30" },
    think: { type: "string", default: "5-15" },
    workers: { type: "string", default: "2" },
    engine: { type: "string", default: "sqlite" },
    keep: { type: "boolean", default: false },
  },
});
const engine = oneEngine(values.engine);
const users = Number(values.users);
const seconds = Number(values.seconds);
const ramp = Number(values.ramp);
const [thinkMin, thinkMax] = values.think.split("-").map(Number) as [number, number?];
const workers = Number(values.workers);
if (
  !(users >= 1 && seconds > 0 && ramp >= 0 && thinkMin >= 0 && workers >= 1) ||
  !((thinkMax ?? thinkMin) >= thinkMin)
) {
  console.error(
    "[zhucun] --users, --seconds, --ramp and --workers take positive numbers, --think seconds as 1-3.",
  );
  process.exit(2);
}
requireBuild();

const KINDS = ["sign-in", "me", "check-in", "village", "board", "logs", "write-log"] as const;
type Kind = (typeof KINDS)[number];
const latencies = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
const errors: string[] = [];
let requests = 0;
const run = newId().slice(0, 6);
const markers: string[] = [];

const dir = tempFolder("load");
const log = path.join(dir, "server.log");
console.log(
  `[zhucun] Load test: ${users} cadres for ${seconds} s, sign-ins over ${ramp} s, think time ${values.think} s, ` +
    `${workers} server worker(s), ${engine} (files in ${dir})`,
);
const place = await runDatabase(engine, dir);
const database = await seededDatabase(dir, place.location);
const logins = await cadreAccounts(database, users);
if (logins.length < users) {
  console.warn(`[zhucun] The database has ${logins.length} serving cadres: that many take part.`);
}
const server = await startServer({
  database,
  port: await benchPort(),
  log,
  env: { WEB_CONCURRENCY: String(workers) },
});
console.log(`[zhucun] Server up on ${server.origin} in ${server.startSeconds.toFixed(1)} s.`);

/**
 * One request as a cadre's browser makes it: timed, counted, and judged against what it must
 * answer (`expect`: a status, and for a redirect where it leads). Returns the reply, or null.
 */
async function visit(
  browser: Browser,
  kind: Kind,
  method: "GET" | "POST",
  url: string,
  expect: { status: number; location?: RegExp },
  form?: Record<string, string>,
): Promise<Reply | null> {
  requests += 1;
  try {
    const reply = await browser.request(method, url, form);
    latencies.get(kind)!.push(reply.ms);
    const ok =
      reply.status === expect.status &&
      (!expect.location || expect.location.test(reply.location ?? ""));
    if (!ok) {
      errors.push(`${kind} ${method} ${url}: ${reply.status} ${reply.location ?? ""}`.trim());
      return null;
    }
    return reply;
  } catch (error) {
    errors.push(`${kind} ${method} ${url}: ${(error as Error).name} ${(error as Error).message}`);
    return null;
  }
}

/** A pause between clicks, cut short when the time is up. */
const think = (endAt: number) =>
  sleep(
    Math.min(
      1000 * (thinkMin + Math.random() * ((thinkMax ?? thinkMin) - thinkMin)),
      endAt - Date.now(),
    ),
  );

/** One cadre's minute: sign in, check in, then browse and write until the time is up. */
async function cadre(login: CadreLogin, startAt: number, endAt: number) {
  await sleep(startAt - Date.now());
  const browser = new Browser(server.origin);
  const signedIn = await visit(
    browser,
    "sign-in",
    "POST",
    "/login",
    { status: 302, location: /^\/me$/ },
    { username: login.username, password: login.password, device: "on", redirectTo: "/me" },
  );
  if (!signedIn) return;
  await visit(browser, "me", "GET", "/me", { status: 200 });
  await think(endAt);
  const checkedIn = await visit(
    browser,
    "check-in",
    "POST",
    "/me",
    { status: 302, location: /saved=check-in/ },
    { intent: "check-in" },
  );
  if (checkedIn) await visit(browser, "me", "GET", checkedIn.location!, { status: 200 });
  let n = 0;
  while (Date.now() < endAt) {
    await think(endAt);
    if (Date.now() >= endAt) break;
    const dice = Math.random();
    if (dice < 0.3) {
      await visit(browser, "me", "GET", "/me", { status: 200 });
    } else if (dice < 0.55) {
      await visit(browser, "village", "GET", `/villages/${login.villageId}`, { status: 200 });
    } else if (dice < 0.75) {
      const board = dice < 0.65 ? "projects" : "cases";
      await visit(browser, "board", "GET", `/villages/${login.villageId}/${board}`, {
        status: 200,
      });
    } else if (dice < 0.85) {
      await visit(browser, "logs", "GET", `/teams/${login.teamId}/logs`, { status: 200 });
    } else {
      const marker = `load-${run}-${login.username}-${n++}`;
      const saved = await visit(
        browser,
        "write-log",
        "POST",
        `/teams/${login.teamId}/logs`,
        { status: 302, location: /saved=log/ },
        workLogForm(`今天走访了三户，了解春耕准备情况。${marker}`),
      );
      if (saved) {
        markers.push(marker);
        await visit(browser, "logs", "GET", saved.location!, { status: 200 });
      }
    }
  }
}

// The server's memory, every 250 ms: its worker and all its processes together.
const baseline = groupProcesses(server.pgid);
const peak = { workerKiB: 0, totalKiB: 0 };
const cpu = new Map<number, number>(); // worker pid → CPU seconds at the last sample
const sampler = setInterval(() => {
  const processes = groupProcesses(server.pgid);
  for (const p of processes) if (p.role === "worker") cpu.set(p.pid, p.cpuSeconds);
  const worker = processes.filter((p) => p.role === "worker");
  peak.workerKiB = Math.max(peak.workerKiB, ...worker.map((p) => p.rssKiB));
  peak.totalKiB = Math.max(
    peak.totalKiB,
    processes.reduce((sum, p) => sum + p.rssKiB, 0),
  );
}, 250);

// Nothing may run for ever: past the time plus a minute, the run is stopped and fails.
const watchdog = setTimeout(
  () => {
    console.error("[zhucun] The load test overran its time by a minute: stopping.");
    void server.stop().finally(() => process.exit(1));
  },
  (ramp + seconds + 60) * 1000,
);

const dbCpuBefore = place.cpuSeconds();
const started = Date.now();
const endAt = started + (ramp + seconds) * 1000;
try {
  await Promise.all(
    logins.map((login, i) => cadre(login, started + (ramp * 1000 * i) / logins.length, endAt)),
  );
} finally {
  clearInterval(sampler);
  clearTimeout(watchdog);
  await server.stop();
}
const elapsed = (Date.now() - started) / 1000;

// Every acknowledged entry must be in the database.
const stored = new Set(
  [...(await workLogBodies(database, `%load-${run}-%`))].map((body) => /load-\S+$/.exec(body)?.[0]),
);
const dbCpu = place.cpuSeconds() - dbCpuBefore;
place.stop();
const missing = markers.filter((m) => !stored.has(m));

const quantile = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]! : NaN;
const ms = (x: number) => (Number.isNaN(x) ? "—" : `${Math.round(x)}`);
const MiB = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;

console.log(
  `\n[zhucun] ${logins.length} cadres, ${elapsed.toFixed(0)} s: ${requests} requests (${(requests / elapsed).toFixed(1)}/s), ${errors.length} errors.`,
);
console.log(
  `  ${"kind".padEnd(10)} ${"count".padStart(7)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"max ms".padStart(8)}`,
);
const all: number[] = [];
for (const kind of KINDS) {
  const sorted = [...latencies.get(kind)!].sort((a, b) => a - b);
  all.push(...sorted);
  console.log(
    `  ${kind.padEnd(10)} ${String(sorted.length).padStart(7)} ${ms(quantile(sorted, 0.5)).padStart(8)} ${ms(quantile(sorted, 0.95)).padStart(8)} ${ms(quantile(sorted, 0.99)).padStart(8)} ${ms(sorted.at(-1) ?? NaN).padStart(8)}`,
  );
}
all.sort((a, b) => a - b);
console.log(
  `  ${"all".padEnd(10)} ${String(all.length).padStart(7)} ${ms(quantile(all, 0.5)).padStart(8)} ${ms(quantile(all, 0.95)).padStart(8)} ${ms(quantile(all, 0.99)).padStart(8)} ${ms(all.at(-1) ?? NaN).padStart(8)}`,
);
const before = baseline.find((p) => p.role === "worker")?.rssKiB ?? 0;
const cpuUsed = [...cpu].reduce(
  (sum, [pid, seconds]) => sum + seconds - (baseline.find((p) => p.pid === pid)?.cpuSeconds ?? 0),
  0,
);
console.log(
  `[zhucun] Server CPU: ${cpuUsed.toFixed(1)} s in the worker(s) over ${elapsed.toFixed(0)} s, ${((cpuUsed * 1000) / Math.max(1, requests)).toFixed(0)} ms per request (sign-ins' argon2 included).`,
);
if (engine === "postgres") {
  console.log(
    `[zhucun] PostgreSQL's CPU: ${dbCpu.toFixed(1)} s over the run, ${((dbCpu * 1000) / Math.max(1, requests)).toFixed(0)} ms per request.`,
  );
}
console.log(
  `[zhucun] Server peak RSS: worker ${MiB(peak.workerKiB)} (${MiB(before)} before the load); all its processes ${MiB(peak.totalKiB)}.`,
);
console.log(
  `[zhucun] Work-log entries: ${markers.length} acknowledged, ${markers.length - missing.length} of them in the database.`,
);
if (errors.length) {
  const counts = new Map<string, number>();
  for (const e of errors) {
    const key = e.replace(/\/(villages|teams)\/[\w-]+/g, "/$1/:id").replace(/\?\S*/, "");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  console.log("[zhucun] Errors:");
  for (const [what, count] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    console.log(`  ${String(count).padStart(5)} × ${what}`);
  }
}
const failed = errors.length > 0 || missing.length > 0;
console.log(failed ? "[zhucun] FAILED" : "[zhucun] Passed: no errors.");
if (values.keep || failed)
  console.log(`[zhucun] Files kept in ${dir} (server.log has every request)`);
else fs.rmSync(dir, { recursive: true, force: true });
process.exitCode = failed ? 1 : 0;
