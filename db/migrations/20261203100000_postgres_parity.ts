/**
 * PostgreSQL only (SQLite: nothing to do): where earlier migrations gave PostgreSQL something that
 * behaves differently from SQLite, make it the same. FROZEN once landed; imports nothing from the app.
 * - `created_at` defaults to CURRENT_TIMESTAMP, which SQLite writes as "2026-12-03 10:00:00" (UTC)
 *   but PostgreSQL, into a text column, as "2026-12-03 10:00:00.123456+00". Every such default
 *   becomes SQLite's form, so both engines store the same text.
 * - Deleting an audit entry no archive holds is refused with SQLite's message.
 */
import { sql, type Kysely } from "kysely";

function isSqlite(db: Kysely<any>) {
  return db.getExecutor().adapter.constructor.name === "SqliteAdapter";
}

export async function up(db: Kysely<any>): Promise<void> {
  if (isSqlite(db)) return;
  const columns = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = current_schema() and column_default ilike 'current_timestamp%'`.execute(
    db,
  );
  for (const { table_name, column_name } of columns.rows) {
    await sql`alter table ${sql.table(table_name)} alter column ${sql.ref(column_name)}
      set default to_char(timezone('UTC', now()), 'YYYY-MM-DD HH24:MI:SS')`.execute(db);
  }
  await sql`create or replace function audit_append_only() returns trigger language plpgsql as $$
    begin
      if tg_table_name = 'audit_log' and tg_op = 'DELETE' then
        if old.seq <= (select coalesce(max(to_seq), 0) from audit_archives) then
          return old;
        end if;
        raise exception 'audit_log entries leave only into an archive';
      end if;
      raise exception '% is append-only', tg_table_name;
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isSqlite(db)) return;
  const columns = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = current_schema() and column_default like 'to_char(timezone(%'`.execute(db);
  for (const { table_name, column_name } of columns.rows) {
    await sql`alter table ${sql.table(table_name)} alter column ${sql.ref(column_name)}
      set default CURRENT_TIMESTAMP`.execute(db);
  }
}
