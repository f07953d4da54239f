/**
 * Where a demo database keeps its calendar (county_settings `demo_clock`: the day it starts on and
 * the real instant it was seeded), read by the server at start-up (app/db.server.ts) and written by
 * the demo seed. A county's database has none and keeps the real clock (utils/clock.ts).
 */
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../db/schema";
import { demoOffset, type DemoClock } from "~/utils/clock";

export const DEMO_CLOCK_KEY = "demo_clock";

export async function demoClock(db: Kysely<DB> | Transaction<DB>): Promise<DemoClock | null> {
  const row = await db
    .selectFrom("county_settings")
    .select("value")
    .where("key", "=", DEMO_CLOCK_KEY)
    .executeTakeFirst();
  if (!row) return null;
  try {
    const clock = JSON.parse(row.value) as DemoClock;
    return typeof clock.date === "string" && typeof clock.seededAt === "string" ? clock : null;
  } catch {
    return null;
  }
}

/** The business clock's offset this database asks for: the demo's, or 0. */
export async function demoClockOffset(db: Kysely<DB> | Transaction<DB>): Promise<number> {
  const clock = await demoClock(db);
  return clock ? demoOffset(clock) : 0;
}
