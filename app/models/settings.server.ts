/**
 * The county's settings (app/utils/settings.ts): read often (every session check), so each server
 * keeps them for a few seconds; changed by the county admin, validated against each setting's
 * range, in one transaction (audited like every write).
 */
import { realMs, realNowIso } from "~/utils/clock";
import { db } from "~/db.server";
import { hasCountyWide, type Viewer } from "~/permissions";
import { transact } from "~/models/write.server";
import {
  SETTING_KEYS,
  defaultSettings,
  isSettingKey,
  validSetting,
  type SettingKey,
  type Settings,
} from "~/utils/settings";

/** Another server's change reaches this one within this long. */
const CACHE_MS = 5_000;
let cache: { at: number; settings: Settings } | null = null;

export async function getSettings(): Promise<Settings> {
  if (cache && realMs() - cache.at < CACHE_MS) return cache.settings;
  const rows = await db.selectFrom("county_settings").select(["key", "value"]).execute();
  const settings = defaultSettings();
  for (const row of rows) {
    if (!isSettingKey(row.key)) continue;
    let stored: unknown;
    try {
      stored = JSON.parse(row.value);
    } catch {
      continue;
    }
    // A value out of range (a later release narrowed it) falls back to the default.
    const value = validSetting(row.key, stored);
    if (value !== null) settings[row.key] = value;
  }
  cache = { at: realMs(), settings };
  return settings;
}

/** Forget the cached settings (after a change here, and in tests). */
export function forgetSettings() {
  cache = null;
}

export type SettingsSave =
  | { ok: true; changed: SettingKey[] }
  | { ok: false; reason: "forbidden" }
  | { ok: false; reason: "invalid"; fields: SettingKey[] };

/** Saves the typed values, all or none: every one must be a whole number within its range. */
export async function saveSettings(
  viewer: Viewer,
  typed: Partial<Record<string, string>>,
): Promise<SettingsSave> {
  if (!hasCountyWide(viewer, "manage:settings")) return { ok: false, reason: "forbidden" };
  const values: Partial<Settings> = {};
  const invalid: SettingKey[] = [];
  for (const key of SETTING_KEYS) {
    const raw = typed[key];
    if (raw === undefined) continue;
    const value = validSetting(key, raw);
    if (value === null) invalid.push(key);
    else values[key] = value;
  }
  if (invalid.length) return { ok: false, reason: "invalid", fields: invalid };
  // What is stored now, not this process's copy of up to 5 s ago (another server may have saved).
  forgetSettings();
  const current = await getSettings();
  const changed = SETTING_KEYS.filter((k) => values[k] !== undefined && values[k] !== current[k]);
  if (changed.length) {
    const now = realNowIso();
    await transact(async (trx) => {
      for (const key of changed) {
        await trx
          .insertInto("county_settings")
          .values({
            key,
            value: JSON.stringify(values[key]),
            updated_at: now,
            updated_by: viewer.id,
          })
          .onConflict((oc) =>
            oc.column("key").doUpdateSet({
              value: JSON.stringify(values[key]),
              updated_at: now,
              updated_by: viewer.id,
            }),
          )
          .execute();
      }
    });
  }
  forgetSettings();
  return { ok: true, changed };
}
