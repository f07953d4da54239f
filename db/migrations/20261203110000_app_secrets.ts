/**
 * Secrets the app generates for itself (the session cookie's signing key when SESSION_SECRET is
 * not set) live in the database, so every app server on one database signs and checks cookies
 * with the same key. Never audited, never shown. FROZEN once landed; imports nothing from the app.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("app_secrets")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("app_secrets").execute();
}
