/**
 * npm run db:copy (scripts/db-copy.ts). The demo county goes SQLite → the test engine → SQLite: on
 * PostgreSQL when ZHUCUN_PG_URL is set (`npm run test:unit:pg`, part of `npm test`), else SQLite →
 * SQLite, so the copy, its checks and its refusals run on every unit run.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Migrator, sql, type Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { archiveAudit, recordAudit, verifyAuditChain } from "~/models/audit.server";
import { countRows, listTables } from "../../db/catalogue";
import { migrateToLatest, openDatabase } from "../../db/connection";
import { migrationProvider } from "../../db/migrations";
import type { DB } from "../../db/schema";
import { seedDemo } from "../../db/seed/seed-demo";
import {
  copyWholeDatabase,
  CopyRefused,
  databaseChecksums,
  TABLES,
  type CopyReport,
} from "../../scripts/db-copy";
import { createScratchDatabase, TEST_ENGINE, type ScratchDatabase } from "./engine";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zhucun-copy-"));
const scratches: ScratchDatabase[] = [];
const opened: Kysely<DB>[] = [];

function open(location: string) {
  const db = openDatabase(location);
  opened.push(db);
  return db;
}

/** A new empty database on the test engine (PostgreSQL under test:unit:pg). */
async function onTestEngine() {
  const scratch = await createScratchDatabase();
  scratches.push(scratch);
  return { url: scratch.url, db: open(scratch.url) };
}

async function newSqlite(name: string, migrate = true) {
  const db = open(path.join(dir, name));
  if (migrate) await migrateToLatest(db);
  return db;
}

/** Checksums read in one transaction (PostgreSQL's cursors need one). */
function checksums(db: Kysely<DB>) {
  return db.transaction().execute((trx) => databaseChecksums(trx));
}

/** Tables (bookkeeping aside) that hold rows. */
async function filled(db: Kysely<DB>) {
  const out: string[] = [];
  for (const t of await listTables(db)) {
    if (!t.startsWith("kysely_") && t !== "audit_changes" && (await countRows(db, t))) out.push(t);
  }
  return out;
}

/** Every byte value, and a thumbnail: an evidence file must come back byte for byte. */
const EVERY_BYTE = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));

afterAll(async () => {
  for (const db of opened) await db.destroy();
  for (const scratch of scratches) await scratch.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe(`db:copy: the demo county SQLite → ${TEST_ENGINE} → SQLite`, () => {
  let source: Kysely<DB>;
  let there: { url: string; db: Kysely<DB> };
  let back: Kysely<DB>;
  let forth: CopyReport;
  let home: CopyReport;

  beforeAll(async () => {
    source = await newSqlite("source.db");
    await seedDemo(source, { clock: "real" });
    // The demo has no audit log: entries, an archive of them, then entries chained onto it.
    for (let i = 0; i < 5; i++) {
      await recordAudit(source, { action: "test.early", details: { i, text: '驻村 "quoted"' } });
    }
    expect(await archiveAudit(source, 1, new Date(Date.now() + 40 * 86_400_000))).toBe(1);
    for (let i = 0; i < 3; i++) await recordAudit(source, { action: "test.late", details: { i } });
    const step = await source
      .selectFrom("village_exit_steps")
      .select(["id", "village_id"])
      .executeTakeFirstOrThrow();
    await source
      .insertInto("village_exit_files")
      .values({
        id: "copy-every-byte",
        step_id: step.id,
        village_id: step.village_id,
        file_name: "全部字节.bin",
        content_type: "application/octet-stream",
        size: EVERY_BYTE.length,
        sha256: "x".repeat(64),
        content: EVERY_BYTE,
        thumbnail: EVERY_BYTE.subarray(0, 7),
        uploaded_by: null,
        uploaded_at: "2026-12-03T10:00:00.000Z",
      })
      .execute();
    // A float that is not a short decimal, to come back to the last bit.
    await source
      .updateTable("villages")
      .set({ lat: 0.1 + 0.2 })
      .where("id", "=", step.village_id)
      .execute();
    // Sign-in bookkeeping and the cookie key, which stay behind.
    const user = await source.selectFrom("users").select("id").executeTakeFirstOrThrow();
    await source
      .insertInto("sessions")
      .values({
        id: "s".repeat(64),
        user_id: user.id,
        profile: "device",
        created_at: "2026-12-03T10:00:00.000Z",
        last_seen_at: "2026-12-03T10:00:00.000Z",
        ip: "203.0.113.9",
        user_agent: "test",
        ended_at: null,
        ended_reason: null,
        ended_by: null,
      })
      .execute();
    await source
      .insertInto("login_throttle")
      .values({
        key: "user:viewer",
        failures: 2,
        window_started_at: "2026-12-03T10:00:00.000Z",
        locked_until: null,
        updated_at: "2026-12-03T10:00:00.000Z",
      })
      .execute();
    await source
      .insertInto("app_secrets")
      .values({ name: "session", value: "secret", created_at: "2026-12-03T10:00:00.000Z" })
      .execute();

    there = await onTestEngine();
    forth = await copyWholeDatabase(source, there.db);
    back = await newSqlite("back.db", false);
    home = await copyWholeDatabase(there.db, back);
  }, 600_000);

  it("comes back with the same rows in every table: counts and checksums equal on all three", async () => {
    expect(forth.ok && home.ok).toBe(true);
    const a = await checksums(source);
    const b = await checksums(there.db);
    const c = await checksums(back);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    // The copy's own report says the same, table by table.
    for (const t of forth.tables.filter((t) => !t.leftBehind)) {
      expect(t, t.table).toMatchObject({ ok: true, sourceRows: a[t.table]!.rows });
      expect(t.sourceSha256).toBe(a[t.table]!.sha256);
    }
    expect(a.households!.rows).toBeGreaterThan(1000);
    expect(a.village_exit_files!.rows).toBeGreaterThan(1);
    expect(a.audit_archives!.rows).toBe(1);
  }, 180_000);

  it("copies every table of the DB interface except sessions, login throttling and the cookie key", () => {
    const left = forth.tables.filter((t) => t.leftBehind).map((t) => t.table);
    expect(left.sort()).toEqual(["app_secrets", "login_throttle", "sessions"]);
    expect(forth.tables.map((t) => t.table).sort()).toEqual(Object.keys(TABLES).sort());
  });

  it("leaves sessions behind", async () => {
    expect(await countRows(source, "sessions")).toBe(1);
    for (const db of [there.db, back]) {
      expect(await countRows(db, "sessions")).toBe(0);
      expect(await countRows(db, "login_throttle")).toBe(0);
      expect(await countRows(db, "app_secrets")).toBe(0);
    }
  });

  it("brings evidence files across byte for byte, and floats to the last bit", async () => {
    for (const db of [there.db, back]) {
      const file = await db
        .selectFrom("village_exit_files")
        .select(["content", "thumbnail", "village_id"])
        .where("id", "=", "copy-every-byte")
        .executeTakeFirstOrThrow();
      expect(Buffer.from(file.content).equals(EVERY_BYTE)).toBe(true);
      expect(Buffer.from(file.thumbnail!).equals(EVERY_BYTE.subarray(0, 7))).toBe(true);
      const village = await db
        .selectFrom("villages")
        .select("lat")
        .where("id", "=", file.village_id)
        .executeTakeFirstOrThrow();
      expect(village.lat).toBe(0.1 + 0.2);
    }
  });

  it("keeps the audit log's chain, archive included, verifiable on the copy", async () => {
    const expected = { ok: true, entries: 3, lastSeq: 8 };
    expect(forth.audit).toMatchObject({ ok: true, source: expected, target: expected });
    expect(await verifyAuditChain(there.db)).toEqual(expected);
    expect(await verifyAuditChain(back)).toEqual(expected);
  });

  it("refuses a target that holds data, and writes nothing into it", async () => {
    const before = await checksums(back);
    await expect(copyWholeDatabase(source, back)).rejects.toThrow(CopyRefused);
    await expect(copyWholeDatabase(source, back)).rejects.toThrow(/target is not empty/);
    expect(await checksums(back)).toEqual(before);

    // One row is enough, in any table, and it stays the only one.
    const almost = await onTestEngine();
    await migrateToLatest(almost.db);
    await almost.db
      .insertInto("app_secrets")
      .values({ name: "session", value: "theirs", created_at: "2026-12-03T10:00:00.000Z" })
      .execute();
    await expect(copyWholeDatabase(source, almost.db)).rejects.toThrow(/app_secrets hold rows/);
    expect(await filled(almost.db)).toEqual(["app_secrets"]);
  }, 180_000);
});

describe("db:copy refuses and fails without leaving anything behind", () => {
  it("refuses a source that is not at the latest migration, before touching the target", async () => {
    const old = await newSqlite("old.db", false);
    const names = Object.keys(await migrationProvider.getMigrations());
    const { error } = await new Migrator({ db: old, provider: migrationProvider }).migrateTo(
      names.at(-2)!,
    );
    expect(error).toBeUndefined();
    const target = await onTestEngine();
    await expect(copyWholeDatabase(old, target.db)).rejects.toThrow(/npm run db:migrate/);
    expect(await listTables(target.db)).toEqual([]);
  }, 60_000);

  it("rolls a failed copy back: the target stays empty", async () => {
    // A damaged source: a comment on a card that does not exist (written with foreign keys off).
    const damaged = await newSqlite("damaged.db");
    await damaged
      .insertInto("townships")
      .values({
        id: "t1",
        code: "130725101",
        name_zh: "测试镇",
        name_pinyin: "Cèshì Zhèn",
        kind: "town",
        lat: null,
        lon: null,
        deactivated_at: null,
      })
      .execute();
    await sql`pragma foreign_keys = off`.execute(damaged);
    await damaged
      .insertInto("card_comments")
      .values({ id: "c1", card_id: "missing", body: "x", author_id: null, created_at: "2026" })
      .execute();
    const target = await onTestEngine();
    await expect(copyWholeDatabase(damaged, target.db)).rejects.toThrow(/foreign key/i);
    expect(await filled(target.db)).toEqual([]);
  }, 60_000);
});

describe("npm run db:copy, the command", () => {
  const run = (...args: string[]) =>
    spawnSync("npx", ["tsx", "scripts/db-copy.ts", ...args], {
      cwd: path.resolve(import.meta.dirname, "../.."),
      encoding: "utf8",
      timeout: 120_000,
    });

  it("copies, refuses a second copy into the same target (exit 1), and explains its arguments (exit 2)", async () => {
    const small = await newSqlite("small.db");
    await small
      .insertInto("sending_units")
      .values({ id: "u1", name_zh: "测试单位", level: "county", name_source: "demo" })
      .execute();
    await small.destroy();
    opened.splice(opened.indexOf(small), 1);
    const scratch = await createScratchDatabase();
    scratches.push(scratch);
    const to = TEST_ENGINE === "postgres" ? scratch.url : `file:${scratch.url}`;

    const first = run("--from", path.join(dir, "small.db"), "--to", to);
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/sending_units\s+1\s+1\s+[0-9a-f]{16}\s+ok/);
    expect(first.stdout).toMatch(/every count, checksum and the audit chain match/);

    const second = run("--from", path.join(dir, "small.db"), "--to", to);
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/Refused: The target is not empty: sending_units hold rows/);

    const missing = run("--from", path.join(dir, "nothing-here.db"), "--to", to);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no database at/);

    const usage = run("--from", path.join(dir, "small.db"));
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/needs --from and --to/);
  }, 300_000);
});
