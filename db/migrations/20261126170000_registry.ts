/**
 * The county keeps its own places, units, teams and cadres: each can be deactivated (history keeps
 * pointing at it), and a spreadsheet's column mapping is remembered for the next file with the same
 * headers. FROZEN once landed. Imports nothing from the app.
 */
import type { Kysely } from "kysely";

const DEACTIVATABLE = ["townships", "villages", "sending_units", "cadres"] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of DEACTIVATABLE) {
    await db.schema.alterTable(table).addColumn("deactivated_at", "text").execute();
  }
  await db.schema
    .createTable("import_mappings")
    .addColumn("sheet", "text", (c) => c.notNull())
    /** The file's header row, normalised and joined: the same headers get the same mapping. */
    .addColumn("headers_key", "text", (c) => c.notNull())
    .addColumn("mapping", "text", (c) => c.notNull())
    .addColumn("updated_by", "text", (c) => c.notNull().references("users.id"))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("import_mappings_pk", ["sheet", "headers_key"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("import_mappings").execute();
  for (const table of DEACTIVATABLE) {
    await db.schema.alterTable(table).dropColumn("deactivated_at").execute();
  }
}
