/**
 * Teams at work: rotation history, check-ins, leave, work logs, weekly reports, notices, and the
 * county organisation department's role (it approves long leave).
 * FROZEN once landed. Imports nothing from the app.
 */
import { sql, type Kysely } from "kysely";

const inList = (column: string, values: readonly string[]) =>
  sql`check (${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))}))`;

const ROLES = [
  "county_admin",
  "county_organisation",
  "county_viewer",
  "township_leader",
  "team_member",
];
const OLD_ROLES = ["county_admin", "county_viewer", "township_leader", "team_member"];

function isSqlite(db: Kysely<any>) {
  return db.getExecutor().adapter.constructor.name === "SqliteAdapter";
}

/**
 * A new role means a new CHECK on users.role. PostgreSQL swaps the named constraint; SQLite cannot
 * alter a constraint, so it rebuilds the table (the documented 12-step procedure: foreign keys off,
 * copy, drop, rename, foreign keys checked and back on). Other tables keep pointing at "users".
 */
async function setUserRoles(db: Kysely<any>, roles: readonly string[]) {
  if (!isSqlite(db)) {
    await sql`alter table users drop constraint if exists users_role_check`.execute(db);
    await sql`alter table users add constraint users_role_check ${inList("role", roles)}`.execute(
      db,
    );
    return;
  }
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await db.schema
      .createTable("users_rebuilt")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("username", "text", (c) => c.notNull().unique())
      .addColumn("password_hash", "text", (c) => c.notNull())
      .addColumn("display_name", "text", (c) => c.notNull())
      .addColumn("role", "text", (c) => c.notNull().modifyEnd(inList("role", roles)))
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
    await sql`insert into users_rebuilt select id, username, password_hash, display_name, role, township_id, cadre_id, locale, deactivated_at, created_at from users`.execute(
      db,
    );
    await db.schema.dropTable("users").execute();
    await sql`alter table users_rebuilt rename to users`.execute(db);
    const broken = await sql`pragma foreign_key_check`.execute(db);
    if (broken.rows.length) throw new Error("users rebuild broke a foreign key");
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

export async function up(db: Kysely<any>): Promise<void> {
  await setUserRoles(db, ROLES);

  // Why a membership ended: its term was over, the county recalled the cadre, or someone replaced them.
  await db.schema
    .alterTable("team_memberships")
    .addColumn("end_reason", "text", (c) =>
      c.modifyEnd(inList("end_reason", ["rotated", "recalled", "replaced"])),
    )
    .execute();
  await db.schema.alterTable("team_memberships").addColumn("end_note", "text").execute();

  await db.schema
    .createTable("check_ins")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("cadre_id", "text", (c) => c.notNull().references("cadres.id"))
    .addColumn("team_id", "text", (c) => c.notNull().references("teams.id"))
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull().modifyEnd(inList("source", ["live", "late"])))
    .addColumn("reason", "text")
    .addColumn("lat", "double precision")
    .addColumn("lon", "double precision")
    .addColumn("distance_m", "double precision")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.references("users.id"))
    .addUniqueConstraint("check_ins_once_a_day", ["cadre_id", "day"])
    .execute();
  await db.schema
    .createIndex("check_ins_team_idx")
    .on("check_ins")
    .columns(["team_id", "day"])
    .execute();

  await db.schema
    .createTable("leave_requests")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("cadre_id", "text", (c) => c.notNull().references("cadres.id"))
    .addColumn("team_id", "text", (c) => c.notNull().references("teams.id"))
    .addColumn("starts_on", "text", (c) => c.notNull())
    .addColumn("ends_on", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("route", "text", (c) =>
      c.notNull().modifyEnd(inList("route", ["township", "county"])),
    )
    .addColumn("status", "text", (c) =>
      c.notNull().modifyEnd(inList("status", ["pending", "approved", "rejected", "cancelled"])),
    )
    .addColumn("decided_by", "text", (c) => c.references("users.id"))
    .addColumn("decided_at", "text")
    .addColumn("decision_note", "text")
    .addColumn("returned_on", "text")
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.references("users.id"))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addCheckConstraint("leave_requests_dates", sql`ends_on >= starts_on`)
    .execute();
  await db.schema
    .createIndex("leave_requests_cadre_idx")
    .on("leave_requests")
    .columns(["cadre_id", "starts_on"])
    .execute();
  await db.schema
    .createIndex("leave_requests_status_idx")
    .on("leave_requests")
    .columns(["status", "route"])
    .execute();

  await db.schema
    .createTable("work_logs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("cadre_id", "text", (c) => c.notNull().references("cadres.id"))
    .addColumn("team_id", "text", (c) => c.notNull().references("teams.id"))
    .addColumn("logged_on", "text", (c) => c.notNull())
    .addColumn("place", "text", (c) =>
      c.notNull().modifyEnd(inList("place", ["village", "elsewhere"])),
    )
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("household_id", "text", (c) => c.references("households.id"))
    .addColumn("card_id", "text", (c) => c.references("cards.id"))
    .addColumn("name_source", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.references("users.id"))
    .execute();
  await db.schema
    .createIndex("work_logs_team_idx")
    .on("work_logs")
    .columns(["team_id", "logged_on"])
    .execute();
  await db.schema
    .createIndex("work_logs_cadre_idx")
    .on("work_logs")
    .columns(["cadre_id", "logged_on"])
    .execute();

  await db.schema
    .createTable("weekly_reports")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("team_id", "text", (c) => c.references("teams.id"))
    .addColumn("township_id", "text", (c) => c.references("townships.id"))
    .addColumn("week_of", "text", (c) => c.notNull())
    .addColumn("done", "text", (c) => c.notNull())
    .addColumn("problems", "text")
    .addColumn("next_plan", "text")
    .addColumn("name_source", "text", (c) => c.notNull())
    .addColumn("submitted_at", "text", (c) => c.notNull())
    .addColumn("submitted_by", "text", (c) => c.references("users.id"))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("updated_by", "text", (c) => c.references("users.id"))
    .addCheckConstraint(
      "weekly_reports_one_author",
      sql`(team_id is null) <> (township_id is null)`,
    )
    .addUniqueConstraint("weekly_reports_team_week", ["team_id", "week_of"])
    .addUniqueConstraint("weekly_reports_township_week", ["township_id", "week_of"])
    .execute();
  await db.schema
    .createIndex("weekly_reports_week_idx")
    .on("weekly_reports")
    .column("week_of")
    .execute();

  await db.schema
    .createTable("notices")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) =>
      c.notNull().modifyEnd(inList("kind", ["meeting", "announcement"])),
    )
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("meeting_at", "text")
    .addColumn("place", "text")
    .addColumn("audience", "text", (c) =>
      c.notNull().modifyEnd(inList("audience", ["all", "township", "teams"])),
    )
    .addColumn("audience_township_id", "text", (c) => c.references("townships.id"))
    .addColumn("sender_id", "text", (c) => c.references("users.id"))
    .addColumn("sender_township_id", "text", (c) => c.references("townships.id"))
    .addColumn("name_source", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("notices_created_idx").on("notices").column("created_at").execute();
  await db.schema
    .createTable("notice_teams")
    .addColumn("notice_id", "text", (c) => c.notNull().references("notices.id"))
    .addColumn("team_id", "text", (c) => c.notNull().references("teams.id"))
    .addPrimaryKeyConstraint("notice_teams_pk", ["notice_id", "team_id"])
    .execute();
  await db.schema
    .createIndex("notice_teams_team_idx")
    .on("notice_teams")
    .column("team_id")
    .execute();
  await db.schema
    .createTable("notice_reads")
    .addColumn("notice_id", "text", (c) => c.notNull().references("notices.id"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("read_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("notice_reads_pk", ["notice_id", "user_id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "notice_reads",
    "notice_teams",
    "notices",
    "weekly_reports",
    "work_logs",
    "leave_requests",
    "check_ins",
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.alterTable("team_memberships").dropColumn("end_note").execute();
  await db.schema.alterTable("team_memberships").dropColumn("end_reason").execute();
  await db.deleteFrom("users").where("role", "=", "county_organisation").execute();
  await setUserRoles(db, OLD_ROLES);
}
