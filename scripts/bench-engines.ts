/**
 * The engines a bench measures its database-bound sections on (issue 17): SQLite, the default
 * engine, and PostgreSQL on a throwaway cluster of its own (scripts/pg-cluster.ts). Each data set
 * is made once, as a SQLite file, and copied into a database of its own on the cluster with
 * db:copy's own code (every row, checksums compared, the audit chain checked; db:copy then runs
 * VACUUM ANALYZE on a PostgreSQL target, as a running server's autovacuum would have): both
 * engines are measured on the same rows, ids included.
 *
 *   npm run bench                              # both engines (the default)
 *   npm run bench -- --engines sqlite          # SQLite only (no PostgreSQL server needed)
 *   npm run bench -- --engine postgres         # PostgreSQL only (the browser sections still SQLite)
 */
import { parseArgs } from "node:util";
import pg from "pg";
import { openDatabase } from "../db/connection";
import type { Engine } from "../db/dialect";
import { copyWholeDatabase } from "./db-copy";
import { startCluster, type Cluster } from "./pg-cluster";

export type { Engine };
export const ENGINES: readonly Engine[] = ["sqlite", "postgres"];

/**
 * `--engines sqlite,postgres` or `--engine postgres` (either may be repeated or combined, in any
 * order; `pg` is postgres), else BENCH_ENGINES, else both. Throws on an unknown engine or option.
 */
export function parseEngines(
  args: string[],
  fallback: string | undefined = process.env.BENCH_ENGINES,
): Engine[] {
  const { values } = parseArgs({
    args,
    options: {
      engines: { type: "string", multiple: true },
      engine: { type: "string", multiple: true },
    },
    strict: true,
  });
  const named = [...(values.engines ?? []), ...(values.engine ?? [])];
  const words = (named.length ? named : [fallback ?? ENGINES.join(",")])
    .flatMap((v) => v.split(","))
    .map((w) => w.trim().toLowerCase())
    .filter(Boolean);
  if (!words.length) throw new Error("--engines names no engine (sqlite, postgres)");
  const chosen = new Set<Engine>();
  for (const word of words) {
    const engine = word === "pg" || word === "postgresql" ? "postgres" : word;
    if (!ENGINES.includes(engine as Engine)) {
      throw new Error(`unknown engine "${word}" (sqlite, postgres)`);
    }
    chosen.add(engine as Engine);
  }
  return ENGINES.filter((e) => chosen.has(e));
}

/** A URL to another database of the same server. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface PostgresBench {
  cluster: Cluster;
  /**
   * A new database `bench_<name>` holding a copy of the SQLite file, analyzed; its URL. The same
   * name asked for again gives the same database (for sections that only read).
   */
  copyOf(file: string, name: string): Promise<string>;
  /** Stops the cluster and deletes its files (also done at process exit and on SIGINT/SIGTERM). */
  stop(): void;
}

async function admin<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Starts a throwaway cluster for the bench; `log` hears what it does. */
export async function startPostgresBench(
  log: (line: string) => void = () => {},
): Promise<PostgresBench> {
  const cluster = await startCluster();
  const onSignal = (signal: NodeJS.Signals) => {
    cluster.stop();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const made = new Map<string, string>();
  log(`PostgreSQL: a throwaway cluster on ${cluster.url}`);
  return {
    cluster,
    async copyOf(file, name) {
      const known = made.get(name);
      if (known) return known;
      if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`not a database name: ${name}`);
      const database = `bench_${name}`;
      await admin(cluster.url, (c) => c.query(`create database ${database}`));
      const url = databaseUrl(cluster.url, database);
      const source = openDatabase(file);
      const target = openDatabase(url);
      try {
        const report = await copyWholeDatabase(source, target); // vacuumed and analyzed
        const rows = report.tables
          .filter((t) => !t.leftBehind)
          .reduce((n, t) => n + t.sourceRows, 0);
        log(`PostgreSQL: ${database} ← ${rows} rows copied in ${report.seconds.toFixed(1)} s`);
      } finally {
        await source.destroy();
        await target.destroy();
      }
      made.set(name, url);
      return url;
    },
    stop() {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      cluster.stop();
    },
  };
}
