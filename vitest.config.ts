import path from "node:path";
import { defineConfig } from "vitest/config";

// Unit and model tests only: Playwright specs live in tests/e2e and run under `playwright test`.
export default defineConfig({
  resolve: { alias: { "~": path.resolve(import.meta.dirname, "app") } },
  test: {
    include: ["tests/unit/**/*.test.ts"],
    setupFiles: ["tests/unit/setup.ts"],
    environment: "node",
    pool: "forks",
    // Seeding the demo county into a fresh file takes 2–3 s alone, and over 10 s (vitest's default
    // for a hook) on a machine busy with other work: every file seeds in its beforeAll.
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // On PostgreSQL (ZHUCUN_PG_URL) every statement is a round trip: seeding takes 5–15 s.
    ...(process.env.ZHUCUN_PG_URL ? { hookTimeout: 60_000, testTimeout: 40_000 } : {}),
  },
});
