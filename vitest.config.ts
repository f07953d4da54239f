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
    // Seeding the demo county into a fresh file takes 2–3 s alone and longer beside other work.
    testTimeout: 20_000,
  },
});
