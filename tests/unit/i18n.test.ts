import { describe, expect, it } from "vitest";
import { en } from "~/i18n/en";
import { zhCN } from "~/i18n/zh-CN";
import {
  formatCount,
  formatDate,
  formatDateTime,
  formatList,
  formatLocalDateTime,
  formatMessage,
  formatMonth,
  formatNumber,
  formatPercent,
  formatYuan,
  pluralCategory,
  pluralOptions,
  translatorFor,
} from "~/i18n";
import { today } from "~/utils/dates";
import { catalogueFile, catalogueHref, translate } from "~/i18n/catalogues.server";
import { bannerCookie, bannerFolded } from "~/utils/banner.server";
import { localeFromAcceptLanguage, resolveLocale, localeCookie } from "~/i18n/locale.server";

/** The parameters a template uses, plain (`{n}`) or choosing a plural form (`{n, plural, …}`). */
const placeholders = (s: string) =>
  [
    ...new Set(
      [
        ...s.matchAll(
          /(?<!(?:=\d+|\b(?:zero|one|two|few|many|other))\s*)\{(\w+)(?:\}|,\s*plural,)/g,
        ),
      ].map((m) => m[1]),
    ),
  ].sort();

describe("catalogues", () => {
  it("translate every key into English with the same placeholders and no empty text", () => {
    for (const [key, zh] of Object.entries(zhCN)) {
      const english = en[key as keyof typeof en];
      expect(english, key).toBeTruthy();
      expect(placeholders(english), key).toEqual(placeholders(zh));
    }
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
  });

  it("write every plural block so that it parses, with an `other` form", () => {
    for (const [key, text] of [...Object.entries(en), ...Object.entries(zhCN)]) {
      for (const match of text.matchAll(/\{(\w+),\s*plural,/g)) {
        let depth = 0;
        let end = match.index;
        for (; end < text.length; end++) {
          if (text[end] === "{") depth++;
          else if (text[end] === "}" && --depth === 0) break;
        }
        const body = text.slice(match.index + match[0].length, end);
        expect(pluralOptions(body), `${key}: ${text}`).not.toBeNull();
      }
    }
  });

  it("choose singular or plural by the locale's rules, in every English count we checked", () => {
    expect(translate("en", "leave.days", { days: 1 })).toBe("1 day");
    expect(translate("en", "leave.days", { days: 3 })).toBe("3 days");
    expect(translate("en", "villages.count", { count: 1 })).toBe("1 village");
    expect(translate("en", "villages.count", { count: 8000 })).toBe("8,000 villages");
    expect(translate("en", "readiness.blockedBy", { count: 1 })).toBe(
      "One condition still blocks the exit:",
    );
    expect(translate("en", "attendance.soFar", { days: 1, expected: 20, rule: 20 })).toMatch(
      /^1 day in the village so far/,
    );
    expect(translate("zh-CN", "leave.days", { days: 1 })).toBe(
      zhCN["leave.days"].replace("{days}", "1"),
    );
  });

  it("format a plural block with exact matches, other parameters inside and text counts", () => {
    const template =
      "{n, plural, =0 {no cards} one {# card in {column}} other {# cards in {column}}}.";
    expect(formatMessage("en", template, { n: 0, column: "Done" })).toBe("no cards.");
    expect(formatMessage("en", template, { n: 1, column: "Done" })).toBe("1 card in Done.");
    expect(formatMessage("en", template, { n: 1234, column: "Done" })).toBe("1,234 cards in Done.");
    expect(formatMessage("en", template, { n: "many", column: "Done" })).toBe(
      "many cards in Done.",
    );
    expect(pluralOptions(" one {x} ")).toBeNull(); // no `other`
    expect(pluralOptions(" one {x} other {y")).toBeNull(); // unclosed
  });

  it("fills placeholders and formats numbers for the locale", () => {
    expect(translate("zh-CN", "villages.count", { count: 89 })).toBe("共 89 个村");
    expect(translate("en", "villages.countFiltered", { shown: 7, total: 1234 })).toBe(
      "Showing 7 of 1,234 villages",
    );
    expect(formatPercent("en", 0.0412)).toBe("4.1%");
  });
});

describe("the catalogue as the browser fetches it", () => {
  it("is the whole active catalogue, named by a hash of its content", () => {
    for (const [locale, catalogue] of [
      ["zh-CN", zhCN],
      ["en", en],
    ] as const) {
      const file = catalogueFile(locale);
      expect(file.name).toMatch(new RegExp(`^${locale}\\.[0-9a-f]{12}\\.json$`));
      expect(JSON.parse(file.json)).toEqual(catalogue);
      expect(catalogueHref(locale)).toBe(`/i18n/${file.name}`);
    }
    expect(catalogueFile("zh-CN").name.split(".")[1]).not.toBe(
      catalogueFile("en").name.split(".")[1],
    );
  });

  it("is registered on the server; an unknown locale's keys echo back", () => {
    expect(translatorFor("en")("app.name")).toBe(en["app.name"]);
    expect(translatorFor("zh-CN")("app.name")).toBe(zhCN["app.name"]);
    expect(translatorFor(undefined)("app.name")).toBe("app.name");
  });
});

describe("the demo note's fold", () => {
  it("lasts for the browser session only, and only 'folded' folds it", async () => {
    const header = await bannerCookie.serialize("folded");
    expect(header).not.toMatch(/Max-Age|Expires/i);
    expect(header).toMatch(/HttpOnly/);
    const cookie = header.split(";")[0]!;
    const request = (c: string) => new Request("http://localhost/", { headers: { Cookie: c } });
    expect(await bannerFolded(request(cookie))).toBe(true);
    expect(await bannerFolded(request((await bannerCookie.serialize("")).split(";")[0]!))).toBe(
      false,
    );
    expect(await bannerFolded(request("zhucun_banner=folded"))).toBe(false);
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

describe("finding a person by pinyin", () => {
  it("gives the whole name and its initials, without tones", async () => {
    const { personPinyin } = await import("~/utils/pinyin.server");
    expect(personPinyin("王建国")).toBe("wangjianguo wjg");
  });
});

describe("formatting, with each Intl formatter made once", () => {
  it("keeps each locale's and style's formatter apart, however the calls interleave", () => {
    for (let round = 0; round < 2; round++) {
      expect(formatDate("zh-CN", "2026-12-05")).toBe("2026年12月5日");
      expect(formatDate("en", "2026-12-05")).toBe("Dec 5, 2026");
      expect(formatMonth("zh-CN", "2019-01", "short")).toBe("1月");
      expect(formatMonth("zh-CN", "2019-01", "long")).toBe("2019年1月");
      expect(formatMonth("en", "2019-01", "long")).toBe("Jan 2019");
      expect(formatNumber("en", 1234.5678)).toBe("1,234.57");
      expect(formatNumber("en", 1234.5678, 0)).toBe("1,235");
      expect(formatPercent("zh-CN", 0.0213)).toBe("2.1%");
      expect(formatYuan("en", 30000)).toBe("¥30,000");
      expect(formatList("zh-CN", ["甲", "乙", "丙"])).toBe("甲、乙和丙");
      expect(formatList("en", ["a", "b", "c"])).toBe("a, b, and c");
      expect(formatList("zh-CN", ["甲"])).toBe("甲");
      expect(formatList("en", [])).toBe("");
      expect(formatDate("zh-CN", "not-a-date")).toBe("not-a-date");
      expect(formatDateTime("en", "2026-12-05T01:00:00Z")).toBe("Dec 5, 2026, 9:00 AM");
      expect(formatLocalDateTime("zh-CN", "2026-12-05T09:00")).toBe("2026年12月5日 09:00");
    }
    expect(today(new Date("2026-12-04T16:30:00Z"))).toBe("2026-12-05");
  });
});

describe("numbers in messages without Intl where they read the same", () => {
  it("writes every number as Intl.NumberFormat and picks the plural as Intl.PluralRules", () => {
    const samples = [0, 1, 2, 3, 11, 21, 99, 100, 999, -1, -999, 1000, 1234, 30000, -45678];
    for (const locale of ["zh-CN", "en"] as const) {
      const numbers = new Intl.NumberFormat(locale);
      const plurals = new Intl.PluralRules(locale);
      for (const n of [...samples, ...Array.from({ length: 1000 }, (_, i) => i), 0.5, 1.5, 2.25]) {
        expect(formatCount(locale, n), `${locale} ${n}`).toBe(numbers.format(n));
        expect(pluralCategory(locale, n), `${locale} ${n}`).toBe(plurals.select(n));
      }
    }
    expect(formatCount("en", 1000)).toBe("1,000");
    expect(formatMessage("en", "{n, plural, one {# day} other {# days}}", { n: 1 })).toBe("1 day");
    expect(formatMessage("en", "{n, plural, one {# day} other {# days}}", { n: 1200 })).toBe(
      "1,200 days",
    );
  });
});
