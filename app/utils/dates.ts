import { now } from "~/utils/clock";

/**
 * China Standard Time is UTC+8 all year: China has kept no summer time since 1991, and Zhucun's
 * dates start in 2014 (the national registration of poor households). Plain arithmetic, not an
 * `Intl.DateTimeFormat` with `timeZone: "Asia/Shanghai"`: building one loads the time-zone data,
 * ~30 ms of a phone's main thread when this module is first evaluated on every page (×4 in
 * Lighthouse's mobile profile), for a date the offset gives exactly. The unit test checks it
 * against Intl over the years Zhucun covers.
 */
const CHINA_OFFSET_MS = 8 * 3_600_000;

/**
 * Today's date as ISO `YYYY-MM-DD` in China Standard Time, where every user of Zhucun works: the
 * business clock's day (utils/clock.ts), unless an instant is given.
 */
export function today(at: Date = now()): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** The UTC instants (ISO) a China-time day range starts at and ends before: [from 00:00, to + 1 day 00:00). */
export function chinaDayRange(from: string, to: string): { start: string; end: string } {
  const start = Date.parse(`${from}T00:00:00+08:00`);
  const end = Date.parse(`${to}T00:00:00+08:00`) + 86_400_000;
  return { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
}

/** Adds whole days to an ISO date. */
export function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Monday of the week a date falls in (ISO weeks: Monday to Sunday). */
export function weekOf(date: string): string {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay() || 7;
  return addDays(date, 1 - weekday);
}

export function isWeekStart(value: unknown): value is string {
  return (
    typeof value === "string" &&
    /^\d{4}-\d{2}-\d{2}$/.test(value) &&
    !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
    weekOf(value) === value
  );
}
