import type { Database, Statement } from "better-sqlite3";
import type { SqliteDatabase } from "kysely";

/**
 * Kysely's SQLite driver prepares every statement it runs; a page runs the same few dozen
 * statements request after request, and preparing them was about 2 ms of a page's CPU (a profile
 * of /dashboard). This keeps the last `size` prepared statements by their SQL and hands them out
 * again — except one still being iterated (`busy`: a streamed export reading its rows), for which
 * a fresh one is prepared. SQLite re-prepares a kept statement by itself when the schema changes.
 */
export function withStatementCache(database: Database, size = 500): SqliteDatabase {
  const kept = new Map<string, Statement>();
  return {
    close: () => database.close(),
    prepare(sql) {
      const hit = kept.get(sql);
      if (hit && !hit.busy) {
        // Most recently used last: the first key is the one to drop.
        kept.delete(sql);
        kept.set(sql, hit);
        return hit;
      }
      const statement = database.prepare(sql);
      if (!hit) {
        kept.set(sql, statement);
        if (kept.size > size) kept.delete(kept.keys().next().value!);
      }
      return statement;
    },
  };
}
