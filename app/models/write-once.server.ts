/**
 * Creates that happen once. A create form carries a request id (a fresh one with every page the
 * loader renders); the write claims it for this person and form inside its own transaction, before
 * anything else. A second request with the same id — a double click, a form sent again after a
 * timeout, an offline write retried — finds the claim and returns the record the first one made.
 *
 * Claiming first is what makes it hold under concurrency too: a second transaction's insert waits
 * on the first's key (PostgreSQL) or on the single writer (SQLite), then sees it. A refused write
 * rolls its claim back with everything else, so the corrected form can be sent with the same id.
 */
import type { Transaction } from "kysely";
import type { DB } from "../../db/schema";

/** How long a request id is remembered: far longer than any retry, short enough to stay small. */
export const REQUEST_ID_DAYS = 7;

export type CreateForm =
  | "card"
  | "comment"
  | "leave"
  | "log"
  | "notice"
  | "indicator"
  | "milestone"
  | "opinion"
  // Writes a phone may queue without signal and send again (issue 21): a retry whose first answer
  // was lost must not count twice or come back as a conflict with itself.
  | "check-in"
  | "move"
  | "milestone-edit";

/**
 * Claims `requestId` for `resultId`. Null when this is the first request with it (go on and
 * create); otherwise the id of what the first request created (return that, create nothing).
 * Without a request id (an old page, a script) every request creates.
 */
export async function claimRequest(
  trx: Transaction<DB>,
  userId: string,
  form: CreateForm,
  requestId: string | undefined,
  resultId: string,
  now: string,
): Promise<string | null> {
  if (!requestId) return null;
  const cutoff = new Date(Date.parse(now) - REQUEST_ID_DAYS * 86_400_000).toISOString();
  await trx.deleteFrom("write_requests").where("created_at", "<", cutoff).execute();
  const inserted = await trx
    .insertInto("write_requests")
    .values({ user_id: userId, form, request_id: requestId, result_id: resultId, created_at: now })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return null;
  const earlier = await trx
    .selectFrom("write_requests")
    .select("result_id")
    .where("user_id", "=", userId)
    .where("form", "=", form)
    .where("request_id", "=", requestId)
    .executeTakeFirstOrThrow();
  return earlier.result_id;
}
