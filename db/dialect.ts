/**
 * Where SQLite and PostgreSQL differ, in one place (decision 020). Models and scripts ask here
 * rather than testing the engine themselves; tests/unit/dialect.test.ts runs on both.
 */
import {
  BinaryOperationNode,
  type Compilable,
  type CompiledQuery,
  OperationNodeTransformer,
  OperatorNode,
  PostgresAdapter,
  PrimitiveValueListNode,
  RawNode,
  sql,
  ValueNode,
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RawBuilder,
  type RootOperationNode,
  type Transaction,
  type UnknownRow,
} from "kysely";

export type Engine = "sqlite" | "postgres";

type AnyDb = Kysely<any> | Transaction<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Which engine a Kysely instance (or transaction) speaks to. */
export function engineOf(db: AnyDb): Engine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? "postgres" : "sqlite";
}

/**
 * The current time as the text Zhucun stores for database-made timestamps ("YYYY-MM-DD HH:MM:SS",
 * UTC), SQLite's CURRENT_TIMESTAMP. PostgreSQL's would be "2026-12-03 10:00:00.123456+00".
 */
export function currentTimestampText(db: AnyDb): RawBuilder<string> {
  return engineOf(db) === "postgres"
    ? sql<string>`to_char(timezone('UTC', now()), 'YYYY-MM-DD HH24:MI:SS')`
    : sql<string>`CURRENT_TIMESTAMP`;
}

/**
 * An order for rows written in the same millisecond of an append-only table: the order they were
 * inserted. SQLite's rowid; on PostgreSQL the row's physical place (ctid), which follows insertion
 * for a table whose rows are never updated (space freed by deletes may be reused, so use this only
 * to break ties between rows of one write).
 */
export function insertionOrder(db: AnyDb, table: string): RawBuilder<unknown> {
  return engineOf(db) === "postgres" ? sql`${sql.ref(table)}.ctid` : sql`${sql.ref(table)}.rowid`;
}

/**
 * Sets one integer column of many rows, each row to its own value, found by its text `id`: a
 * board column's renumbering (every card of the column a new position), in as few statements as
 * the engine likes. SQLite: one UPDATE per 500 rows, `case id when … then … end`, local calls
 * that cost microseconds. PostgreSQL: one UPDATE joined to the two lists given as two array
 * parameters, unnested. The CASE there was one statement too, but with two parameters a row it
 * was planned anew at each bind, and each row's value was found by comparing its id with every
 * `when` in turn (404 × 404 text comparisons under the database's collation): a 404-card
 * column's renumbering took ~40 ms of a move's 52; the join is a hash lookup a row.
 */
export async function setIntegersById(
  db: AnyDb,
  table: string,
  column: string,
  rows: readonly { id: string; value: number }[],
): Promise<void> {
  if (rows.length === 0) return;
  for (const { value } of rows) {
    if (!Number.isSafeInteger(value)) throw new RangeError(`${column}: not an integer (${value})`);
  }
  if (engineOf(db) === "postgres") {
    await sql`update ${sql.table(table)} set ${sql.ref(column)} = given.value
      from (select unnest(cast(${rows.map((r) => r.id)} as text[])) as id,
                   unnest(cast(${rows.map((r) => r.value)} as integer[])) as value) as given
      where ${sql.ref(`${table}.id`)} = given.id`.execute(db);
    return;
  }
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const cases = sql.join(
      chunk.map((r) => sql`when ${r.id} then cast(${r.value} as integer)`),
      sql` `,
    );
    await sql`update ${sql.table(table)} set ${sql.ref(column)} = case id ${cases} end
      where id in (${sql.join(chunk.map((r) => r.id))})`.execute(db);
  }
}

/**
 * On PostgreSQL, `column in (…)` with a long list of values becomes
 * `column in (select unnest(cast($1 as text[])))` with the list as ONE array parameter (`not in`
 * likewise). PostgreSQL plans a statement anew at each bind, with every parameter in it: the
 * monthly report's `team_id in ($1 … $8000)` spent 50–140 ms in bind alone, per query, at
 * province scale, where SQLite takes the same list in well under a millisecond; `= any($1)` is
 * hardly cheaper, since the planner weighs each element of the array against the column's
 * statistics. A subquery over the array is planned as a semi-join without looking inside it.
 * Short lists, and lists holding a null or values of mixed kinds, stay as they are; the meaning is
 * the same. openDatabase installs it on every PostgreSQL pool (db/connection.ts).
 */
export class LongInListsAsArraysPlugin implements KyselyPlugin {
  readonly #transformer = new LongInListTransformer();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/** Lists this long or longer go as one array parameter. */
export const LONG_IN_LIST = 64;

/** The PostgreSQL array type for a list's values, or null when they are not all of one kind. */
function arrayType(values: readonly unknown[]): string | null {
  if (values.every((v) => typeof v === "string")) return "text[]";
  if (values.every((v) => typeof v === "number" && Number.isSafeInteger(v))) return "bigint[]";
  if (values.every((v) => typeof v === "number" && Number.isFinite(v))) return "float8[]";
  return null;
}

class LongInListTransformer extends OperationNodeTransformer {
  protected override transformBinaryOperation(node: BinaryOperationNode): BinaryOperationNode {
    const visited = super.transformBinaryOperation(node);
    const { operator, rightOperand } = visited;
    if (
      !OperatorNode.is(operator) ||
      (operator.operator !== "in" && operator.operator !== "not in") ||
      !PrimitiveValueListNode.is(rightOperand) ||
      rightOperand.values.length < LONG_IN_LIST
    ) {
      return visited;
    }
    const type = arrayType(rightOperand.values);
    if (!type) return visited;
    return BinaryOperationNode.create(
      visited.leftOperand,
      operator,
      RawNode.create(
        ["(select unnest(cast(", ` as ${type})))`],
        [ValueNode.create([...rightOperand.values])],
      ),
    );
  }
}

/** Runs a compiled read and answers its rows as arrays, with the result's column names. */
export type ArrayRowsRunner = (
  query: CompiledQuery,
) => Promise<{ columns: readonly string[]; rows: unknown[][] }>;

const arrayRowsRunners = new WeakMap<object, ArrayRowsRunner>();

/**
 * Lets `selectTuples` run reads on `db` with `run` (openDatabase registers its pool's for a
 * PostgreSQL handle: `rowMode: 'array'`).
 */
export function registerArrayRows(db: AnyDb, run: ArrayRowsRunner): void {
  arrayRowsRunners.set(db, run);
}

/** A row of `O` as the tuple of its values in `columns`' order. */
export type Tuple<O, C extends readonly (keyof O)[]> = { -readonly [I in keyof C]: O[C[I]] };

/**
 * A read's rows as tuples of their values in `columns`' order (the query's select list, which is
 * checked), for a hot read of thousands of rows. node-postgres builds each row as an object by
 * spreading a prebuilt one and setting every column by name: at province scale (the map's 8,000
 * villages) those objects, live until the last row arrives, were most of what the garbage
 * collector copied, and the map data took ~20 ms more CPU a call than with `rowMode: 'array'`.
 * On PostgreSQL the query goes straight to the pool as arrays (outside Kysely's executor: its
 * plugins still rewrite the query, none changes results); on SQLite, or a handle without a
 * runner (a transaction), Kysely runs it and the objects are read into tuples.
 */
export async function selectTuples<O, const C extends readonly (keyof O & string)[]>(
  db: AnyDb,
  query: Compilable<O>,
  columns: C,
): Promise<Tuple<O, C>[]> {
  const compiled = query.compile();
  const run = arrayRowsRunners.get(db);
  if (!run) {
    const { rows } = await db.executeQuery<O>(compiled);
    return rows.map((row) => columns.map((c) => row[c])) as Tuple<O, C>[];
  }
  const result = await run(compiled);
  if (
    result.columns.length !== columns.length ||
    result.columns.some((name, i) => name !== columns[i])
  ) {
    throw new Error(
      `selectTuples: the query answers ${result.columns.join(", ")}, not ${columns.join(", ")}`,
    );
  }
  return result.rows as Tuple<O, C>[];
}
