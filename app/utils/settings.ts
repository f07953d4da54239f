/**
 * The rules a county sets for itself, with the defaults Zhucun starts from and the range each may
 * take. Stored in `county_settings` (app/models/settings.server.ts), changed on /admin/settings by
 * the county admin; code reads them, never hard-codes them.
 */
import type { MessageKey } from "~/i18n";

export interface SettingDefinition {
  /** The default, and why it is the default (docs/security.md says more). */
  default: number;
  min: number;
  max: number;
  unit: "minutes" | "hours" | "days" | "count";
  label: MessageKey;
  help: MessageKey;
}

export const SETTINGS = {
  /**
   * A shared or office computer: 等保 asks for an idle timeout; 30 minutes lets a cadre read a
   * long plan without being thrown out, and leaves a walked-away-from screen open for little long.
   */
  "session.shared.idleMinutes": {
    default: 30,
    min: 5,
    max: 240,
    unit: "minutes",
    label: "settings.sharedIdle.label",
    help: "settings.sharedIdle.help",
  },
  /** …and a working day at most, so no one stays signed in overnight on a shared machine. */
  "session.shared.maxHours": {
    default: 12,
    min: 1,
    max: 24,
    unit: "hours",
    label: "settings.sharedMax.label",
    help: "settings.sharedMax.help",
  },
  /**
   * A cadre's own phone (they tick "my own device" at sign-in): the phone has its own screen lock,
   * signal in a village comes and goes, and a cadre who must type a password in a courtyard every
   * morning writes it down. A week without use ends the session, a month ends it regardless.
   */
  "session.device.idleDays": {
    default: 7,
    min: 1,
    max: 30,
    unit: "days",
    label: "settings.deviceIdle.label",
    help: "settings.deviceIdle.help",
  },
  "session.device.maxDays": {
    default: 30,
    min: 1,
    max: 90,
    unit: "days",
    label: "settings.deviceMax.label",
    help: "settings.deviceMax.help",
  },
  /** Wrong passwords for one account within the window before it is locked (等保: 5 is usual). */
  "login.maxFailures": {
    default: 5,
    min: 3,
    max: 20,
    unit: "count",
    label: "settings.maxFailures.label",
    help: "settings.maxFailures.help",
  },
  /** How long a locked account (or address) stays locked, and the window failures count in. */
  "login.lockMinutes": {
    default: 15,
    min: 5,
    max: 1440,
    unit: "minutes",
    label: "settings.lockMinutes.label",
    help: "settings.lockMinutes.help",
  },
  /**
   * Wrong passwords from one address (any accounts) within the window: high enough for a township
   * office behind one address, low enough to stop a guesser going through many accounts.
   */
  "login.addressMaxFailures": {
    default: 30,
    min: 10,
    max: 1000,
    unit: "count",
    label: "settings.addressMaxFailures.label",
    help: "settings.addressMaxFailures.help",
  },
  /** Audit entries stay in the live log this long (等保: at least six months), then are archived. */
  "audit.retentionDays": {
    default: 180,
    min: 180,
    max: 3650,
    unit: "days",
    label: "settings.auditRetention.label",
    help: "settings.auditRetention.help",
  },
} as const satisfies Record<string, SettingDefinition>;

export type SettingKey = keyof typeof SETTINGS;
export type Settings = Record<SettingKey, number>;

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTINGS, key);
}

export function defaultSettings(): Settings {
  return Object.fromEntries(SETTING_KEYS.map((k) => [k, SETTINGS[k].default])) as Settings;
}

/** A stored or typed value, if it is a whole number within the setting's range. */
export function validSetting(key: SettingKey, value: unknown): number | null {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n)) return null;
  const { min, max } = SETTINGS[key];
  return n >= min && n <= max ? n : null;
}
