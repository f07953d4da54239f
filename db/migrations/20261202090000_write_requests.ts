/**
 * Creates that happen once: each create form carries a request id, and the first write with that
 * id claims it here in its own transaction, so a double click, a resent form or a retried offline
 * write finds the record the first one made instead of making a second.
 * FROZEN once landed. Imports nothing from the app.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("write_requests")
    .addColumn("user_id", "text", (c) => c.notNull())
    .addColumn("form", "text", (c) => c.notNull())
    .addColumn("request_id", "text", (c) => c.notNull())
    .addColumn("result_id", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("write_requests_pk", ["user_id", "form", "request_id"])
    .execute();
  await db.schema
    .createIndex("write_requests_created_at")
    .on("write_requests")
    .column("created_at")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("write_requests").execute();
}
