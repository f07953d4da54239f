/**
 * The county's team rules from the environment (README, "Configuration"); anything unset or out
 * of range falls back to the defaults in team-rules.ts.
 */
import { DEFAULT_TEAM_RULES, type TeamRules } from "~/utils/team-rules";

function setting(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  return Number.isInteger(value) && value >= min && value <= max ? value : fallback;
}

export function teamRules(): TeamRules {
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
  };
}
