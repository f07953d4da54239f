/**
 * Opens the database for the app, scripts and tests alike, and migrates it. DATABASE_URL chooses
 * the engine: `postgres://…` (or `postgresql://…`) is PostgreSQL through a pool of node-postgres
 * clients; anything else is the embedded SQLite file, the default (decision 020).
 * SQLite is tuned for a small web server: WAL (readers never block the writer), foreign keys on,
 * and a busy timeout so a second writer waits instead of failing.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import SQLite from "better-sqlite3";
import pg from "pg";
import {
  CompiledQuery,
  Kysely,
  Migrator,
  PostgresDialect,
  PostgresDriver,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type PostgresDialectConfig,
  type TransactionSettings,
  type SqliteDialectConfig,
} from "kysely";
import { LongInListsAsArraysPlugin, registerArrayRows } from "./dialect";
import { migrationProvider } from "./migrations";
import type { DB } from "./schema";
import { withStatementCache } from "./statement-cache";

export const DEFAULT_DATABASE_PATH = "./data/zhucun.db";

/** Whether DATABASE_URL names a PostgreSQL server rather than a SQLite file. */
export function isPostgresUrl(url: string | undefined): url is string {
  return /^postgres(ql)?:\/\//i.test(url?.trim() ?? "");
}

/** What `openDatabase` takes for DATABASE_URL: a PostgreSQL URL as it is, else the SQLite path. */
export function databaseLocation(url: string | undefined): string {
  return isPostgresUrl(url) ? url.trim() : databasePathFromUrl(url);
}

/** Where a database is, for messages: the SQLite file's full path, or the URL without a password. */
export function describeLocation(location: string): string {
  if (!isPostgresUrl(location)) return location === ":memory:" ? location : path.resolve(location);
  const url = new URL(location);
  if (url.password) url.password = "***";
  return url.toString();
}

/** Accepts a plain path or a `file:` URL (`file:./data/x.db`, `file:///abs/x.db`). */
export function databasePathFromUrl(url: string | undefined): string {
  const value = url?.trim() || DEFAULT_DATABASE_PATH;
  if (value === ":memory:") return value;
  if (value.startsWith("file://")) return fileURLToPath(value);
  if (value.startsWith("file:")) return value.slice("file:".length).split("?")[0]!;
  if (/^[a-z]+:\/\//i.test(value)) {
    throw new Error(`DATABASE_URL "${value}" is not a SQLite file path or file: URL`);
  }
  return value;
}

/**
 * Write transactions take SQLite's write lock when they begin (BEGIN IMMEDIATE), not at their first
 * write. With one process Kysely runs transactions one at a time anyway; with several
 * (WEB_CONCURRENCY > 1, or a script beside the server) a deferred transaction that read first
 * cannot wait for the lock — SQLite answers SQLITE_BUSY at once — while an immediate one waits out
 * the busy timeout like any other writer.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.settings);
  }
}

// node-postgres returns 64-bit integers (count(*), sum of integers) and numerics (avg) as strings,
// to be safe beyond 2^53. Zhucun's counts and sums are far below that, and the models expect
// numbers, as SQLite gives them: parse both here, once, for every pool.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number.parseFloat(value));

/**
 * The advisory lock every PostgreSQL transaction takes first: Zhucun's writers go one at a time on
 * PostgreSQL as on SQLite (BEGIN IMMEDIATE above), across every app server on the database.
 *
 * Why one lock and not row locks: every write appends to the audit log's hash chain in the same
 * transaction (app/models/audit.server.ts), so writes are totally ordered at the chain's head
 * anyway; and the write paths written for SQLite's single writer (version checks read then
 * update, position renumbering, readiness refresh, import commits) stay correct unchanged. The
 * transaction stays READ COMMITTED on purpose: each statement after the lock sees everything the
 * previous writer committed (under REPEATABLE READ the snapshot would predate the wait). Reads
 * outside transactions never wait. Decision 020 has the figures; tests/unit/postgres.test.ts races
 * two pools of writers.
 */
export const WRITE_LOCK_KEY = 2_053_666_147; // "zhuc"

class SerialWritePostgresDriver extends PostgresDriver {
  override async beginTransaction(
    connection: DatabaseConnection,
    settings: TransactionSettings,
  ): Promise<void> {
    await super.beginTransaction(connection, settings);
    await connection.executeQuery(
      CompiledQuery.raw(`select pg_advisory_xact_lock(${WRITE_LOCK_KEY})`),
    );
  }
}

class SerialWritePostgresDialect extends PostgresDialect {
  constructor(private readonly settings: PostgresDialectConfig) {
    super(settings);
  }
  override createDriver(): Driver {
    return new SerialWritePostgresDriver(this.settings);
  }
}

/**
 * A pool per process. DATABASE_POOL_MAX (default 10) bounds this process's connections: with N app
 * servers × WEB_CONCURRENCY workers, keep N × workers × pool under the server's max_connections.
 */
function openPostgres(url: string): Kysely<DB> {
  const pool = new pg.Pool({
    connectionString: url,
    max: Number(process.env.DATABASE_POOL_MAX ?? 10),
    idleTimeoutMillis: 30_000,
    // A statement that runs for a minute is a bug or a lock wait gone wrong: end it, answer 500.
    statement_timeout: Number(process.env.DATABASE_STATEMENT_TIMEOUT_MS ?? 60_000),
    application_name: "zhucun",
  });
  // An idle connection the server ends (a restart, a failover, an administrator, a proxy's
  // timeout) is reported on the pool; unheard, that event ended the whole server process. The pool
  // has already dropped the connection, and the next query opens another.
  pool.on("error", (error) => {
    console.warn(`[zhucun] a database connection was closed by the server: ${error.message}`);
  });
  const db = new Kysely<DB>({
    dialect: new SerialWritePostgresDialect({ pool }),
    plugins: [new LongInListsAsArraysPlugin()],
  });
  // selectTuples (db/dialect.ts): a hot read's rows as arrays, which node-postgres builds far
  // more cheaply than objects.
  registerArrayRows(db, async (query) => {
    const result = await pool.query<unknown[]>({
      text: query.sql,
      values: [...query.parameters],
      rowMode: "array",
    });
    return { columns: result.fields.map((f) => f.name), rows: result.rows };
  });
  return db;
}

/** Opens DATABASE_URL's database: a PostgreSQL URL, or a SQLite file path (or `:memory:`). */
export function openDatabase(location: string): Kysely<DB> {
  if (isPostgresUrl(location)) return openPostgres(location);
  const filePath = location;
  if (filePath !== ":memory:")
    fs.mkdirSync(path.dirname(path.resolve(filePath)), { recursive: true });
  const sqlite = new SQLite(filePath);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = NORMAL");
  return new Kysely<DB>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }),
  });
}

/**
 * Applies the migrations not yet applied. Several app servers may start at once on one PostgreSQL:
 * Kysely's migrator takes a lock (a table lock on PostgreSQL) so one migrates and the others wait.
 */
export async function migrateToLatest(db: Kysely<DB>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    throw new Error(`Migration ${failed?.migrationName ?? ""} failed: ${String(error)}`, {
      cause: error,
    });
  }
  return (results ?? []).map((r) => r.migrationName);
}
