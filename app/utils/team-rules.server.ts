/**
 * The team rules a new database starts from: the environment (README, "Configuration"), anything
 * unset or out of range falling back to the defaults in team-rules.ts. After that the county sets
 * them, dated, on /admin/settings (app/models/county-rules.server.ts: `teamRulesOn`).
 */
import { nowIso } from "~/utils/clock";
import type { Kysely, Transaction } from "kysely";
import { newId } from "../../db/ids";
import type { DB } from "../../db/schema";
import {
  DEFAULT_TEAM_RULES,
  TEAM_RULE_KEYS,
  TEAM_RULE_RANGES,
  type TeamRuleKey,
  type TeamRules,
} from "~/utils/team-rules";

/** The environment variable that gives each rule its first value (README, "Configuration"). */
const ENVIRONMENT: Record<TeamRuleKey, string> = {
  daysPerMonth: "IN_VILLAGE_DAYS",
  townshipLeaveMaxDays: "TOWNSHIP_LEAVE_MAX_DAYS",
  reportDueWeekday: "WEEKLY_REPORT_DUE_WEEKDAY",
  reportDueHour: "WEEKLY_REPORT_DUE_HOUR",
  householdNoticeDays: "EXIT_NOTICE_DAYS",
  villageNoticeDays: "VILLAGE_EXIT_NOTICE_DAYS",
  incidenceThresholdPercent: "EXIT_INCIDENCE_PERCENT",
  collectiveIncomeFloor: "COLLECTIVE_INCOME_FLOOR",
  wipProjectInProgress: "WIP_PROJECT_IN_PROGRESS",
  wipProjectAcceptance: "WIP_PROJECT_ACCEPTANCE",
  wipCaseInProgress: "WIP_CASE_IN_PROGRESS",
};

/** Each rule from its environment variable if set and within the rule's range, else the default. */
export function initialTeamRules(): TeamRules {
  const rules = { ...DEFAULT_TEAM_RULES };
  for (const key of TEAM_RULE_KEYS) {
    const raw = process.env[ENVIRONMENT[key]]?.trim();
    if (!raw) continue;
    const value = Number(raw);
    const { min, max } = TEAM_RULE_RANGES[key];
    if (Number.isInteger(value) && value >= min && value <= max) rules[key] = value;
  }
  return rules;
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
  const now = nowIso();
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
