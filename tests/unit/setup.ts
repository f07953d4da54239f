/**
 * Every test file gets its own real SQLite file in a temp folder, migrated from the registry by
 * ~/db.server on first import, exactly as the app does at start.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zhucun-test-"));
process.env.DATABASE_URL = path.join(dir, "test.db");
process.env.SESSION_SECRET = "test-secret";
delete globalThis.__zhucunDb;

afterAll(async () => {
  await globalThis.__zhucunDb?.db.destroy();
  delete globalThis.__zhucunDb;
  fs.rmSync(dir, { recursive: true, force: true });
});
