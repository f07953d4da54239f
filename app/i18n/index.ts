/**
 * Translation without a runtime library: two typed catalogues and a formatter (see
 * docs/decisions/003-i18n.md). The catalogues themselves are server-side (catalogues.server.ts);
 * the root loader sends the browser only the active one, and useT() reads it from there.
 */
import { useRouteLoaderData } from "@remix-run/react";
import type { Catalogue, MessageKey } from "./zh-CN";

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

export function formatMessage(locale: Locale, template: string, params?: MessageParams): string {
  if (!params) return template;
  const numberFormat = new Intl.NumberFormat(locale);
  return template.replace(/\{(\w+)\}/g, (match, name: string) => {
    const value = params[name];
    if (value === undefined) return match;
    return typeof value === "number" ? numberFormat.format(value) : value;
  });
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
  messages?: Catalogue;
}

/** The active locale, from the root loader (server and client render agree). */
export function useLocale(): Locale {
  const data = useRouteLoaderData<RootI18n>("root");
  return data?.locale ?? DEFAULT_LOCALE;
}

/** The translator for the active locale. Without root data (the root loader failed) keys echo back. */
export function useT(): Translate {
  const data = useRouteLoaderData<RootI18n>("root");
  return makeTranslator(data?.locale ?? DEFAULT_LOCALE, data?.messages ?? {});
}

/** Whether translations are available (false only when the root loader itself failed). */
export function useHasMessages(): boolean {
  return Boolean(useRouteLoaderData<RootI18n>("root")?.messages);
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
  return new Intl.NumberFormat(locale, {
    style: "percent",
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(ratio);
}

export function formatDate(locale: Locale, isoDate: string): string {
  const [y, m, d] = isoDate.split("-").map(Number);
  if (!y || !m || !d) return isoDate;
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

/** "2019-01" as "1月" / "Jan" (`short`, where the year is said nearby) or "2019年1月" / "Jan 2019". */
export function formatMonth(locale: Locale, isoMonth: string, style: "short" | "long"): string {
  const [y, m] = isoMonth.split("-").map(Number);
  if (!y || !m) return isoMonth;
  return new Intl.DateTimeFormat(locale, {
    month: "short",
    ...(style === "long" ? { year: "numeric" } : {}),
    timeZone: "UTC",
  }).format(new Date(Date.UTC(y, m - 1, 1)));
}

export function formatDateTime(locale: Locale, isoInstant: string): string {
  const date = new Date(isoInstant);
  if (Number.isNaN(date.getTime())) return isoInstant;
  return new Intl.DateTimeFormat(locale, {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: "Asia/Shanghai",
  }).format(date);
}

export function formatNumber(locale: Locale, value: number, maximumFractionDigits = 2): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits }).format(value);
}

/** Yuan amounts: "¥3,218" in both languages (Chinese readers expect the symbol too). */
export function formatYuan(locale: Locale, value: number): string {
  return new Intl.NumberFormat(locale, {
    style: "currency",
    currency: "CNY",
    currencyDisplay: "narrowSymbol",
    maximumFractionDigits: 0,
  }).format(value);
}

/** "甲、乙和丙" / "a, b, and c": a list in the reader's language. */
export function formatList(locale: Locale, items: readonly string[]): string {
  return new Intl.ListFormat(locale, { type: "conjunction", style: "long" }).format(items);
}

/** "甲；乙" / "a; b": clauses that each say something whole (what blocks an exit). */
export function formatClauses(locale: Locale, items: readonly string[]): string {
  return items.join(locale === "zh-CN" ? "；" : "; ");
}
