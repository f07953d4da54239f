import { now } from "~/utils/clock";

const chinaDay = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/**
 * Today's date as ISO `YYYY-MM-DD` in China Standard Time, where every user of Zhucun works: the
 * business clock's day (utils/clock.ts), unless an instant is given.
 */
export function today(at: Date = now()): string {
  return chinaDay.format(at);
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
