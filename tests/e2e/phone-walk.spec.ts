/**
 * Every page of every role on a 360 × 740 phone, in both languages: it fits the screen (no
 * sideways scrolling of the page), and the bottom navigation (tab bar and "more") reaches every
 * page of the role's main menu. The pages are the built server's route manifest with the access
 * matrix's parameters: each route a role may open (200 in access-matrix.ts) is visited, so a new
 * page is walked without anyone adding it here.
 *
 * Runs against a server of its own (isolated-server.ts), read only.
 */
import { expect, test, type Browser, type Page } from "@playwright/test";
import { MATRIX } from "./access-matrix";
import { signIn, startIsolatedServer, type IsolatedServer } from "./isolated-server";
import {
  HOME,
  ROLES,
  demoIds,
  fillPattern,
  loadRouteManifest,
  type DemoIds,
  type ManifestRoute,
  type Role,
} from "./route-manifest";

const PHONE = { width: 360, height: 740 };

let server: IsolatedServer;
let routes: ManifestRoute[];
let ids: DemoIds;

test.describe.configure({ mode: "default" });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  [server, routes] = await Promise.all([startIsolatedServer("phone-walk"), loadRouteManifest()]);
  ids = demoIds(server);
});

test.afterAll(async () => {
  await server?.stop();
});

/** The HTML pages a role may open: a 200 in the access matrix, not a file or data route. */
function pagesFor(role: Role): string[] {
  const index = ROLES.indexOf(role);
  const pages: string[] = [];
  for (const route of routes) {
    const entry = MATRIX[route.id];
    if (!entry?.get || route.pattern === null || !route.hasLoader) continue;
    if (/\[\.\]|healthz|archives|exit-files/.test(route.id)) continue;
    if (entry.get.in.split(" ")[index] !== "200") continue;
    const path = fillPattern(route, ids, HOME[role]);
    pages.push(
      entry.query ? `${path}${entry.query.startsWith("?") ? "" : "?"}${entry.query}` : path,
    );
  }
  return pages;
}

async function phoneFor(browser: Browser, role: Role, locale: "zh-CN" | "en", javaScript = true) {
  const context = await browser.newContext({
    viewport: PHONE,
    isMobile: true,
    hasTouch: true,
    locale,
    javaScriptEnabled: javaScript,
  });
  const cookie = await signIn(server, role);
  const [name, ...value] = cookie.split("=");
  await context.addCookies([
    { name: name!, value: value.join("="), url: server.origin },
    // The language switch's cookie, as the switch sets it (a JSON string, base64).
    {
      name: "zhucun_locale",
      value: encodeURIComponent(Buffer.from(JSON.stringify(locale)).toString("base64")),
      url: server.origin,
    },
  ]);
  return context;
}

/** How far the page reaches past the screen's right edge, and the elements that reach it. */
async function overflow(page: Page) {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const wide = [...document.querySelectorAll<HTMLElement>("body *")]
      .filter((el) => {
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.right <= width + 1) return false;
        // Inside a region that scrolls or clips on its own, it does not widen the page.
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
          if (getComputedStyle(a).overflowX !== "visible") return false;
        }
        return true;
      })
      .slice(0, 3)
      .map(
        (el) =>
          `${el.tagName.toLowerCase()}.${el.className} → ${Math.round(el.getBoundingClientRect().right)}`,
      );
    return { scrollWidth: document.documentElement.scrollWidth, width, wide };
  });
}

for (const role of ROLES) {
  for (const locale of ["zh-CN", "en"] as const) {
    test(`${role} (${locale}${locale === "en" ? ", no JavaScript" : ""}): every page fits a 360 px phone`, async ({
      browser,
    }) => {
      test.setTimeout(240_000);
      // English (the longer words) also without JavaScript, as the server draws the pages; the
      // Chinese walk with it, as hydrated.
      const context = await phoneFor(browser, role, locale, locale === "zh-CN");
      // Notes whether Remix began decoding the page's data (single fetch: the stream written into
      // the page) after React's root was made. RemixBrowser then suspends at the root, outside any
      // Suspense boundary, and a click in that moment made React hydrate synchronously and fail
      // with its error #345 (decision 013): entry.client.tsx decodes first.
      await context.addInitScript(() => {
        const w = window as unknown as Record<string, unknown>;
        let remixContext: Record<string, unknown> | undefined;
        Object.defineProperty(w, "__remixContext", {
          configurable: true,
          get: () => remixContext,
          set(value: Record<string, unknown>) {
            let stream = value.stream;
            Object.defineProperty(value, "stream", {
              configurable: true,
              enumerable: true,
              get: () => stream,
              set(next: unknown) {
                if (next === undefined && stream !== undefined)
                  w.__zhucunDecodedAfterRoot = Object.keys(document).some((k) =>
                    k.startsWith("__reactContainer"),
                  );
                stream = next;
              },
            });
            remixContext = value;
          },
        });
      });
      const page = await context.newPage();
      const pages = pagesFor(role);
      expect(pages.length, "pages the role may open").toBeGreaterThan(10);
      const problems: string[] = [];
      const scripts = new Set<string>();
      const discoveries: string[] = [];
      const lowPreloads: string[] = [];
      const hydration: string[] = [];
      page.on("request", (request) => {
        // Shared chunks (a resource route's own module, fetched by a fetcher, is empty by nature).
        if (request.resourceType() === "script" && request.url().includes("/build/_shared/"))
          scripts.add(request.url());
        if (new URL(request.url()).pathname === "/__manifest") discoveries.push(request.url());
      });
      for (const path of pages) {
        const response = await page.goto(server.origin + path, { waitUntil: "load" });
        if (response?.status() !== 200) {
          problems.push(`${path}: status ${response?.status()}`);
          continue;
        }
        // The page's scripts start after its first paint (decision 013, fifth pass): the HTML
        // holds them inert (scripts/patches), and the root's starter adds the real preloads, at
        // low priority, and the module script once the page has painted. On a slow network the
        // stylesheet and the page's text do not share the line with ~100 KB of scripts.
        const html = await response.text();
        const inert = html.match(/<link rel="zhucun-modulepreload"[^>]*>/g) ?? [];
        if (inert.length === 0) lowPreloads.push(`${path}: no script preloads`);
        for (const early of html.match(
          /<link rel="(module)?preload"[^>]*>|<script[^>]*type="module"[^>]*>/g,
        ) ?? [])
          lowPreloads.push(`${path}: fetched before the first paint: ${early}`);
        if (!html.includes('type="zhucun-module"')) lowPreloads.push(`${path}: no module script`);
        if (locale === "zh-CN") {
          await page.waitForSelector("html[data-hydrated]", { state: "attached" });
          const started = await page.evaluate(() => {
            const links = [...document.querySelectorAll('link[rel="modulepreload"]')];
            return {
              preloads: links.length,
              notLow: links.filter((l) => l.getAttribute("fetchpriority") !== "low").length,
              modules: document.querySelectorAll('script[type="module"]').length,
            };
          });
          if (started.preloads === 0 || started.notLow > 0 || started.modules !== 1)
            lowPreloads.push(`${path}: ${JSON.stringify(started)}`);
          const decodedAfterRoot = await page.evaluate(
            () => (window as unknown as Record<string, unknown>).__zhucunDecodedAfterRoot,
          );
          if (decodedAfterRoot !== false)
            hydration.push(
              `${path}: page data decoded after the root was made (${decodedAfterRoot})`,
            );
        }
        const { scrollWidth, width, wide } = await overflow(page);
        if (scrollWidth > width)
          problems.push(`${path}: ${scrollWidth} px wide (${wide.join(", ")})`);
      }
      expect(problems, `pages wider than the phone (of ${pages.length})`).toEqual([]);
      if (locale === "zh-CN") {
        // A phone on a slow network pays for every request. The compiler stands in an empty
        // CommonJS module for each `.server` file a route imports; without the patch in
        // scripts/patches (`sideEffects: false` on them) each was a ~100-byte chunk of its own
        // that every page loaded (8 of /me's 31 scripts).
        expect(scripts.size, "shared chunks the pages loaded").toBeGreaterThan(5);
        const empty: string[] = [];
        for (const url of scripts) {
          const body = await (await context.request.get(url)).text();
          if (body.length < 300 && /\.exports=\{\}/.test(body)) empty.push(new URL(url).pathname);
        }
        expect(empty, "chunks that only stand in for server modules").toEqual([]);
        // The route manifest comes whole with the build (remix.config.js): no page asks for its
        // links' routes after hydrating, which re-rendered the page and cost a round trip.
        expect(discoveries.slice(0, 3), "route discovery requests").toEqual([]);
        expect(lowPreloads.slice(0, 3), "scripts not started after the first paint").toEqual([]);
        expect(hydration.slice(0, 3), "hydration that could suspend at the root").toEqual([]);
      }
      await context.close();
    });
  }

  test(`${role}: the bottom navigation reaches every page of the menu`, async ({ browser }) => {
    test.setTimeout(120_000);
    const context = await phoneFor(browser, role, "zh-CN");
    const page = await context.newPage();
    await page.goto(server.origin + "/");
    await expect(page.locator("html[data-hydrated]")).toHaveCount(1);

    // On a phone the header's menu gives way to the tab bar; its entries are the role's menu.
    const headerMenu = page.locator(".site-header .main-nav");
    await expect(headerMenu).toBeHidden();
    const menu = await headerMenu
      .locator("a")
      .evaluateAll((links) => links.map((a) => a.getAttribute("href")));
    expect(menu.length).toBeGreaterThan(6);
    const tabBar = page.getByRole("navigation", { name: "常用" });
    await expect(tabBar).toBeVisible();
    const tabs = tabBar.locator(":scope > a");
    await expect(tabs).toHaveCount(4);

    // Four tabs and "more": each tab is at least 44 × 44 px.
    for (const tab of await tabBar.locator(":scope > a, summary").all()) {
      const box = (await tab.boundingBox())!;
      expect(box.width).toBeGreaterThanOrEqual(44);
      expect(box.height).toBeGreaterThanOrEqual(44);
    }

    // Each tab's icon is a symbol of the sprite it names (one hashed SVG file, cached for good).
    const icons = await tabBar
      .locator("svg.tab-icon use")
      .evaluateAll((uses) => uses.map((use) => use.getAttribute("href") ?? ""));
    expect(icons).toHaveLength(5);
    for (const href of icons) {
      const [file, id] = href.split("#");
      const sprite = await context.request.get(server.origin + file);
      expect(sprite.headers()["content-type"], href).toContain("image/svg+xml");
      expect(await sprite.text(), href).toContain(`<symbol id="${id}"`);
    }

    // "More" holds every page of the menu; a tap outside closes it.
    await tabBar.getByText("更多").click();
    const more = page.getByRole("navigation", { name: "全部页面" });
    await expect(more).toBeVisible();
    const inMore = await more
      .getByRole("link")
      .evaluateAll((links) => links.map((a) => a.getAttribute("href")));
    expect(inMore).toEqual(menu);
    // A tap outside closes it (on the page behind; a real tap there could hit a link), Escape too.
    await page.locator("main").dispatchEvent("pointerdown");
    await expect(more).toBeHidden();
    await tabBar.getByText("更多").click();
    await expect(more).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(more).toBeHidden();

    // Every tab opens its page, marked as the current one.
    const hrefs = await tabs.evaluateAll((links) => links.map((a) => a.getAttribute("href")!));
    for (const href of hrefs) {
      await tabBar.locator(`:scope > a[href="${href}"]`).click();
      await page.waitForURL((url) => url.pathname.startsWith(href));
      await expect(tabBar.locator(`:scope > a[href="${href}"]`)).toHaveAttribute(
        "aria-current",
        "page",
      );
    }
    // And every page under "more" opens from there.
    for (const href of inMore) {
      await tabBar.getByText("更多").click();
      await more.locator(`a[href="${href}"]`).click();
      // A page may send on to its own detail (a team member's weekly report: their team's).
      await page.waitForURL((url) => url.pathname.startsWith(href!));
      // The new page is on screen (its entry marked current) before "more" is opened again.
      await expect(page.locator(`.more-links a[href="${href}"]`)).toHaveAttribute(
        "aria-current",
        "page",
      );
      await expect(page.locator("h1").first()).toBeVisible();
    }
    await context.close();
  });
}

test("the demo note folds to one line for the browser session, and unfolds", async ({
  browser,
}) => {
  const context = await phoneFor(browser, "weijia", "zh-CN");
  const page = await context.newPage();
  await page.goto(server.origin + "/me");
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  const note = page.getByRole("note").filter({ hasText: "演示数据" });
  const tall = (await note.boundingBox())!.height;
  await note.getByRole("button", { name: /^收起/ }).click();
  await expect(note).toContainText("演示数据：标有「演示」的名称和所有位置为虚构。");
  const folded = (await note.boundingBox())!.height;
  expect(folded).toBeLessThan(tall);
  // Still folded on the next page, and the catalogue came from its cached file, not the page.
  const catalogue = page.waitForResponse((r) => r.url().includes("/i18n/"));
  await page.goto(server.origin + "/notices");
  expect((await catalogue).headers()["cache-control"]).toContain("immutable");
  await expect(note).toContainText("演示数据：标有「演示」的名称和所有位置为虚构。");
  await note.getByRole("button", { name: /^展开/ }).click();
  await expect(note).toContainText("仅用于展示功能");
  await context.close();
});
