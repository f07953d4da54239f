/**
 * Every test file gets its own real database, migrated by ~/db.server on first import, exactly as
 * the app does at start: a SQLite file in a temp folder, or — when ZHUCUN_PG_URL names a
 * PostgreSQL server (`npm run test:unit:pg` starts a throwaway one) — a database of its own there,
 * dropped at the end.
 */
import { afterAll } from "vitest";
import { createScratchDatabase } from "./engine";

process.env.SESSION_SECRET = "test-secret";
delete globalThis.__zhucunDb;

const scratch = await createScratchDatabase();
process.env.DATABASE_URL = scratch.url;

afterAll(async () => {
  await globalThis.__zhucunDb?.db.destroy();
  delete globalThis.__zhucunDb;
  await scratch.drop();
});
