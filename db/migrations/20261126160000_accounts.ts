/**
 * Accounts made by the county for others: the first sign-in must replace the one-time password.
 * FROZEN once landed. Imports nothing from the app.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("users")
    .addColumn("must_change_password", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("users").dropColumn("must_change_password").execute();
}
