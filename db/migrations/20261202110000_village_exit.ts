/**
 * The village exit procedure (贫困村出列, issue 19): each step a row (who, when, a note, an
 * override reason), undone steps kept with who undid them and why; evidence files (notice photos,
 * minutes) stored with the database so backups and several servers see them. And the exit
 * standards each village's readiness record was judged by (now a county rule).
 * FROZEN once landed. Imports nothing from the app.
 */
import { sql, type Kysely } from "kysely";

const oneOf = (column: string, values: readonly string[]) =>
  sql`check (${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))}))`;

function isSqlite(db: Kysely<any>) {
  return db.getExecutor().adapter.constructor.name === "SqliteAdapter";
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("village_exit_steps")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("village_id", "text", (c) => c.notNull().references("villages.id"))
    // A round starts with a proposal and ends with the announcement or an objection.
    .addColumn("round", "integer", (c) => c.notNull())
    .addColumn("step", "text", (c) =>
      c
        .notNull()
        .modifyEnd(
          oneOf("step", [
            "proposal",
            "township_review",
            "notice",
            "announcement",
            "objection",
            "county_check",
          ]),
        ),
    )
    .addColumn("done_on", "text", (c) => c.notNull())
    .addColumn("note", "text")
    // A proposal the county made although the readiness checklist failed: why, and what failed.
    .addColumn("override_reason", "text")
    .addColumn("overridden", "text")
    .addColumn("recorded_by", "text", (c) => c.references("users.id"))
    .addColumn("recorded_at", "text", (c) => c.notNull())
    .addColumn("undone_at", "text")
    .addColumn("undone_by", "text", (c) => c.references("users.id"))
    .addColumn("undo_reason", "text")
    .execute();
  await db.schema
    .createIndex("village_exit_steps_village")
    .on("village_exit_steps")
    .columns(["village_id", "round", "recorded_at"])
    .execute();

  // Where each village stands, kept by every step in its transaction (the dashboard and the
  // village list count and filter by it without reading every village's steps).
  await db.schema.alterTable("villages").addColumn("exit_step", "text").execute();
  await db.schema.alterTable("villages").addColumn("exit_step_on", "text").execute();
  // Whether the kept proposal of the open or last round overrode a failing readiness item.
  await db.schema
    .alterTable("villages")
    .addColumn("exit_overridden", "integer", (c) => c.notNull().defaultTo(0))
    .execute();

  // The exit standards (a county rule since issue 19) each readiness record was judged by: when
  // the county's change takes effect, the records judged by the old ones are refreshed.
  await db.schema
    .alterTable("village_progress")
    .addColumn("standards", "text", (c) => c.notNull().defaultTo(""))
    .execute();

  const bytes = isSqlite(db) ? "blob" : "bytea";
  await db.schema
    .createTable("village_exit_files")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("step_id", "text", (c) => c.notNull().references("village_exit_steps.id"))
    .addColumn("village_id", "text", (c) => c.notNull().references("villages.id"))
    .addColumn("file_name", "text", (c) => c.notNull())
    .addColumn("content_type", "text", (c) => c.notNull())
    .addColumn("size", "integer", (c) => c.notNull())
    .addColumn("sha256", "text", (c) => c.notNull())
    .addColumn("content", bytes, (c) => c.notNull())
    // A small WebP for images; null for a PDF.
    .addColumn("thumbnail", bytes)
    .addColumn("uploaded_by", "text", (c) => c.references("users.id"))
    .addColumn("uploaded_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("village_exit_files_step")
    .on("village_exit_files")
    .column("step_id")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("village_progress").dropColumn("standards").execute();
  await db.schema.alterTable("villages").dropColumn("exit_overridden").execute();
  await db.schema.alterTable("villages").dropColumn("exit_step_on").execute();
  await db.schema.alterTable("villages").dropColumn("exit_step").execute();
  await db.schema.dropTable("village_exit_files").execute();
  await db.schema.dropTable("village_exit_steps").execute();
}
