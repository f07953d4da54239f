/**
 * Map: the history of village position corrections, and imported township boundaries.
 * FROZEN once landed. Imports nothing from the app.
 */
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("village_position_changes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("village_id", "text", (c) => c.notNull().references("villages.id"))
    .addColumn("lat", "double precision", (c) => c.notNull())
    .addColumn("lon", "double precision", (c) => c.notNull())
    .addColumn("previous_lat", "double precision", (c) => c.notNull())
    .addColumn("previous_lon", "double precision", (c) => c.notNull())
    .addColumn("previous_source", "text", (c) => c.notNull())
    .addColumn("source", "text", (c) =>
      c.notNull().modifyEnd(sql`check (source in ('surveyed', 'imported'))`),
    )
    .addColumn("method", "text", (c) =>
      c.notNull().modifyEnd(sql`check (method in ('drag', 'typed', 'import'))`),
    )
    .addColumn("changed_by", "text", (c) => c.notNull().references("users.id"))
    .addColumn("changed_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("village_position_changes_village_idx")
    .on("village_position_changes")
    .columns(["village_id", "changed_at"])
    .execute();

  await db.schema
    .createTable("township_boundaries")
    .addColumn("township_id", "text", (c) => c.primaryKey().references("townships.id"))
    .addColumn("geometry", "text", (c) => c.notNull())
    .addColumn("source_name", "text", (c) => c.notNull())
    .addColumn("imported_by", "text", (c) => c.notNull().references("users.id"))
    .addColumn("imported_at", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("township_boundaries").execute();
  await db.schema.dropTable("village_position_changes").execute();
}
