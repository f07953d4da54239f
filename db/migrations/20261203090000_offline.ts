/**
 * Writes made without signal (issue 21): a check-in queued on the phone records when it was made
 * there (`made_at`, on the server's clock: the time it reached the server less how long the phone
 * held it) beside when it reached the server (`created_at`). Null for check-ins sent at once.
 * FROZEN once landed. Imports nothing from the app.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("check_ins").addColumn("made_at", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("check_ins").dropColumn("made_at").execute();
}
