/**
 * The county's team rules, dated (issue 19): in-village days a month, the township's leave limit,
 * the weekly report's weekday and hour. Each change is a row in `county_rules` that applies from
 * its date on, so a month that has ended is still judged by the rule it had; the rows are the
 * history. The environment (IN_VILLAGE_DAYS …, README "Configuration") only gives a new database
 * its first values, stored as rows from 0001-01-01 at the first start (`ensureFirstRules` in
 * utils/team-rules.server.ts).
 */
import { nowIso, realMs } from "~/utils/clock";
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
  isTeamRuleKey,
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
  if (!executor && cache && realMs() - cache.at < CACHE_MS) return cache.rows;
  const rows = await (executor ?? db)
    .selectFrom("county_rules")
    .select(["key", "value", "effective_from", "changed_at"])
    .orderBy("effective_from")
    .orderBy("changed_at")
    .execute();
  if (!executor) cache = { at: realMs(), rows };
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
    if (isTeamRuleKey(row.key)) rules[row.key] = row.value;
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
  // In date order (then saving order) each row replaces the value in effect before it on its date.
  const current = initialTeamRules();
  const changes: RuleChange[] = [];
  for (const row of rows) {
    if (!isTeamRuleKey(row.key)) continue;
    const before = current[row.key];
    current[row.key] = Number(row.value);
    if (row.changed_by === null) continue; // the first values, not a change
    changes.push({
      id: row.id,
      key: row.key,
      before,
      after: Number(row.value),
      effectiveFrom: row.effective_from,
      changedAt: row.changed_at,
      changedBy: row.display_name ?? null,
    });
  }
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
  // Compared with what applies on that date as stored now, in the write's own transaction.
  const changed = await transact(async (trx) => {
    await ensureFirstRules(trx);
    const then = await teamRulesOn(effectiveFrom, trx);
    const differ = TEAM_RULE_KEYS.filter((k) => values[k] !== undefined && values[k] !== then[k]);
    if (differ.length) {
      const now = nowIso();
      await trx
        .insertInto("county_rules")
        .values(
          differ.map((key) => ({
            id: newId(),
            key,
            value: values[key]!,
            effective_from: effectiveFrom,
            changed_at: now,
            changed_by: viewer.id,
          })),
        )
        .execute();
    }
    return differ;
  });
  forgetRules();
  return { ok: true, changed };
}
