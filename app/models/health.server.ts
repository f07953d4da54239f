import { sql } from "kysely";
import { db } from "~/db.server";

/** Whether the database answers a read, and how long it took (ms); null when it does not. */
export async function databaseLatency(): Promise<number | null> {
  const started = performance.now();
  try {
    await sql`select count(*) from kysely_migration`.execute(db);
    return Math.round(performance.now() - started);
  } catch {
    return null;
  }
}
