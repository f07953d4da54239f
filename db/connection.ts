/**
 * Opens the embedded SQLite database for the app, scripts and tests alike, and migrates it.
 * SQLite is tuned for a small web server: WAL (readers never block the writer), foreign keys on,
 * and a busy timeout so a second writer waits instead of failing.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import SQLite from "better-sqlite3";
import {
  CompiledQuery,
  Kysely,
  Migrator,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
} from "kysely";
import { migrationProvider } from "./migrations";
import type { DB } from "./schema";

export const DEFAULT_DATABASE_PATH = "./data/zhucun.db";

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

export function openDatabase(filePath: string): Kysely<DB> {
  if (filePath !== ":memory:")
    fs.mkdirSync(path.dirname(path.resolve(filePath)), { recursive: true });
  const sqlite = new SQLite(filePath);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = NORMAL");
  return new Kysely<DB>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
}

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
