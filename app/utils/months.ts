/**
 * `YYYY-MM` months. Apart from team-rules.ts: a page whose loader reads a month (a team's work
 * log) would otherwise load the team rules and the exit rules in the browser (decision 018).
 */

/** A `YYYY-MM` month. */
export function isMonth(value: unknown): value is string {
  return typeof value === "string" && /^\d{4}-(0[1-9]|1[0-2])$/.test(value);
}

interface MonthRange {
  readonly first: string;
  readonly last: string;
  readonly days: number;
}
/** Months already worked out: a province's bulletin asks for the same month 24,000 times. */
const ranges = new Map<string, MonthRange>();

/** First and last day of a `YYYY-MM` month, and its length. */
export function monthRange(month: string): MonthRange {
  let range = ranges.get(month);
  if (!range) {
    const [y, m] = month.split("-").map(Number) as [number, number];
    const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
    range = Object.freeze({
      first: `${month}-01`,
      last: `${month}-${String(days).padStart(2, "0")}`,
      days,
    });
    // Bounded: only months people ask for are kept, and any month string is short.
    if (ranges.size >= 1_000) ranges.clear();
    ranges.set(month, range);
  }
  return range;
}
