import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";

export interface Village {
  id: string;
  name_zh: string;
  code: string;
  exit_status: string;
  poor_people: number;
  agricultural_population: number;
}

/** The villages table of a Zhucun database (DATABASE_URL), read only. */
export const db = new Kysely<{ villages: Village }>({
  dialect: new SqliteDialect({
    database: new SQLite(process.env.DATABASE_URL ?? ":memory:", { readonly: true }),
  }),
});
