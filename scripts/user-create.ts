/**
 * Creates an account without any demo data, e.g. the first county admin of a real deployment:
 *   npm run user:create -- --username admin --name "县扶贫办" [--role county_admin]
 * The password is read from ZHUCUN_PASSWORD or asked for on the terminal (at least 10 characters).
 */
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { USER_ROLES, type UserRole } from "../db/schema";
import { databaseLocation, migrateToLatest, openDatabase } from "../db/connection";
import { newId } from "../db/ids";
import { hashPassword } from "../app/utils/password.server";

const { values } = parseArgs({
  options: {
    username: { type: "string" },
    name: { type: "string" },
    role: { type: "string", default: "county_admin" },
  },
});
const username = values.username?.trim().toLowerCase();
const role = values.role as UserRole;
if (!username || !/^[a-z0-9._-]{2,32}$/.test(username)) {
  console.error("--username is required: 2–32 characters, a–z 0–9 . _ -");
  process.exit(2);
}
if (role !== "county_admin" && role !== "county_organisation" && role !== "county_viewer") {
  console.error(
    `--role must be county_admin, county_organisation or county_viewer here (${USER_ROLES.join(", ")} exist; township and team accounts need a scope and are created in the app).`,
  );
  process.exit(2);
}

let password = process.env.ZHUCUN_PASSWORD ?? "";
if (!password) {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  password = await rl.question("Password (at least 10 characters): ");
  rl.close();
}
if (password.length < 10) {
  console.error("The password must have at least 10 characters.");
  process.exit(2);
}

const db = openDatabase(databaseLocation(process.env.DATABASE_URL));
try {
  await migrateToLatest(db);
  const exists = await db
    .selectFrom("users")
    .select("id")
    .where("username", "=", username)
    .executeTakeFirst();
  if (exists) {
    console.error(`User "${username}" already exists.`);
    process.exitCode = 1;
  } else {
    await db
      .insertInto("users")
      .values({
        id: newId(),
        username,
        password_hash: await hashPassword(password),
        display_name: values.name?.trim() || username,
        role,
        township_id: null,
        cadre_id: null,
        locale: null,
        deactivated_at: null,
      })
      .execute();
    console.log(`Created ${role} "${username}".`);
  }
} finally {
  await db.destroy();
}
