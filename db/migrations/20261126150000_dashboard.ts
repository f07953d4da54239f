/**
 * Dashboard: dated history of each village's exit figures with the change from the row before (for
 * trends), each village's exit readiness kept with every write (`village_progress`), in-village
 * days packed per cadre, team and month (so a province-wide dashboard need not read every
 * check-in), and the indexes its counts use. Existing check-ins and villages are carried over;
 * `village_progress` is filled at start-up by scripts/db-prepare.ts (it needs the app's rules).
 * FROZEN once landed. Imports nothing from the app.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("village_history")
    .addColumn("village_id", "text", (c) => c.notNull().references("villages.id"))
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("exit_status", "text", (c) => c.notNull())
    .addColumn("poor_households", "integer", (c) => c.notNull())
    .addColumn("poor_people", "integer", (c) => c.notNull())
    .addColumn("agricultural_population", "integer", (c) => c.notNull())
    .addColumn("exited_change", "integer", (c) => c.notNull())
    .addColumn("poor_people_change", "integer", (c) => c.notNull())
    .addColumn("population_change", "integer", (c) => c.notNull())
    .addColumn("recorded_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("village_history_pk", ["village_id", "day"])
    .execute();
  await db.schema
    .createTable("village_progress")
    .addColumn("village_id", "text", (c) => c.primaryKey().references("villages.id"))
    .addColumn("has_roster", "integer", (c) => c.notNull())
    .addColumn("ready", "integer", (c) => c.notNull())
    .addColumn("blocking", "text", (c) => c.notNull())
    .addColumn("cells", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("presence_months")
    .addColumn("cadre_id", "text", (c) => c.notNull().references("cadres.id"))
    .addColumn("team_id", "text", (c) => c.notNull().references("teams.id"))
    .addColumn("month", "text", (c) => c.notNull())
    .addColumn("days", "integer", (c) => c.notNull())
    .addColumn("day_count", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("presence_months_pk", ["cadre_id", "team_id", "month"])
    .execute();
  await db.schema
    .createIndex("presence_months_month_idx")
    .on("presence_months")
    .columns(["month", "day_count"])
    .execute();
  await db.schema
    .createIndex("households_exit_year_idx")
    .on("households")
    .columns(["exit_year", "status", "village_id"])
    .execute();
  await db.schema
    .createIndex("plan_milestones_due_idx")
    .on("plan_milestones")
    .columns(["status", "due_on", "village_id"])
    .execute();
  await db.schema
    .createIndex("cards_open_idx")
    .on("cards")
    .columns(["board", "archived_at", "column_key", "village_id", "due_on"])
    .execute();

  const villages = await db
    .selectFrom("villages")
    .select([
      "id",
      "exit_status",
      "poor_households",
      "poor_people",
      "agricultural_population",
      "updated_at",
    ])
    .execute();
  const now = new Date().toISOString();
  for (let i = 0; i < villages.length; i += 500) {
    await db
      .insertInto("village_history")
      .values(
        villages.slice(i, i + 500).map((v) => ({
          village_id: v.id,
          day: String(v.updated_at).slice(0, 10),
          exit_status: v.exit_status,
          poor_households: v.poor_households,
          poor_people: v.poor_people,
          agricultural_population: v.agricultural_population,
          exited_change: v.exit_status === "exited" || v.exit_status === "consolidating" ? 1 : 0,
          poor_people_change: v.poor_people,
          population_change: v.agricultural_population,
          recorded_at: now,
        })),
      )
      .execute();
  }

  const days = [
    ...(await db.selectFrom("check_ins").select(["cadre_id", "team_id", "day"]).execute()),
    ...(await db
      .selectFrom("work_logs")
      .select(["cadre_id", "team_id", "logged_on as day"])
      .where("place", "=", "village")
      .execute()),
  ] as { cadre_id: string; team_id: string; day: string }[];
  const masks = new Map<string, number>();
  for (const d of days) {
    const key = `${d.cadre_id}|${d.team_id}|${d.day.slice(0, 7)}`;
    masks.set(key, (masks.get(key) ?? 0) | (1 << (Number(d.day.slice(8, 10)) - 1)));
  }
  const bits = (mask: number) => {
    let n = 0;
    for (let m = mask; m; m &= m - 1) n++;
    return n;
  };
  const rows = [...masks].map(([key, mask]) => {
    const [cadre_id, team_id, month] = key.split("|");
    return { cadre_id, team_id, month, days: mask, day_count: bits(mask) };
  });
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto("presence_months")
      .values(rows.slice(i, i + 500))
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("cards_open_idx").execute();
  await db.schema.dropIndex("plan_milestones_due_idx").execute();
  await db.schema.dropIndex("households_exit_year_idx").execute();
  await db.schema.dropTable("presence_months").execute();
  await db.schema.dropTable("village_progress").execute();
  await db.schema.dropTable("village_history").execute();
}
