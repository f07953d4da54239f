/** The catalogues, server-side only: the browser receives just the active one from the root loader. */
import { en } from "./en";
import {
  formatMessage,
  makeTranslator,
  type Locale,
  type MessageKey,
  type MessageParams,
} from "./index";
import { zhCN, type Catalogue } from "./zh-CN";

export const catalogues: Record<Locale, Catalogue> = { "zh-CN": zhCN, en };

export function messagesFor(locale: Locale): Catalogue {
  return catalogues[locale];
}

export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
  return formatMessage(locale, catalogues[locale][key], params);
}

export function serverTranslator(locale: Locale) {
  return makeTranslator(locale, catalogues[locale]);
}
