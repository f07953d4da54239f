/**
 * npm run db:copy — moves a county's whole database into an EMPTY database, on either engine
 * (issue 17): SQLite → PostgreSQL when a county joins a shared deployment, PostgreSQL → SQLite
 * when it leaves one.
 *   npm run db:copy -- --from file:./data/zhucun.db --to postgres://zhucun@db.example/shangyi
 *   npm run db:copy -- --from postgres://zhucun@db.example/shangyi --to file:./data/zhucun.db
 *
 * Stop the app servers first: writes made after the copy's snapshot stay behind in the source.
 * What it does, in order (docs/_db-copy-section.md has the why):
 * 1. Refuses a source that is not at this code's latest migration, or holds a table db/schema.ts
 *    does not know, and a target that holds any row in any table (migration bookkeeping aside) —
 *    before writing anything. Exit 1.
 * 2. Migrates the target (the same migrations as the source).
 * 3. Reads the source in one snapshot (SQLite: one read transaction; PostgreSQL: REPEATABLE READ),
 *    table by table, parents first, a page at a time in primary-key order, and writes the pages into
 *    the target in ONE transaction. Evidence files and audit archives come across byte for byte;
 *    the audit log keeps its numbers and hashes.
 * 4. Before committing, reads every copied table back from the target and compares its row count
 *    and SHA-256 (rows in primary-key order, each as canonical JSON) with the source's, and checks
 *    the audit log's hash chain on both sides. Any difference rolls the whole copy back (the target
 *    stays empty) and exits 1.
 * Sign-in sessions, login throttling and the generated cookie key are left behind (TABLES below).
 */
import fs from "node:fs";
import { createHash } from "node:crypto";
import { parseArgs } from "node:util";
import { sql, type Kysely, type Transaction } from "kysely";
import { verifyAuditChain, type ChainCheck } from "../app/models/audit.server";
import {
  countRows,
  hasRows,
  listTables,
  parentsFirst,
  tableShape,
  type TableShape,
} from "../db/catalogue";
import { databaseLocation, isPostgresUrl, migrateToLatest, openDatabase } from "../db/connection";
import { engineOf, type Engine } from "../db/dialect";
import { migrations as knownMigrations } from "../db/migrations";
import type { DB } from "../db/schema";
import { insertInBatches } from "../db/seed/insert";

type Db = Kysely<DB> | Transaction<DB>;
type Row = Record<string, unknown>;

/**
 * Every table of the DB interface, copied or left behind (the type makes this exhaustive: a new
 * table is a compile error here until someone decides).
 * - sessions: issue 17 — people sign in again on the new deployment (a session's cookie names a
 *   server that no longer answers for it anyway).
 * - login_throttle: failed-sign-in counters and short lockouts (15 minutes) keyed by account and
 *   by client address, which a new deployment's proxy may report differently. The lockouts
 *   themselves are in the audit log (auth.lockout), which is copied; counting starts afresh.
 * - app_secrets: the generated cookie key. Copying it keeps no one signed in (sessions stay
 *   behind), and a secret should not travel with a county's data — least of all out of a shared
 *   deployment whose other counties still use it. The target makes its own on first start (or
 *   uses SESSION_SECRET).
 */
export const TABLES: Record<keyof DB, "copy" | "leave"> = {
  townships: "copy",
  villages: "copy",
  sending_units: "copy",
  teams: "copy",
  cadres: "copy",
  team_memberships: "copy",
  users: "copy",
  village_position_changes: "copy",
  township_boundaries: "copy",
  exit_plans: "copy",
  plan_indicators: "copy",
  plan_milestones: "copy",
  plan_opinions: "copy",
  households: "copy",
  household_incomes: "copy",
  household_exit_steps: "copy",
  activity_log: "copy",
  cards: "copy",
  card_assignees: "copy",
  card_households: "copy",
  card_comments: "copy",
  card_events: "copy",
  check_ins: "copy",
  leave_requests: "copy",
  work_logs: "copy",
  weekly_reports: "copy",
  notices: "copy",
  notice_teams: "copy",
  notice_reads: "copy",
  village_history: "copy",
  presence_months: "copy",
  village_progress: "copy",
  import_mappings: "copy",
  sessions: "leave",
  login_throttle: "leave",
  county_settings: "copy",
  county_rules: "copy",
  village_exit_steps: "copy",
  village_exit_files: "copy",
  audit_log: "copy",
  audit_archives: "copy",
  // A create form's request id, claimed once: a phone's outbox that resends after the move must
  // still find it, or the write would be made twice.
  write_requests: "copy",
  app_secrets: "leave",
};

/** Not data: Kysely's migration bookkeeping, and the audit capture's per-transaction scratch table. */
const BOOKKEEPING = new Set(["kysely_migration", "kysely_migration_lock", "audit_changes"]);

const COPIED = (Object.keys(TABLES) as (keyof DB)[]).filter((t) => TABLES[t] === "copy");

/** A refusal: nothing was written; the message says what to do. */
export class CopyRefused extends Error {}

/** The copy read back did not match the source: it was rolled back. */
export class CopyMismatch extends Error {
  constructor(readonly report: CopyReport) {
    super("the copy read back from the target differs from the source; nothing was kept");
  }
}

export interface TableResult {
  table: string;
  sourceRows: number;
  /** Null for a table left behind. */
  targetRows: number | null;
  sourceSha256: string | null;
  targetSha256: string | null;
  ok: boolean;
  leftBehind: boolean;
}

export interface CopyReport {
  from: Engine;
  to: Engine;
  tables: TableResult[];
  audit: { source: ChainCheck; target: ChainCheck; ok: boolean };
  ok: boolean;
  seconds: number;
}

// ——— the canonical form of a row ———

/**
 * A value as both engines must agree on it: text as text, a number as JSON writes it (the shortest
 * form that reads back to the same double, so 1 and "1" differ, and so do two floats one bit
 * apart), null, and bytes as hex (never confused with text). Anything else — a boolean, a Date, a
 * bigint — is a value Zhucun's schema does not store, and stops the copy.
 */
export function canonicalValue(value: unknown, where: string): unknown {
  if (value === null || typeof value === "string") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : { float: String(value) };
  if (value instanceof Uint8Array) {
    return { hex: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex") };
  }
  throw new Error(
    `${where} holds a ${value === undefined ? "missing" : typeof value} value (${String(value)}), which Zhucun's schema never stores`,
  );
}

/** SHA-256 over a table's rows in primary-key order, each row as canonical JSON (columns by name). */
class TableDigest {
  private readonly hash = createHash("sha256");
  private readonly columns: string[];
  rows = 0;
  constructor(private readonly shape: TableShape) {
    this.columns = shape.columns.map((c) => c.name).sort();
    this.hash.update(JSON.stringify(this.columns) + "\n");
  }
  add(rows: Row[]) {
    for (const row of rows) {
      const values = this.columns.map((c) => canonicalValue(row[c], `${this.shape.name}.${c}`));
      this.hash.update(JSON.stringify(values) + "\n");
      this.rows += 1;
    }
  }
  digest() {
    return this.hash.digest("hex");
  }
}

// ——— reading a table a page at a time ———

/** Rows per page and per insert: a few for tables of files, else as many as the parameters allow. */
function pageSize(shape: TableShape, target: Engine): number {
  if (shape.columns.some((c) => c.binary)) return 4; // evidence files are up to 10 MB each
  const parameters = target === "postgres" ? 65_535 : 32_766;
  return Math.min(1000, Math.floor(parameters / shape.columns.length));
}

/**
 * A table's rows in primary-key order, a page at a time, on a connection that stays in one
 * transaction (the source's snapshot, or the target's write). The same order on both engines: text
 * keys byte by byte (SQLite's BINARY; `collate "C"` on PostgreSQL, whatever the database's own
 * collation), numbers as numbers. PostgreSQL reads through a cursor (one sort, then pages);
 * SQLite pages by key (its primary-key index is already in that order).
 */
export async function* tablePages(db: Db, shape: TableShape, size: number): AsyncGenerator<Row[]> {
  if (!shape.key.length) throw new Error(`${shape.name} has no primary key to order it by`);
  const columns = sql.join(shape.columns.map((c) => sql.ref(c.name)));
  if (engineOf(db) === "postgres") {
    const order = sql.join(
      shape.key.map((k) => (k.text ? sql`${sql.ref(k.name)} collate "C"` : sql.ref(k.name))),
    );
    await sql`declare zhucun_copy no scroll cursor for
      select ${columns} from ${sql.table(shape.name)} order by ${order}`.execute(db);
    try {
      for (;;) {
        const { rows } =
          await sql<Row>`fetch forward ${sql.raw(String(size))} from zhucun_copy`.execute(db);
        if (!rows.length) return;
        yield rows;
      }
    } finally {
      // After a failed statement the transaction is aborted and refuses even this; it ends anyway.
      await sql`close zhucun_copy`.execute(db).catch(() => {});
    }
  }
  const key = sql.join(shape.key.map((k) => sql.ref(k.name)));
  let after: unknown[] | null = null;
  for (;;) {
    const query = after
      ? sql<Row>`select ${columns} from ${sql.table(shape.name)}
          where (${key}) > (${sql.join(after)}) order by ${key} limit ${size}`
      : sql<Row>`select ${columns} from ${sql.table(shape.name)} order by ${key} limit ${size}`;
    const rows: Row[] = (await query.execute(db)).rows;
    if (rows.length) yield rows;
    if (rows.length < size) return;
    const last: Row = rows[rows.length - 1]!;
    after = shape.key.map((k) => last[k.name]);
  }
}

/** Row count and checksum of one table, computed exactly as the copy computes them. */
export async function tableChecksum(db: Db, shape: TableShape) {
  const digest = new TableDigest(shape);
  for await (const rows of tablePages(db, shape, pageSize(shape, engineOf(db)))) digest.add(rows);
  return { rows: digest.rows, sha256: digest.digest() };
}

/**
 * Row count and checksum of every copied table (for tests and for checking a copy later).
 * Run it inside a transaction on PostgreSQL (its cursors need one): `db.transaction()`.
 */
export async function databaseChecksums(db: Db) {
  const out: Record<string, { rows: number; sha256: string }> = {};
  for (const table of COPIED) out[table] = await tableChecksum(db, await tableShape(db, table));
  return out;
}

// ——— checks before writing ———

async function checkSource(source: Kysely<DB>) {
  const tables = await listTables(source);
  if (!tables.includes("kysely_migration") || !tables.includes("users")) {
    throw new CopyRefused(
      "The source is not a Zhucun database (it has no kysely_migration or users table).",
    );
  }
  const applied = (
    await sql<{ name: string }>`select name from kysely_migration`.execute(source)
  ).rows.map((r) => r.name);
  const known = Object.keys(knownMigrations);
  const unknown = applied.filter((m) => !known.includes(m));
  if (unknown.length) {
    throw new CopyRefused(
      `The source was made by a newer Zhucun: migration(s) ${unknown.join(", ")} are unknown to this code. Copy with that version.`,
    );
  }
  const pending = known.filter((m) => !applied.includes(m));
  if (pending.length) {
    throw new CopyRefused(
      `The source is not at the latest migration (${pending.length} not applied: ${pending.join(", ")}). ` +
        (engineOf(source) === "postgres"
          ? "Start this version's app on it once (it migrates at start), then copy again."
          : "Run `npm run db:migrate` on it first (with DATABASE_URL set to it), then copy again."),
    );
  }
  const strangers = tables.filter((t) => !(t in TABLES) && !BOOKKEEPING.has(t));
  if (strangers.length) {
    throw new CopyRefused(
      `The source holds table(s) db/schema.ts does not know: ${strangers.join(", ")}. ` +
        "A copy would leave them behind; move them by hand or drop them first.",
    );
  }
}

/** The target's tables (bookkeeping aside) that hold rows. */
async function tablesWithRows(db: Db): Promise<string[]> {
  const found: string[] = [];
  for (const table of await listTables(db)) {
    if (!BOOKKEEPING.has(table) && (await hasRows(db, table))) found.push(table);
  }
  return found;
}

function refuseNonEmpty(tables: string[]) {
  if (!tables.length) return;
  throw new CopyRefused(
    `The target is not empty: ${tables.slice(0, 8).join(", ")}${tables.length > 8 ? ` and ${tables.length - 8} more` : ""} hold rows. ` +
      "db:copy only writes into an empty database: create a new one (PostgreSQL: createdb; SQLite: a new file name).",
  );
}

// ——— the copy ———

/**
 * Copies every copied table of `source` into `target` (see the file's comment). Throws
 * CopyRefused before writing anything, CopyMismatch (rolled back) when the copy read back differs,
 * or the database's own error (rolled back). `log` hears progress, a line at a time.
 */
export async function copyWholeDatabase(
  source: Kysely<DB>,
  target: Kysely<DB>,
  log: (line: string) => void = () => {},
): Promise<CopyReport> {
  const started = performance.now();
  await checkSource(source);
  refuseNonEmpty(await tablesWithRows(target));
  const applied = await migrateToLatest(target);
  if (applied.length) log(`migrated the target (${applied.length} migrations)`);

  const from = engineOf(source);
  const to = engineOf(target);
  const shapes: TableShape[] = [];
  for (const table of COPIED) {
    const shape = await tableShape(source, table);
    const theirs = await tableShape(target, table);
    const names = (s: TableShape) =>
      s.columns
        .map((c) => c.name)
        .sort()
        .join();
    if (names(shape) !== names(theirs)) {
      throw new CopyRefused(`${table} has other columns in the target than in the source.`);
    }
    // The target's foreign keys decide the order: they are the ones that will be checked.
    shapes.push({ ...shape, parents: theirs.parents });
  }
  const order = parentsFirst(shapes);

  const report = await source.connection().execute(async (snapshot) => {
    // One consistent state of the source for every table, its checksums and its audit chain.
    await sql
      .raw(from === "postgres" ? "begin isolation level repeatable read read only" : "begin")
      .execute(snapshot);
    try {
      return await target.transaction().execute(async (trx) => {
        // Checked again under the write lock: nothing may have arrived since the first look.
        refuseNonEmpty(await tablesWithRows(trx));
        const sourceSums = new Map<string, { rows: number; sha256: string }>();
        for (const shape of order) {
          const began = performance.now();
          const digest = new TableDigest(shape);
          const size = pageSize(shape, to);
          for await (const rows of tablePages(snapshot, shape, size)) {
            digest.add(rows);
            await insertInBatches(trx, shape.name as keyof DB, rows, { batchSize: size });
          }
          sourceSums.set(shape.name, { rows: digest.rows, sha256: digest.digest() });
          log(
            `copied ${shape.name}: ${digest.rows} rows in ${((performance.now() - began) / 1000).toFixed(1)} s`,
          );
        }
        log("reading the copy back to check it");
        const tables: TableResult[] = [];
        for (const shape of order) {
          const mine = sourceSums.get(shape.name)!;
          const theirs = await tableChecksum(trx, shape);
          tables.push({
            table: shape.name,
            sourceRows: mine.rows,
            targetRows: theirs.rows,
            sourceSha256: mine.sha256,
            targetSha256: theirs.sha256,
            ok: mine.rows === theirs.rows && mine.sha256 === theirs.sha256,
            leftBehind: false,
          });
        }
        for (const table of Object.keys(TABLES).filter((t) => TABLES[t as keyof DB] === "leave")) {
          tables.push({
            table,
            sourceRows: await countRows(snapshot, table),
            targetRows: null,
            sourceSha256: null,
            targetSha256: null,
            ok: true,
            leftBehind: true,
          });
        }
        const sourceChain = await verifyAuditChain(snapshot);
        const targetChain = await verifyAuditChain(trx);
        const audit = {
          source: sourceChain,
          target: targetChain,
          ok: JSON.stringify(sourceChain) === JSON.stringify(targetChain),
        };
        const report: CopyReport = {
          from,
          to,
          tables,
          audit,
          ok: audit.ok && tables.every((t) => t.ok),
          seconds: 0,
        };
        report.seconds = (performance.now() - started) / 1000;
        if (!report.ok) throw new CopyMismatch(report);
        return report;
      });
    } finally {
      await sql.raw("rollback").execute(snapshot); // it only read
    }
  });
  if (to === "postgres") {
    // What autovacuum would do in its own time, done now: the planner's statistics, and the
    // visibility map that lets an index answer without the table. A freshly loaded database ran
    // the dashboard's statements ~40 % slower until vacuumed (ANALYZE alone was not enough).
    // Outside the copy's transaction (VACUUM cannot run in one); the copy is already committed.
    await sql`vacuum analyze`.execute(target);
    report.seconds = (performance.now() - started) / 1000;
  }
  return report;
}

/** The report as a table, one line per table. */
export function formatReport(report: CopyReport): string {
  const lines = [
    `${"table".padEnd(26)} ${"source rows".padStart(11)} ${"target rows".padStart(11)}  ${"sha-256".padEnd(16)}  ok`,
  ];
  for (const t of report.tables) {
    const sha = t.sourceSha256 ? t.sourceSha256.slice(0, 16) : "—".padEnd(16);
    const verdict = t.leftBehind
      ? "left behind"
      : t.ok
        ? "ok"
        : `MISMATCH (target sha-256 ${t.targetSha256?.slice(0, 16)})`;
    lines.push(
      `${t.table.padEnd(26)} ${String(t.sourceRows).padStart(11)} ${(t.targetRows === null ? "—" : String(t.targetRows)).padStart(11)}  ${sha}  ${verdict}`,
    );
  }
  const chain = (c: ChainCheck) =>
    c.ok
      ? `intact, ${c.entries} live entries up to #${c.lastSeq}`
      : `BROKEN at #${c.brokenAt} (${c.reason})`;
  lines.push(
    `audit log chain: source ${chain(report.audit.source)}; target ${chain(report.audit.target)}` +
      (report.audit.ok ? " — the same" : " — DIFFERENT"),
  );
  return lines.join("\n");
}

/** A database's location for the log: a PostgreSQL URL without its password. */
export function displayLocation(location: string): string {
  if (!isPostgresUrl(location)) return location;
  const url = new URL(location);
  if (url.password) url.password = "***";
  return url.toString();
}

const USAGE =
  "usage: npm run db:copy -- --from <database> --to <empty database>\n" +
  "  a database is a SQLite file (./data/zhucun.db, file:./data/zhucun.db) or a postgres:// URL";

async function main(): Promise<number> {
  let values: { from?: string; to?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        from: { type: "string" },
        to: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    console.error(`[zhucun] ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.from || !values.to) {
    console.error(`[zhucun] db:copy needs --from and --to.\n${USAGE}`);
    return 2;
  }
  let from: string;
  let to: string;
  try {
    from = databaseLocation(values.from);
    to = databaseLocation(values.to);
  } catch (error) {
    console.error(`[zhucun] ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (from === ":memory:" || to === ":memory:") {
    console.error("[zhucun] db:copy copies between databases that outlive it, not :memory:.");
    return 2;
  }
  if (!isPostgresUrl(from) && !fs.existsSync(from)) {
    console.error(`[zhucun] Refused: there is no database at ${from}.`);
    return 1;
  }
  console.log(`[zhucun] Copying ${displayLocation(from)}`);
  console.log(`[zhucun]      to ${displayLocation(to)}`);
  const source = openDatabase(from);
  const target = openDatabase(to);
  try {
    const report = await copyWholeDatabase(source, target, (line) =>
      console.log(`[zhucun] ${line}`),
    );
    console.log(formatReport(report));
    const copied = report.tables.filter((t) => !t.leftBehind);
    console.log(
      `[zhucun] Copied ${copied.reduce((n, t) => n + t.sourceRows, 0)} rows in ${copied.length} tables in ` +
        `${report.seconds.toFixed(1)} s; every count, checksum and the audit chain match. ` +
        `Peak memory ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB.`,
    );
    console.log("[zhucun] Sessions were left behind: everyone signs in again on the new database.");
    return 0;
  } catch (error) {
    if (error instanceof CopyRefused) {
      console.error(`[zhucun] Refused: ${error.message}`);
    } else if (error instanceof CopyMismatch) {
      console.error(formatReport(error.report));
      console.error(`[zhucun] Copy FAILED: ${error.message}; the target is empty.`);
    } else {
      console.error(
        `[zhucun] Copy FAILED: ${(error as Error).message}; nothing was kept (the target is empty).`,
      );
    }
    return 1;
  } finally {
    await source.destroy();
    await target.destroy();
  }
}

if (process.argv[1]?.endsWith("db-copy.ts")) process.exitCode = await main();
