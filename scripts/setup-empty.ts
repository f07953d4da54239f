/**
 * Starts a real county's database: a new, empty database (no demo data) with one county admin,
 * who signs in with a one-time password printed here once and must replace it at first sign-in.
 *   npm run setup:empty                      (DATABASE_URL, else ./data/zhucun.db)
 *   npm run setup:empty -- --username admin --name "尚义县扶贫办"
 * Refuses a database that already has data; `npm start` then never loads demo data into it.
 */
import fs from "node:fs";
import { parseArgs } from "node:util";
import {
  databaseLocation,
  describeLocation,
  isPostgresUrl,
  migrateToLatest,
  openDatabase,
} from "../db/connection";
import { newId } from "../db/ids";
import { isEmptyDatabase } from "../db/seed/seed-demo";
import { oneTimePassword, USERNAME_PATTERN } from "../app/utils/credentials.server";
import { hashPassword } from "../app/utils/password.server";

const { values } = parseArgs({
  options: {
    username: { type: "string", default: "admin" },
    name: { type: "string", default: "县扶贫办管理员" },
  },
});
const username = values.username!.trim().toLowerCase();
if (!USERNAME_PATTERN.test(username)) {
  console.error("--username: 2–32 characters, a–z 0–9 . _ -");
  process.exit(2);
}
const file = databaseLocation(process.env.DATABASE_URL);
// A PostgreSQL database always exists already (made with createdb): look inside it.
const existed = isPostgresUrl(file) || (file !== ":memory:" && fs.existsSync(file));
const db = openDatabase(file);
try {
  await migrateToLatest(db);
  if (existed && !(await isEmptyDatabase(db))) {
    console.error(
      `[zhucun] ${describeLocation(file)} already has data: nothing changed. Choose another DATABASE_URL.`,
    );
    process.exitCode = 2;
  } else {
    const password = oneTimePassword();
    await db
      .insertInto("users")
      .values({
        id: newId(),
        username,
        password_hash: await hashPassword(password),
        display_name: values.name!,
        role: "county_admin",
        township_id: null,
        cadre_id: null,
        locale: null,
        deactivated_at: null,
        must_change_password: 1,
      })
      .execute();
    console.log(`[zhucun] ${describeLocation(file)}: an empty database, no demo data.`);
    console.log(`[zhucun] County admin "${username}", one-time password: ${password}`);
    console.log("[zhucun] It is shown only now; the first sign-in must replace it.");
    console.log(
      `[zhucun] Start with: DATABASE_URL=${file} npm start, then add townships, villages, teams and cadres.`,
    );
  }
} finally {
  await db.destroy();
}
