/**
 * Dated history of each village's exit figures (status, poor households and people, agricultural
 * population), for the dashboard's trends. Every write that changes them calls
 * `recordVillageHistory` in its own transaction; a row is added only when a figure changed, one per
 * village and day (a later change the same day replaces that day's row).
 */
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../db/schema";
import { today } from "~/utils/dates";

type Executor = Kysely<DB> | Transaction<DB>;

export async function recordVillageHistory(trx: Executor, villageId: string, now: string) {
  const village = await trx
    .selectFrom("villages")
    .select(["exit_status", "poor_households", "poor_people", "agricultural_population"])
    .where("id", "=", villageId)
    .executeTakeFirst();
  if (!village) return;
  const day = today(new Date(now));
  const last = await trx
    .selectFrom("village_history")
    .select(["day", "exit_status", "poor_households", "poor_people", "agricultural_population"])
    .where("village_id", "=", villageId)
    .where("day", "<", day)
    .orderBy("day", "desc")
    .limit(1)
    .executeTakeFirst();
  const unchanged =
    last &&
    last.exit_status === village.exit_status &&
    last.poor_households === village.poor_households &&
    last.poor_people === village.poor_people &&
    last.agricultural_population === village.agricultural_population;
  if (unchanged) {
    // Back to where the day started: today's row, if any, no longer says anything.
    await trx
      .deleteFrom("village_history")
      .where("village_id", "=", villageId)
      .where("day", "=", day)
      .execute();
    return;
  }
  await trx
    .insertInto("village_history")
    .values({ village_id: villageId, day, ...village, recorded_at: now })
    .onConflict((oc) =>
      oc.columns(["village_id", "day"]).doUpdateSet({ ...village, recorded_at: now }),
    )
    .execute();
}
