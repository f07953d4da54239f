import type { Kysely, Transaction } from "kysely";
import { engineOf } from "../dialect";
import type { DB } from "../schema";

/**
 * Inserts many rows in batches (SQLite caps bound parameters per statement), inside the caller's
 * transaction. `ignoreExisting` leaves rows whose primary key exists untouched (idempotent seeds).
 * On PostgreSQL each statement is a round trip, so batches are as large as its 65,535 parameters
 * allow (up to 1,000 rows) unless the caller sets a size.
 */
export async function insertInBatches<T extends keyof DB>(
  trx: Transaction<DB> | Kysely<DB>,
  table: T,
  rows: readonly object[],
  { batchSize = 0, ignoreExisting = false } = {},
) {
  if (!batchSize) {
    const columns = Math.max(1, Object.keys(rows[0] ?? {}).length);
    batchSize = engineOf(trx) === "postgres" ? Math.min(1000, Math.floor(65_535 / columns)) : 40;
  }
  for (let i = 0; i < rows.length; i += batchSize) {
    const query = trx.insertInto(table).values(rows.slice(i, i + batchSize) as never);
    await (ignoreExisting ? query.onConflict((oc) => oc.doNothing()) : query).execute();
  }
}
