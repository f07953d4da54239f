/**
 * Trust: sign-in sessions kept on the server, sign-in throttling, the county's own settings, an
 * append-only audit log with its archives, and the villagers' ID and phone numbers on the roster.
 * FROZEN once landed. Imports nothing from the app.
 */
import { sql, type Kysely } from "kysely";

const inList = (column: string, values: readonly string[]) =>
  sql`check (${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))}))`;

function isSqlite(db: Kysely<any>) {
  return db.getExecutor().adapter.constructor.name === "SqliteAdapter";
}

const SESSION_PROFILES = ["shared", "device"];
const SESSION_END_REASONS = [
  "logout",
  "idle",
  "expired",
  "password",
  "reset",
  "deactivated",
  "user",
  "admin",
];

export async function up(db: Kysely<any>): Promise<void> {
  // A session's id is the SHA-256 of the random token in the cookie: a copy of the database
  // (a backup) holds no token that would sign anyone in.
  await db.schema
    .createTable("sessions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("profile", "text", (c) => c.notNull().modifyEnd(inList("profile", SESSION_PROFILES)))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_seen_at", "text", (c) => c.notNull())
    .addColumn("ip", "text", (c) => c.notNull())
    .addColumn("user_agent", "text", (c) => c.notNull())
    .addColumn("ended_at", "text")
    .addColumn("ended_reason", "text", (c) =>
      c.modifyEnd(
        sql`check (ended_reason is null or ended_reason in (${sql.join(SESSION_END_REASONS.map((v) => sql.lit(v)))}))`,
      ),
    )
    .addColumn("ended_by", "text", (c) => c.references("users.id"))
    .execute();
  await db.schema
    .createIndex("sessions_user")
    .on("sessions")
    .columns(["user_id", "ended_at"])
    .execute();
  await db.schema.createIndex("sessions_open").on("sessions").columns(["ended_at"]).execute();

  // Failed sign-ins by account ("user:<name>") and by client address ("ip:<address>").
  await db.schema
    .createTable("login_throttle")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("failures", "integer", (c) => c.notNull())
    .addColumn("window_started_at", "text", (c) => c.notNull())
    .addColumn("locked_until", "text")
    .addColumn("refused", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("login_throttle_updated")
    .on("login_throttle")
    .column("updated_at")
    .execute();

  // Rules the county sets for itself (key → JSON value); code holds only the defaults.
  await db.schema
    .createTable("county_settings")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("updated_by", "text", (c) => c.references("users.id"))
    .execute();

  // The audit log: numbered by the app in one gapless sequence, each entry hashed with the one
  // before it, so an edit or a removal shows when the chain is checked.
  await db.schema
    .createTable("audit_log")
    .addColumn("seq", "integer", (c) => c.primaryKey())
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("actor_id", "text")
    .addColumn("actor_name", "text")
    .addColumn("actor_role", "text")
    .addColumn("session", "text")
    .addColumn("ip", "text")
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("outcome", "text", (c) =>
      c.notNull().modifyEnd(inList("outcome", ["ok", "refused"])),
    )
    .addColumn("target_type", "text")
    .addColumn("target_id", "text")
    .addColumn("village_id", "text")
    .addColumn("details", "text", (c) => c.notNull())
    .addColumn("prev_hash", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("audit_log_at").on("audit_log").column("at").execute();
  await db.schema
    .createIndex("audit_log_actor")
    .on("audit_log")
    .columns(["actor_id", "seq"])
    .execute();
  await db.schema
    .createIndex("audit_log_target")
    .on("audit_log")
    .columns(["target_type", "target_id", "seq"])
    .execute();
  await db.schema
    .createIndex("audit_log_village")
    .on("audit_log")
    .columns(["village_id", "seq"])
    .execute();
  await db.schema
    .createIndex("audit_log_action")
    .on("audit_log")
    .columns(["action", "seq"])
    .execute();

  // Entries past the retention period, moved here a month at a time (gzip JSON Lines), with the
  // hash that continues the chain; only entries an archive holds may leave audit_log.
  await db.schema
    .createTable("audit_archives")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("from_seq", "integer", (c) => c.notNull())
    .addColumn("to_seq", "integer", (c) => c.notNull().unique())
    .addColumn("from_at", "text", (c) => c.notNull())
    .addColumn("to_at", "text", (c) => c.notNull())
    .addColumn("entries", "integer", (c) => c.notNull())
    .addColumn("last_hash", "text", (c) => c.notNull())
    .addColumn("sha256", "text", (c) => c.notNull())
    .addColumn("content", isSqlite(db) ? "blob" : "bytea", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  if (isSqlite(db)) {
    await sql`create trigger audit_log_no_update before update on audit_log
      begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
    await sql`create trigger audit_log_no_delete before delete on audit_log
      when old.seq > (select coalesce(max(to_seq), 0) from audit_archives)
      begin select raise(abort, 'audit_log entries leave only into an archive'); end`.execute(db);
    await sql`create trigger audit_archives_no_update before update on audit_archives
      begin select raise(abort, 'audit_archives is append-only'); end`.execute(db);
    await sql`create trigger audit_archives_no_delete before delete on audit_archives
      begin select raise(abort, 'audit_archives is append-only'); end`.execute(db);
  } else {
    await sql`create function audit_append_only() returns trigger language plpgsql as $$
      begin
        if tg_table_name = 'audit_log' and tg_op = 'DELETE'
           and old.seq <= (select coalesce(max(to_seq), 0) from audit_archives) then
          return old;
        end if;
        raise exception '% is append-only', tg_table_name;
      end $$`.execute(db);
    for (const table of ["audit_log", "audit_archives"]) {
      await sql`create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)}
        for each row execute function audit_append_only()`.execute(db);
    }
  }

  // The roster's 公民身份号码 and 联系电话 of the head of household (sensitive: shown masked).
  await db.schema.alterTable("households").addColumn("head_id_number", "text").execute();
  await db.schema.alterTable("households").addColumn("phone", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("households").dropColumn("phone").execute();
  await db.schema.alterTable("households").dropColumn("head_id_number").execute();
  if (!isSqlite(db)) {
    await sql`drop function if exists audit_append_only() cascade`.execute(db);
  }
  await db.schema.dropTable("audit_archives").execute();
  await db.schema.dropTable("audit_log").execute();
  await db.schema.dropTable("county_settings").execute();
  await db.schema.dropTable("login_throttle").execute();
  await db.schema.dropTable("sessions").execute();
}
