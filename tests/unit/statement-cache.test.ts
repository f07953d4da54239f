/**
 * SQLite statements are prepared once and reused (db/statement-cache.ts), but never one still
 * being read: the same query run while another reads its rows gets a statement of its own.
 */
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect, sql } from "kysely";
import { describe, expect, it } from "vitest";
import { withStatementCache } from "../../db/statement-cache";

function numbers(rows = 5) {
  const raw = new SQLite(":memory:");
  raw.exec("create table n (i integer primary key)");
  const insert = raw.prepare("insert into n (i) values (?)");
  for (let i = 1; i <= rows; i++) insert.run(i);
  return raw;
}

describe("the prepared-statement cache", () => {
  it("hands out the same statement for the same SQL, a fresh one while it is being iterated", () => {
    const db = withStatementCache(numbers());
    const first = db.prepare("select i from n order by i");
    expect(db.prepare("select i from n order by i")).toBe(first);
    expect(db.prepare("select i from n where i > ?")).not.toBe(first);

    const reading = first.iterate([]);
    reading.next();
    const beside = db.prepare("select i from n order by i");
    expect(beside).not.toBe(first);
    expect(beside.all([])).toHaveLength(5);
    // Still the kept one's turn to finish; afterwards the kept one is handed out again.
    expect([...reading]).toHaveLength(4);
    expect(db.prepare("select i from n order by i")).toBe(first);
    db.close();
  });

  it("keeps only the most recently used statements", () => {
    const db = withStatementCache(numbers(), 2);
    const a = db.prepare("select 1");
    const b = db.prepare("select 2");
    expect(db.prepare("select 1")).toBe(a); // a is now the most recent
    db.prepare("select 3"); // drops b, the least recent
    expect(db.prepare("select 1")).toBe(a);
    expect(db.prepare("select 2")).not.toBe(b);
    db.close();
  });

  it("serves Kysely: a query streamed, one broken off, then the same query run, each read whole", async () => {
    const kysely = new Kysely<{ n: { i: number } }>({
      dialect: new SqliteDialect({ database: withStatementCache(numbers(50)) }),
    });
    const query = () => kysely.selectFrom("n").select("i").orderBy("i");
    const streamed: number[] = [];
    for await (const row of query().stream()) streamed.push(row.i);
    expect(streamed).toEqual(Array.from({ length: 50 }, (_, k) => k + 1));
    for await (const row of query().stream()) if (row.i === 10) break;
    expect(await query().execute()).toHaveLength(50);
    // A schema change: the kept statement is prepared again by SQLite, not stale.
    await sql`alter table n add column label text`.execute(kysely);
    const all = () => kysely.selectFrom("n").selectAll().orderBy("i").limit(1).execute();
    expect(await all()).toEqual([{ i: 1, label: null }]);
    await sql`alter table n add column kind text`.execute(kysely);
    expect(await all()).toEqual([{ i: 1, label: null, kind: null }]);
    await kysely.destroy();
  });
});
