import type { MetaArgs } from "@remix-run/node";
import {
  DEFAULT_LOCALE,
  isLocale,
  makeTranslator,
  type MessageKey,
  type MessageParams,
} from "~/i18n";

/** "<page> · 驻村工作台" in the active locale (meta runs outside React, so it reads the root data). */
export function pageTitle(args: MetaArgs, key: MessageKey, params?: MessageParams) {
  const root = args.matches.find((m) => m.id === "root")?.data as { locale?: unknown } | undefined;
  const t = makeTranslator(isLocale(root?.locale) ? root.locale : DEFAULT_LOCALE);
  return [{ title: `${t(key, params)} · ${t("app.name")}` }];
}
