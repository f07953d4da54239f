/**
 * Writes made without signal (issue 21): a cadre's check-in, work log, comment, card move and
 * milestone marked done are kept on the phone while the browser is offline, listed as waiting,
 * and applied exactly once when the connection returns; a move that someone else overtook is
 * shown with both versions and resolved by the cadre; and a write kept by one account is never
 * sent as another. On a server of its own (isolated-server.ts): these write to the database.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test, type BrowserContext, type Page, type Route } from "@playwright/test";
import SQLite from "better-sqlite3";
import { businessDay } from "./clock";
import { waitForHydration } from "./fixtures";
import {
  DEMO_PASSWORD,
  openDatabase,
  signedInContext,
  startIsolatedServer,
  type IsolatedServer,
} from "./isolated-server";

let server: IsolatedServer;

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** A second build's worker, written by the update test and removed after it (.gitignore'd). */
const NEXT_BUILD_WORKER = path.join(ROOT, "public", "sw-next-build.js");

// The service worker keeps the pages read offline and sends the outbox by Background Sync.
test.use({ serviceWorkers: "allow" });

test.describe.configure({ mode: "default" });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = await startIsolatedServer("offline");
});

test.afterAll(async () => {
  await server?.stop();
});

/** One value from the server's database. */
function one<T>(sql: string, ...params: unknown[]): T {
  const db = openDatabase(server);
  try {
    return db
      .prepare(sql)
      .pluck()
      .get(...params) as T;
  } finally {
    db.close();
  }
}

function userId(username: string) {
  return one<string>("select id from users where username = ?", username);
}

function villageOf(name: string) {
  return one<string>("select id from villages where name_zh = ?", name);
}

/**
 * A new case of 魏家村, registered by weijia through the form (online), for one test to change:
 * each test has its own card, whatever the others did.
 */
async function newCase(page: Page, title: string) {
  await open(page, `/villages/${villageOf("魏家村")}/cases/new`);
  await page.getByLabel("标题").fill(title);
  await page.getByLabel("类别").selectOption({ label: "疾病" });
  await page.getByRole("button", { name: "登记服务个案" }).click();
  await expect(page).toHaveURL(/created=1/);
  return one<string>("select id from cards where title = ? and board = 'case'", title);
}

/** A page opened without signal: the service worker's copy, with its note, hydrated. */
async function offlinePage(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator("body")).toHaveAttribute("data-offline-note", /^离线/);
  await waitForHydration(page);
}

/** Waits until the service worker controls the page and keeps all the person's pages. */
async function keptForOffline(page: Page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
    timeout: 20_000,
  });
  await expect
    .poll(
      () =>
        page.evaluate(async () => {
          for (const name of await caches.keys()) {
            if (!name.startsWith("zhucun-pages-")) continue;
            const kept = await (await caches.open(name)).keys();
            return kept.length;
          }
          return 0;
        }),
      { timeout: 30_000 },
    )
    .toBe(9);
}

const outbox = (page: Page) => page.getByTestId("outbox");
/** The writes listed in the outbox (each may list the server's messages inside it). */
const entries = (page: Page) => outbox(page).locator("[data-outbox-state]");

async function open(page: Page, path: string) {
  await page.goto(path);
  await waitForHydration(page);
}

test("weijia checks in, logs, comments, moves a card and marks a milestone done offline; back online each is applied once", async ({
  browser,
}) => {
  test.slow();
  const context = await signedInContext(browser, server, "weijia");
  const page = await context.newPage();
  const weijia = userId("weijia");
  const cadre = one<string>("select cadre_id from users where id = ?", weijia);
  const day = businessDay(0, server.databaseFile);
  const cardId = await newCase(page, "离线测试：王大爷腿疼，需送医");
  const team = one<string>(
    "select teams.id from teams join villages on villages.id = teams.village_id where villages.name_zh = '魏家村'",
  );
  const village = villageOf("魏家村");
  // Every milestone of 魏家村 is done: one is reopened first (online), to be marked done offline.
  await open(page, `/villages/${village}/plan`);
  await page.getByText(/^已完成的节点（\d+ 个）$/).click();
  const reopened = page.locator("li.milestone").first();
  const milestoneTitle = ((await reopened.getByRole("heading").textContent()) ?? "").trim();
  await reopened.getByText("编辑").click();
  await reopened.getByLabel("状态").selectOption({ label: "进行中" });
  await reopened.getByLabel("完成日期", { exact: true }).fill("");
  await reopened.getByRole("button", { name: "保存" }).click();
  const milestoneItem = page.locator("li.milestone", { hasText: milestoneTitle });
  await expect(milestoneItem.locator(".milestone-badge")).toHaveText("进行中");
  const milestone = one<string>(
    "select id from plan_milestones where village_id = ? and title = ?",
    village,
    milestoneTitle,
  );

  // The signal goes while the cadre has a case open: a comment and a move.
  await open(page, "/me");
  await keptForOffline(page);
  await open(page, `/cards/${cardId}`);
  await context.setOffline(true);
  await page.getByLabel("添加评论").fill("离线评论：已联系卫生院。");
  await page.getByRole("button", { name: "发表评论" }).click();
  await expect(outbox(page)).toContainText("本机待发送：1 条");
  await expect(entries(page)).toContainText("评论");
  await expect(entries(page)).toContainText("待发送");
  await expect(outbox(page)).toContainText("当前没有网络");
  const move = page.locator("#move");
  await move.getByLabel("栏目").selectOption({ label: "处理中" });
  await move.getByRole("button", { name: "移动" }).click();
  await expect(outbox(page)).toContainText("本机待发送：2 条");

  // Still without signal, the cadre goes on through the pages the phone keeps (each opened
  // from the service worker's copy): the check-in on /me,
  await offlinePage(page, "/me");
  await page.getByRole("button", { name: "今天在村，签到" }).click();
  await expect(outbox(page)).toContainText("本机待发送：3 条");
  expect(
    one<number>("select count(*) from check_ins where cadre_id = ? and day = ?", cadre, day),
  ).toBe(0);

  // a work-log entry,
  await offlinePage(page, `/teams/${team}/logs`);
  await page.getByLabel("内容").fill("离线记录：走访五保户，屋顶漏雨已报修。");
  await page.getByRole("button", { name: "保存日记" }).click();
  await expect(outbox(page)).toContainText("本机待发送：4 条");
  await expect(outbox(page)).toContainText("走访五保户");

  // a new case,
  await offlinePage(page, `/villages/${village}/cases/new`);
  await page.getByLabel("标题").fill("离线登记：李奶奶独居，冬季取暖困难");
  await page.getByLabel("类别").selectOption({ label: "住房" });
  await page.getByRole("button", { name: "登记服务个案" }).click();
  await expect(outbox(page)).toContainText("本机待发送：5 条");
  await expect(outbox(page)).toContainText("李奶奶独居");

  // and a milestone marked done on the plan.
  await offlinePage(page, `/villages/${village}/plan`);
  const item = page.locator("li.milestone", { hasText: milestoneTitle });
  await item.getByText("编辑").click();
  await item.getByLabel("状态").selectOption({ label: "已完成" });
  await item.getByRole("button", { name: "保存" }).click();
  await expect(outbox(page)).toContainText("本机待发送：6 条");
  expect(one<number>("select count(*) from card_comments where card_id = ?", cardId)).toBe(0);

  // Reopened, still without signal, /me lists the six writes waiting.
  await offlinePage(page, "/me");
  await expect(outbox(page)).toContainText("本机待发送：6 条");
  await expect(entries(page)).toHaveCount(6);

  // The connection returns: everything is sent, in order, once.
  await context.setOffline(false);
  await expect(outbox(page)).toContainText("已发送 6 条");
  await expect(entries(page)).toHaveCount(0);
  expect(
    one<number>("select count(*) from check_ins where cadre_id = ? and day = ?", cadre, day),
  ).toBe(1);
  expect(
    one<string | null>("select made_at from check_ins where cadre_id = ? and day = ?", cadre, day),
  ).not.toBeNull();
  expect(
    one<number>(
      "select count(*) from work_logs where body = ?",
      "离线记录：走访五保户，屋顶漏雨已报修。",
    ),
  ).toBe(1);
  expect(
    one<number>(
      "select count(*) from card_comments where card_id = ? and body = ?",
      cardId,
      "离线评论：已联系卫生院。",
    ),
  ).toBe(1);
  expect(
    one<number>(
      "select count(*) from cards where title = ? and board = 'case'",
      "离线登记：李奶奶独居，冬季取暖困难",
    ),
  ).toBe(1);
  expect(one<string>("select column_key from cards where id = ?", cardId)).toBe("in_progress");
  expect(
    one<number>("select count(*) from card_events where card_id = ? and action = 'move'", cardId),
  ).toBe(1);
  expect(one<string>("select status from plan_milestones where id = ?", milestone)).toBe("done");
  // The milestone is done on the plan the server draws now.
  await open(page, `/villages/${village}/plan`);
  await expect(
    page.locator("li.milestone", { hasText: milestoneTitle }).locator(".milestone-badge"),
  ).toHaveText("已完成");

  // Sending again changes nothing (each write's id is claimed once on the server).
  await page.reload();
  await waitForHydration(page);
  expect(one<number>("select count(*) from card_comments where card_id = ?", cardId)).toBe(1);
  await context.close();
});

test("a page whose data cannot be read again keeps what is being typed, and reads it when the connection returns", async ({
  browser,
}) => {
  const context = await signedInContext(browser, server, "weijia");
  // The browser's own fetch, to see when the outbox panel has wrapped it (keep-page.ts).
  await context.addInitScript(() => {
    (window as unknown as { nativeFetch: typeof fetch }).nativeFetch = window.fetch;
  });
  const page = await context.newPage();
  const title = "离线测试：输入中的评论不丢";
  const cardId = await newCase(page, title);
  await open(page, `/cards/${cardId}`);
  await page.waitForFunction(
    () => window.fetch !== (window as unknown as { nativeFetch: typeof fetch }).nativeFetch,
  );
  const reads: string[] = [];
  page.on("requestfailed", (request) => {
    if (request.url().includes(`/cards/${cardId}.data`)) reads.push("failed");
  });
  page.on("response", (response) => {
    if (response.url().includes(`/cards/${cardId}.data`)) reads.push(String(response.status()));
  });
  const typed = "王大爷已联系家属，明天上午送医。";
  await page.getByLabel("添加评论").fill(typed);

  // The signal goes; another tab (or the worker) says it sent this person's outbox: the page
  // reads its data again, as after any write.
  await context.setOffline(true);
  const weijia = userId("weijia");
  await page.evaluate(
    (id) =>
      new BroadcastChannel("zhucun-outbox").postMessage({ type: "sent", userId: id, count: 1 }),
    weijia,
  );
  await expect.poll(() => reads).toContain("failed");
  // Before, the page gave way to the error page ("出错了", 500) and the comment was lost.
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(page.getByText("出错了")).toHaveCount(0);
  await expect(page.getByLabel("添加评论")).toHaveValue(typed);

  // The connection returns: the read is made again and answered, and the text is still there.
  await context.setOffline(false);
  await expect.poll(() => reads).toContain("200");
  await expect(page.getByLabel("添加评论")).toHaveValue(typed);
  await page.getByRole("button", { name: "发表评论" }).click();
  await expect(page.locator(".narrative", { hasText: typed })).toBeVisible();
  expect(
    one<number>("select count(*) from card_comments where card_id = ? and body = ?", cardId, typed),
  ).toBe(1);
  await context.close();
});

test("a move someone else overtook is shown with both versions; the cadre keeps theirs", async ({
  browser,
}) => {
  const context = await signedInContext(browser, server, "weijia");
  const page = await context.newPage();
  const cardId = await newCase(page, "离线测试：冲突的移动");

  await open(page, `/cards/${cardId}`);
  await context.setOffline(true);
  const move = page.locator("#move");
  await move.getByLabel("栏目").selectOption({ label: "已解决" });
  await move.getByRole("button", { name: "移动" }).click();
  await expect(outbox(page)).toContainText("本机待发送：1 条");

  // Meanwhile the county moves the same card elsewhere.
  const county = await signedInContext(browser, server, "county");
  const other = await county.newPage();
  await open(other, `/cards/${cardId}`);
  await other.locator("#move").getByLabel("栏目").selectOption({ label: "回访" });
  await other.locator("#move").getByRole("button", { name: "移动" }).click();
  await expect(other).toHaveURL(/saved=move/);
  expect(one<string>("select column_key from cards where id = ?", cardId)).toBe("follow_up");

  await context.setOffline(false);
  const entry = entries(page);
  await expect(entry).toContainText("有冲突");
  const row = entry.getByRole("row", { name: /所在列/ });
  await expect(row).toContainText("已解决");
  await expect(row).toContainText("回访");
  expect(one<string>("select column_key from cards where id = ?", cardId)).toBe("follow_up");

  await entry.getByRole("button", { name: "仍以我的为准，再次发送" }).click();
  await expect(entries(page)).toHaveCount(0);
  expect(one<string>("select column_key from cards where id = ?", cardId)).toBe("resolved");
  await county.close();
  await context.close();
});

test("a write kept by one account is not sent while another is signed in, and is sent when its own returns", async ({
  browser,
}) => {
  const context = await signedInContext(browser, server, "weijia");
  const page = await context.newPage();
  const cardId = await newCase(page, "离线测试：换人登录");
  const body = "离线评论：换人登录前写的。";

  await open(page, `/cards/${cardId}`);
  await context.setOffline(true);
  await page.getByLabel("添加评论").fill(body);
  await page.getByRole("button", { name: "发表评论" }).click();
  await expect(outbox(page)).toContainText("本机待发送：1 条");

  // The session ends (here: the cookie is gone) and another cadre signs in on this phone.
  await context.clearCookies();
  await context.setOffline(false);
  await signInOn(page, "xianaling");
  await expect(outbox(page)).toContainText("另一个账号的 1 条记录");
  await page.waitForTimeout(1_000);
  expect(one<number>("select count(*) from card_comments where body = ?", body)).toBe(0);

  // weijia signs in again: it is sent, as weijia.
  await context.clearCookies();
  await signInOn(page, "weijia");
  await expect(outbox(page)).toContainText("已发送 1 条");
  expect(one<number>("select count(*) from card_comments where body = ?", body)).toBe(1);
  expect(
    one<string>(
      "select users.username from card_comments join users on users.id = card_comments.author_id where body = ?",
      body,
    ),
  ).toBe("weijia");
  await context.close();
});

test("a new build's service worker takes over cleanly, and the writes kept on the phone survive it", async ({
  browser,
}) => {
  const context = await signedInContext(browser, server, "weijia");
  const page = await context.newPage();
  const team = one<string>(
    "select teams.id from teams join villages on villages.id = teams.village_id where villages.name_zh = '魏家村'",
  );
  const body = "离线记录：升级前写的，升级后发送。";
  await open(page, "/me");
  await keptForOffline(page);

  // One bar of signal: pages load, but a write gets no answer, so it is kept on the phone.
  const noAnswer = (route: Route) =>
    route.request().method() === "POST" ? route.abort("timedout") : route.fallback();
  await context.route("**/*.data", noAnswer);
  await open(page, `/teams/${team}/logs`);
  await page.getByLabel("内容").fill(body);
  await page.getByRole("button", { name: "保存日记" }).click();
  await expect(outbox(page)).toContainText("本机待发送：1 条");

  // A new build is deployed: its worker differs from the running one (here, the revision of one
  // precached file, as a changed file's would). It is served beside public/sw.js, so that no other
  // test's worker changes, and registered in its place, as a new build's /sw.js would be.
  const NEW_REVISION = "0123456789abcdef";
  const script = fs
    .readFileSync(path.join(ROOT, "public", "sw.js"), "utf8")
    .replace(/(url:"\/favicon\.svg",revision:")[0-9a-f]+"/, `$1${NEW_REVISION}"`);
  expect(script).toContain(NEW_REVISION);
  fs.writeFileSync(NEXT_BUILD_WORKER, script);
  try {
    await page.evaluate(
      (url) =>
        new Promise<void>((resolve, reject) => {
          navigator.serviceWorker.addEventListener("controllerchange", () => resolve(), {
            once: true,
          });
          setTimeout(() => reject(new Error("no new worker took over")), 30_000);
          navigator.serviceWorker.register(url, { scope: "/" }).catch(reject);
        }),
      `/${path.basename(NEXT_BUILD_WORKER)}`,
    );
    // The new worker precached its build (the file with the new revision) and took the page over.
    await expect
      .poll(() =>
        page.evaluate(async () => {
          const urls: string[] = [];
          for (const name of await caches.keys()) {
            for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
          }
          return urls.filter((url) => url.includes("favicon.svg"));
        }),
      )
      .toEqual([expect.stringContaining(NEW_REVISION)]);
  } finally {
    fs.rmSync(NEXT_BUILD_WORKER, { force: true });
  }

  // The write is still kept, and is sent once the signal is good again.
  await open(page, `/teams/${team}/logs`);
  await expect(outbox(page)).toContainText("本机待发送：1 条");
  expect(one<number>("select count(*) from work_logs where body = ?", body)).toBe(0);
  // Whoever sends it first (the page on load, its retry, the worker's Background Sync), it is
  // applied once.
  await context.unroute("**/*.data", noAnswer);
  await open(page, `/teams/${team}/logs`);
  await expect
    .poll(() => one<number>("select count(*) from work_logs where body = ?", body))
    .toBe(1);
  await expect(entries(page)).toHaveCount(0);
  await page.waitForTimeout(1_000);
  expect(one<number>("select count(*) from work_logs where body = ?", body)).toBe(1);
  await context.close();
});

/** Changes the server's database directly (another person's edit, the county ending a session). */
function write(sql: string, ...params: unknown[]) {
  const db = new SQLite(server.databaseFile, { fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

/** The person's kept pages (paths) with their text, as the worker stored them. */
function keptCopies(page: Page) {
  return page.evaluate(async () => {
    const kept: Record<string, string> = {};
    for (const name of await caches.keys()) {
      if (!name.startsWith("zhucun-pages-")) continue;
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        kept[new URL(request.url).pathname] = (await (await cache.match(request))!.text()) ?? "";
      }
    }
    return kept;
  });
}

/** Holds the page's data requests for `path` until `release` is called (a slow round trip). */
async function holdData(context: BrowserContext, path: string) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const pattern = `**${path}.data*`;
  const held: string[] = [];
  await context.route(pattern, async (route) => {
    held.push(route.request().url());
    await released;
    await route.continue();
  });
  return { held, release: () => release(), stop: () => context.unroute(pattern) };
}

const REFRESHING = /^显示 \d\d:\d\d 保存的副本，正在刷新…$/;

test("online, a kept page opens from the phone's copy, says so, and shows the server's data within a round trip, without a reload", async ({
  browser,
}) => {
  test.slow();
  const context = await signedInContext(browser, server, "weijia");
  const page = await context.newPage();
  const village = villageOf("魏家村");
  const cases = `/villages/${village}/cases`;
  const cardId = await newCase(page, "副本测试：张婶家的水管冻裂");
  await open(page, "/me");
  await keptForOffline(page);
  // Seen once more online, the copy has the new case (the worker refreshes it each time).
  await open(page, cases);
  await expect(page.locator("body")).not.toHaveAttribute("data-offline-note", { timeout: 20_000 });
  await expect
    .poll(async () => (await keptCopies(page))[cases], { timeout: 20_000 })
    .toContain("副本测试：张婶家的水管冻裂");

  // Meanwhile someone renames the case on the server.
  write("update cards set title = ? where id = ?", "副本测试：张婶家水管已修好", cardId);

  // The page's own data request takes its time (a slow network); the copy answers at once.
  const data = await holdData(context, cases);
  await page.goto(cases);
  const body = page.locator("body");
  await expect(body).toHaveAttribute("data-offline-note", REFRESHING);
  // Drawn by CSS from the attribute: visible before and without any script.
  expect(await page.evaluate(() => getComputedStyle(document.body, "::before").content)).toMatch(
    /显示 \d\d:\d\d 保存的副本，正在刷新…/,
  );
  const card = (title: string) => page.getByRole("link", { name: title, exact: true });
  await expect(card("副本测试：张婶家的水管冻裂")).toBeVisible();
  await waitForHydration(page);
  // Hydrated from the copy; the same document is then brought up to date (no reload).
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
  await expect.poll(() => data.held.length, { timeout: 20_000 }).toBeGreaterThan(0);
  await expect(body).toHaveAttribute("data-offline-note", REFRESHING);
  data.release();
  await expect(card("副本测试：张婶家水管已修好")).toBeVisible({ timeout: 20_000 });
  await expect(card("副本测试：张婶家的水管冻裂")).toHaveCount(0);
  await expect(body).not.toHaveAttribute("data-offline-note");
  await expect(body).not.toHaveAttribute("data-offline-copy");
  expect(
    await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument),
  ).toBe(true);
  await data.stop();
  // The worker refreshed its copy too: offline now, the page is as the server drew it last.
  expect((await keptCopies(page))[cases]).toContain("副本测试：张婶家水管已修好");
  // Back to the server's pages: links are the router's again (no whole page loads).
  await page
    .getByRole("navigation", { name: "村庄栏目" })
    .getByRole("link", { name: "贫困户", exact: true })
    .click();
  await expect(page).toHaveURL(new RegExp(`${village}/households$`));
  expect(
    await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument),
  ).toBe(true);
  await context.close();
});

test("a session the county ended while the phone kept its pages: the copy goes at the first answer, and sign-in shows", async ({
  browser,
}) => {
  test.slow();
  const context = await signedInContext(browser, server, "weijia");
  const page = await context.newPage();
  await open(page, "/me");
  await keptForOffline(page);
  const weijia = userId("weijia");

  // Ended on the server (as the admin's "end sessions" does), the phone not told.
  write(
    "update sessions set ended_at = ?, ended_reason = 'admin' where user_id = ? and ended_at is null",
    new Date().toISOString(),
    weijia,
  );
  // The page's own data request is held: the worker's answer alone withdraws the copy.
  const data = await holdData(context, "/me");
  await page.goto("/me");
  // The copy may show for one round trip; then the server's answer: sign in again, and why.
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fme&ended=admin$/, { timeout: 20_000 });
  await expect(page.getByRole("button", { name: "登录" })).toBeVisible();
  await expect(page.locator("body")).not.toHaveAttribute("data-offline-note");
  // Nothing of the person is left on the phone.
  await expect.poll(() => keptCopies(page)).toEqual({});
  await data.stop();
  data.release();
  await context.setOffline(true);
  await page.goto("/me");
  await expect(page.getByRole("heading", { level: 1, name: "离线" })).toBeVisible();
  await context.close();
});

async function signInOn(page: Page, username: string) {
  await page.goto("/login");
  await waitForHydration(page);
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await waitForHydration(page);
}
