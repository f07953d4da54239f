/**
 * Translation without a runtime library: two typed catalogues and a formatter (see
 * docs/decisions/003-i18n.md). Shared by server and client; the active locale comes from the root loader.
 */
import { useRouteLoaderData } from "@remix-run/react";
import { en } from "./en";
import { zhCN, type Catalogue, type MessageKey } from "./zh-CN";

export type { MessageKey } from "./zh-CN";
export const LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "zh-CN";

const catalogues: Record<Locale, Catalogue> = { "zh-CN": zhCN, en };

export type MessageParams = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: MessageParams) => string;

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

export function isMessageKey(value: unknown): value is MessageKey {
  return typeof value === "string" && Object.hasOwn(zhCN, value);
}

export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
  const template = catalogues[locale][key] ?? zhCN[key] ?? key;
  if (!params) return template;
  const numberFormat = new Intl.NumberFormat(locale);
  return template.replace(/\{(\w+)\}/g, (match, name: string) => {
    const value = params[name];
    if (value === undefined) return match;
    return typeof value === "number" ? numberFormat.format(value) : value;
  });
}

export function makeTranslator(locale: Locale): Translate {
  return (key, params) => translate(locale, key, params);
}

/** The active locale, from the root loader (server and client render agree). */
export function useLocale(): Locale {
  const data = useRouteLoaderData<{ locale?: Locale }>("root");
  return data?.locale ?? DEFAULT_LOCALE;
}

export function useT(): Translate {
  return makeTranslator(useLocale());
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

export function formatDateTime(locale: Locale, isoInstant: string): string {
  const date = new Date(isoInstant);
  if (Number.isNaN(date.getTime())) return isoInstant;
  return new Intl.DateTimeFormat(locale, {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: "Asia/Shanghai",
  }).format(date);
}
