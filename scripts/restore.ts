/**
 * npm run restore -- <backup file> [--force] — puts a backup (scripts/backup.ts) in place of the
 * live database (DATABASE_URL, else ./data/zhucun.db). Stop the server first (docs/deployment.md).
 *
 * 1. The file is checked on a private copy beside the live database, never changed itself: it must
 *    be readable, a SQLite database, pass `integrity_check` and `foreign_key_check`, be a Zhucun
 *    database (`kysely_migration` and `users` tables) and have no migration this code does not
 *    know. Otherwise it is refused with the reason, exit code 2. (Older migrations are fine: the
 *    server applies the missing ones when it starts.) A `<file>-wal` beside it is taken along.
 * 2. The live database must not be in use, or exit code 3 (unless --force). Two checks:
 *    - SQLite's own lock: the server holds its database open for as long as it runs, and in WAL
 *      mode every open connection keeps a shared lock on the file, so leaving WAL mode (which
 *      needs an exclusive lock) fails with SQLITE_BUSY while any server, backup or sqlite3 shell
 *      has it open — whatever its port, user or name. This is the check that counts.
 *    - Processes: a running `scripts/server.ts` whose DATABASE_URL (from /proc, Linux) is this
 *      file. It covers the moment the supervisor is between two workers and nothing holds the file.
 *    (A health request to PORT is not used: it says some server answers there, not which database
 *    it serves, and it is silent exactly while a worker restarts.)
 * 3. The live database is checkpointed (its WAL folded in, -wal/-shm gone) and copied aside as
 *    `<name>.before-restore-<UTC stamp>.db`, under an exclusive lock so nothing writes meanwhile;
 *    the checked copy is then renamed over it (atomic: the live name always holds a whole
 *    database), and checked again where it now lies.
 *
 * --force restores even while the database is in use: the current database is copied aside with
 * the online backup API (consistent), the -wal/-shm of the replaced file are removed so they are
 * never applied to the new one, and the server MUST be restarted at once — it still holds the old
 * file, and whatever it accepts until it restarts is lost.
 *
 * Exit codes: 0 restored; 1 failed (the live database is left as it was); 2 the file is refused;
 * 3 the database is in use (without --force).
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import SQLite from "better-sqlite3";
import { databasePathFromUrl, isPostgresUrl } from "../db/connection";
import {
  type DatabaseReport,
  copyDatabase,
  formatCounts,
  hasSqliteHeader,
  inspectDatabase,
  syncDirectory,
  syncFile,
  utcStamp,
} from "./backup";

const { values, positionals } = parseArgs({
  options: { force: { type: "boolean", default: false } },
  allowPositionals: true,
});

function refuse(message: string, code = 2): never {
  console.error(`[zhucun] Restore refused: ${message}`);
  process.exit(code);
}

if (positionals.length !== 1) {
  refuse("name one backup file: npm run restore -- ./data/backups/zhucun-YYYYMMDD-HHMMSS.db");
}
const source = path.resolve(positionals[0]!);
if (isPostgresUrl(process.env.DATABASE_URL)) {
  refuse("restore replaces a SQLite file. On PostgreSQL use pg_restore (docs/deployment.md).");
}
const target = databasePathFromUrl(process.env.DATABASE_URL);
if (target === ":memory:") refuse("DATABASE_URL is :memory:; there is no file to restore into.");
const live = path.resolve(target);
const dir = path.dirname(live);
const stamp = utcStamp();
const base = path.basename(live).replace(/\.(db|sqlite3?)$/i, "");
const aside = path.join(dir, `${base}.before-restore-${stamp}.db`);
// Beside the live database, so the final rename stays on one file system (and is atomic).
const staging = path.join(dir, `.${base}.restore-${stamp}-${process.pid}.tmp`);
const sidecars = (file: string) => ["-wal", "-shm", "-journal"].map((s) => file + s);
const removeStaging = () => {
  for (const f of [staging, ...sidecars(staging)]) fs.rmSync(f, { force: true });
};

// 1. The file to restore, checked on a private copy.
try {
  const stat = fs.statSync(source);
  if (!stat.isFile()) refuse(`${source} is not a file.`);
  fs.accessSync(source, fs.constants.R_OK);
} catch (error) {
  refuse(`cannot read ${source}: ${(error as Error).message}`);
}
if (source === live) refuse("that is the live database itself.");
fs.mkdirSync(dir, { recursive: true });
let checked: DatabaseReport;
try {
  fs.copyFileSync(source, staging);
  fs.chmodSync(staging, 0o600);
  // A database copied with its WAL beside it (not one of our backups) needs that WAL too.
  if (fs.existsSync(`${source}-wal`)) fs.copyFileSync(`${source}-wal`, `${staging}-wal`);
  if (hasSqliteHeader(staging)) {
    // A self-contained file from here on (any WAL folded in): that is what gets renamed in.
    let db: SQLite.Database | undefined;
    try {
      db = new SQLite(staging, { fileMustExist: true });
      db.pragma("journal_mode = DELETE");
    } catch (error) {
      removeStaging();
      refuse(`${source}: SQLite cannot open it: ${(error as Error).message}`);
    } finally {
      db?.close();
    }
    for (const f of sidecars(staging)) fs.rmSync(f, { force: true });
  }
  checked = inspectDatabase(staging);
} catch (error) {
  removeStaging();
  refuse(`cannot read ${source} as a database: ${(error as Error).message}`);
}
if (checked.problems.length) {
  removeStaging();
  refuse(`${source}: ${checked.problems.join("; ")}`);
}
console.log(
  `[zhucun] ${source}: integrity_check ok, foreign_key_check clean, ${checked.migrations.length} migrations` +
    `${checked.pendingMigrations.length ? ` (the ${checked.pendingMigrations.length} newer ones are applied when the server starts)` : ""}.`,
);

// 2. Is the live database in use?
/** Processes running `scripts/server.ts` (supervisor, workers, tsx) that serve `file`, from /proc. */
function serversOf(file: string): string[] {
  let pids: string[];
  try {
    pids = fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid);
  } catch {
    return []; // not Linux: the lock check alone decides
  }
  const ours: string[] = [];
  const unknown: string[] = [];
  for (const pid of pids) {
    let args: string[];
    try {
      args = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    } catch {
      continue; // ended meanwhile
    }
    // `node … scripts/server.ts` (not the npm and sh wrappers, whose environment is the same).
    if (!/node$/.test(args[0] ?? "") || !args.some((a) => a.endsWith("scripts/server.ts"))) {
      continue;
    }
    try {
      const env = fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
      const url = env.find((e) => e.startsWith("DATABASE_URL="))?.slice("DATABASE_URL=".length);
      const cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
      if (path.resolve(cwd, databasePathFromUrl(url)) === file) ours.push(pid);
    } catch {
      // Another user's server: which database it serves cannot be read from here; assume ours.
      unknown.push(pid);
    }
  }
  return [
    ...(ours.length ? [`scripts/server.ts serves it (process ${ours.join(", ")})`] : []),
    ...(unknown.length
      ? [`another user runs scripts/server.ts (process ${unknown.join(", ")}), database unknown`]
      : []),
  ];
}

/**
 * - absent: nothing to set aside;
 * - exclusive: ours alone (checkpointed, out of WAL mode, no -wal/-shm);
 * - in-use: open elsewhere or served by a running server;
 * - unreadable: not a database SQLite can open (the usual reason to restore): copied aside as is.
 */
let state: "absent" | "exclusive" | "in-use" | "unreadable" = "absent";
let liveDb: SQLite.Database | null = null;
const users = fs.existsSync(live) ? serversOf(live) : [];
if (fs.existsSync(live)) {
  try {
    liveDb = new SQLite(live, { fileMustExist: true, timeout: 0 });
    // Folds the WAL into the file; leaving WAL mode then needs every other connection gone.
    liveDb.pragma("wal_checkpoint(TRUNCATE)");
    liveDb.pragma("journal_mode = DELETE");
    state = users.length ? "in-use" : "exclusive";
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") {
      users.push("it is open in another SQLite connection (the file is locked)");
      state = "in-use";
    } else {
      console.warn(`[zhucun] The live database cannot be read (${(error as Error).message}).`);
      liveDb?.close();
      liveDb = null;
      state = users.length ? "in-use" : "unreadable";
    }
  }
  if (state === "in-use" && !values.force) {
    liveDb?.close();
    removeStaging();
    refuse(
      `${live} is in use: ${users.join("; ")}. Stop the server first (systemctl stop zhucun), ` +
        "or pass --force and restart the server right after.",
      3,
    );
  }
}

// 3. Set the current database aside and put the checked copy in its place.
if (state !== "absent") {
  // The same owner and mode as the file it replaces: restoring as root must not lock out the
  // service user (the owner can be changed by root only; anyone else restores their own file).
  const previous = fs.statSync(live);
  fs.chmodSync(staging, previous.mode & 0o777);
  if (process.getuid?.() === 0) fs.chownSync(staging, previous.uid, previous.gid);
}
try {
  if (state === "exclusive" && liveDb) {
    // Hold it exclusively while it is copied and replaced, so nothing writes to it meanwhile.
    liveDb.pragma("locking_mode = EXCLUSIVE");
    liveDb.exec("begin exclusive");
    if (fs.existsSync(`${live}-wal`))
      throw new Error(`${live}-wal is still there after a checkpoint`);
    fs.copyFileSync(live, aside);
    syncFile(aside);
    syncFile(staging);
    fs.renameSync(staging, live);
    syncDirectory(dir);
    liveDb.exec("rollback");
  } else if (state === "in-use" && liveDb) {
    console.warn(`[zhucun] --force: ${live} is in use (${users.join("; ")}); restoring anyway.`);
    liveDb.pragma("busy_timeout = 5000");
    await copyDatabase(liveDb, aside);
    syncFile(aside);
    syncFile(staging);
    fs.renameSync(staging, live);
    // The old file's WAL must never be applied to the new file.
    for (const f of sidecars(live)) fs.rmSync(f, { force: true });
    syncDirectory(dir);
  } else if (state !== "absent") {
    // Unreadable (or in use and unreadable, forced): keep its bytes, WAL and all, as they are.
    fs.copyFileSync(live, aside);
    if (fs.existsSync(`${live}-wal`)) fs.copyFileSync(`${live}-wal`, `${aside}-wal`);
    syncFile(staging);
    fs.renameSync(staging, live);
    for (const f of sidecars(live)) fs.rmSync(f, { force: true });
    syncDirectory(dir);
  } else {
    syncFile(staging);
    fs.renameSync(staging, live);
    syncDirectory(dir);
  }
} catch (error) {
  const renamed = !fs.existsSync(staging);
  removeStaging();
  console.error(`[zhucun] Restore FAILED: ${(error as Error).message}`);
  console.error(
    !renamed
      ? `[zhucun] ${live} is unchanged.`
      : `[zhucun] Check ${live}; the previous database is at ${aside}.`,
  );
  process.exit(1);
} finally {
  liveDb?.close();
}

// 4. Check it where it now lies.
const restored = inspectDatabase(live);
if (restored.problems.length) {
  console.error(`[zhucun] The restored database failed its check: ${restored.problems.join("; ")}`);
  if (state !== "absent") console.error(`[zhucun] The previous database is at ${aside}.`);
  process.exit(1);
}
console.log(`[zhucun] Restored ${live} from ${source}.`);
if (state !== "absent") console.log(`[zhucun] The previous database is kept at ${aside}.`);
console.log("[zhucun] Rows per table:");
console.log(formatCounts(restored.counts));
if (state === "in-use") {
  console.warn(
    "[zhucun] RESTART THE SERVER NOW (systemctl restart zhucun): it still has the old database open.",
  );
}
