/**
 * The team rules a new database starts from: the environment (README, "Configuration"), anything
 * unset or out of range falling back to the defaults in team-rules.ts. After that the county sets
 * them, dated, on /admin/settings (app/models/county-rules.server.ts: `teamRulesOn`).
 */
import type { Kysely, Transaction } from "kysely";
import { newId } from "../../db/ids";
import type { DB } from "../../db/schema";
import { DEFAULT_TEAM_RULES, TEAM_RULE_KEYS, type TeamRules } from "~/utils/team-rules";

function setting(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  return Number.isInteger(value) && value >= min && value <= max ? value : fallback;
}

export function initialTeamRules(): TeamRules {
  return {
    daysPerMonth: setting("IN_VILLAGE_DAYS", DEFAULT_TEAM_RULES.daysPerMonth, 1, 31),
    townshipLeaveMaxDays: setting(
      "TOWNSHIP_LEAVE_MAX_DAYS",
      DEFAULT_TEAM_RULES.townshipLeaveMaxDays,
      0,
      60,
    ),
    reportDueWeekday: setting(
      "WEEKLY_REPORT_DUE_WEEKDAY",
      DEFAULT_TEAM_RULES.reportDueWeekday,
      1,
      7,
    ),
    reportDueHour: setting("WEEKLY_REPORT_DUE_HOUR", DEFAULT_TEAM_RULES.reportDueHour, 0, 23),
    householdNoticeDays: setting("EXIT_NOTICE_DAYS", DEFAULT_TEAM_RULES.householdNoticeDays, 1, 30),
  };
}

/** The day the first values apply from. */
export const FIRST_RULES_DAY = "0001-01-01";

/**
 * Stores the first values (environment or defaults) of rules that have none yet: at every start
 * (scripts/db-prepare.ts), and before the county's first change. From then on the database, not
 * the environment, holds the county's rules.
 */
export async function ensureFirstRules(executor: Kysely<DB> | Transaction<DB>): Promise<number> {
  const present = new Set(
    (await executor.selectFrom("county_rules").select("key").distinct().execute()).map(
      (r) => r.key,
    ),
  );
  const first = initialTeamRules();
  const missing = TEAM_RULE_KEYS.filter((k) => !present.has(k));
  if (!missing.length) return 0;
  const now = new Date().toISOString();
  await executor
    .insertInto("county_rules")
    .values(
      missing.map((key) => ({
        id: newId(),
        key,
        value: first[key],
        effective_from: FIRST_RULES_DAY,
        changed_at: now,
        changed_by: null,
      })),
    )
    .execute();
  return missing.length;
}
