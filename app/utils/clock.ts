/**
 * The one clock (issue 19). Two kinds of "now":
 *
 * - **The business now** (`now`, `nowIso`; `today()` in utils/dates.ts is its China-time date):
 *   what the county's records are dated by — a check-in's day, a card's move, a step's date, what
 *   is overdue. A county's database uses the real clock. The demo database lives in its own time:
 *   Shangyi in the autumn of 2018, advancing in real time from the moment it was seeded, so the
 *   programme planned for 2016–2020 reads as it did then instead of six years overdue.
 * - **The real now** (`realNow`, `realNowIso`): sessions, sign-in throttling and the audit log,
 *   which are security clocks and must never follow a demo's calendar.
 *
 * Nothing else in app/ calls `new Date()` or `Date.now()` (the lint rule `no-restricted-syntax`
 * says so). Shared with the browser: the root loader sends the offset and the page sets it, so a
 * form's "today" is the same day the server judges by.
 */

let offsetMs = 0;

/** Shifts the business clock (the demo's); 0 for real time. */
export function setClockOffset(ms: number) {
  offsetMs = Number.isFinite(ms) ? ms : 0;
}

/** How far the business clock is from real time, in milliseconds (0 for a county's database). */
export function clockOffset(): number {
  return offsetMs;
}

/** The business now. */
export function now(): Date {
  return new Date(Date.now() + offsetMs);
}

export function nowIso(): string {
  return now().toISOString();
}

/** Real time: sessions, throttling, the audit log, timings. */
export function realNow(): Date {
  return new Date(Date.now());
}

export function realNowIso(): string {
  return realNow().toISOString();
}

export function realMs(): number {
  return Date.now();
}

/**
 * The demo's calendar: the day it starts on, and the real instant it was seeded. The business now
 * is that day at 09:00 China time plus the real time elapsed since.
 */
export interface DemoClock {
  date: string;
  seededAt: string;
}

export function demoOffset(clock: DemoClock): number {
  return Date.parse(`${clock.date}T09:00:00+08:00`) - Date.parse(clock.seededAt);
}

/**
 * The demo starts on Thursday 15 November 2018: the autumn of the last year of the three-year
 * attack (2016–2018), when most of the county's villages were being assessed for exit and the
 * year's exits announced; a Thursday, the day the weekly reports are due.
 */
export const DEMO_START_DATE = "2018-11-15";
