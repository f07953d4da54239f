import type { MessageKey } from "~/i18n";

/** What each kind of audit entry is called on screen; an action without a name shows as itself. */
const LABELS: Record<string, MessageKey> = {
  "auth.login": "audit.action.login",
  "auth.logout": "audit.action.logout",
  "auth.lockout": "audit.action.lockout",
  "auth.unlock": "audit.action.unlock",
  "session.end": "audit.action.sessionEnd",
  write: "audit.action.write",
  "household.read": "audit.action.householdRead",
  "household.reveal": "audit.action.householdReveal",
  "roster.read": "audit.action.rosterRead",
  "roster.export": "audit.action.rosterExport",
  "audit.read": "audit.action.auditRead",
  "audit.export": "audit.action.auditExport",
};

export const AUDIT_ACTIONS = Object.keys(LABELS);

export function auditActionLabel(action: string): MessageKey {
  return LABELS[action] ?? "audit.action.other";
}

/** What an entry is about: a table changed, or an account, address, household or village. */
const TARGETS: Record<string, MessageKey> = {
  account: "audit.target.account",
  address: "audit.target.address",
  household: "audit.target.household",
  village: "audit.target.village",
  audit_archive: "audit.target.audit_archive",
  townships: "audit.target.townships",
  villages: "audit.target.villages",
  sending_units: "audit.target.sending_units",
  teams: "audit.target.teams",
  cadres: "audit.target.cadres",
  team_memberships: "audit.target.team_memberships",
  users: "audit.target.users",
  village_position_changes: "audit.target.village_position_changes",
  township_boundaries: "audit.target.township_boundaries",
  exit_plans: "audit.target.exit_plans",
  plan_indicators: "audit.target.plan_indicators",
  plan_milestones: "audit.target.plan_milestones",
  plan_opinions: "audit.target.plan_opinions",
  households: "audit.target.households",
  household_incomes: "audit.target.household_incomes",
  household_exit_steps: "audit.target.household_exit_steps",
  cards: "audit.target.cards",
  card_assignees: "audit.target.card_assignees",
  card_households: "audit.target.card_households",
  card_comments: "audit.target.card_comments",
  check_ins: "audit.target.check_ins",
  leave_requests: "audit.target.leave_requests",
  work_logs: "audit.target.work_logs",
  weekly_reports: "audit.target.weekly_reports",
  notices: "audit.target.notices",
  notice_teams: "audit.target.notice_teams",
  notice_reads: "audit.target.notice_reads",
  county_settings: "audit.target.county_settings",
  county_rules: "audit.target.county_rules",
};

export function auditTargetLabel(type: string): MessageKey | null {
  return TARGETS[type] ?? null;
}
