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

/**
 * Each Intl formatter made once per locale and style, then reused: making one (its locale data
 * looked up and resolved) costs far more than formatting with it, and a page formats hundreds of
 * dates and numbers — on the server per request, and again in the browser while hydrating. The
 * keys are a fixed set (two locales × the styles below), so the cache stays small.
 */
const formatters = new Map<string, unknown>();

function formatter<T>(key: string, make: () => T): T {
  let made = formatters.get(key) as T | undefined;
  if (made === undefined) formatters.set(key, (made = make()));
  return made;
}

/**
 * A number in a message, in the locale's digits and grouping. Whole numbers below 1,000 (badges,
 * counts, days: most of a page's) read the same in both locales as JavaScript writes them, so they
 * skip Intl: the browser's first Intl.NumberFormat loads its locale data, ~40 ms of a phone's
 * hydration spent on drawing "3" in the tab bar's badge.
 */
export function formatCount(locale: Locale, value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1000) return String(value);
  return (
    plainNumber(value, 3) ??
    formatter(`number|${locale}`, () => new Intl.NumberFormat(locale)).format(value)
  );
}

/** A date's parts as Intl reads them from `Date.UTC(y, m - 1, d)` (which rolls over), or undefined. */
function utcParts(y: number, m: number, d: number): [number, number, number] | undefined {
  const date = new Date(Date.UTC(y, m - 1, d));
  const year = date.getUTCFullYear();
  if (!(year >= 1000 && year <= 9999)) return undefined; // Intl's own way with odd years
  return [year, date.getUTCMonth() + 1, date.getUTCDate()];
}

/** The plural category of a number: for whole numbers, the rules of our two locales (as above). */
export function pluralCategory(locale: Locale, value: number): Intl.LDMLPluralRule {
  if (Number.isInteger(value)) return locale === "en" && Math.abs(value) === 1 ? "one" : "other";
  return formatter(`plural|${locale}`, () => new Intl.PluralRules(locale)).select(value);
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

export function formatPercent(locale: Locale, ratio: number): string {
  const plain = plainPercent(ratio);
  if (plain !== undefined) return plain;
  return formatter(
    `percent|${locale}`,
    () =>
      new Intl.NumberFormat(locale, {
        style: "percent",
        minimumFractionDigits: 1,
        maximumFractionDigits: 1,
      }),
  ).format(ratio);
}

export function formatDate(locale: Locale, isoDate: string): string {
  const [y, m, d] = isoDate.split("-").map(Number);
  if (!y || !m || !d) return isoDate;
  const parts = utcParts(y, m, d);
  if (parts) return plainDate(locale === "zh-CN", ...parts);
  return formatter(
    `date|${locale}`,
    () => new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }),
  ).format(new Date(Date.UTC(y, m - 1, d)));
}

/** "2019-01" as "1月" / "Jan" (`short`, where the year is said nearby) or "2019年1月" / "Jan 2019". */
export function formatMonth(locale: Locale, isoMonth: string, style: "short" | "long"): string {
  const [y, m] = isoMonth.split("-").map(Number);
  if (!y || !m) return isoMonth;
  const parts = utcParts(y, m, 1);
  if (parts) return plainMonth(locale === "zh-CN", parts[0], parts[1], style === "long");
  return formatter(
    `month-${style}|${locale}`,
    () =>
      new Intl.DateTimeFormat(locale, {
        month: "short",
        ...(style === "long" ? { year: "numeric" } : {}),
        timeZone: "UTC",
      }),
  ).format(new Date(Date.UTC(y, m - 1, 1)));
}

export function formatDateTime(locale: Locale, isoInstant: string): string {
  const date = new Date(isoInstant);
  if (Number.isNaN(date.getTime())) return isoInstant;
  return formatter(
    `instant|${locale}`,
    () =>
      new Intl.DateTimeFormat(locale, {
        dateStyle: "medium",
        timeStyle: "short",
        timeZone: "Asia/Shanghai",
      }),
  ).format(date);
}

/**
 * A wall-clock time in the county ("2026-12-05T09:00", as a datetime-local input gives it) in the
 * same style as formatDateTime, so a line mixing the two reads as one: "2026年12月5日 09:00".
 */
export function formatLocalDateTime(locale: Locale, local: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})/.exec(local);
  if (!match) return local;
  const [y, mo, d, h, mi] = match.slice(1).map(Number) as [number, number, number, number, number];
  return formatter(
    `wall-clock|${locale}`,
    () =>
      new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }),
  ).format(new Date(Date.UTC(y, mo - 1, d, h, mi)));
}

export function formatNumber(locale: Locale, value: number, maximumFractionDigits = 2): string {
  const plain = plainNumber(value, maximumFractionDigits);
  if (plain !== undefined) return plain;
  return formatter(
    `number-${maximumFractionDigits}|${locale}`,
    () => new Intl.NumberFormat(locale, { maximumFractionDigits }),
  ).format(value);
}

/** Yuan amounts: "¥3,218" in both languages (Chinese readers expect the symbol too). */
export function formatYuan(locale: Locale, value: number): string {
  const plain = plainYuan(value);
  if (plain !== undefined) return plain;
  return formatter(
    `yuan|${locale}`,
    () =>
      new Intl.NumberFormat(locale, {
        style: "currency",
        currency: "CNY",
        currencyDisplay: "narrowSymbol",
        maximumFractionDigits: 0,
      }),
  ).format(value);
}

/** "甲、乙和丙" / "a, b, and c": a list in the reader's language, written as Intl.ListFormat writes it (plainList). */
export function formatList(locale: Locale, items: readonly string[]): string {
  return plainList(locale === "zh-CN", items);
}

/** "甲；乙" / "a; b": clauses that each say something whole (what blocks an exit). */
export function formatClauses(locale: Locale, items: readonly string[]): string {
  return items.join(locale === "zh-CN" ? "；" : "; ");
}
