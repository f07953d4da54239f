/**
 * The catalogues on the server. The browser fetches the active one as /i18n/<locale>.<hash>.json
 * (served by app.server.ts, cached for a year: a new text is a new hash) before it hydrates.
 */
import { createHash } from "node:crypto";
import { en } from "./en";
import {
  formatMessage,
  makeTranslator,
  registerCatalogue,
  LOCALES,
  type Locale,
  type MessageKey,
  type MessageParams,
} from "./index";
import { zhCN, type Catalogue } from "./zh-CN";

export const catalogues: Record<Locale, Catalogue> = { "zh-CN": zhCN, en };

for (const locale of LOCALES) registerCatalogue(locale, catalogues[locale]);

const files = new Map<Locale, { name: string; json: string }>();

/** The active catalogue as the browser fetches it: its file name (with the hash) and its JSON. */
export function catalogueFile(locale: Locale): { name: string; json: string } {
  let file = files.get(locale);
  if (!file) {
    const json = JSON.stringify(catalogues[locale]);
    const hash = createHash("sha256").update(json).digest("hex").slice(0, 12);
    files.set(locale, (file = { name: `${locale}.${hash}.json`, json }));
  }
  return file;
}

/** Where the browser fetches a catalogue from. */
export function catalogueHref(locale: Locale): string {
  return `/i18n/${catalogueFile(locale).name}`;
}

export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
  return formatMessage(locale, catalogues[locale][key], params);
}

export function serverTranslator(locale: Locale) {
  return makeTranslator(locale, catalogues[locale]);
}
