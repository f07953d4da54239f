/**
 * Foundation schema. FROZEN: once landed, never edit this file; add a new migration instead.
 * Migrations take Kysely<any> and import nothing from the app, so they stay valid as the app changes.
 * Only portable types are used (text, integer, double precision) so PostgreSQL runs the same file.
 */
import { sql, type Kysely } from "kysely";

const oneOf = (column: string, values: readonly string[]) =>
  sql`check (${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))}))`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("townships")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("code", "text", (c) => c.notNull().unique())
    .addColumn("name_zh", "text", (c) => c.notNull())
    .addColumn("name_pinyin", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull().modifyEnd(oneOf("kind", ["town", "township"])))
    .addColumn("lat", "double precision")
    .addColumn("lon", "double precision")
    .addColumn("created_at", "text", (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP`))
    .execute();

  const nameSources = ["verified", "report", "imported", "demo"];
  await db.schema
    .createTable("villages")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("code", "text", (c) => c.notNull().unique())
    .addColumn("code_source", "text", (c) =>
      c.notNull().modifyEnd(oneOf("code_source", nameSources)),
    )
    .addColumn("township_id", "text", (c) => c.notNull().references("townships.id"))
    .addColumn("name_zh", "text", (c) => c.notNull())
    .addColumn("name_pinyin", "text", (c) => c.notNull())
    .addColumn("name_source", "text", (c) =>
      c.notNull().modifyEnd(oneOf("name_source", nameSources)),
    )
    .addColumn("township_source", "text", (c) =>
      c.notNull().modifyEnd(oneOf("township_source", nameSources)),
    )
    .addColumn("source_note", "text")
    .addColumn("lat", "double precision", (c) => c.notNull())
    .addColumn("lon", "double precision", (c) => c.notNull())
    .addColumn("position_source", "text", (c) =>
      c.notNull().modifyEnd(oneOf("position_source", ["surveyed", "imported", "demo"])),
    )
    .addColumn("village_type", "text", (c) =>
      c.notNull().modifyEnd(oneOf("village_type", ["difficult", "weak", "industry", "disorderly"])),
    )
    .addColumn("agricultural_population", "integer", (c) =>
      c.notNull().check(sql`agricultural_population >= 0`),
    )
    .addColumn("households", "integer", (c) => c.notNull().check(sql`households >= 0`))
    .addColumn("poor_households", "integer", (c) => c.notNull().check(sql`poor_households >= 0`))
    .addColumn("poor_people", "integer", (c) => c.notNull().check(sql`poor_people >= 0`))
    .addColumn("exit_status", "text", (c) =>
      c
        .notNull()
        .modifyEnd(oneOf("exit_status", ["not_exited", "exit_ready", "exited", "consolidating"])),
    )
    .addColumn("exit_year", "integer")
    .addColumn("created_at", "text", (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP`))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("villages_township_idx")
    .on("villages")
    .column("township_id")
    .execute();

  const levels = ["province", "city", "county"];
  await db.schema
    .createTable("sending_units")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name_zh", "text", (c) => c.notNull().unique())
    .addColumn("level", "text", (c) => c.notNull().modifyEnd(oneOf("level", levels)))
    .addColumn("name_source", "text", (c) =>
      c.notNull().modifyEnd(oneOf("name_source", nameSources)),
    )
    .addColumn("created_at", "text", (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP`))
    .execute();

  await db.schema
    .createTable("teams")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("village_id", "text", (c) => c.notNull().references("villages.id"))
    .addColumn("sending_unit_id", "text", (c) => c.notNull().references("sending_units.id"))
    .addColumn("level", "text", (c) => c.notNull().modifyEnd(oneOf("level", levels)))
    .addColumn("started_on", "text", (c) => c.notNull())
    .addColumn("ended_on", "text")
    .addColumn("created_at", "text", (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP`))
    .execute();
  await db.schema.createIndex("teams_village_idx").on("teams").column("village_id").execute();

  await db.schema
    .createTable("cadres")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name_zh", "text", (c) => c.notNull())
    .addColumn("sending_unit_id", "text", (c) => c.notNull().references("sending_units.id"))
    .addColumn("specialty", "text", (c) =>
      c
        .notNull()
        .modifyEnd(
          oneOf("specialty", ["party_government", "economic", "professional", "political_legal"]),
        ),
    )
    .addColumn("phone", "text")
    .addColumn("name_source", "text", (c) =>
      c.notNull().modifyEnd(oneOf("name_source", nameSources)),
    )
    .addColumn("created_at", "text", (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP`))
    .execute();

  await db.schema
    .createTable("team_memberships")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("team_id", "text", (c) => c.notNull().references("teams.id"))
    .addColumn("cadre_id", "text", (c) => c.notNull().references("cadres.id"))
    .addColumn("role", "text", (c) =>
      c
        .notNull()
        .modifyEnd(
          oneOf("role", ["leader_first_secretary", "leader", "first_secretary", "member"]),
        ),
    )
    .addColumn("started_on", "text", (c) => c.notNull())
    .addColumn("ended_on", "text")
    .addColumn("created_at", "text", (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP`))
    .addCheckConstraint("team_memberships_dates", sql`ended_on is null or ended_on >= started_on`)
    .execute();
  await db.schema
    .createIndex("team_memberships_team_idx")
    .on("team_memberships")
    .column("team_id")
    .execute();
  await db.schema
    .createIndex("team_memberships_cadre_idx")
    .on("team_memberships")
    .column("cadre_id")
    .execute();

  await db.schema
    .createTable("users")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("username", "text", (c) => c.notNull().unique())
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("display_name", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) =>
      c
        .notNull()
        .modifyEnd(
          oneOf("role", ["county_admin", "county_viewer", "township_leader", "team_member"]),
        ),
    )
    .addColumn("township_id", "text", (c) => c.references("townships.id"))
    .addColumn("cadre_id", "text", (c) => c.references("cadres.id"))
    .addColumn("locale", "text", (c) => c.modifyEnd(sql`check (locale in ('zh-CN', 'en'))`))
    .addColumn("deactivated_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP`))
    .addCheckConstraint(
      "users_scope",
      sql`(role <> 'township_leader' or township_id is not null) and (role <> 'team_member' or cadre_id is not null)`,
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "users",
    "team_memberships",
    "cadres",
    "teams",
    "sending_units",
    "villages",
    "townships",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
