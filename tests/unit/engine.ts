/**
 * The engine the unit suite runs on: SQLite by default, PostgreSQL when ZHUCUN_PG_URL is set (a
 * superuser URL to a server's `postgres` database; `npm run test:unit:pg` starts a throwaway
 * cluster and sets it). A scratch database is a fresh, empty one on that engine.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { Engine } from "../../db/dialect";

export const TEST_ENGINE: Engine = process.env.ZHUCUN_PG_URL ? "postgres" : "sqlite";

export interface ScratchDatabase {
  /** DATABASE_URL for it: a file path, or a postgres:// URL. */
  url: string;
  drop(): Promise<void>;
}

/** A URL to another database on the same PostgreSQL server. */
function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: process.env.ZHUCUN_PG_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/**
 * A new empty database: on PostgreSQL `zhucun_test_<random>` (dropped, with any connection still
 * open to it, by `drop`); on SQLite a file in a new temp folder (`kind: "memory"` gives
 * `:memory:`).
 */
export async function createScratchDatabase(
  kind: "file" | "memory" = "file",
): Promise<ScratchDatabase> {
  const base = process.env.ZHUCUN_PG_URL;
  if (base) {
    const name = `zhucun_test_${randomBytes(6).toString("hex")}`;
    await admin((c) => c.query(`create database ${name}`));
    return {
      url: withDatabase(base, name),
      drop: () =>
        admin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => {}),
    };
  }
  if (kind === "memory") return { url: ":memory:", drop: async () => {} };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zhucun-test-"));
  return {
    url: path.join(dir, "test.db"),
    drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
