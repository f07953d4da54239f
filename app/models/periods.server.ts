import { sql, type SqlBool } from "kysely";

/**
 * "In force on this date" for anything with started_on / ended_on (teams, team memberships): it has
 * started, and it has not ended before the date. One definition, so a rotated cadre or a recalled
 * team drops out everywhere at once. `alias` is the table name or alias used in the query.
 */
export function activeOn(alias: string, on: string) {
  const started = sql.ref(`${alias}.started_on`);
  const ended = sql.ref(`${alias}.ended_on`);
  return sql<SqlBool>`(${started} <= ${on} and (${ended} is null or ${ended} >= ${on}))`;
}
