/**
 * npm run backup — an online, consistent copy of the live database, safe while the server runs
 * and writes (docs/deployment.md has the nightly timer):
 *   npm run backup                  (DATABASE_URL, else ./data/zhucun.db → BACKUP_DIR, else ./data/backups/)
 *   npm run backup -- --keep 30     … then delete all but the 30 newest backups in BACKUP_DIR
 *
 * The copy is made with SQLite's online backup API (better-sqlite3 `db.backup()`), in one step:
 * one read transaction sees one committed state of the database, WAL included, while the server
 * keeps writing (WAL readers never block the writer). It is written under a temporary name,
 * switched to a single self-contained file (rollback journal instead of WAL), checked — opened
 * read-only: `integrity_check` ok, no `foreign_key_check` rows, the same migrations as the live
 * database, all of them known to this code — and only then renamed to
 * `zhucun-YYYYMMDD-HHMMSS.db` (UTC). A failed backup leaves nothing under a final name and exits 1.
 * Backups are readable by their owner only: they hold password hashes and sessions.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import SQLite from "better-sqlite3";
import { databasePathFromUrl, isPostgresUrl } from "../db/connection";
import { migrations as knownMigrations } from "../db/migrations";

export const DEFAULT_BACKUP_DIR = "./data/backups";

/** `zhucun-20261201-203000.db`, optionally `-2`, `-3` … for a second backup in the same second. */
export const BACKUP_NAME = /^zhucun-\d{8}-\d{6}(?:-\d+)?\.db$/;

/** `20261201-203000` for a moment in UTC: sorts by time, and no daylight saving or zone to guess. */
export function utcStamp(at = new Date()): string {
  return at
    .toISOString()
    .replace(/\.\d{3}Z$/, "")
    .replace(/[-:]/g, "")
    .replace("T", "-");
}

const SQLITE_HEADER = Buffer.from("SQLite format 3\u0000", "latin1");

export interface DatabaseReport {
  /** Why the file cannot be used; empty when it can. */
  problems: string[];
  /** Applied migrations, oldest first (empty if there is no migrations table). */
  migrations: string[];
  /** Applied migrations this code does not have: the file was made by a newer Zhucun. */
  unknownMigrations: string[];
  /** Migrations this code has that the file has not had yet (the server applies them at start). */
  pendingMigrations: string[];
  /** Rows per table, in table-name order. */
  counts: [table: string, rows: number][];
  /** Whether the file is a SQLite database at all (when false, nothing else was looked at). */
  sqlite: boolean;
}

/**
 * Everything a backup or a file to restore must pass, read without changing the file (it is opened
 * read-only and must be in rollback-journal mode, as backups are): a SQLite database, intact
 * (`integrity_check`), no dangling references (`foreign_key_check`), a Zhucun database (a
 * `kysely_migration` and a `users` table) and no migration this code does not know.
 */
/** Whether a file begins like a SQLite database (throws if it cannot be read). */
export function hasSqliteHeader(file: string): boolean {
  const header = Buffer.alloc(SQLITE_HEADER.length);
  const fd = fs.openSync(file, "r");
  try {
    fs.readSync(fd, header, 0, header.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  return header.equals(SQLITE_HEADER);
}

export function inspectDatabase(file: string): DatabaseReport {
  const report: DatabaseReport = {
    problems: [],
    migrations: [],
    unknownMigrations: [],
    pendingMigrations: [],
    counts: [],
    sqlite: false,
  };
  let sqliteHeader: boolean;
  try {
    sqliteHeader = hasSqliteHeader(file);
  } catch (error) {
    report.problems.push(`cannot read the file: ${(error as Error).message}`);
    return report;
  }
  if (!sqliteHeader) {
    report.problems.push("not a SQLite database (its first bytes are not a SQLite header)");
    return report;
  }
  let db: SQLite.Database;
  try {
    db = new SQLite(file, { readonly: true, fileMustExist: true });
    db.prepare("select count(*) from sqlite_master").get();
  } catch (error) {
    report.problems.push(`SQLite cannot open it: ${(error as Error).message}`);
    return report;
  }
  report.sqlite = true;
  try {
    // integrity_check reads every page and index; it answers "ok" or (here) up to 20 problems.
    const integrity = db.pragma("integrity_check(20)") as { integrity_check: string }[];
    const bad = integrity
      .flatMap((r) => r.integrity_check.split("\n"))
      .filter((r) => r !== "ok" && !r.startsWith("***"));
    if (bad.length) {
      report.problems.push(
        `integrity_check failed: ${bad.slice(0, 5).join("; ")}${bad.length > 5 ? " (and more)" : ""}`,
      );
      return report;
    }
    const tables = (
      db
        .prepare(
          "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
        )
        .all() as { name: string }[]
    ).map((r) => r.name);
    if (!tables.includes("kysely_migration") || !tables.includes("users")) {
      report.problems.push("not a Zhucun database (it has no kysely_migration or no users table)");
      return report;
    }
    const dangling = db.pragma("foreign_key_check") as { table: string; parent: string }[];
    if (dangling.length) {
      const first = dangling
        .slice(0, 5)
        .map((r) => `${r.table} → ${r.parent}`)
        .join(", ");
      report.problems.push(`foreign_key_check: ${dangling.length} dangling reference(s): ${first}`);
    }
    report.migrations = (
      db.prepare("select name from kysely_migration order by name").all() as { name: string }[]
    ).map((r) => r.name);
    const known = new Set(Object.keys(knownMigrations));
    report.unknownMigrations = report.migrations.filter((m) => !known.has(m));
    report.pendingMigrations = [...known].filter((m) => !report.migrations.includes(m)).sort();
    if (report.unknownMigrations.length) {
      report.problems.push(
        `made by a newer Zhucun: migration(s) ${report.unknownMigrations.join(", ")} are unknown to this code (db/migrations/index.ts)`,
      );
    }
    for (const table of tables) {
      const quoted = `"${table.replace(/"/g, '""')}"`;
      const row = db.prepare(`select count(*) as n from ${quoted}`).get() as { n: number };
      report.counts.push([table, row.n]);
    }
  } catch (error) {
    report.problems.push(`reading it failed: ${(error as Error).message}`);
  } finally {
    db.close();
  }
  return report;
}

/** Table row counts in columns, for the log. */
export function formatCounts(counts: DatabaseReport["counts"]): string {
  const cells = counts.map(([t, n]) => `${t.padEnd(26)} ${String(n).padStart(8)}`);
  const lines: string[] = [];
  for (let i = 0; i < cells.length; i += 2) lines.push(`  ${cells.slice(i, i + 2).join("    ")}`);
  return lines.join("\n");
}

/** Writes a file's data and its directory entry to disk, so a rename survives a power cut. */
export function syncFile(file: string) {
  const fd = fs.openSync(file, "r+");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function syncDirectory(dir: string) {
  const fd = fs.openSync(dir, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Copies an open database into `target` (a new file) in one backup step — all pages under one read
 * transaction, so the copy is one committed state even while others write — and turns the copy
 * into a single self-contained file (rollback journal, no -wal/-shm beside it).
 */
export async function copyDatabase(source: SQLite.Database, target: string): Promise<void> {
  // The first step copies nothing (better-sqlite3 starts at 0 pages); the handler then asks for
  // every page at once. Copied in small steps instead, a write by the server between two steps
  // would make SQLite start the copy again, possibly forever under steady writes.
  await source.backup(target, { progress: () => 0x7fffffff });
  const copy = new SQLite(target, { fileMustExist: true });
  try {
    copy.pragma("journal_mode = DELETE");
  } finally {
    copy.close();
  }
  for (const suffix of ["-wal", "-shm", "-journal"]) fs.rmSync(target + suffix, { force: true });
}

const MiB = 1024 * 1024;

async function main() {
  const { values } = parseArgs({ options: { keep: { type: "string" } } });
  const keep = values.keep === undefined ? null : Number(values.keep);
  if (keep !== null && !(Number.isInteger(keep) && keep >= 1)) {
    console.error("[zhucun] --keep takes a whole number of backups to keep, at least 1.");
    process.exit(2);
  }
  if (isPostgresUrl(process.env.DATABASE_URL)) {
    console.error(
      "[zhucun] backup copies a SQLite file. On PostgreSQL use pg_dump or continuous archiving " +
        "(docs/deployment.md, Several servers on PostgreSQL).",
    );
    process.exit(2);
  }
  const file = databasePathFromUrl(process.env.DATABASE_URL);
  if (file === ":memory:") {
    console.error("[zhucun] backup needs a database file, not :memory:.");
    process.exit(2);
  }
  const live = path.resolve(file);
  const dir = path.resolve(process.env.BACKUP_DIR?.trim() || DEFAULT_BACKUP_DIR);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });

  const stamp = utcStamp();
  let name = `zhucun-${stamp}.db`;
  for (let n = 2; fs.existsSync(path.join(dir, name)); n++) name = `zhucun-${stamp}-${n}.db`;
  const final = path.join(dir, name);
  // A dot-name that BACKUP_NAME never matches: pruning and copy-off jobs never see a partial file.
  const temp = path.join(dir, `.${name}.partial-${process.pid}`);

  let source: SQLite.Database;
  try {
    source = new SQLite(live, { fileMustExist: true });
    // Wait for a moment of the server's write lock rather than fail (the copy itself needs none).
    source.pragma("busy_timeout = 5000");
  } catch (error) {
    console.error(`[zhucun] Cannot open ${live}: ${(error as Error).message}`);
    process.exit(1);
  }

  const started = performance.now();
  try {
    await copyDatabase(source, temp);
    fs.chmodSync(temp, 0o600);
    const copied = performance.now() - started;

    const report = inspectDatabase(temp);
    const liveMigrations = (
      source.prepare("select name from kysely_migration order by name").all() as { name: string }[]
    ).map((r) => r.name);
    if (report.migrations.join() !== liveMigrations.join()) {
      report.problems.push(
        `its migrations (${report.migrations.length}) differ from the live database's (${liveMigrations.length})`,
      );
    }
    if (report.problems.length) {
      throw new Error(`the copy failed its check: ${report.problems.join("; ")}`);
    }
    syncFile(temp);
    fs.renameSync(temp, final);
    syncDirectory(dir);
    const total = performance.now() - started;

    const size = fs.statSync(final).size;
    console.log(`[zhucun] Backed up ${live}`);
    console.log(`[zhucun]        to ${final} (time stamp in UTC)`);
    console.log(
      `[zhucun] ${(size / MiB).toFixed(1)} MiB; copied in ${(copied / 1000).toFixed(2)} s, checked in ${((total - copied) / 1000).toFixed(2)} s ` +
        `(integrity_check ok, foreign_key_check clean, ${report.migrations.length} migrations as live` +
        `${report.pendingMigrations.length ? `, ${report.pendingMigrations.length} newer ones not applied yet` : ""}).`,
    );
    console.log("[zhucun] Rows per table:");
    console.log(formatCounts(report.counts));
  } catch (error) {
    fs.rmSync(temp, { force: true });
    for (const suffix of ["-wal", "-shm", "-journal"]) fs.rmSync(temp + suffix, { force: true });
    console.error(`[zhucun] Backup FAILED: ${(error as Error).message}`);
    process.exitCode = 1;
    return;
  } finally {
    source.close();
  }

  if (keep !== null) prune(dir, keep);
}

/** Keeps the `keep` newest backups (by name, which is by time) and deletes older ones. */
function prune(dir: string, keep: number) {
  const entries = fs.readdirSync(dir);
  // By name without ".db", so a second backup in the same second (`…-2.db`) sorts after the first.
  const stem = (f: string) => f.slice(0, -".db".length);
  const backups = entries
    .filter((f) => BACKUP_NAME.test(f))
    .sort((a, b) => (stem(a) < stem(b) ? -1 : 1));
  const old = backups.slice(0, Math.max(0, backups.length - keep));
  for (const f of old) fs.rmSync(path.join(dir, f));
  // A backup killed half-way leaves its partial file; one older than a day is certainly dead.
  const dayAgo = Date.now() - 86_400_000;
  const stale = entries.filter(
    (f) => /^\.zhucun-.*\.partial-\d+$/.test(f) && fs.statSync(path.join(dir, f)).mtimeMs < dayAgo,
  );
  for (const f of stale) fs.rmSync(path.join(dir, f), { force: true });
  console.log(
    `[zhucun] Kept the ${Math.min(keep, backups.length)} newest backup(s); deleted ${old.length}` +
      `${old.length ? ` (${old[0]}${old.length > 1 ? ` … ${old.at(-1)}` : ""})` : ""}` +
      `${stale.length ? ` and ${stale.length} abandoned partial file(s)` : ""}.`,
  );
}

if (process.argv[1]?.endsWith("backup.ts")) await main();
