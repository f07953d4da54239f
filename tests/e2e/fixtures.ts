import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "zhucun-demo";
export type DemoUser =
  "county" | "zuzhibu" | "viewer" | "daqinggou" | "xiaosuangou" | "weijia" | "xianaling";

/** Where auth.setup.ts keeps each role's signed-in browser state. */
export function storageStateFor(user: DemoUser) {
  return `tests/.artifacts/auth/${user}.json`;
}

/** A 360 × 740 touch phone, for `test.use` in a describe of phone tests on the desktop project. */
export const ON_A_PHONE = {
  viewport: { width: 360, height: 740 },
  isMobile: true,
  hasTouch: true,
} as const;

/** Use inside a describe: every test in it starts signed in as this demo role. */
export function signedInAs(user: DemoUser) {
  return { storageState: storageStateFor(user) };
}

/** Signs in through the real form, as a person would (with or without JavaScript). */
export async function signIn(page: Page, username: DemoUser, password = DEMO_PASSWORD) {
  await page.goto("/login");
  if (javaScriptOn.get(page) !== false) await waitForHydration(page);
  await page.getByLabel(/用户名|Username/).fill(username);
  await page.getByLabel(/密码|Password/).fill(password);
  await page.getByRole("button", { name: /^(登录|Sign in)$/ }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

/**
 * A form POST made by hand with the page's cookies, from this site (as someone signed in could
 * craft one in the browser's tools): it passes the cross-site check, so what answers is the
 * route's own permission check.
 */
export function postForm(page: Page, url: string, form: Record<string, string>) {
  return page.request.post(url, { form, headers: { Origin: BASE_URL } });
}

/** The app's address in these tests (playwright.config.ts). */
export const BASE_URL = `http://localhost:${process.env.E2E_PORT ?? 3210}`;

/** Whether a page runs scripts (set by the auto fixture from the test's javaScriptEnabled option). */
const javaScriptOn = new WeakMap<Page, boolean>();

export async function waitForHydration(page: Page) {
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
}

/**
 * Hydrated, and not a kept copy still being refreshed: the worker answers a team member's own
 * pages from their copy at once and the page then reads its data again (decision 019), which
 * re-renders it. Interactions that span several events (a keyboard drag) wait for this.
 */
export async function waitForFreshPage(page: Page) {
  await waitForHydration(page);
  await expect(page.locator("body")).not.toHaveAttribute("data-offline-copy", { timeout: 20_000 });
}

/** No serious accessibility violation on the page as it stands (WCAG 2.x A/AA rules). */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"])
    .analyze();
  expect(
    results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
  ).toEqual([]);
}

/**
 * Every test fails on a console error or an uncaught page error: hydration mismatches and broken
 * requests show up there first.
 */
/** A 1×1 PNG: map tiles are answered locally, since tests must never need a tile server. */
const TILE = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
  "base64",
);

/** Network lines Chromium logs as errors that are expected by design, not app errors. */
const EXPECTED_NETWORK_ERRORS = [
  // Refused forms answer 400, unknown pages 404; the tests assert those statuses themselves.
  /^Failed to load resource: the server responded with a status of 4\d\d/,
  // What an ad blocker or a closed network does to map tiles: the map must cope, not the test.
  /^Failed to load resource: net::ERR_BLOCKED_BY_CLIENT/,
  // A navigation superseded by a newer one while its single-fetch response was still being read:
  // Remix (2.17) aborts it and logs the aborted read with console.error. Nothing fails for the
  // person; seen under CI load only. The abort is created in React Router's startNavigation.
  // Chromium words it either way, depending on how far the body had been read.
  /^AbortError: (signal is aborted without reason|BodyStreamBuffer was aborted)\n\s+at \w+ \(http:\/\/localhost:\d+\/build\/_shared\/chunk-\w+\.js/,
  // The stream's own DOMException carries no stack (seen in CI once, at stop 31).
  /^AbortError: (signal is aborted without reason|BodyStreamBuffer was aborted)$/,
];

const SUPERSEDED_READ = /^(signal is aborted without reason|BodyStreamBuffer was aborted)$/;

export const test = base.extend<{ consoleErrors: string[]; tiles: "served" | "blocked" }>({
  tiles: ["served", { option: true }],
  page: async ({ page, tiles }, use) => {
    await page.route(/tile\.openstreetmap\.org|tianditu\.gov\.cn/, (route) =>
      tiles === "served"
        ? route.fulfill({ status: 200, contentType: "image/png", body: TILE })
        : route.abort("blockedbyclient"),
    );
    await use(page);
  },
  consoleErrors: [
    async ({ page, javaScriptEnabled }, use) => {
      javaScriptOn.set(page, javaScriptEnabled);
      const errors: string[] = [];
      page.on("console", (msg) => {
        if (msg.type() !== "error") return;
        if (EXPECTED_NETWORK_ERRORS.some((pattern) => pattern.test(msg.text()))) return;
        errors.push(msg.text());
      });
      page.on("pageerror", (err) => {
        // The same superseded read, when it surfaces as an unhandled rejection instead (the
        // stream's completion promise, which Remix leaves unawaited): only these two aborts.
        if (err.name === "AbortError" && SUPERSEDED_READ.test(err.message)) return;
        errors.push(String(err));
      });
      await use(errors);
      expect(errors, "console errors during the test").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/**
 * A name for what a test creates on the shared server, unique to the try: CI retries a failed test
 * once on the same database, where the first attempt's records stay. The first try keeps the name.
 */
export function byTry(name: string) {
  const retry = test.info().retry;
  return retry ? `${name}-${retry}` : name;
}

/** A village's page (its path), found as a person would: its link on the village list. */
export async function villageHref(page: Page, name: string): Promise<string> {
  await page.goto("/villages");
  const href = await page
    .locator('a[href^="/villages/"]', { hasText: name })
    .first()
    .getAttribute("href");
  if (!href) throw new Error(`no link to ${name} on /villages`);
  return href;
}
