/**
 * npm run test:crash — is an acknowledged write ever lost when the server is killed? (Not part of
 * `npm test`: it takes a few minutes. docs/deployment.md has the figures it measured.)
 *
 * On a throwaway, freshly seeded database, the production server (`tsx
 * scripts/server.ts`: supervisor and worker) runs on a free loopback port. A few team members sign
 * in and write work-log entries as fast as they can, each with a unique marker text, and every
 * write whose answer came back as a success (the form's redirect) is noted as acknowledged. At a
 * random moment the server's whole process group gets SIGKILL — tsx, supervisor and worker at once,
 * no shutdown code runs — and the server is started again. Then the database file is read directly:
 * every acknowledged marker must be there, and `PRAGMA integrity_check` must say ok. 20 rounds by
 * default, on the same file, so each round starts from the last crash's recovery.
 *   npm run test:crash -- [--rounds 20] [--writers 6] [--engine postgres] [--keep]
 * (--keep leaves the temp folder; --engine postgres runs it on a throwaway PostgreSQL cluster, where
 * the app server is killed and the database server is not: no integrity_check there.)
 *
 * What it proves: a write the server acknowledged survives the server process dying (SQLite in
 * WAL mode commits to the WAL before the answer leaves). With `synchronous = NORMAL` a commit is
 * not fsynced, so it proves nothing about a power cut or a kernel crash, which may lose the last
 * moments of commits (never corrupt the database); that is the nightly backup's job.
 * Exits 1 if any acknowledged write is missing or an integrity check fails.
 *
 * The harness (throwaway database, server process group, a signed-in HTTP client) is exported for
 * scripts/load-test.ts.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import SQLite from "better-sqlite3";
import pg from "pg";
import { isPostgresUrl, openDatabase } from "../db/connection";
import type { Engine } from "../db/dialect";
import { newId } from "../db/ids";
import { activeOn } from "../app/models/periods.server";
import { setClockOffset } from "../app/utils/clock";
import { demoClockOffset } from "../app/utils/demo-clock.server";
import { today } from "../app/utils/dates";
import { hashPassword } from "../app/utils/password.server";
import { databaseUrl, parseEngines } from "./bench-engines";
import { startCluster } from "./pg-cluster";
import { benchPort, type ProcessInfo, ROOT, runScript, sleep, spawnServer } from "./server-process";

/** A temp folder for one run; removed at the end unless asked to keep it. */
export function tempFolder(kind: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `zhucun-${kind}-`));
}

/** The production build must exist (`npm run build`; the npm scripts build first). */
export function requireBuild() {
  if (!fs.existsSync(path.join(ROOT, "build", "index.js"))) {
    console.error("[zhucun] No production build: run `npm run build` first.");
    process.exit(2);
  }
}

/** Where a run's database lives, on the engine asked for. */
export interface RunDatabase {
  engine: Engine;
  /** DATABASE_URL: a SQLite file in the run's folder, or a PostgreSQL URL. */
  location: string;
  /** The database server's CPU seconds so far (0 on SQLite, whose work is the app's own). */
  cpuSeconds(): number;
  /** Stops the PostgreSQL cluster and deletes its files (also done at exit); nothing on SQLite. */
  stop(): void;
}

/**
 * A place for a run's database: on SQLite a file in `dir`; on PostgreSQL an empty database
 * `zhucun` on a throwaway cluster of the run's own (scripts/pg-cluster.ts). Empty: seed it with
 * seededDatabase.
 */
export async function runDatabase(engine: Engine, dir: string): Promise<RunDatabase> {
  if (engine === "sqlite") {
    return {
      engine,
      location: path.join(dir, "zhucun.db"),
      cpuSeconds: () => 0,
      stop: () => {},
    };
  }
  const cluster = await startCluster();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      cluster.stop();
      process.exit(130);
    });
  }
  const client = new pg.Client({ connectionString: cluster.url });
  await client.connect();
  await client.query("create database zhucun");
  await client.end();
  return {
    engine,
    location: databaseUrl(cluster.url, "zhucun"),
    cpuSeconds: () => cluster.cpuSeconds(),
    stop: () => cluster.stop(),
  };
}

/**
 * The engine of a run (`--engine sqlite|postgres`, default SQLite): exactly one, or the command
 * says why and exits 2 (a usage error), as the crash and load tests do.
 */
export function oneEngine(value: string | undefined): Engine {
  try {
    const engines = parseEngines(["--engine", value ?? "sqlite"], undefined);
    if (engines.length !== 1) throw new Error("--engine takes one engine: sqlite or postgres");
    return engines[0]!;
  } catch (error) {
    console.error(`[zhucun] ${(error as Error).message}`);
    process.exit(2);
  }
}

/**
 * The Shangyi demo, made the way `npm start` makes one (db-prepare), in a new database: a file
 * in `dir`, or `location` (an empty database on either engine). Returns its DATABASE_URL.
 */
export async function seededDatabase(
  dir: string,
  location = path.join(dir, "zhucun.db"),
): Promise<string> {
  await runScript(
    "scripts/db-prepare.ts",
    { ...process.env, DATABASE_URL: location },
    path.join(dir, "prepare.log"),
  );
  return location;
}

/** The bodies of work-log entries LIKE `pattern`, read straight from the database. */
export async function workLogBodies(location: string, pattern: string): Promise<Set<string>> {
  if (!isPostgresUrl(location)) {
    // Read-only, beside a server that may hold the file open (WAL readers do not block).
    const db = new SQLite(location, { readonly: true, fileMustExist: true });
    try {
      return new Set(
        (
          db.prepare("select body from work_logs where body like ?").all(pattern) as {
            body: string;
          }[]
        ).map((r) => r.body),
      );
    } finally {
      db.close();
    }
  }
  const db = openDatabase(location);
  try {
    const rows = await db
      .selectFrom("work_logs")
      .select("body")
      .where("body", "like", pattern)
      .execute();
    return new Set(rows.map((r) => r.body));
  } finally {
    await db.destroy();
  }
}

export interface CadreLogin {
  username: string;
  password: string;
  cadreId: string;
  teamId: string;
  villageId: string;
}

/**
 * Gives every serving cadre (or the first `limit`) a team-member account with one known password
 * that needs no change, written straight into the (throwaway) database before the server starts:
 * what the county admin's "accounts for all teams" does, without 267 one-time passwords to change.
 * One argon2 hash serves all: checking it costs the server the same as checking 267 different ones.
 */
export async function cadreAccounts(file: string, limit = Infinity): Promise<CadreLogin[]> {
  const password = `load-${newId()}`;
  const hash = await hashPassword(password);
  const db = openDatabase(file);
  try {
    // The database's own business date (a demo lives in 2018, app/utils/clock.ts).
    setClockOffset(await demoClockOffset(db));
    const on = today();
    const serving = await db
      .selectFrom("team_memberships as m")
      .innerJoin("teams as t", "t.id", "m.team_id")
      .leftJoin("users as u", "u.cadre_id", "m.cadre_id")
      .select(["m.cadre_id", "m.team_id", "t.village_id", "u.id as userId", "u.username"])
      .where(activeOn("m", on))
      .where(activeOn("t", on))
      .orderBy("m.cadre_id")
      .execute();
    const logins: CadreLogin[] = [];
    await db.transaction().execute(async (trx) => {
      for (const [i, c] of serving.slice(0, limit).entries()) {
        let username = c.username;
        if (c.userId) {
          // A demo account (weijia, xianaling): same password as the rest, for simplicity.
          await trx
            .updateTable("users")
            .set({ password_hash: hash, must_change_password: 0, deactivated_at: null })
            .where("id", "=", c.userId)
            .execute();
        } else {
          username = `cadre${String(i + 1).padStart(3, "0")}`;
          await trx
            .insertInto("users")
            .values({
              id: newId(),
              username,
              password_hash: hash,
              display_name: username,
              role: "team_member",
              township_id: null,
              cadre_id: c.cadre_id,
              locale: null,
              deactivated_at: null,
              must_change_password: 0,
            })
            .execute();
        }
        logins.push({
          username: username!,
          password,
          cadreId: c.cadre_id,
          teamId: c.team_id,
          villageId: c.village_id,
        });
      }
    });
    return logins;
  } finally {
    await db.destroy();
  }
}

export interface ServerProcess {
  port: number;
  origin: string;
  /** The process group: tsx, the supervisor and its workers. */
  pgid: number;
  /** Seconds from spawn to the first healthy answer. */
  startSeconds: number;
  /** SIGKILL to the whole group; resolves with the processes killed once none is left. */
  kill9(): Promise<ProcessInfo[]>;
  /** SIGTERM, as systemd stops it; SIGKILL after 15 s. */
  stop(): Promise<void>;
}

/**
 * Starts `tsx scripts/server.ts` in production mode on 127.0.0.1:`port` in its own process group,
 * and waits until GET /healthz answers 200 (at most `timeoutMs`).
 */
export async function startServer(options: {
  database: string;
  port: number;
  log: string;
  /** More environment for the server (WEB_CONCURRENCY …). */
  env?: Record<string, string>;
  timeoutMs?: number;
}): Promise<ServerProcess> {
  const origin = `http://127.0.0.1:${options.port}`;
  const out = fs.openSync(options.log, "a");
  const group = spawnServer({
    port: options.port,
    stdio: ["ignore", out, out],
    env: {
      DATABASE_URL: options.database,
      SESSION_SECRET: "zhucun-test-secret-0123456789abcdef0123456789",
      COOKIE_SECURE: "false",
      ...options.env,
    },
  });
  fs.closeSync(out);
  const startSeconds = await group.waitUntil(
    async () => {
      const res = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return res.ok;
    },
    options.timeoutMs ?? 120_000,
    () => `see ${options.log}`,
  );
  return {
    port: options.port,
    origin,
    pgid: group.pgid,
    startSeconds,
    kill9: group.kill9,
    stop: group.stop,
  };
}

export interface Reply {
  status: number;
  location: string | null;
  ms: number;
}

/**
 * One browser without JavaScript: a cookie jar, the Origin header the server requires on a write,
 * redirects left to the caller (a form's success is its redirect). Every body is read to its end.
 */
export class Browser {
  private cookies = new Map<string, string>();
  constructor(
    readonly origin: string,
    private readonly timeoutMs = 30_000,
  ) {}

  async request(method: "GET" | "POST", url: string, form?: Record<string, string>) {
    const headers: Record<string, string> = {
      Accept: "text/html",
      "Accept-Encoding": "gzip, br",
      "Accept-Language": "zh-CN,zh;q=0.9",
      "User-Agent": "zhucun-test (scripts/)",
    };
    if (this.cookies.size) {
      headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    }
    let body: string | undefined;
    if (form) {
      body = new URLSearchParams(form).toString();
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      headers.Origin = this.origin;
    }
    const started = performance.now();
    const res = await fetch(this.origin + url, {
      method,
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    await res.arrayBuffer();
    const ms = performance.now() - started;
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const at = pair!.indexOf("=");
      const [name, value] = [pair!.slice(0, at).trim(), pair!.slice(at + 1).trim()];
      if (!value || /max-age=0|expires=thu, 01 jan 1970/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, location: res.headers.get("location"), ms } satisfies Reply;
  }

  /** Signs in through the real form ("my own device", so the session outlasts a long test). */
  signIn(username: string, password: string) {
    return this.request("POST", "/login", { username, password, device: "on", redirectTo: "/me" });
  }
}

/** The work-log form as the page sends it (hidden intent and formId, empty optional links). */
export function workLogForm(body: string, place: "village" | "elsewhere" = "village") {
  return {
    intent: "log",
    formId: "log",
    loggedOn: today(),
    place,
    body,
    householdId: "",
    cardId: "",
  };
}

/** PRAGMA integrity_check of a SQLite file: "ok", or what it found. */
function sqliteIntegrity(file: string): string {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    return (db.pragma("integrity_check") as { integrity_check: string }[])
      .map((r) => r.integrity_check)
      .join("; ");
  } finally {
    db.close();
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      rounds: { type: "string", default: "20" },
      writers: { type: "string", default: "6" },
      engine: { type: "string", default: "sqlite" },
      keep: { type: "boolean", default: false },
    },
  });
  const engine = oneEngine(values.engine);
  const rounds = Number(values.rounds);
  const writerCount = Number(values.writers);
  if (!(rounds >= 1 && writerCount >= 1)) {
    console.error("[zhucun] --rounds and --writers take positive numbers.");
    process.exit(2);
  }
  requireBuild();
  const dir = tempFolder("crash");
  const log = path.join(dir, "server.log");
  console.log(
    `[zhucun] Crash test on ${engine}: ${rounds} rounds of kill -9 under write load (files in ${dir})`,
  );
  const place = await runDatabase(engine, dir);
  const database = await seededDatabase(dir, place.location);
  const writers = await cadreAccounts(database, writerCount);
  const port = await benchPort();
  let server = await startServer({ database, port, log });
  console.log(
    `[zhucun] Server up on ${server.origin} in ${server.startSeconds.toFixed(1)} s; ${writers.length} team members sign in.`,
  );
  const run = newId().slice(0, 6);
  const acknowledged = new Map<string, number>(); // marker → round
  const figures = { lost: 0, badIntegrity: 0, unexpected: 0, inFlight: 0, inFlightCommitted: 0 };
  const totals = { killed: 0, writes: 0 };
  try {
    const browsers = writers.map(() => new Browser(server.origin, 15_000));
    for (const [i, w] of writers.entries()) {
      const reply = await browsers[i]!.signIn(w.username, w.password);
      if (reply.status !== 302)
        throw new Error(`sign-in of ${w.username} answered ${reply.status}`);
    }

    for (let round = 1; round <= rounds; round++) {
      let killing = false;
      const inFlight = new Set<string>();
      const unexpected: string[] = [];
      let acked = 0;
      // Two loops per team member: a dozen writes in flight at any moment.
      const loops = browsers.flatMap((browser, w) =>
        [0, 1].map(async (lane) => {
          for (let n = 0; !killing; n++) {
            const marker = `crash-${run}-r${round}-w${w}.${lane}-${n}`;
            inFlight.add(marker);
            let reply: Reply;
            try {
              reply = await browser.request(
                "POST",
                `/teams/${writers[w]!.teamId}/logs`,
                workLogForm(marker, n % 2 ? "village" : "elsewhere"),
              );
            } catch (error) {
              // Sent after the kill: refused, never reached a server.
              if ((error as { cause?: { code?: string } }).cause?.code === "ECONNREFUSED") {
                inFlight.delete(marker);
              }
              return; // otherwise the connection died with the server: outcome unknown
            }
            inFlight.delete(marker);
            if (reply.status === 302 && reply.location?.includes("saved=log")) {
              acknowledged.set(marker, round);
              acked += 1;
            } else {
              unexpected.push(`${reply.status} ${reply.location ?? ""}`);
            }
          }
        }),
      );
      const after = 300 + Math.random() * 2700;
      await sleep(after);
      const killed = await server.kill9();
      killing = true;
      await Promise.all(loops);

      server = await startServer({ database, port, log });
      // Straight from the database (the restarted server holds it open; WAL readers do not block).
      const present = await workLogBodies(database, `crash-${run}-%`);
      // PostgreSQL: the app server died, not the database server; its own checks are its own.
      const integrity = engine === "sqlite" ? sqliteIntegrity(database) : "ok";
      const lost = [...acknowledged.keys()].filter((m) => !present.has(m));
      const committed = [...inFlight].filter((m) => present.has(m)).length;
      figures.lost = lost.length;
      figures.badIntegrity += integrity === "ok" ? 0 : 1;
      figures.unexpected += unexpected.length;
      figures.inFlight += inFlight.size;
      figures.inFlightCommitted += committed;
      totals.killed += killed.length;
      totals.writes += acked;
      console.log(
        `[zhucun] round ${String(round).padStart(2)}/${rounds}: killed ${killed.map((p) => `${p.role} ${p.pid}`).join(", ")} after ${(after / 1000).toFixed(2)} s; ` +
          `${acked} acknowledged, ${inFlight.size} cut off (${committed} of them committed); restart ${server.startSeconds.toFixed(1)} s; ` +
          `lost ${lost.length}${engine === "sqlite" ? `; integrity_check ${integrity}` : ""}` +
          (unexpected.length
            ? `; ${unexpected.length} unexpected answers: ${unexpected.slice(0, 3).join(", ")}`
            : ""),
      );
      if (lost.length) console.error(`[zhucun] LOST: ${lost.slice(0, 10).join(", ")}`);
    }
  } finally {
    await server.stop();
    place.stop();
  }

  const failed = figures.lost > 0 || figures.badIntegrity > 0 || figures.unexpected > 0;
  console.log(
    `\n[zhucun] ${rounds} rounds, ${totals.killed} processes killed with SIGKILL; ${acknowledged.size} writes acknowledged, ` +
      `${figures.lost} lost; ${figures.inFlight} cut off by the kill (${figures.inFlightCommitted} of them committed, ` +
      `the rest not: a client never told "saved" may find either); ${engine === "sqlite" ? `integrity_check ok in ${rounds - figures.badIntegrity} of ${rounds} rounds` : "PostgreSQL (its server not killed)"}` +
      `${figures.unexpected ? `; ${figures.unexpected} unexpected answers` : ""}.`,
  );
  console.log(failed ? "[zhucun] FAILED" : "[zhucun] Passed: no acknowledged write was lost.");
  if (values.keep) console.log(`[zhucun] Files kept in ${dir}`);
  else fs.rmSync(dir, { recursive: true, force: true });
  process.exitCode = failed ? 1 : 0;
}

if (process.argv[1]?.endsWith("crash-test.ts")) await main();
