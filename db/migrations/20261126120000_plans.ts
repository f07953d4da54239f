/**
 * Exit plans and the household roster: plan, indicators, milestones, villagers' opinions,
 * registered poor households with yearly incomes and exit-workflow steps, and the change log
 * behind every village's Activity tab.
 * FROZEN once landed. Imports nothing from the app.
 */
import { sql, type Kysely } from "kysely";

const inList = (column: string, values: readonly string[]) =>
  sql`check (${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))}))`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("exit_plans")
    .addColumn("village_id", "text", (c) => c.primaryKey().references("villages.id"))
    .addColumn("start_year", "integer", (c) => c.notNull())
    .addColumn("attack_end_year", "integer", (c) => c.notNull())
    .addColumn("end_year", "integer", (c) => c.notNull())
    .addColumn("target_exit_year", "integer", (c) => c.notNull())
    .addColumn("narrative", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("updated_by", "text", (c) => c.references("users.id"))
    .execute();

  await db.schema
    .createTable("plan_indicators")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("village_id", "text", (c) => c.notNull().references("villages.id"))
    .addColumn("kind", "text", (c) =>
      c
        .notNull()
        .modifyEnd(
          inList("kind", [
            "poverty_incidence",
            "hardened_road",
            "drinking_water",
            "reliable_power",
            "broadband",
            "clinic_doctor",
            "culture_room",
            "collective_income",
            "industry",
            "custom",
          ]),
        ),
    )
    .addColumn("name", "text")
    .addColumn("unit", "text")
    .addColumn("comparison", "text", (c) =>
      c.notNull().modifyEnd(inList("comparison", ["below", "at_least", "yes"])),
    )
    .addColumn("threshold", "double precision")
    .addColumn("baseline", "double precision")
    .addColumn("target", "double precision")
    .addColumn("current_value", "double precision")
    .addColumn("measured_on", "text")
    .addColumn("evidence", "text")
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("updated_by", "text", (c) => c.references("users.id"))
    .execute();
  await db.schema
    .createIndex("plan_indicators_village_idx")
    .on("plan_indicators")
    .columns(["village_id", "position"])
    .execute();
  // One row per official indicator and village; custom ones are unlimited.
  await sql`create unique index plan_indicators_official_idx on plan_indicators (village_id, kind) where kind <> 'custom'`.execute(
    db,
  );

  await db.schema
    .createTable("plan_milestones")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("village_id", "text", (c) => c.notNull().references("villages.id"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("due_on", "text", (c) => c.notNull())
    .addColumn("owner_cadre_id", "text", (c) => c.references("cadres.id"))
    .addColumn("status", "text", (c) =>
      c.notNull().modifyEnd(inList("status", ["planned", "in_progress", "done", "dropped"])),
    )
    .addColumn("done_on", "text")
    .addColumn("evidence", "text")
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("updated_by", "text", (c) => c.references("users.id"))
    .execute();
  await db.schema
    .createIndex("plan_milestones_village_idx")
    .on("plan_milestones")
    .columns(["village_id", "due_on"])
    .execute();

  await db.schema
    .createTable("plan_opinions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("village_id", "text", (c) => c.notNull().references("villages.id"))
    .addColumn("gathered_on", "text", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("content", "text", (c) => c.notNull())
    .addColumn("recorded_by", "text", (c) => c.references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("plan_opinions_village_idx")
    .on("plan_opinions")
    .columns(["village_id", "gathered_on"])
    .execute();

  const guarantee = (name: string) => inList(name, ["met", "unmet", "not_applicable"]);
  await db.schema
    .createTable("households")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("village_id", "text", (c) => c.notNull().references("villages.id"))
    .addColumn("code", "text", (c) => c.notNull())
    .addColumn("head_name", "text", (c) => c.notNull())
    .addColumn("name_source", "text", (c) => c.notNull())
    .addColumn("members", "integer", (c) => c.notNull().check(sql`members between 1 and 30`))
    .addColumn("main_cause", "text", (c) => c.notNull())
    .addColumn("other_causes", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("help_measures", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("paired_cadre_id", "text", (c) => c.references("cadres.id"))
    .addColumn("identified_year", "integer", (c) => c.notNull())
    .addColumn("food", "text", (c) => c.notNull().modifyEnd(guarantee("food")))
    .addColumn("education", "text", (c) => c.notNull().modifyEnd(guarantee("education")))
    .addColumn("medical", "text", (c) => c.notNull().modifyEnd(guarantee("medical")))
    .addColumn("housing", "text", (c) => c.notNull().modifyEnd(guarantee("housing")))
    .addColumn("water", "text", (c) => c.notNull().modifyEnd(guarantee("water")))
    .addColumn("status", "text", (c) =>
      c.notNull().modifyEnd(inList("status", ["poor", "exiting", "exited", "monitored"])),
    )
    .addColumn("exit_year", "integer")
    .addColumn("exit_round", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("updated_by", "text", (c) => c.references("users.id"))
    .addUniqueConstraint("households_village_code_unique", ["village_id", "code"])
    .execute();
  await db.schema
    .createIndex("households_village_status_idx")
    .on("households")
    .columns(["village_id", "status"])
    .execute();

  await db.schema
    .createTable("household_incomes")
    .addColumn("household_id", "text", (c) => c.notNull().references("households.id"))
    .addColumn("year", "integer", (c) => c.notNull())
    .addColumn("per_capita_income", "double precision", (c) =>
      c.notNull().check(sql`per_capita_income >= 0`),
    )
    .addPrimaryKeyConstraint("household_incomes_pk", ["household_id", "year"])
    .execute();

  await db.schema
    .createTable("household_exit_steps")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("household_id", "text", (c) => c.notNull().references("households.id"))
    .addColumn("round", "integer", (c) => c.notNull())
    .addColumn("step", "text", (c) =>
      c
        .notNull()
        .modifyEnd(
          inList("step", [
            "appraisal",
            "verification",
            "confirmation",
            "notice",
            "announcement",
            "withdrawn",
          ]),
        ),
    )
    .addColumn("done_on", "text", (c) => c.notNull())
    .addColumn("note", "text")
    .addColumn("recorded_by", "text", (c) => c.references("users.id"))
    .addColumn("recorded_at", "text", (c) => c.notNull())
    .addUniqueConstraint("household_exit_steps_unique", ["household_id", "round", "step"])
    .execute();

  await db.schema
    .createTable("activity_log")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("village_id", "text", (c) => c.notNull().references("villages.id"))
    .addColumn("entity", "text", (c) => c.notNull())
    .addColumn("entity_id", "text", (c) => c.notNull())
    .addColumn("label", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) =>
      c.notNull().modifyEnd(inList("action", ["create", "update", "step", "import"])),
    )
    .addColumn("changes", "text", (c) => c.notNull())
    .addColumn("actor_id", "text", (c) => c.references("users.id"))
    .addColumn("at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("activity_log_village_idx")
    .on("activity_log")
    .columns(["village_id", "at"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "activity_log",
    "household_exit_steps",
    "household_incomes",
    "households",
    "plan_opinions",
    "plan_milestones",
    "plan_indicators",
    "exit_plans",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
