/**
 * The app's database handle: one connection per process on SQLite, a pool on PostgreSQL, migrated
 * before the first request.
 * Kept on globalThis in development so `remix dev` rebuilds do not open a new connection each time.
 */
import type { Kysely } from "kysely";
import { databaseLocation, migrateToLatest, openDatabase } from "../db/connection";
import type { DB } from "../db/schema";
import { installAuditCapture } from "~/models/audit.server";
import { setClockOffset } from "~/utils/clock";
import { demoClockOffset } from "~/utils/demo-clock.server";

declare global {
  var __zhucunDb: { db: Kysely<DB>; ready: Promise<unknown> } | undefined;
}

function create() {
  const db = openDatabase(databaseLocation(process.env.DATABASE_URL));
  // Every write to the county's tables is captured for the audit log from the first request on.
  return { db, ready: migrateToLatest(db).then(() => installAuditCapture(db)) };
}

const handle = (globalThis.__zhucunDb ??= create());
await handle.ready;
// A demo database lives in its own time (utils/clock.ts); a county's uses the real clock.
setClockOffset(await demoClockOffset(handle.db));

export const db = handle.db;
export type Database = Kysely<DB>;
