/**
 * Boards: project and household-service-case cards with gap positions, beneficiaries, assignees,
 * comments and a full event history.
 * FROZEN once landed. Imports nothing from the app.
 */
import { sql, type Kysely } from "kysely";

const inList = (column: string, values: readonly string[]) =>
  sql`check (${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))}))`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("cards")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("board", "text", (c) => c.notNull().modifyEnd(inList("board", ["project", "case"])))
    .addColumn("village_id", "text", (c) => c.notNull().references("villages.id"))
    .addColumn("column_key", "text", (c) => c.notNull())
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("owner_cadre_id", "text", (c) => c.references("cadres.id"))
    .addColumn("household_id", "text", (c) => c.references("households.id"))
    .addColumn("person", "text")
    .addColumn("urgency", "text", (c) =>
      c.modifyEnd(inList("urgency", ["low", "normal", "high", "urgent"])),
    )
    .addColumn("budget", "double precision")
    .addColumn("funding_source", "text")
    .addColumn("milestone_id", "text", (c) => c.references("plan_milestones.id"))
    .addColumn("start_on", "text")
    .addColumn("due_on", "text")
    .addColumn("follow_up_on", "text")
    .addColumn("notes", "text")
    .addColumn("name_source", "text", (c) => c.notNull())
    .addColumn("archived_at", "text")
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.references("users.id"))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("cards_board_idx")
    .on("cards")
    .columns(["board", "village_id", "column_key", "position"])
    .execute();
  await db.schema
    .createIndex("cards_board_all_idx")
    .on("cards")
    .columns(["board", "archived_at"])
    .execute();

  await db.schema
    .createTable("card_assignees")
    .addColumn("card_id", "text", (c) => c.notNull().references("cards.id"))
    .addColumn("cadre_id", "text", (c) => c.notNull().references("cadres.id"))
    .addPrimaryKeyConstraint("card_assignees_pk", ["card_id", "cadre_id"])
    .execute();
  await db.schema
    .createIndex("card_assignees_cadre_idx")
    .on("card_assignees")
    .column("cadre_id")
    .execute();

  await db.schema
    .createTable("card_households")
    .addColumn("card_id", "text", (c) => c.notNull().references("cards.id"))
    .addColumn("household_id", "text", (c) => c.notNull().references("households.id"))
    .addPrimaryKeyConstraint("card_households_pk", ["card_id", "household_id"])
    .execute();

  await db.schema
    .createTable("card_comments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("card_id", "text", (c) => c.notNull().references("cards.id"))
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("author_id", "text", (c) => c.references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("card_comments_card_idx")
    .on("card_comments")
    .columns(["card_id", "created_at"])
    .execute();

  await db.schema
    .createTable("card_events")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("card_id", "text", (c) => c.notNull().references("cards.id"))
    .addColumn("action", "text", (c) =>
      c
        .notNull()
        .modifyEnd(inList("action", ["create", "edit", "move", "archive", "restore", "comment"])),
    )
    .addColumn("changes", "text", (c) => c.notNull())
    .addColumn("actor_id", "text", (c) => c.references("users.id"))
    .addColumn("at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("card_events_card_idx")
    .on("card_events")
    .columns(["card_id", "at"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "card_events",
    "card_comments",
    "card_households",
    "card_assignees",
    "cards",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
