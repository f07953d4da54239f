import type { MetaArgs } from "@remix-run/node";
import { isLocale, translatorFor, type MessageKey, type MessageParams } from "~/i18n";

function rootTranslator(args: MetaArgs) {
  const root = args.matches.find((m) => m.id === "root")?.data as { locale?: unknown } | undefined;
  return translatorFor(isLocale(root?.locale) ? root.locale : undefined);
}

/** "<page> · 驻村工作台" in the active locale (meta runs outside React, so it reads the root data). */
export function pageTitle(args: MetaArgs, key: MessageKey, params?: MessageParams) {
  const t = rootTranslator(args);
  return [{ title: `${t(key, params)} · ${t("app.name")}` }];
}

/** The same for a page named by its data (a village's or township's name); falls back to the app name. */
export function namedPageTitle(args: MetaArgs, name: string | undefined) {
  const t = rootTranslator(args);
  return [{ title: name ? `${name} · ${t("app.name")}` : t("app.name") }];
}

/** "<tab> · <village> · 驻村工作台" for the tabs under a village page. */
export function villageTabTitle(args: MetaArgs, key: MessageKey) {
  const t = rootTranslator(args);
  const parent = args.matches.find((m) => m.id === "routes/_app.villages.$villageId")?.data as
    { village?: { nameZh?: string } } | undefined;
  return [{ title: [t(key), parent?.village?.nameZh, t("app.name")].filter(Boolean).join(" · ") }];
}
