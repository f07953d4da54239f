/**
 * Numbers and dates written the way `Intl` writes them in our two locales (zh-CN and en), without
 * `Intl`. The first Intl formatter a browser tab makes loads ICU's locale data: 30–90 ms of a
 * phone's main thread (× 4 in Lighthouse's mobile profile) in the middle of hydration, to write
 * "12.4%" or "2026年12月4日". Both locales group digits by thousands with "," and write "." and
 * "-", "%" after the number and "¥" before it (CLDR), so a page can skip that cost; the server
 * writes with the same functions, so what hydrates matches what was sent. The unit test compares
 * these with Intl over many values; anything they do not cover (NaN, ±Infinity, numbers JavaScript
 * writes with an exponent) returns undefined, and the caller uses Intl.
 */

const EN_MONTHS = [
  "Jan",
  "Feb",
  "Mar",
  "Apr",
  "May",
  "Jun",
  "Jul",
  "Aug",
  "Sep",
  "Oct",
  "Nov",
  "Dec",
];

/** "1234567" as "1,234,567". */
function grouped(digits: string): string {
  return digits.length <= 3 ? digits : digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * |value| × 10^shift rounded half away from zero to `decimals` places (Intl's default,
 * "halfExpand"), worked on the decimal JavaScript writes for the number (its shortest round trip,
 * as ICU reads a double), not on the binary value: 0.1235 is 12.35 %, which rounds to 12.4 %.
 */
function roundedDigits(
  value: number,
  shift: number,
  decimals: number,
): { int: string; frac: string } | undefined {
  if (!Number.isFinite(value)) return undefined;
  const text = String(Math.abs(value));
  if (text.includes("e")) return undefined;
  const dot = text.indexOf(".");
  const int = dot === -1 ? text : text.slice(0, dot);
  const digits = dot === -1 ? text : int + text.slice(dot + 1);
  let point = int.length + shift; // digits before the decimal point
  const keep = point + decimals;
  let kept = digits.slice(0, keep).padEnd(keep, "0");
  if ((digits.charCodeAt(keep) || 48) >= 53) {
    // Round up: add one to the last kept digit, carrying.
    const up = (BigInt(kept) + 1n).toString().padStart(keep, "0");
    if (up.length > keep) point++;
    kept = up;
  }
  const whole = kept.slice(0, point).replace(/^0+(?=\d)/, "");
  return { int: whole === "" ? "0" : whole, frac: kept.slice(point) };
}

/** Intl's sign: "-" for a negative number, also when it rounds to zero ("-0.0%"), and for -0. */
const sign = (value: number) => (value < 0 || Object.is(value, -0) ? "-" : "");

/** As `new Intl.NumberFormat(locale, { maximumFractionDigits })`. */
export function plainNumber(value: number, maximumFractionDigits: number): string | undefined {
  const r = roundedDigits(value, 0, maximumFractionDigits);
  if (!r) return undefined;
  const frac = r.frac.replace(/0+$/, "");
  return `${sign(value)}${grouped(r.int)}${frac ? `.${frac}` : ""}`;
}

/** As Intl's percent with one decimal: 0.1235 → "12.4%". */
export function plainPercent(ratio: number): string | undefined {
  const r = roundedDigits(ratio, 2, 1);
  return r ? `${sign(ratio)}${grouped(r.int)}.${r.frac}%` : undefined;
}

/** As Intl's CNY currency, narrow symbol, no decimals: "¥3,218", "-¥40". */
export function plainYuan(value: number): string | undefined {
  const r = roundedDigits(value, 0, 0);
  return r ? `${sign(value)}¥${grouped(r.int)}` : undefined;
}

/** As `dateStyle: "medium"`: "2026年12月4日" / "Dec 4, 2026". */
export function plainDate(zh: boolean, y: number, m: number, d: number): string {
  return zh ? `${y}年${m}月${d}日` : `${EN_MONTHS[m - 1]} ${d}, ${y}`;
}

/** As `month: "short"` (+ `year: "numeric"` when long): "12月" / "Dec", "2026年12月" / "Dec 2026". */
export function plainMonth(zh: boolean, y: number, m: number, long: boolean): string {
  if (zh) return long ? `${y}年${m}月` : `${m}月`;
  return long ? `${EN_MONTHS[m - 1]} ${y}` : EN_MONTHS[m - 1]!;
}

const EN_MONTHS_LONG = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const WEEKDAYS = {
  zh: ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
  en: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
};

/** As `{ year: "numeric", month: "long" }`: "2026年9月" / "September 2026". */
export function plainMonthLong(zh: boolean, y: number, m: number): string {
  return zh ? `${y}年${m}月` : `${EN_MONTHS_LONG[m - 1]} ${y}`;
}

/** As `{ weekday: "short" }` of a day (0 = Sunday, as Date#getUTCDay): "周一" / "Mon". */
export function plainWeekday(zh: boolean, day: number): string {
  return WEEKDAYS[zh ? "zh" : "en"][day]!;
}

/**
 * A list joined as Intl.ListFormat's long conjunction joins it: "甲、乙和丙" / "a, b, and c"
 * ("a and b" for two). Made for a board's assignees, which hydrate on every card page.
 */
export function plainList(zh: boolean, items: readonly string[]): string {
  if (items.length < 2) return items[0] ?? "";
  const head = items.slice(0, -1);
  const last = items[items.length - 1];
  if (zh) return `${head.join("、")}和${last}`;
  return items.length === 2 ? `${head[0]} and ${last}` : `${head.join(", ")}, and ${last}`;
}
