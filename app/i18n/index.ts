/**
 * Translation without a runtime library: two typed catalogues and a formatter (see
 * docs/decisions/003-i18n.md and 013-phone-first.md). The server holds both (catalogues.server.ts);
 * the browser fetches the active one as a file named by its content's hash (cached for good, not
 * repeated in every page), registers it here before hydrating, and useT() reads it from here.
 */
import { useRouteLoaderData } from "@remix-run/react";
import type { Catalogue, MessageKey } from "./zh-CN";
import {
  plainDate,
  plainDateTime,
  plainList,
  plainMonth,
  plainNumber,
  plainPercent,
  plainYuan,
} from "./plain-format";

export type { Catalogue, MessageKey } from "./zh-CN";
export const LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "zh-CN";

export type MessageParams = Record<string, string | number>;
export interface Translate {
  (key: MessageKey, params?: MessageParams): string;
  /** Whether a string (e.g. a validation message from a schema) is a catalogue key. */
  has(value: unknown): value is MessageKey;
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/*
 * Numbers, dates and lists are written without Intl (./plain-format.ts, tested against Intl): the
 * first Intl formatter a browser tab makes loads ICU's locale data, 30–90 ms of a phone's
 * hydration, and making one per call costs the server too.
 */

/**
 * A number in a message, in the locale's digits and grouping: whole numbers below 1,000 (badges,
 * counts, days: most of a page's) as JavaScript writes them, which both locales read the same.
 */
export function formatCount(locale: Locale, value: number): string {
  return Number.isInteger(value) && Math.abs(value) < 1000 ? String(value) : plainNumber(value, 3);
}

/** Date.UTC without its two-digit-year rule (year 99 is 99, not 1999); days roll over as there. */
function utcTime(y: number, m: number, d: number, hour = 0, minute = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(y, m - 1, d);
  date.setUTCHours(hour, minute);
  return date.getTime();
}

/**
 * The UTC date and time of an instant in ms (dates roll over as Date.UTC rolls them), or undefined
 * for an invalid one or a year outside 1000–9999, which is written as it came.
 */
function utcParts(ms: number): [number, number, number, number, number] | undefined {
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  if (!(year >= 1000 && year <= 9999)) return undefined;
  return [
    year,
    date.getUTCMonth() + 1,
    date.getUTCDate(),
    date.getUTCHours(),
    date.getUTCMinutes(),
  ];
}

/** The plural category of a number: for whole numbers, the rules of our two locales (as above). */
export function pluralCategory(locale: Locale, value: number): Intl.LDMLPluralRule {
  // CLDR: Chinese has one category; English's "one" is exactly 1 (or -1), anything else "other".
  return locale === "en" && Math.abs(value) === 1 ? "one" : "other";
}

/** The index just past the `}` that closes the `{` at `open`, or -1. */
function closingBrace(template: string, open: number): number {
  let depth = 0;
  for (let i = open; i < template.length; i++) {
    if (template[i] === "{") depth++;
    else if (template[i] === "}" && --depth === 0) return i + 1;
  }
  return -1;
}

/**
 * The options of one `{n, plural, one {# day} other {# days}}` block: selector → text. Selectors are
 * ICU's: `=0`, `=1`… for exact values, then the locale's categories (`one`, `few`, `other`…).
 */
export function pluralOptions(body: string): Map<string, string> | null {
  const options = new Map<string, string>();
  let i = 0;
  while (i < body.length) {
    const selector = /^\s*(=\d+|[a-z]+)\s*\{/.exec(body.slice(i));
    if (!selector) return /^\s*$/.test(body.slice(i)) && options.has("other") ? options : null;
    const open = i + selector[0].length - 1;
    const end = closingBrace(body, open);
    if (end === -1) return null;
    options.set(selector[1]!, body.slice(open + 1, end - 1));
    i = end;
  }
  return options.has("other") ? options : null;
}

const PLURAL_START = /\{(\w+),\s*plural,/g;

/**
 * Fills `{name}` placeholders (numbers in the locale's digits and grouping) and chooses among the
 * options of `{name, plural, one {# day} other {# days}}` by the locale's plural rules
 * (Intl.PluralRules), `#` standing for the number — the subset of ICU MessageFormat our two
 * catalogues use (see docs/decisions/003-i18n.md).
 */
export function formatMessage(locale: Locale, template: string, params?: MessageParams): string {
  if (!params) return template;
  let text = template;
  if (text.includes(", plural,")) {
    let out = "";
    let from = 0;
    PLURAL_START.lastIndex = 0;
    for (let match = PLURAL_START.exec(text); match; match = PLURAL_START.exec(text)) {
      const end = closingBrace(text, match.index);
      const options =
        end === -1 ? null : pluralOptions(text.slice(PLURAL_START.lastIndex, end - 1));
      const value = params[match[1]!];
      if (!options || value === undefined) continue;
      // A number chooses by the locale's rules; text (an already formatted figure) reads as "other".
      const count = typeof value === "number" ? value : Number.NaN;
      const chosen =
        options.get(`=${count}`) ??
        (Number.isFinite(count) ? options.get(pluralCategory(locale, count)) : undefined) ??
        options.get("other")!;
      const shown = typeof value === "number" ? formatCount(locale, value) : value;
      out += text.slice(from, match.index) + chosen.replaceAll("#", shown);
      from = end;
      PLURAL_START.lastIndex = end;
    }
    text = out + text.slice(from);
  }
  return text.replace(/\{(\w+)\}/g, (match, name: string) => {
    const value = params[name];
    if (value === undefined) return match;
    return typeof value === "number" ? formatCount(locale, value) : value;
  });
}

/** The catalogues this process holds: both on the server, the active one in a browser. */
const registry = new Map<Locale, { messages: Catalogue; t: Translate }>();
const echo = new Map<Locale, Translate>();

export function registerCatalogue(locale: Locale, messages: Catalogue) {
  registry.set(locale, { messages, t: makeTranslator(locale, messages) });
}

/** The translator for a locale; without its catalogue (the root loader failed) keys echo back. */
export function translatorFor(locale: Locale | undefined): Translate {
  if (locale) {
    const entry = registry.get(locale);
    if (entry) return entry.t;
  }
  const key = locale ?? DEFAULT_LOCALE;
  let t = echo.get(key);
  if (!t) echo.set(key, (t = makeTranslator(key, {})));
  return t;
}

export function makeTranslator(locale: Locale, messages: Partial<Catalogue>): Translate {
  const t = ((key: MessageKey, params?: MessageParams) =>
    formatMessage(locale, messages[key] ?? key, params)) as Translate;
  t.has = (value: unknown): value is MessageKey =>
    typeof value === "string" && Object.hasOwn(messages, value);
  return t;
}

interface RootI18n {
  locale?: Locale;
}

/** The active locale, from the root loader (server and client render agree). */
export function useLocale(): Locale {
  const data = useRouteLoaderData<RootI18n>("root");
  return data?.locale ?? DEFAULT_LOCALE;
}

/** The translator for the active locale. Without root data (the root loader failed) keys echo back. */
export function useT(): Translate {
  return translatorFor(useRouteLoaderData<RootI18n>("root")?.locale);
}

/** Whether translations are available (false only when the root loader itself failed). */
export function useHasMessages(): boolean {
  const locale = useRouteLoaderData<RootI18n>("root")?.locale;
  return locale !== undefined && registry.has(locale);
}

/**
 * A validation message with parameters ("key|{json}"), so Conform's string errors can carry e.g.
 * "2019 income ¥2,500 is below the line ¥2,995". Plain keys pass through unchanged.
 */
export function messageWithParams(key: string, params?: MessageParams): string {
  return params && Object.keys(params).length ? `${key}|${JSON.stringify(params)}` : key;
}

/** Translates a message from a schema or model: a key, a key with parameters, or plain text. */
export function translateMessage(t: Translate, message: string): string {
  const bar = message.indexOf("|");
  const key = bar === -1 ? message : message.slice(0, bar);
  if (!t.has(key)) return message;
  if (bar === -1) return t(key);
  try {
    const params = JSON.parse(message.slice(bar + 1)) as MessageParams;
    // Parameters that are themselves keys (a step, a guarantee) are translated too.
    const translated = Object.fromEntries(
      Object.entries(params).map(([k, v]) => [k, typeof v === "string" && t.has(v) ? t(v) : v]),
    );
    return t(key, translated);
  } catch {
    return t(key);
  }
}

export function formatPercent(_locale: Locale, ratio: number): string {
  return plainPercent(ratio);
}

export function formatDate(locale: Locale, isoDate: string): string {
  const [y, m, d] = isoDate.split("-").map(Number);
  const parts = y && m && d ? utcParts(utcTime(y, m, d)) : undefined;
  return parts ? plainDate(locale === "zh-CN", parts[0], parts[1], parts[2]) : isoDate;
}

/** "2019-01" as "1月" / "Jan" (`short`, where the year is said nearby) or "2019年1月" / "Jan 2019". */
export function formatMonth(locale: Locale, isoMonth: string, style: "short" | "long"): string {
  const [y, m] = isoMonth.split("-").map(Number);
  const parts = y && m ? utcParts(utcTime(y, m, 1)) : undefined;
  return parts ? plainMonth(locale === "zh-CN", parts[0], parts[1], style === "long") : isoMonth;
}

export function formatDateTime(locale: Locale, isoInstant: string): string {
  // China keeps UTC+8 all year (no daylight saving since 1991): the county's wall clock.
  const parts = utcParts(new Date(isoInstant).getTime() + 8 * 3_600_000);
  return parts ? plainDateTime(locale === "zh-CN", ...parts) : isoInstant;
}

/**
 * A wall-clock time in the county ("2026-12-05T09:00", as a datetime-local input gives it) in the
 * same style as formatDateTime, so a line mixing the two reads as one: "2026年12月5日 09:00".
 */
export function formatLocalDateTime(locale: Locale, local: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})/.exec(local);
  if (!match) return local;
  const [y, mo, d, h, mi] = match.slice(1).map(Number) as [number, number, number, number, number];
  const parts = utcParts(utcTime(y, mo, d, h, mi));
  return parts ? plainDateTime(locale === "zh-CN", ...parts) : local;
}

export function formatNumber(_locale: Locale, value: number, maximumFractionDigits = 2): string {
  return plainNumber(value, maximumFractionDigits);
}

/** Yuan amounts: "¥3,218" in both languages (Chinese readers expect the symbol too). */
export function formatYuan(_locale: Locale, value: number): string {
  return plainYuan(value);
}

/** "甲、乙和丙" / "a, b, and c": a list in the reader's language (as Intl.ListFormat writes it). */
export function formatList(locale: Locale, items: readonly string[]): string {
  return plainList(locale === "zh-CN", items);
}

/** "甲；乙" / "a; b": clauses that each say something whole (what blocks an exit). */
export function formatClauses(locale: Locale, items: readonly string[]): string {
  return items.join(locale === "zh-CN" ? "；" : "; ");
}
