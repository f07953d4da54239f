/**
 * The installable app and offline reading (issue 21, decision 019), on the production build:
 * the service worker takes control, the manifest and its icons are sound, a team member's own
 * pages open without signal with the offline note, other pages give the offline page, and nothing
 * of a person stays after they sign out or once someone else signs in on the same browser.
 *
 * Chromium's offline emulation (`context.setOffline`) covers the service worker's own fetches
 * too (the first test checks it), so "offline" here is what a phone without signal sees: the
 * worker's network attempt fails and it answers from its caches.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "@playwright/test";
import { expect, signIn, storageStateFor, test, type DemoUser } from "./fixtures";

test.use({ serviceWorkers: "allow" });

/** The person's kept pages (paths), per page cache, as the worker stored them. */
function keptPages(page: Page) {
  return page.evaluate(async () => {
    const kept: Record<string, string[]> = {};
    for (const name of await caches.keys()) {
      if (!name.startsWith("zhucun-pages-")) continue;
      const requests = await (await caches.open(name)).keys();
      kept[name] = requests.map((r) => new URL(r.url).pathname).sort();
    }
    return kept;
  });
}

async function controlled(page: Page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
    timeout: 20_000,
  });
}

/** Signs in and waits until the worker controls the page and has fetched the person's 9 pages. */
async function signInAndKeep(page: Page, user: DemoUser) {
  await signIn(page, user);
  await controlled(page);
  await expect
    .poll(async () => Object.values(await keptPages(page)).flat().length, { timeout: 30_000 })
    .toBe(9);
  const [cache, paths] = Object.entries(await keptPages(page))[0]!;
  return { cache, paths };
}

async function signOut(page: Page) {
  await page.goto("/me");
  await page.locator(".user-menu summary").click();
  await page.getByRole("button", { name: "退出登录" }).click();
  await expect(page).toHaveURL(/\/login$/);
}

const offlineNote = (page: Page) => page.locator("body").getAttribute("data-offline-note");

async function expectKeptCopy(page: Page, path: string, heading: RegExp) {
  const response = await page.goto(path);
  expect(response?.status()).toBe(200);
  expect(new URL(page.url()).pathname).toBe(path);
  expect(await offlineNote(page)).toMatch(/^离线 — 截至 \d\d:\d\d$/);
  // Drawn by CSS from the attribute: visible without any script.
  expect(await page.evaluate(() => getComputedStyle(document.body, "::before").content)).toMatch(
    /离线 — 截至 \d\d:\d\d/,
  );
  await expect(page.getByRole("heading", { level: 1 })).toContainText(heading);
}

async function expectOfflinePage(page: Page, path: string) {
  await page.goto(path);
  await expect(page.getByRole("heading", { level: 1, name: "离线" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: "Offline" })).toBeVisible();
}

async function goOffline(context: BrowserContext, page: Page) {
  await context.setOffline(true);
  expect(await page.evaluate(() => navigator.onLine)).toBe(false);
}

test("the app is installable: the worker controls the page, the manifest is sound and its icons load", async ({
  page,
  request,
}) => {
  await signIn(page, "weijia");
  await controlled(page);
  await expect(page.locator('link[rel="manifest"]')).toHaveAttribute(
    "href",
    "/manifest.webmanifest",
  );
  await expect(page.locator('meta[name="theme-color"]')).toHaveAttribute("content", "#b3261e");
  await expect(page.locator('link[rel="apple-touch-icon"]')).toHaveCount(1);

  // Pages say whom they were drawn for (the worker keeps only its person's); a page drawn for
  // nobody says nothing.
  const me = await page.request.get("/me");
  expect(me.headers()["x-zhucun-user"]).toMatch(/^\S+$/);
  expect(me.headers()["cache-control"]).toBe("no-store");
  const anonymous = await request.get("/login");
  expect(anonymous.headers()["x-zhucun-user"]).toBeUndefined();

  const worker = await page.request.get("/sw.js");
  expect(worker.status()).toBe(200);
  expect(worker.headers()["cache-control"]).toBe("no-cache");
  expect(worker.headers()["content-type"]).toMatch(/javascript/);

  const response = await page.request.get("/manifest.webmanifest");
  expect(response.headers()["content-type"]).toMatch(/^application\/manifest\+json/);
  const manifest = (await response.json()) as {
    name: string;
    short_name: string;
    lang: string;
    start_url: string;
    scope: string;
    display: string;
    theme_color: string;
    background_color: string;
    icons: { src: string; sizes: string; type: string; purpose: string }[];
  };
  expect(manifest).toMatchObject({
    name: "驻村工作台",
    lang: "zh-CN",
    start_url: "/",
    scope: "/",
    display: "standalone",
    theme_color: "#b3261e",
    background_color: "#faf8f5",
  });
  expect(manifest.short_name.length).toBeLessThanOrEqual(12);
  const sizes = manifest.icons.map((i) => `${i.sizes} ${i.purpose}`).sort();
  expect(sizes).toEqual(["192x192 any", "512x512 any", "512x512 maskable"]);
  for (const icon of [
    ...manifest.icons,
    { src: "/icons/apple-touch-icon.png", sizes: "180x180" },
  ]) {
    const png = await page.request.get(icon.src);
    expect(png.status(), icon.src).toBe(200);
    expect(png.headers()["content-type"]).toBe("image/png");
    // The PNG header's width and height are what the manifest says.
    const body = await png.body();
    expect(`${body.readUInt32BE(16)}x${body.readUInt32BE(20)}`, icon.src).toBe(icon.sizes);
  }

  // The precached shell: the page's stylesheet and script come from the worker's cache.
  const shell = await page.evaluate(async () => {
    const names = await caches.keys();
    const precache = names.find((n) => n.startsWith("workbox-precache"));
    if (!precache) return [];
    return (await (await caches.open(precache)).keys()).map((r) => new URL(r.url).pathname);
  });
  expect(shell).toContain("/manifest.webmanifest");
  expect(shell).toContain("/icons/icon-512.png");
  expect(shell.some((p) => /^\/build\/entry\.client-\w+\.js$/.test(p))).toBe(true);
  expect(shell.some((p) => /^\/i18n\/zh-CN\.[0-9a-f]{12}\.json$/.test(p))).toBe(true);
});

test("offline, a team member's own pages open as last seen with the offline note; other pages say they are not kept", async ({
  page,
  context,
}) => {
  // Nine pages kept, eleven opened, then the copy's refresh online: past 30 s on a busy machine.
  test.slow();
  const { cache, paths } = await signInAndKeep(page, "weijia");
  const village = paths.find((p) => /^\/villages\/[^/]+$/.test(p))!;
  // Only the scope's pages, and only this person's: nothing else the server marks no-store.
  expect(Object.keys(await keptPages(page))).toEqual([cache]);
  expect(paths).toHaveLength(9);
  expect(paths).toEqual(
    expect.arrayContaining([
      "/me",
      village,
      `${village}/activity`,
      `${village}/cases`,
      `${village}/cases/new`,
      `${village}/households`,
      `${village}/plan`,
      `${village}/projects`,
      expect.stringMatching(/^\/teams\/[^/]+\/logs$/),
    ]),
  );

  await goOffline(context, page);
  // Chromium's offline emulation reaches the worker's own fetches as well.
  const [worker] = context.serviceWorkers();
  expect(
    await worker!.evaluate(() =>
      fetch("/healthz").then(
        () => "answered",
        () => "failed",
      ),
    ),
  ).toBe("failed");

  await page.goto("/me");
  await page.reload();
  await expectKeptCopy(page, "/me", /我的驻村/);
  await expectKeptCopy(page, `${village}/plan`, /魏家村/);
  // Hydrated offline (the catalogue and the scripts are precached), and a link followed offline
  // loads the kept page itself rather than asking the server for its data.
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  const households = page
    .getByRole("navigation", { name: "村庄栏目" })
    .getByRole("link", { name: "贫困户", exact: true });
  // Pointed at, a tab prefetches its page's data (Remix, after 100 ms): offline the worker
  // answers that itself, and nothing is logged as a broken request (the fixture fails on one).
  const prefetched = page.waitForResponse((r) => r.url().includes("/households.data"));
  await households.hover();
  const prefetch = await prefetched;
  expect([prefetch.status(), prefetch.fromServiceWorker()]).toEqual([204, true]);
  await households.click();
  await expect(page).toHaveURL(new RegExp(`${village}/households$`));
  expect(await offlineNote(page)).toMatch(/^离线 — 截至/);

  // Not kept: a page outside the scope, another village, a filtered board, a household's record.
  await expectOfflinePage(page, "/map");
  await expectOfflinePage(page, "/villages");
  await expectOfflinePage(page, `${village}/cases?overdue=1`);

  // The start page opens the person's own work page.
  await page.goto("/");
  await expect(page).toHaveURL(/\/me$/);
  expect(await offlineNote(page)).toMatch(/^离线 — 截至/);

  // Back online, a kept page opens from the copy, saying it is being refreshed, and is the
  // server's once the page has read its data again.
  // On a slow phone the page's data can come back before React has drawn its "loading" state
  // (the router's updates are transitions, so that state is then never drawn); CI saw the note
  // stay. The note is read from the worker's page itself, as the refresh may already be over.
  await context.setOffline(false);
  const cpu = await context.newCDPSession(page);
  await cpu.send("Emulation.setCPUThrottlingRate", { rate: 6 });
  const copy = await page.goto("/me");
  expect(copy?.fromServiceWorker()).toBe(true);
  expect(await copy!.text()).toMatch(
    /<body data-offline-note="显示 \d\d:\d\d 保存的副本，正在刷新…"/,
  );
  await expect(page.locator("body")).not.toHaveAttribute("data-offline-note", { timeout: 20_000 });
  await expect(page.locator("body")).not.toHaveAttribute("data-offline-copy");
  await cpu.send("Emulation.setCPUThrottlingRate", { rate: 1 });
  // Other pages come from the server, without a note.
  await page.goto("/map");
  expect(await offlineNote(page)).toBeNull();
});

test("the kept pages are in the reader's language", async ({ page, context }) => {
  const { paths } = await signInAndKeep(page, "weijia");
  const village = paths.find((p) => /^\/villages\/[^/]+$/.test(p))!;
  await page.getByRole("button", { name: "切换语言到英文" }).first().click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  // Seen in English, so kept in English (the copy answers first; the server's page replaces it).
  await page.goto(`${village}/plan`);
  await expect(page.locator("body")).not.toHaveAttribute("data-offline-note", { timeout: 20_000 });
  await goOffline(context, page);
  await page.reload();
  expect(await offlineNote(page)).toMatch(/^Offline — as of \d\d:\d\d$/);
});

test("after signing out nothing of that person is served offline", async ({ page, context }) => {
  const { paths } = await signInAndKeep(page, "weijia");
  await signOut(page);
  await expect.poll(() => keptPages(page)).toEqual({});
  await goOffline(context, page);
  for (const path of paths.slice(0, 3)) await expectOfflinePage(page, path);
});

test("a session ended elsewhere clears the pages at the next page; another person signing in never sees the first one's", async ({
  page,
  context,
}) => {
  const first = await signInAndKeep(page, "weijia");
  // The session ends without this page knowing (ended by the county, expired): the cookie is gone.
  await context.clearCookies();
  await page.goto("/me");
  await expect(page).toHaveURL(/\/login/);
  await expect.poll(() => keptPages(page)).toEqual({});

  // Another person on the same browser.
  const second = await signInAndKeep(page, "xianaling");
  expect(second.cache).not.toBe(first.cache);
  expect(Object.keys(await keptPages(page))).toEqual([second.cache]);

  await goOffline(context, page);
  await expectKeptCopy(page, "/me", /我的驻村/);
  // The kept /me is the second person's own.
  await page.locator(".user-menu summary").click();
  await expect(page.locator(".user-menu").getByText("当前用户：xianaling")).toBeVisible();
  // The first person's village pages are not there for them.
  const firstVillage = first.paths.find((p) => /^\/villages\/[^/]+$/.test(p))!;
  await expectOfflinePage(page, `${firstVillage}/plan`);
  await expectOfflinePage(page, `${firstVillage}/households`);
});

test("a page drawn for someone else drops the first person's pages at once; county roles keep none", async ({
  page,
  context,
}) => {
  await signInAndKeep(page, "weijia");
  // The county admin's session in this browser, without a sign-out or the sign-in page between
  // (the session cookie replaced): the first page drawn for them is enough.
  const county = JSON.parse(fs.readFileSync(storageStateFor("county"), "utf8")) as {
    cookies: Parameters<BrowserContext["addCookies"]>[0];
  };
  await context.addCookies(county.cookies);
  await page.goto("/dashboard");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("全县");
  await expect.poll(() => keptPages(page)).toEqual({});
  // And the county admin's own scope keeps nothing, even after they read a village's pages.
  await page.goto("/villages?q=魏家村");
  await page.getByRole("link", { name: "魏家村" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("魏家村");
  await page.reload();
  expect(await keptPages(page)).toEqual({});
});

test("Chromium finds the app installable, as Lighthouse's installability audit asked it", async ({
  browserName,
}, testInfo) => {
  test.skip(browserName !== "chromium");
  // Lighthouse 12 dropped its PWA category with the installable-manifest audit; this is the call
  // that audit made. A test context is an off-the-record profile, where Chromium refuses to
  // install anything ("in-incognito"), so the check runs in a profile of its own.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "zhucun-install-"));
  const context = await chromium.launchPersistentContext(profile, {
    ...testInfo.project.use.launchOptions,
    baseURL: testInfo.project.use.baseURL,
    locale: "zh-CN",
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto("/login");
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
      timeout: 20_000,
    });
    const cdp = await context.newCDPSession(page);
    const { url, errors } = await cdp.send("Page.getAppManifest");
    expect(url).toMatch(/\/manifest\.webmanifest$/);
    expect(errors).toEqual([]);
    const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
    expect(installabilityErrors).toEqual([]);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
});
