/**
 * Where SQLite and PostgreSQL differ, in one place (decision 020). Models and scripts ask here
 * rather than testing the engine themselves; tests/unit/dialect.test.ts runs on both.
 */
import { PostgresAdapter, sql, type Kysely, type RawBuilder, type Transaction } from "kysely";

export type Engine = "sqlite" | "postgres";

type AnyDb = Kysely<any> | Transaction<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Which engine a Kysely instance (or transaction) speaks to. */
export function engineOf(db: AnyDb): Engine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? "postgres" : "sqlite";
}

/**
 * The current time as the text Zhucun stores for database-made timestamps ("YYYY-MM-DD HH:MM:SS",
 * UTC), SQLite's CURRENT_TIMESTAMP. PostgreSQL's would be "2026-12-03 10:00:00.123456+00".
 */
export function currentTimestampText(db: AnyDb): RawBuilder<string> {
  return engineOf(db) === "postgres"
    ? sql<string>`to_char(timezone('UTC', now()), 'YYYY-MM-DD HH24:MI:SS')`
    : sql<string>`CURRENT_TIMESTAMP`;
}

/**
 * An order for rows written in the same millisecond of an append-only table: the order they were
 * inserted. SQLite's rowid; on PostgreSQL the row's physical place (ctid), which follows insertion
 * for a table whose rows are never updated (space freed by deletes may be reused, so use this only
 * to break ties between rows of one write).
 */
export function insertionOrder(db: AnyDb, table: string): RawBuilder<unknown> {
  return engineOf(db) === "postgres" ? sql`${sql.ref(table)}.ctid` : sql`${sql.ref(table)}.rowid`;
}
