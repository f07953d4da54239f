/**
 * Rebuilds the demo: deletes the demo database and loads the Shangyi demo data afresh (the state
 * `npm start` gives a new clone). Refuses a database that is not a demo database, so a county's
 * real data is never thrown away by mistake.
 *   npm run demo:reset                       (DATABASE_URL, else ./data/zhucun.db)
 */
import fs from "node:fs";
import path from "node:path";
import {
  databasePathFromUrl,
  isPostgresUrl,
  migrateToLatest,
  openDatabase,
} from "../db/connection";
import { stableId } from "../db/ids";
import { DEMO_ACCOUNTS, DEMO_PASSWORD, isEmptyDatabase, seedDemo } from "../db/seed/seed-demo";

if (isPostgresUrl(process.env.DATABASE_URL)) {
  console.error(
    "[zhucun] demo:reset rebuilds a SQLite demo file. On PostgreSQL, drop and create the database " +
      "(dropdb, createdb), then `npm run serve` loads the demo into the empty database.",
  );
  process.exit(2);
}
const file = databasePathFromUrl(process.env.DATABASE_URL);
if (file === ":memory:") {
  console.error("[zhucun] demo:reset needs a database file.");
  process.exit(2);
}
const where = path.resolve(file);
if (fs.existsSync(file)) {
  const db = openDatabase(file);
  let demo = false;
  try {
    await migrateToLatest(db);
    // A demo database is one the demo seed made: it holds the demo county admin's stable id.
    const county = await db
      .selectFrom("users")
      .select("id")
      .where("id", "=", stableId("user", "county"))
      .executeTakeFirst();
    demo = Boolean(county) || (await isEmptyDatabase(db));
  } finally {
    await db.destroy();
  }
  if (!demo) {
    console.error(`[zhucun] ${where} is not a demo database: nothing changed.`);
    process.exit(2);
  }
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(`${file}${suffix}`, { force: true });
}
const db = openDatabase(file);
try {
  await migrateToLatest(db);
  const data = await seedDemo(db);
  console.log(
    `[zhucun] ${where}: demo rebuilt (${data.townships.length} townships, ${data.villages.length} villages).`,
  );
  console.log(
    `[zhucun] Demo accounts: ${DEMO_ACCOUNTS.map((a) => a.username).join(", ")} — password "${DEMO_PASSWORD}".`,
  );
} finally {
  await db.destroy();
}
