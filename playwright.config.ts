import fs from "node:fs";
import { defineConfig, devices } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3210);
const baseURL = `http://localhost:${PORT}`;

/** Debian's Chromium (browsers cannot be downloaded here), CHROMIUM_PATH, or Playwright's own. */
const executablePath =
  process.env.CHROMIUM_PATH ??
  (fs.existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

/** Specs that speak HTTP only, each to a server of its own: no browser, no signed-in states. */
const API_SPECS = /(access-matrix|fuzz|two-servers)\.spec\.ts/;

const launchOptions = {
  executablePath,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results",
  fullyParallel: true,
  workers: 2,
  // On CI (2 cores, two workers, a server and two browsers), one retry for a test that fails
  // under load; the list reporter marks it "flaky", so it is seen, not hidden. Locally: none.
  retries: process.env.CI ? 1 : 0,
  forbidOnly: Boolean(process.env.CI),
  // On CI, the page a failed test left is printed too (the log is all CI keeps).
  reporter: process.env.CI ? [["./tests/e2e/failure-context.reporter.ts"], ["list"]] : [["list"]],
  use: {
    baseURL,
    locale: "zh-CN",
    // Traces cost about a second a test; CI prints its failures instead.
    trace: process.env.CI ? "off" : "retain-on-failure",
    launchOptions,
    // The service worker (issue 21) is tested in the offline specs, which allow it; elsewhere it
    // would add a second fetch path and precaching work to every page a test opens.
    serviceWorkers: "block",
  },
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts/, use: { launchOptions } },
    {
      name: "desktop",
      dependencies: ["setup"],
      testIgnore: API_SPECS,
      use: { ...devices["Desktop Chrome"], launchOptions },
    },
    {
      // A 360 px phone: the tests tagged @phone run here too.
      name: "phone",
      grep: /@phone/,
      dependencies: ["setup"],
      testIgnore: API_SPECS,
      use: { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, launchOptions },
    },
    // The access matrix and the fuzzer: HTTP requests to their own isolated servers.
    { name: "api", testMatch: API_SPECS },
  ],
  webServer: {
    // The production build on a fresh database with the demo data, as `npm start` runs it.
    command: "node tests/e2e/server.mjs",
    url: `${baseURL}/login`,
    reuseExistingServer: false,
    // Seeding the demo into PostgreSQL (npm run test:e2e:pg) is a few hundred thousand rows over a
    // socket: 20–60 s on a busy 2-core machine.
    timeout: process.env.ZHUCUN_PG_URL ? 180_000 : 60_000,
    env: { PORT: String(PORT), E2E_DATABASE: "tests/.artifacts/db/e2e.db", NODE_ENV: "production" },
  },
});
