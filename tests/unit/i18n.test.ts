import { describe, expect, it } from "vitest";
import { en } from "~/i18n/en";
import { zhCN } from "~/i18n/zh-CN";
import { formatPercent } from "~/i18n";
import { translate } from "~/i18n/catalogues.server";
import { localeFromAcceptLanguage, resolveLocale, localeCookie } from "~/i18n/locale.server";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("catalogues", () => {
  it("translate every key into English with the same placeholders and no empty text", () => {
    for (const [key, zh] of Object.entries(zhCN)) {
      const english = en[key as keyof typeof en];
      expect(english, key).toBeTruthy();
      expect(placeholders(english), key).toEqual(placeholders(zh));
    }
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
  });

  it("fills placeholders and formats numbers for the locale", () => {
    expect(translate("zh-CN", "villages.count", { count: 89 })).toBe("共 89 个村");
    expect(translate("en", "villages.countFiltered", { shown: 7, total: 1234 })).toBe(
      "Showing 7 of 1,234 villages",
    );
    expect(formatPercent("en", 0.0412)).toBe("4.1%");
  });
});

describe("locale resolution", () => {
  const request = (headers: Record<string, string>) => new Request("http://x/", { headers });

  it("reads Accept-Language, preferring the first supported language", () => {
    expect(localeFromAcceptLanguage("en-US,en;q=0.9")).toBe("en");
    expect(localeFromAcceptLanguage("fr-FR,zh-TW;q=0.8,en;q=0.5")).toBe("zh-CN");
    expect(localeFromAcceptLanguage("fr")).toBeNull();
  });

  it("puts this browser's explicit choice first, then its Accept-Language, then Chinese", async () => {
    const cookie = await localeCookie.serialize("en");
    expect(await resolveLocale(request({ Cookie: cookie, "Accept-Language": "zh-CN" }))).toBe("en");
    expect(await resolveLocale(request({ "Accept-Language": "en-GB" }))).toBe("en");
    expect(await resolveLocale(request({ "Accept-Language": "de" }))).toBe("zh-CN");
    expect(await resolveLocale(request({}))).toBe("zh-CN");
  });
});
