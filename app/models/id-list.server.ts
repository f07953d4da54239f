/**
 * Narrowing a read to a list of ids. A short list goes to the database as `column in (…)`. A long
 * one (a province's 8,000 teams, every team of the monthly bulletin) is not sent: the read takes
 * every row its other conditions allow and the listed ones are kept here, by a Set. SQLite answered
 * `team_id in (…8,000 ids…)` over the month's memberships in ~60 ms, one index probe an id, where
 * reading the month's rows of all teams takes a few; PostgreSQL plans such a list at each bind
 * (db/dialect.ts sends it as an array, which helps, but the rows are the same).
 */
export const LONG_ID_LIST = 1000;

export interface IdFilter {
  /** The ids to send as `in (…)`, or null: read without the list, then `keep`. */
  inList: string[] | null;
  /** The rows whose id is listed (all of them when the list went to the database). */
  keep<T>(rows: T[], id: (row: T) => string | null): T[];
}

export function idFilter(ids: readonly string[]): IdFilter {
  if (ids.length < LONG_ID_LIST) return { inList: [...ids], keep: (rows) => rows };
  const listed = new Set(ids);
  return {
    inList: null,
    keep: (rows, id) =>
      rows.filter((row) => {
        const value = id(row);
        return value !== null && listed.has(value);
      }),
  };
}
