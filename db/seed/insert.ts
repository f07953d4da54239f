import type { Kysely, Transaction } from "kysely";
import type { DB } from "../schema";

/**
 * Inserts many rows in batches (SQLite caps bound parameters per statement), inside the caller's
 * transaction. `ignoreExisting` leaves rows whose primary key exists untouched (idempotent seeds).
 */
export async function insertInBatches<T extends keyof DB>(
  trx: Transaction<DB> | Kysely<DB>,
  table: T,
  rows: readonly object[],
  { batchSize = 40, ignoreExisting = false } = {},
) {
  for (let i = 0; i < rows.length; i += batchSize) {
    const query = trx.insertInto(table).values(rows.slice(i, i + batchSize) as never);
    await (ignoreExisting ? query.onConflict((oc) => oc.doNothing()) : query).execute();
  }
}
