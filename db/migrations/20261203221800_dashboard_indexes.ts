/**
 * Indexes that hold what the dashboard reads of a row, so SQLite answers from the index alone
 * instead of finding each row in its table by a text key (the province bench, issues 17 and 18). Each starts
 * with the columns of an index already there, which it leaves in place. PostgreSQL (hash joins
 * over whole tables at this size) mostly passes them by; it reads the history by day through one.
 * FROZEN once landed; imports nothing from the app.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  // The per-township sums of villageTotals, in township order: no table row, no sort.
  await db.schema
    .createIndex("villages_township_totals_idx")
    .on("villages")
    .columns([
      "township_id",
      "id",
      "exit_status",
      "agricultural_population",
      "poor_households",
      "poor_people",
    ])
    .execute();
  // Members in the order of presence_months' key: the anti-join "no day this month" walks both
  // together (12 → 8 ms on SQLite at province scale).
  await db.schema
    .createIndex("team_memberships_cadre_team_idx")
    .on("team_memberships")
    .columns(["cadre_id", "team_id", "started_on", "ended_on"])
    .execute();
  // A village's team serving on a day, found without reading the team's row.
  await db.schema
    .createIndex("teams_village_dates_idx")
    .on("teams")
    .columns(["village_id", "started_on", "ended_on"])
    .execute();
  // The trends: the history's changes in day order, a month or year a range of it.
  await db.schema
    .createIndex("village_history_day_idx")
    .on("village_history")
    .columns(["day", "village_id", "exited_change", "poor_people_change", "population_change"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("village_history_day_idx").execute();
  await db.schema.dropIndex("teams_village_dates_idx").execute();
  await db.schema.dropIndex("team_memberships_cadre_team_idx").execute();
  await db.schema.dropIndex("villages_township_totals_idx").execute();
}
