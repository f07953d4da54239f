/**
 * Where the engines differ (db/dialect.ts), on the engine under test: long `in` lists, which go to
 * PostgreSQL as one array parameter, answer as the same lists written out do on SQLite.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql, type Kysely } from "kysely";
import { migrateToLatest, openDatabase } from "../../db/connection";
import { LONG_IN_LIST, selectTuples, setIntegersById } from "../../db/dialect";
import type { DB } from "../../db/schema";
import { createScratchDatabase, TEST_ENGINE, type ScratchDatabase } from "./engine";

let scratch: ScratchDatabase;
let db: Kysely<DB>;
const codes = Array.from({ length: 300 }, (_, i) => `139${String(i).padStart(6, "0")}`);

beforeAll(async () => {
  scratch = await createScratchDatabase();
  db = openDatabase(scratch.url);
  await migrateToLatest(db);
  await db
    .insertInto("townships")
    .values(
      codes.map((code, i) => ({
        id: `t${i}`,
        code,
        name_zh: `乡镇${i}`,
        name_pinyin: `Xiang ${i}`,
        kind: "township" as const,
        lat: 41,
        lon: 114,
      })),
    )
    .execute();
});

afterAll(async () => {
  await db?.destroy();
  await scratch?.drop();
});

describe(`long in lists (${TEST_ENGINE})`, () => {
  it("go to PostgreSQL as one array parameter, and short ones as they are", () => {
    const ids = Array.from({ length: 8000 }, (_, i) => `t${i}`);
    const long = db.selectFrom("townships").select("id").where("id", "in", ids).compile();
    const short = db.selectFrom("townships").select("id").where("id", "in", ["t1", "t2"]).compile();
    if (TEST_ENGINE === "postgres") {
      expect(long.sql).toMatch(/"id" in \(select unnest\(cast\(\$1 as text\[\]\)\)\)$/);
      expect(long.parameters).toEqual([ids]);
    } else {
      expect(long.parameters).toHaveLength(8000);
    }
    expect(short.sql).toMatch(/"id" in \(\$1, \$2\)$|"id" in \(\?, \?\)$/);
  });

  it("answer the same rows, for in and not in, with a short list, a long one, in a join", async () => {
    const wanted = Array.from({ length: 8000 }, (_, i) => `t${i * 3}`); // 100 exist
    expect(wanted.length).toBeGreaterThanOrEqual(LONG_IN_LIST);
    const inside = await db
      .selectFrom("townships")
      .select("id")
      .where("id", "in", wanted)
      .orderBy("code")
      .execute();
    expect(inside.map((r) => r.id)).toEqual(
      Array.from({ length: 100 }, (_, i) => `t${i * 3}`).sort(
        (a, b) => Number(a.slice(1)) - Number(b.slice(1)),
      ),
    );
    const outside = await db
      .selectFrom("townships")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("id", "not in", wanted)
      .executeTakeFirstOrThrow();
    expect(Number(outside.n)).toBe(200);
    const short = await db
      .selectFrom("townships")
      .select("id")
      .where("id", "in", ["t1", "t2", "nope"])
      .orderBy("id")
      .execute();
    expect(short.map((r) => r.id)).toEqual(["t1", "t2"]);
    // Inside a join and an OR, on a column of another table, beside other parameters.
    const joined = await db
      .selectFrom("townships as a")
      .innerJoin("townships as b", "b.id", "a.id")
      .select("a.id")
      .where((eb) =>
        eb.or([eb("b.code", "in", codes.slice(0, 100)), eb("a.name_zh", "=", "乡镇299")]),
      )
      .execute();
    expect(joined).toHaveLength(101);
    // Numbers: whole and not, against a real column.
    const whole = Array.from({ length: 100 }, (_, i) => i);
    const some = await db
      .selectFrom("townships")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("lat", "in", whole)
      .executeTakeFirstOrThrow();
    expect(Number(some.n)).toBe(300);
    const none = await db
      .selectFrom("townships")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where(
        "lat",
        "in",
        whole.map((n) => n + 0.5),
      )
      .executeTakeFirstOrThrow();
    expect(Number(none.n)).toBe(0);
  });
});

describe(`many rows, each its own integer (${TEST_ENGINE})`, () => {
  it("sets every listed row, in one go past a chunk's size, and leaves the others", async () => {
    await sql`create table numbered (id text primary key, n integer not null)`.execute(db);
    const all = Array.from({ length: 1300 }, (_, i) => ({ id: `n${i}`, n: -1 }));
    for (let i = 0; i < all.length; i += 400) {
      await db
        .insertInto("numbered" as never)
        .values(all.slice(i, i + 400) as never)
        .execute();
    }
    // Every row but the last 100, in a shuffled order, each a value of its own (past 2^16).
    const given = all
      .slice(0, 1200)
      .map((r, i) => ({ id: r.id, value: 70_000 + i * 7 }))
      .reverse();
    await db.transaction().execute((trx) => setIntegersById(trx, "numbered", "n", given));
    const rows = await sql<{ id: string; n: number }>`select id, n from numbered`.execute(db);
    const got = new Map(rows.rows.map((r) => [r.id, Number(r.n)]));
    expect(got.size).toBe(1300);
    for (const { id, value } of given) expect(got.get(id)).toBe(value);
    for (const { id } of all.slice(1200)) expect(got.get(id)).toBe(-1);
    // Nothing to do, nothing done; a value that is not a whole number is refused before any write.
    await setIntegersById(db, "numbered", "n", []);
    await expect(
      setIntegersById(db, "numbered", "n", [
        { id: "n0", value: 1 },
        { id: "n1", value: 1.5 },
      ]),
    ).rejects.toThrow(RangeError);
    const first = await sql<{ n: number }>`select n from numbered where id = 'n0'`.execute(db);
    expect(Number(first.rows[0]!.n)).toBe(70_000); // as set above: the refused call changed nothing
  });
});

describe(`rows as tuples (${TEST_ENGINE})`, () => {
  const query = () =>
    db
      .selectFrom("townships")
      .select([
        "id",
        "name_zh",
        "lat",
        sql<number>`cast(${sql.ref("lon")} as integer)`.as("lonInt"),
      ])
      .where("id", "in", ["t1", "t2", "t3"])
      .orderBy("id");

  it("answer the same values, in the columns' order, as Kysely's object rows", async () => {
    const objects = await query().execute();
    const tuples = await selectTuples(db, query(), ["id", "name_zh", "lat", "lonInt"]);
    expect(tuples).toEqual(objects.map((r) => [r.id, r.name_zh, r.lat, r.lonInt]));
    expect(tuples[0]).toEqual(["t1", "乡镇1", 41, 114]);
    // In a transaction (no pool of its own to go to) through Kysely, the same.
    const inside = await db
      .transaction()
      .execute((trx) => selectTuples(trx, query(), ["id", "name_zh", "lat", "lonInt"]));
    expect(inside).toEqual(tuples);
  });

  it("go to PostgreSQL as arrays, and refuse columns named out of the query's order", async () => {
    if (TEST_ENGINE !== "postgres") return; // on SQLite the tuples are read by name
    await expect(selectTuples(db, query(), ["name_zh", "id", "lat", "lonInt"])).rejects.toThrow(
      /answers id, name_zh, lat, lonInt/,
    );
  });
});

describe(`connections the server ends (${TEST_ENGINE})`, () => {
  it.runIf(TEST_ENGINE === "postgres")(
    "an idle connection ended by PostgreSQL is dropped, not the process; the next query reconnects",
    async () => {
      // Two connections in the pool, both idle afterwards.
      await Promise.all([
        sql`select pg_sleep(0.05)`.execute(db),
        sql`select pg_sleep(0.05)`.execute(db),
      ]);
      // As a restart or an administrator would: end this database's other connections.
      const ended = await sql<{ n: number }>`
        select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()`.execute(db);
      expect(ended.rows[0]!.n).toBeGreaterThan(0);
      const uncaught: unknown[] = [];
      const hear = (error: unknown) => uncaught.push(error);
      process.on("uncaughtException", hear);
      try {
        // The pool kept a second idle connection: it hears of its end, and does not throw.
        await new Promise((resolve) => setTimeout(resolve, 300));
        const again = await sql<{ one: number }>`select 1 as one`.execute(db);
        expect(again.rows[0]!.one).toBe(1);
      } finally {
        process.off("uncaughtException", hear);
      }
      expect(uncaught).toEqual([]);
    },
  );
});
