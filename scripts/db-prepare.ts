/**
 * Run at every start: migrates the database, and loads the Shangyi demo data only into a new,
 * empty database (no townships, no accounts). It says what it did; it never touches real data.
 *   --no-seed    migrate only
 */
import {
  databaseLocation,
  describeLocation,
  migrateToLatest,
  openDatabase,
} from "../db/connection";
import { progressComplete, refreshVillageProgress } from "../app/models/progress.server";
import { DEMO_ACCOUNTS, DEMO_PASSWORD, isEmptyDatabase, seedDemo } from "../db/seed/seed-demo";
import { ensureFirstRules } from "../app/utils/team-rules.server";

const location = databaseLocation(process.env.DATABASE_URL);
const db = openDatabase(location);
try {
  const applied = await migrateToLatest(db);
  const where = describeLocation(location);
  console.log(
    applied.length
      ? `[zhucun] ${where}: applied ${applied.length} migration(s): ${applied.join(", ")}`
      : `[zhucun] ${where}: schema is up to date`,
  );
  if (process.argv.includes("--no-seed")) {
    // migrate only
  } else if (await isEmptyDatabase(db)) {
    const data = await seedDemo(db);
    const { n: register } = await db
      .selectFrom("cadres")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    console.log(
      `[zhucun] New empty database: loaded the Shangyi demo data (${data.townships.length} townships, ` +
        `${data.villages.length} villages, ${data.teams.length} teams with ${data.cadres.length} ` +
        `cadres serving in them; the cadre register holds ${register}, counting a reserve and ` +
        "those who have left a team).",
    );
    console.log(
      `[zhucun] Demo accounts: ${DEMO_ACCOUNTS.map((a) => a.username).join(", ")} — password "${DEMO_PASSWORD}".`,
    );
  } else {
    console.log("[zhucun] Database already has data: no demo data loaded.");
  }
  // The team rules' first values (IN_VILLAGE_DAYS … or the defaults), once; the county changes
  // them on /admin/settings from then on.
  if (await ensureFirstRules(db)) {
    console.log("[zhucun] Stored the county's first team rules (environment or defaults).");
  }
  if (!(await progressComplete(db))) {
    // A database from before the dashboard, or rows written outside the app: derive readiness once.
    await db
      .transaction()
      .execute((trx) => refreshVillageProgress(trx, "all", new Date().toISOString()));
    console.log("[zhucun] Worked out every village's exit readiness for the dashboard.");
  }
} finally {
  await db.destroy();
}
