/**
 * Dated history of each village's exit figures (status, poor households and people, agricultural
 * population), for the dashboard's trends. Every write that changes them calls
 * `recordVillageHistory` in its own transaction; a row is added only when a figure changed, one per
 * village and day (a later change the same day replaces that day's row).
 */
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../db/schema";
import { today } from "~/utils/dates";
import { historyChange, sameFigures } from "~/utils/history";

type Executor = Kysely<DB> | Transaction<DB>;

export async function recordVillageHistory(trx: Executor, villageId: string, now: string) {
  const village = await trx
    .selectFrom("villages")
    .select(["exit_status", "poor_households", "poor_people", "agricultural_population"])
    .where("id", "=", villageId)
    .executeTakeFirst();
  if (!village) return;
  const day = today(new Date(now));
  const previous =
    (await trx
      .selectFrom("village_history")
      .select(["exit_status", "poor_households", "poor_people", "agricultural_population"])
      .where("village_id", "=", villageId)
      .where("day", "<", day)
      .orderBy("day", "desc")
      .limit(1)
      .executeTakeFirst()) ?? null;
  if (previous && sameFigures(previous, village)) {
    // Back to where the day started: today's row, if any, no longer says anything.
    await trx
      .deleteFrom("village_history")
      .where("village_id", "=", villageId)
      .where("day", "=", day)
      .execute();
    return;
  }
  const row = { ...village, ...historyChange(previous, village), recorded_at: now };
  await trx
    .insertInto("village_history")
    .values({ village_id: villageId, day, ...row })
    .onConflict((oc) => oc.columns(["village_id", "day"]).doUpdateSet(row))
    .execute();
}
