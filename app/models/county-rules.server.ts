/**
 * The county's team rules, dated (issue 19): in-village days a month, the township's leave limit,
 * the weekly report's weekday and hour. Each change is a row in `county_rules` that applies from
 * its date on, so a month that has ended is still judged by the rule it had; the rows are the
 * history. The environment (IN_VILLAGE_DAYS …, README "Configuration") only gives a new database
 * its first values, stored as rows from 0001-01-01 at the first start (`ensureFirstRules` in
 * utils/team-rules.server.ts).
 */
import type { Kysely, Transaction } from "kysely";
import { newId } from "../../db/ids";
import type { DB } from "../../db/schema";
import { db } from "~/db.server";
import { transact } from "~/models/write.server";
import { hasCountyWide, type Viewer } from "~/permissions";
import { today as chinaToday } from "~/utils/dates";
import { ensureFirstRules, initialTeamRules } from "~/utils/team-rules.server";
import {
  TEAM_RULE_KEYS,
  TEAM_RULE_RANGES,
  addDays,
  type TeamRuleKey,
  type TeamRules,
} from "~/utils/team-rules";

/** Another server's change reaches this one within this long (as the county settings). */
const CACHE_MS = 5_000;

interface RuleRow {
  key: string;
  value: number;
  effective_from: string;
  changed_at: string;
}

let cache: { at: number; rows: RuleRow[] } | null = null;

/**
 * The stored rules, cached for a few seconds; read through `executor` (uncached) inside a write's
 * transaction, which holds SQLite's one connection.
 */
async function ruleRows(executor?: Kysely<DB> | Transaction<DB>): Promise<RuleRow[]> {
  if (!executor && cache && Date.now() - cache.at < CACHE_MS) return cache.rows;
  const rows = await (executor ?? db)
    .selectFrom("county_rules")
    .select(["key", "value", "effective_from", "changed_at"])
    .orderBy("effective_from")
    .orderBy("changed_at")
    .execute();
  if (!executor) cache = { at: Date.now(), rows };
  return rows;
}

/** Forget the cached rules (after a change here, and in tests). */
export function forgetRules() {
  cache = null;
}

/** The value of each rule in effect on a day: the latest change dated on or before it. */
function rulesFrom(rows: RuleRow[], day: string): TeamRules {
  const rules = initialTeamRules();
  // Rows come sorted by date, then by when they were saved: the last one that applies wins.
  for (const row of rows) {
    if (row.effective_from > day) break;
    if ((TEAM_RULE_KEYS as readonly string[]).includes(row.key))
      rules[row.key as TeamRuleKey] = row.value;
  }
  return rules;
}

/** The team rules in effect on a day (ISO, China time); today's when no day is given. */
export async function teamRulesOn(
  day: string = chinaToday(),
  executor?: Kysely<DB> | Transaction<DB>,
): Promise<TeamRules> {
  return rulesFrom(await ruleRows(executor), day);
}

export interface RuleChange {
  id: string;
  key: TeamRuleKey;
  before: number;
  after: number;
  effectiveFrom: string;
  changedAt: string;
  changedBy: string | null;
}

/** Every change the county made, newest first, each with the value it replaced on its date. */
export async function ruleHistory(): Promise<RuleChange[]> {
  const rows = await db
    .selectFrom("county_rules as r")
    .leftJoin("users as u", "u.id", "r.changed_by")
    .select([
      "r.id",
      "r.key",
      "r.value",
      "r.effective_from",
      "r.changed_at",
      "r.changed_by",
      "u.display_name",
    ])
    .orderBy("r.effective_from")
    .orderBy("r.changed_at")
    .execute();
  const all = rows.map((r) => ({ ...r, value: Number(r.value) }));
  const changes: RuleChange[] = [];
  all.forEach((row, index) => {
    if (row.changed_by === null || !(TEAM_RULE_KEYS as readonly string[]).includes(row.key)) return;
    const key = row.key as TeamRuleKey;
    // What applied on its date before it: the rows sorted before it (earlier dates, or the same
    // date saved earlier).
    const before = rulesFrom(all.slice(0, index), row.effective_from)[key];
    changes.push({
      id: row.id,
      key,
      before,
      after: row.value,
      effectiveFrom: row.effective_from,
      changedAt: row.changed_at,
      changedBy: row.display_name ?? null,
    });
  });
  return changes.reverse();
}

export type RulesSave =
  | { ok: true; changed: TeamRuleKey[] }
  | { ok: false; reason: "forbidden" }
  | { ok: false; reason: "invalid"; fields: (TeamRuleKey | "effectiveFrom")[] };

/** How far ahead a change may be dated. */
const MAX_AHEAD_DAYS = 366;

/**
 * Saves the typed values from a date on, all or none: each a whole number within its range, the
 * date today or later (a past month keeps the rule it was judged by) and within a year. Only the
 * values that differ from those in effect on that date are stored.
 */
export async function saveTeamRules(
  viewer: Viewer,
  typed: Partial<Record<TeamRuleKey, string>>,
  effectiveFrom: string,
  today: string = chinaToday(),
): Promise<RulesSave> {
  if (!hasCountyWide(viewer, "manage:settings")) return { ok: false, reason: "forbidden" };
  const invalid: (TeamRuleKey | "effectiveFrom")[] = [];
  const values: Partial<Record<TeamRuleKey, number>> = {};
  for (const key of TEAM_RULE_KEYS) {
    const raw = typed[key]?.trim();
    if (raw === undefined || raw === "") continue;
    const n = Number(raw);
    const { min, max } = TEAM_RULE_RANGES[key];
    if (!Number.isInteger(n) || n < min || n > max) invalid.push(key);
    else values[key] = n;
  }
  const validDate =
    /^\d{4}-\d{2}-\d{2}$/.test(effectiveFrom) &&
    !Number.isNaN(Date.parse(`${effectiveFrom}T00:00:00Z`)) &&
    effectiveFrom >= today &&
    effectiveFrom <= addDays(today, MAX_AHEAD_DAYS);
  if (!validDate) invalid.push("effectiveFrom");
  if (invalid.length) return { ok: false, reason: "invalid", fields: invalid };
  forgetRules();
  const then = await teamRulesOn(effectiveFrom);
  const changed = TEAM_RULE_KEYS.filter((k) => values[k] !== undefined && values[k] !== then[k]);
  if (changed.length) {
    const now = new Date().toISOString();
    await transact(async (trx) => {
      await ensureFirstRules(trx);
      await trx
        .insertInto("county_rules")
        .values(
          changed.map((key) => ({
            id: newId(),
            key,
            value: values[key]!,
            effective_from: effectiveFrom,
            changed_at: now,
            changed_by: viewer.id,
          })),
        )
        .execute();
    });
  }
  forgetRules();
  return { ok: true, changed };
}
