/**
 * One measurement run (called by scripts/bench.ts with DATABASE_URL set to a demo database): the
 * county's monthly bulletin for last month (89 teams, about 15,000 check-ins and 7,000 log entries
 * over three months) and the week's report overview, server-side, as the county admin.
 */
import { db } from "../app/db.server";
import { monthlyBulletin } from "../app/models/bulletin.server";
import { getViewer } from "../app/models/user.server";
import { weekOverview } from "../app/models/weekly-report.server";
import { today } from "../app/utils/dates";
import { DEFAULT_TEAM_RULES, previousMonth, weekOf } from "../app/utils/team-rules";
import { time } from "./bench-helpers";

const admin = await db
  .selectFrom("users")
  .select("id")
  .where("username", "=", "county")
  .executeTakeFirstOrThrow();
const viewer = (await getViewer(admin.id))!;
const month = previousMonth(today().slice(0, 7));
const { n: checkIns } = await db
  .selectFrom("check_ins")
  .select((eb) => eb.fn.countAll<number>().as("n"))
  .executeTakeFirstOrThrow();

let teams = 0;
const bulletin = await time(async () => {
  teams = (await monthlyBulletin(viewer, month, DEFAULT_TEAM_RULES)).teams.length;
});
const week = await time(() => weekOverview(viewer, weekOf(today()), DEFAULT_TEAM_RULES));
console.log(
  JSON.stringify({
    teams,
    checkIns: Number(checkIns),
    bulletinMs: bulletin.median,
    bulletinCpuMs: bulletin.cpuMs,
    weekMs: week.median,
    weekCpuMs: week.cpuMs,
  }),
);
await db.destroy();
