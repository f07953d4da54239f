/**
 * The county's team rules, dated: each change is a row that applies from its date on, so a past
 * month is still judged by the rule it had (issue 19). The rows are the history too.
 * FROZEN once landed. Imports nothing from the app.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("county_rules")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("value", "integer", (c) => c.notNull())
    // ISO date (China time) from which the value applies; the first values apply from 0001-01-01.
    .addColumn("effective_from", "text", (c) => c.notNull())
    .addColumn("changed_at", "text", (c) => c.notNull())
    // Null for the first values (from the environment or Zhucun's defaults).
    .addColumn("changed_by", "text", (c) => c.references("users.id"))
    .execute();
  await db.schema
    .createIndex("county_rules_key_from")
    .on("county_rules")
    .columns(["key", "effective_from"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("county_rules").execute();
}
