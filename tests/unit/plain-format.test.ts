import { describe, expect, it } from "vitest";
import {
  formatCount,
  formatDate,
  formatDateTime,
  formatList,
  formatLocalDateTime,
  formatMonth,
  formatNumber,
  formatPercent,
  formatYuan,
  LOCALES,
} from "~/i18n";
import { plainMonthLong, plainWeekday } from "~/components/month-calendar";

/**
 * The formatters write numbers and dates without Intl (app/i18n/plain-format.ts, to spare a phone
 * ICU's start-up while hydrating); here each is held to what Intl itself writes, over values of
 * every size and precision, in both locales.
 */
function values(): number[] {
  // A fixed pseudo-random sequence (mulberry32), so a failure can be reproduced.
  let seed = 20261204;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [0, -0, 1, -1, 0.5, 1.5, 2.5, -2.5, 0.05, 0.15, 0.125, 0.0125, 0.1235, 0.995, 0.9995];
  out.push(999, 1000, 999.5, 999_999.5, 1e15, 123456789.125, 0.004, -0.004, 0.0005, -0.0005);
  out.push(Number.MAX_SAFE_INTEGER, 1e20, 1e-7, 2.675, 1.005, 1.0049999999999999);
  for (let i = 0; i < 4000; i++) {
    const magnitude = 10 ** Math.floor(random() * 12 - 5);
    const decimals = Math.floor(random() * 7);
    const v = Number((random() * magnitude).toFixed(decimals));
    out.push(v, -v, random() * magnitude);
  }
  return out;
}

describe("numbers written as Intl writes them", () => {
  const all = values();
  for (const locale of LOCALES) {
    it(`${locale}: percent, numbers (0–3 decimals), counts and yuan`, () => {
      const percent = new Intl.NumberFormat(locale, {
        style: "percent",
        minimumFractionDigits: 1,
        maximumFractionDigits: 1,
      });
      const byDigits = [0, 1, 2, 3].map(
        (d) => new Intl.NumberFormat(locale, { maximumFractionDigits: d }),
      );
      const yuan = new Intl.NumberFormat(locale, {
        style: "currency",
        currency: "CNY",
        currencyDisplay: "narrowSymbol",
        maximumFractionDigits: 0,
      });
      const wrong: string[] = [];
      for (const v of all) {
        const check = (ours: string, theirs: string, what: string) => {
          if (ours !== theirs) wrong.push(`${what}(${v}): ${ours} ≠ ${theirs}`);
        };
        check(formatPercent(locale, v), percent.format(v), "percent");
        for (const d of [0, 1, 2, 3])
          check(formatNumber(locale, v, d), byDigits[d]!.format(v), `number${d}`);
        // A count of -0 reads "0" (whole numbers below 1,000 are written by String()), not Intl's "-0".
        if (!Object.is(v, -0)) check(formatCount(locale, v), byDigits[3]!.format(v), "count");
        check(formatYuan(locale, v), yuan.format(v), "yuan");
      }
      expect(wrong.slice(0, 10)).toEqual([]);
    });
  }
  it("writes NaN, infinities, and numbers JavaScript writes with an exponent as Intl does", () => {
    const odd = [Number.NaN, Infinity, -Infinity, 5.55e-17, -5e-17, 1e-7, 1e21, 1.5e22, -2e21];
    odd.push(0.1 + 0.2 - 0.3, 2 ** 80, -(2 ** 70) - 0.5, Number.MAX_VALUE, Number.MIN_VALUE);
    for (const locale of LOCALES) {
      for (const v of odd) {
        for (const d of [0, 2, 3]) {
          const intl = new Intl.NumberFormat(locale, { maximumFractionDigits: d });
          expect(formatNumber(locale, v, d), `${v}, ${d} decimals`).toBe(intl.format(v));
        }
        const percent = new Intl.NumberFormat(locale, {
          style: "percent",
          minimumFractionDigits: 1,
          maximumFractionDigits: 1,
        });
        expect(formatPercent(locale, v), `${v} %`).toBe(percent.format(v));
        const yuan = new Intl.NumberFormat(locale, {
          style: "currency",
          currency: "CNY",
          currencyDisplay: "narrowSymbol",
          maximumFractionDigits: 0,
        });
        expect(formatYuan(locale, v), `¥${v}`).toBe(yuan.format(v));
      }
    }
  });
});

describe("dates written as Intl writes them", () => {
  for (const locale of LOCALES) {
    it(`${locale}: every day and month of 2014–2036, and days that roll over`, () => {
      const medium = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" });
      const short = new Intl.DateTimeFormat(locale, { month: "short", timeZone: "UTC" });
      const long = new Intl.DateTimeFormat(locale, {
        month: "short",
        year: "numeric",
        timeZone: "UTC",
      });
      const wrong: string[] = [];
      for (let t = Date.UTC(2014, 0, 1); t < Date.UTC(2037, 0, 1); t += 86_400_000) {
        const iso = new Date(t).toISOString().slice(0, 10);
        if (formatDate(locale, iso) !== medium.format(t)) wrong.push(iso);
        if (iso.endsWith("-01")) {
          const month = iso.slice(0, 7);
          if (formatMonth(locale, month, "short") !== short.format(t)) wrong.push(`${month} short`);
          if (formatMonth(locale, month, "long") !== long.format(t)) wrong.push(`${month} long`);
        }
      }
      // Out-of-range days roll over as Date.UTC does (as before, with Intl).
      expect(formatDate(locale, "2026-02-30")).toBe(medium.format(Date.UTC(2026, 1, 30)));
      // A year outside 1000–9999 (bad data) is written as it came.
      expect(formatDate(locale, "0099-01-01")).toBe("0099-01-01");
      expect(formatMonth(locale, "10000-01", "long")).toBe("10000-01");
      expect(formatDate(locale, "not a date")).toBe("not a date");
      expect(wrong.slice(0, 10)).toEqual([]);
    });
  }
});

describe("the month calendar's names written as Intl writes them", () => {
  for (const locale of LOCALES) {
    it(`${locale}: weekdays and each month's caption`, () => {
      const zh = locale === "zh-CN";
      const weekday = new Intl.DateTimeFormat(locale, { weekday: "short", timeZone: "UTC" });
      const caption = new Intl.DateTimeFormat(locale, {
        year: "numeric",
        month: "long",
        timeZone: "UTC",
      });
      for (let i = 0; i < 7; i++) {
        const day = new Date(Date.UTC(2026, 10, 29 + i));
        expect(plainWeekday(zh, day.getUTCDay())).toBe(weekday.format(day));
      }
      for (let m = 1; m <= 12; m++) {
        expect(plainMonthLong(zh, 2027, m)).toBe(caption.format(Date.UTC(2027, m - 1, 1)));
      }
    });
  }
});

describe("lists written as Intl.ListFormat writes them", () => {
  for (const locale of LOCALES) {
    it(`${locale}: zero to six names, Chinese and Latin`, () => {
      const intl = new Intl.ListFormat(locale, { type: "conjunction", style: "long" });
      const names = ["王建国", "Li Ming", "赵", "Anna-Maria", "张三丰", "O'Brien"];
      for (let n = 0; n <= names.length; n++) {
        const items = names.slice(0, n);
        expect(formatList(locale, items)).toBe(intl.format(items));
      }
    });
  }
});

describe("date and time written as Intl writes it", () => {
  for (const locale of LOCALES) {
    it(`${locale}: instants in China's time and wall-clock times, every 37 minutes of 2025–2027`, () => {
      const style = { dateStyle: "medium", timeStyle: "short" } as const;
      const china = new Intl.DateTimeFormat(locale, { ...style, timeZone: "Asia/Shanghai" });
      const utc = new Intl.DateTimeFormat(locale, { ...style, timeZone: "UTC" });
      const wrong: string[] = [];
      for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2028, 0, 1); t += 37 * 60_000) {
        const iso = new Date(t).toISOString();
        if (formatDateTime(locale, iso) !== china.format(t)) wrong.push(iso);
        if (formatLocalDateTime(locale, iso.slice(0, 16)) !== utc.format(t))
          wrong.push(`local ${iso}`);
      }
      expect(wrong.slice(0, 10)).toEqual([]);
      expect(formatDateTime(locale, "not a time")).toBe("not a time");
      expect(formatLocalDateTime(locale, "2026-12-05")).toBe("2026-12-05");
    });
  }
});
