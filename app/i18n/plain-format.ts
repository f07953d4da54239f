/**
 * Numbers and dates written the way `Intl` writes them in our two locales (zh-CN and en), without
 * `Intl`. The first Intl formatter a browser tab makes loads ICU's locale data: 30–90 ms of a
 * phone's main thread (× 4 in Lighthouse's mobile profile) in the middle of hydration, to write
 * "12.4%" or "2026年12月4日". Both locales group digits by thousands with "," and write "." and
 * "-", "%" after the number and "¥" before it (CLDR), so a page can skip that cost; the server
 * writes with the same functions, so what hydrates matches what was sent. The unit test compares
 * these with Intl over many values, NaN, infinities and numbers JavaScript writes with an exponent
 * included.
 */

/** English month names; the short ones are their first three letters (CLDR's "Jan" … "Dec"). */
export const EN_MONTHS_LONG = [
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
const enMonth = (m: number) => EN_MONTHS_LONG[m - 1]!.slice(0, 3);

/** "1234567" as "1,234,567". */
function grouped(digits: string): string {
  return digits.length <= 3 ? digits : digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * The decimal JavaScript writes for a non-negative finite number (its shortest round trip, as ICU
 * reads a double), without an exponent: 1.5e+22 as "15000000000000000000000", 5e-17 as
 * "0.00000000000000005".
 */
function decimalText(value: number): string {
  const text = String(value);
  const e = text.indexOf("e");
  if (e === -1) return text;
  const mantissa = text.slice(0, e);
  const dot = mantissa.indexOf(".");
  const digits = mantissa.replace(".", "");
  const point = (dot === -1 ? mantissa.length : dot) + Number(text.slice(e + 1));
  if (point <= 0) return `0.${"0".repeat(-point)}${digits}`;
  return digits.length <= point
    ? digits.padEnd(point, "0")
    : `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * |value| × 10^shift rounded half away from zero to `decimals` places (Intl's default,
 * "halfExpand"), worked on the decimal JavaScript writes for the number, not on the binary value:
 * 0.1235 is 12.35 %, which rounds to 12.4 %. NaN and infinities are written as Intl writes them
 * ("NaN", "∞"), with no decimals.
 */
function roundedDigits(
  value: number,
  shift: number,
  decimals: number,
): { int: string; frac: string } {
  if (!Number.isFinite(value)) return { int: Number.isNaN(value) ? "NaN" : "∞", frac: "" };
  const text = decimalText(Math.abs(value));
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
export function plainNumber(value: number, maximumFractionDigits: number): string {
  const r = roundedDigits(value, 0, maximumFractionDigits);
  const frac = r.frac.replace(/0+$/, "");
  return `${sign(value)}${grouped(r.int)}${frac ? `.${frac}` : ""}`;
}

/** As Intl's percent with one decimal: 0.1235 → "12.4%". */
export function plainPercent(ratio: number): string {
  const r = roundedDigits(ratio, 2, 1);
  return `${sign(ratio)}${grouped(r.int)}${r.frac ? `.${r.frac}` : ""}%`;
}

/** As Intl's CNY currency, narrow symbol, no decimals: "¥3,218", "-¥40". */
export function plainYuan(value: number): string {
  return `${sign(value)}¥${grouped(roundedDigits(value, 0, 0).int)}`;
}

/** As `dateStyle: "medium"`: "2026年12月4日" / "Dec 4, 2026". */
export function plainDate(zh: boolean, y: number, m: number, d: number): string {
  return zh ? `${y}年${m}月${d}日` : `${enMonth(m)} ${d}, ${y}`;
}

/** As `month: "short"` (+ `year: "numeric"` when long): "12月" / "Dec", "2026年12月" / "Dec 2026". */
export function plainMonth(zh: boolean, y: number, m: number, long: boolean): string {
  if (zh) return long ? `${y}年${m}月` : `${m}月`;
  return long ? `${enMonth(m)} ${y}` : enMonth(m);
}

/**
 * As `dateStyle: "medium", timeStyle: "short"` of a wall-clock time: "2026年12月5日 09:07" /
 * "Dec 5, 2026, 9:07 AM".
 */
export function plainDateTime(
  zh: boolean,
  y: number,
  m: number,
  d: number,
  hour: number,
  minute: number,
): string {
  const mm = String(minute).padStart(2, "0");
  if (zh) return `${plainDate(true, y, m, d)} ${String(hour).padStart(2, "0")}:${mm}`;
  return `${plainDate(false, y, m, d)}, ${hour % 12 || 12}:${mm} ${hour < 12 ? "AM" : "PM"}`;
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
