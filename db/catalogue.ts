/**
 * What a database holds, read from its own catalogue on either engine (decision 020: dialect
 * differences live in small places): its tables, each table's columns, primary key and the tables
 * its foreign keys point to. `npm run db:copy` plans its copy from this; tests/unit/db-copy.test.ts
 * runs it on both engines.
 */
import { sql, type Kysely, type Transaction } from "kysely";
import { engineOf } from "./dialect";

type AnyDb = Kysely<any> | Transaction<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Column {
  name: string;
  /** The declared type as the catalogue spells it ("TEXT", "double precision", "bytea" …). */
  type: string;
  /** Binary (SQLite blob, PostgreSQL bytea): rows can be megabytes, so they are read a few at a time. */
  binary: boolean;
  /** Text (ordered byte by byte, `collate "C"` on PostgreSQL, to match SQLite's BINARY order). */
  text: boolean;
}

export interface TableShape {
  name: string;
  /** In the table's own order. */
  columns: Column[];
  /** The primary key's columns, in key order. */
  key: Column[];
  /** Tables this one's foreign keys point to (itself excluded). */
  parents: string[];
}

/** The tables of the database (its current schema on PostgreSQL), by name. */
export async function listTables(db: AnyDb): Promise<string[]> {
  const rows =
    engineOf(db) === "postgres"
      ? await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db)
      : await sql<{ name: string }>`select name from sqlite_master
          where type = 'table' and name not like 'sqlite_%'`.execute(db);
  return rows.rows.map((r) => r.name).sort();
}

/** Whether a table holds at least one row (without counting them all). */
export async function hasRows(db: AnyDb, table: string): Promise<boolean> {
  const { rows } = await sql`select 1 from ${sql.table(table)} limit 1`.execute(db);
  return rows.length > 0;
}

export async function countRows(db: AnyDb, table: string): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`
    select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

export async function tableShape(db: AnyDb, table: string): Promise<TableShape> {
  if (engineOf(db) === "postgres") {
    const columns = await sql<{ name: string; type: string }>`
      select column_name as name, data_type as type from information_schema.columns
      where table_schema = current_schema() and table_name = ${table}
      order by ordinal_position`.execute(db);
    const key = await sql<{ name: string }>`
      select k.column_name as name from information_schema.table_constraints c
      join information_schema.key_column_usage k
        on k.constraint_name = c.constraint_name and k.table_schema = c.table_schema
      where c.table_schema = current_schema() and c.table_name = ${table}
        and c.constraint_type = 'PRIMARY KEY'
      order by k.ordinal_position`.execute(db);
    const parents = await sql<{ parent: string }>`
      select distinct p.relname as parent from pg_constraint c
      join pg_class t on t.oid = c.conrelid
      join pg_class p on p.oid = c.confrelid
      join pg_namespace n on n.oid = t.relnamespace
      where c.contype = 'f' and n.nspname = current_schema() and t.relname = ${table}`.execute(db);
    const all = columns.rows.map((c) => column(c.name, c.type));
    return {
      name: table,
      columns: all,
      key: key.rows.map((k) => all.find((c) => c.name === k.name)!),
      parents: parents.rows.map((p) => p.parent).filter((p) => p !== table),
    };
  }
  const columns = await sql<{ name: string; type: string; pk: number }>`
    select name, type, pk from pragma_table_info(${table}) order by cid`.execute(db);
  const parents = await sql<{ parent: string }>`
    select distinct "table" as parent from pragma_foreign_key_list(${table})`.execute(db);
  const all = columns.rows.map((c) => column(c.name, c.type));
  return {
    name: table,
    columns: all,
    key: columns.rows
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => all.find((a) => a.name === c.name)!),
    parents: parents.rows.map((p) => p.parent).filter((p) => p !== table),
  };
}

function column(name: string, declared: string): Column {
  const type = declared.toLowerCase();
  return {
    name,
    type: declared,
    binary: type === "blob" || type === "bytea",
    text: type === "text" || type.startsWith("varchar") || type.startsWith("character"),
  };
}

/**
 * The tables in an order where every table comes after the tables it points to (parents first),
 * ties by name. Throws on a cycle, which Zhucun's schema does not have.
 */
export function parentsFirst(shapes: TableShape[]): TableShape[] {
  const byName = new Map(shapes.map((s) => [s.name, s]));
  const done = new Set<string>();
  const order: TableShape[] = [];
  const remaining = [...shapes].sort((a, b) => (a.name < b.name ? -1 : 1));
  while (remaining.length) {
    const next = remaining.findIndex((s) => s.parents.every((p) => done.has(p) || !byName.has(p)));
    if (next < 0) {
      throw new Error(`foreign keys form a cycle among ${remaining.map((s) => s.name).join(", ")}`);
    }
    const [shape] = remaining.splice(next, 1);
    done.add(shape!.name);
    order.push(shape!);
  }
  return order;
}
