import { createCookie } from "@remix-run/node";
import { parseAcceptLanguage } from "intl-parse-accept-language";
import { DEFAULT_LOCALE, isLocale, type Locale } from "./index";

/** This browser's explicit choice, remembered for a year (it is not personal data). */
export const localeCookie = createCookie("zhucun_locale", {
  path: "/",
  sameSite: "lax",
  httpOnly: true,
  maxAge: 60 * 60 * 24 * 365,
});

export function localeFromAcceptLanguage(header: string | null): Locale | null {
  if (!header) return null;
  for (const tag of parseAcceptLanguage(header, { ignoreWildcard: true })) {
    const lower = tag.toLowerCase();
    if (lower.startsWith("zh")) return "zh-CN";
    if (lower.startsWith("en")) return "en";
  }
  return null;
}

export async function chosenLocale(request: Request): Promise<Locale | null> {
  const chosen: unknown = await localeCookie.parse(request.headers.get("Cookie"));
  return isLocale(chosen) ? chosen : null;
}

/** This browser's explicit choice (cookie) → its Accept-Language → Chinese. */
export async function resolveLocale(request: Request): Promise<Locale> {
  return (
    (await chosenLocale(request)) ??
    localeFromAcceptLanguage(request.headers.get("Accept-Language")) ??
    DEFAULT_LOCALE
  );
}
