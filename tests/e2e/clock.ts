/**
 * The server's business date, as a spec must type it: the demo database lives in its own time
 * (app/utils/clock.ts), so "today" in a form is the demo's day, not the machine's.
 */
import fs from "node:fs";
import SQLite from "better-sqlite3";
import { demoOffset, type DemoClock } from "../../app/utils/clock";

/** The main e2e server's database (tests/e2e/server.mjs). */
export const E2E_DATABASE = "tests/.artifacts/db/e2e.db";
/** On PostgreSQL, server.mjs writes the demo clock it seeded here (a spec reads it synchronously). */
export const E2E_PG_CLOCK = "tests/.artifacts/pg-e2e-clock.json";

const chinaDay = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" });

/** The business date `offsetDays` from today (China time) for the database at `file`. */
export function businessDay(offsetDays = 0, file = E2E_DATABASE): string {
  if (process.env.ZHUCUN_PG_URL && file === E2E_DATABASE) {
    const stored = JSON.parse(fs.readFileSync(E2E_PG_CLOCK, "utf8")) as { value: string | null };
    const offset = stored.value ? demoOffset(JSON.parse(stored.value) as DemoClock) : 0;
    return chinaDay.format(new Date(Date.now() + offset + offsetDays * 86_400_000));
  }
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare("select value from county_settings where key = 'demo_clock'").get() as
      { value: string } | undefined;
    const offset = row ? demoOffset(JSON.parse(row.value) as DemoClock) : 0;
    return chinaDay.format(new Date(Date.now() + offset + offsetDays * 86_400_000));
  } finally {
    db.close();
  }
}
