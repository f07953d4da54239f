/**
 * Writers racing each other (issue 17). On PostgreSQL the pool's connections run these writes truly
 * at once, on SQLite one after the other; on both the write paths written for one writer (version
 * checks read then update, a column's positions renumbered, the audit chain's next number) must
 * keep their promises. The last test shows the race is real on PostgreSQL: the same read-then-write
 * without the write lock loses updates, with it none.
 */
import { sql } from "kysely";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { verifyAuditChain } from "~/models/audit.server";
import { createCard, moveCard, updateCard } from "~/models/card.server";
import { WRITE_LOCK_KEY } from "../../db/connection";
import { TEST_ENGINE } from "./engine";
import { seedOnce, viewerFor, villageId } from "./helpers";

let weijiaId: string;

beforeAll(async () => {
  await seedOnce();
  weijiaId = await villageId("魏家村");
});

async function newProject(title: string) {
  const result = await createCard(await viewerFor("weijia"), weijiaId, "project", {
    assigneeIds: [],
    householdIds: [],
    title,
    kind: "industry",
    column: "proposed",
  });
  if (!result.ok) throw new Error(result.reason);
  return result.value;
}

describe("writers at the same moment", () => {
  it("one of ten edits made from the same version wins; the nine others are conflicts", async () => {
    const id = await newProject("race: edit");
    const viewer = await viewerFor("weijia");
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        updateCard(viewer, id, {
          assigneeIds: [],
          householdIds: [],
          title: `race: edit ${i}`,
          kind: "industry",
          version: 1,
        }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === "conflict")).toHaveLength(9);
    const stored = await db
      .selectFrom("cards")
      .select(["version", "title"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(stored.version).toBe(2);
    const winner = results.findIndex((r) => r.ok);
    expect(stored.title).toBe(`race: edit ${winner}`);
  });

  it("twelve cards moved into one column at once keep distinct positions, each moved once", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await newProject(`race: move ${i}`));
    const viewer = await viewerFor("weijia");
    const results = await Promise.all(
      ids.map((cardId) =>
        moveCard(viewer, { cardId, column: "approved", place: "top", version: 1 }),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const approved = await db
      .selectFrom("cards")
      .select(["id", "position", "version"])
      .where("board", "=", "project")
      .where("village_id", "=", weijiaId)
      .where("column_key", "=", "approved")
      .where("archived_at", "is", null)
      .execute();
    const positions = approved.map((c) => c.position);
    expect(new Set(positions).size).toBe(positions.length);
    const moved = approved.filter((c) => ids.includes(c.id));
    expect(moved).toHaveLength(12);
    expect(moved.every((c) => c.version === 2)).toBe(true);
  });

  it("the audit chain stays whole: numbered without gaps, each entry hashing the one before", async () => {
    const ids = await Promise.all(
      Array.from({ length: 8 }, (_, i) => newProject(`race: log ${i}`)),
    );
    expect(new Set(ids).size).toBe(8);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    const seqs = await db.selectFrom("audit_log").select("seq").orderBy("seq").execute();
    const first = seqs[0]!.seq;
    expect(seqs.map((s) => s.seq)).toEqual(seqs.map((_, i) => first + i));
  });

  it.runIf(TEST_ENGINE === "postgres")(
    "on PostgreSQL the race is real: read-then-write loses updates without the write lock, none with it",
    async () => {
      await sql`create table race_counter (n integer not null)`.execute(db);
      await sql`insert into race_counter values (0)`.execute(db);
      const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 8 });
      const increments = async (locked: boolean) => {
        await sql`update race_counter set n = 0`.execute(db);
        await Promise.all(
          Array.from({ length: 24 }, async () => {
            const client = await pool.connect();
            try {
              await client.query("begin");
              if (locked) await client.query(`select pg_advisory_xact_lock(${WRITE_LOCK_KEY})`);
              const { rows } = await client.query<{ n: number }>("select n from race_counter");
              // Something happens between the read and the write (a rule checked, a row built).
              await new Promise((resolve) => setTimeout(resolve, 5));
              await client.query("update race_counter set n = $1", [rows[0]!.n + 1]);
              await client.query("commit");
            } finally {
              client.release();
            }
          }),
        );
        const { n } = (await sql<{ n: number }>`select n from race_counter`.execute(db)).rows[0]!;
        return n;
      };
      try {
        expect(await increments(false)).toBeLessThan(24);
        expect(await increments(true)).toBe(24);
      } finally {
        await pool.end();
        await sql`drop table race_counter`.execute(db);
      }
    },
  );
});
