/**
 * Writes the demo data set and the demo accounts in one transaction. Idempotent: every row has a
 * stable id and existing rows are left as they are, so a second run changes nothing.
 */
import type { Kysely } from "kysely";
import type { DB } from "../schema";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "./demo-accounts";
import { stableId } from "../ids";
import { buildDemoData, type DemoData } from "./demo-data";
import { insertInBatches } from "./insert";
import { buildBoardData } from "./demo-boards";
import { buildPlanData } from "./demo-plans";
import { buildTeamworkData } from "./demo-teamwork";
import { today as chinaToday } from "../../app/utils/dates";
import {
  DEMO_START_DATE,
  demoOffset,
  nowIso,
  realNowIso,
  setClockOffset,
  type DemoClock,
} from "../../app/utils/clock";
import { DEMO_CLOCK_KEY, demoClockOffset } from "../../app/utils/demo-clock.server";
import { presenceMasks } from "../../app/utils/presence";
import { refreshVillageProgress } from "../../app/models/progress.server";
import { buildVillageHistory } from "./demo-history";
import { buildExitSteps } from "./demo-exits";
import {
  county,
  povertyLines,
  townshipFacts,
  villageLists1997,
} from "../../app/data/shangyi.server";
import { isInsidePolygon } from "../../app/utils/geo";
import { placeNamePinyin } from "../../app/utils/pinyin.server";
import { hashPassword } from "../../app/utils/password.server";

export { DEMO_ACCOUNTS, DEMO_PASSWORD };

export function demoData(): DemoData {
  return buildDemoData({
    townships: townshipFacts,
    boundary: county.boundary,
    villageLists1997,
    isInside: isInsidePolygon,
    toPinyin: placeNamePinyin,
  });
}

/**
 * `today` anchors the recent team-work records (check-ins, logs, leave, reports, exit steps) to
 * the seed date, so a new demo always has last month's bulletin and this week's reports to show.
 * The demo lives in its own time (app/utils/clock.ts): it starts on DEMO_START_DATE (or `today`)
 * and its business clock runs from there in real time; `clock: "real"` seeds today's date instead
 * and keeps the real clock.
 */
export async function seedDemo(
  db: Kysely<DB>,
  options: { password?: string; today?: string; clock?: "demo" | "real" } = {},
) {
  const data = demoData();
  const demoClock = (options.clock ?? "demo") === "demo";
  const stored = demoClock ? await demoClockOffset(db) : 0;
  const today = options.today ?? (demoClock ? DEMO_START_DATE : chinaToday());
  const clock: DemoClock = { date: today, seededAt: realNowIso() };
  // The business clock runs from the demo's first day (or as it was seeded before).
  if (demoClock) setClockOffset(stored || demoOffset(clock));
  const passwordHash = await hashPassword(options.password ?? DEMO_PASSWORD);

  const users = DEMO_ACCOUNTS.map((account) => {
    let townshipId: string | null = null;
    let cadreId: string | null = null;
    let displayName = account.displayName;
    if (account.township) {
      townshipId = data.townships.find((t) => t.name_zh === account.township)!.id;
    }
    if (account.village) {
      // A team member's account belongs to the cadre who leads that village's team.
      const village = data.villages.find((v) => v.name_zh === account.village)!;
      const team = data.teams.find((t) => t.village_id === village.id)!;
      const membership = data.memberships.find((m) => m.team_id === team.id)!;
      cadreId = membership.cadre_id;
      displayName = data.cadres.find((c) => c.id === cadreId)!.name_zh;
    }
    return {
      id: stableId("user", account.username),
      username: account.username,
      password_hash: passwordHash,
      display_name: displayName,
      role: account.role,
      township_id: townshipId,
      cadre_id: cadreId,
      locale: null,
      deactivated_at: null,
    };
  });

  const userOf = (pick: (u: (typeof users)[number]) => boolean) => users.find(pick)?.id ?? null;
  const teamOfVillage = (villageId: string) =>
    data.teams.find((t) => t.village_id === villageId)?.id;
  const exits = buildExitSteps(
    data,
    {
      team: (villageId) => {
        const team = teamOfVillage(villageId);
        const cadres = new Set(
          data.memberships.filter((m) => m.team_id === team).map((m) => m.cadre_id),
        );
        return userOf((u) => u.cadre_id !== null && cadres.has(u.cadre_id));
      },
      township: (townshipId) =>
        userOf((u) => u.role === "township_leader" && u.township_id === townshipId),
      county: userOf((u) => u.role === "county_admin"),
    },
    today,
  );

  await db.transaction().execute(async (trx) => {
    const insert = (table: keyof DB, rows: readonly object[]) =>
      insertInBatches(trx, table, rows, { ignoreExisting: true });
    if (demoClock) {
      await insert("county_settings", [
        {
          key: DEMO_CLOCK_KEY,
          value: JSON.stringify(clock),
          updated_at: realNowIso(),
          updated_by: null,
        },
      ]);
    }
    await insert("townships", data.townships);
    await insert("villages", data.villages);
    await insert("sending_units", data.sendingUnits);
    await insert("teams", data.teams);
    await insert("cadres", data.cadres);
    await insert("team_memberships", data.memberships);
    await insert("users", users);
    await insert("village_exit_steps", exits.steps);
    await insert("village_exit_files", exits.files);
    const plans = buildPlanData(data, povertyLines);
    await insert("exit_plans", plans.plans);
    await insert("plan_indicators", plans.indicators);
    await insert("plan_milestones", plans.milestones);
    await insert("plan_opinions", plans.opinions);
    await insert("households", plans.households);
    await insert("household_incomes", plans.incomes);
    await insert("household_exit_steps", plans.steps);
    const boards = buildBoardData(data, plans);
    await insert("cards", boards.cards);
    await insert("card_assignees", boards.assignees);
    await insert("card_households", boards.households);
    await insert("card_events", boards.events);
    const work = buildTeamworkData(data, plans, boards, users, today);
    await insert("cadres", work.cadres);
    await insert("team_memberships", work.memberships);
    await insert("check_ins", work.checkIns);
    await insert("work_logs", work.logs);
    await insert("leave_requests", work.leave);
    await insert("weekly_reports", work.reports);
    await insert("notices", work.notices);
    await insert("notice_teams", work.noticeTeams);
    await insert("notice_reads", work.noticeReads);
    await insert("card_events", work.cardEvents);
    const logDays = work.logs
      .filter((l) => l.place === "village")
      .map((l) => ({ cadre_id: l.cadre_id, team_id: l.team_id, day: l.logged_on }));
    await insert("presence_months", presenceMasks([...work.checkIns, ...logDays]));
    await insert("village_history", buildVillageHistory(data.villages, plans.households, today));
    await refreshVillageProgress(trx, "all", nowIso());
  });
  return data;
}

/** True when the database holds no places and no accounts: the only state the demo may be written into. */
export async function isEmptyDatabase(db: Kysely<DB>): Promise<boolean> {
  const { townships } = await db
    .selectFrom("townships")
    .select((eb) => eb.fn.countAll<number>().as("townships"))
    .executeTakeFirstOrThrow();
  const { users } = await db
    .selectFrom("users")
    .select((eb) => eb.fn.countAll<number>().as("users"))
    .executeTakeFirstOrThrow();
  return Number(townships) === 0 && Number(users) === 0;
}
