import type { Locator, Page } from "@playwright/test";
import {
  expect,
  expectAccessible,
  ON_A_PHONE,
  postForm,
  signedInAs,
  storageStateFor,
  test,
  waitForFreshPage,
  waitForHydration,
} from "./fixtures";

const column = (page: Page, name: string) =>
  page.locator("section.board-column", {
    has: page.getByRole("heading", { level: 3, name: new RegExp(`^${name}`) }),
  });
const cardIn = (scope: Locator | Page, title: string) => {
  const page = "page" in scope ? scope.page() : scope;
  return scope
    .locator("li.board-card")
    .filter({ has: page.getByRole("link", { name: title, exact: true }) });
};

/** Resolves once the server has answered a card move: reload only after it, or the page may show the board from before. */
const moveSaved = (page: Page) =>
  page.waitForResponse(
    (r) => r.request().method() === "POST" && new URL(r.url()).pathname.startsWith("/cards/"),
  );

async function openBoard(page: Page, village: string, tab: "项目" | "服务个案") {
  await page.goto(`/villages?q=${village}`);
  await page.getByRole("link", { name: village }).click();
  await page.getByRole("navigation", { name: "村庄栏目" }).getByRole("link", { name: tab }).click();
  await expect(page.getByRole("link", { name: tab, exact: true })).toHaveAttribute(
    "aria-current",
    "page",
  );
}

// These tests move 魏家村's and 下纳岭村's cards: one after another, on the desktop project.
test.describe.configure({ mode: "serial" });

test.describe("the work team of 魏家村 on its project board", () => {
  test.use(signedInAs("weijia"));

  // CI retries a failed serial group from its first test, on the same server: the pig project is
  // put back where the first test expects it, and what the tests create is named by the try.
  test.beforeAll(async ({ browser }, testInfo) => {
    if (testInfo.retry === 0) return;
    const context = await browser.newContext({
      storageState: storageStateFor("weijia"),
      locale: "zh-CN",
    });
    const page = await context.newPage();
    await openBoard(page, "魏家村", "项目");
    await waitForHydration(page);
    const title = "绿色高效养猪项目（贫困户全覆盖）";
    if ((await cardIn(column(page, "实施中"), title).count()) === 0) {
      const card = cardIn(page, title);
      await card.getByText("移动到…").click();
      await card.getByLabel("栏目").selectOption({ label: "实施中" });
      const saved = moveSaved(page);
      await card.getByRole("button", { name: "移动" }).click();
      expect((await saved).ok()).toBe(true);
      await expect(cardIn(column(page, "实施中"), title)).toBeVisible();
    }
    await context.close();
  });

  test("drags a card with the mouse to another column; it stays there after a reload", async ({
    page,
  }) => {
    await openBoard(page, "魏家村", "项目");
    await waitForHydration(page);
    const title = "绿色高效养猪项目（贫困户全覆盖）";
    const card = cardIn(column(page, "实施中"), title);
    await expect(card).toBeVisible();
    // The handle comes with the drag layer, loaded after hydration.
    const handle = card.getByRole("button", { name: `拖动「${title}」` });
    await expect(handle).toBeVisible();
    const target = column(page, "验收").locator("ol.card-list");
    const from = (await handle.boundingBox())!;
    const to = (await target.boundingBox())!;
    const saved = moveSaved(page);
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + 20, from.y + 20, { steps: 5 });
    await page.mouse.move(to.x + to.width / 2, to.y + 20, { steps: 15 });
    await page.mouse.up();
    await expect(cardIn(column(page, "验收"), title)).toBeVisible();
    expect((await saved).ok()).toBe(true);
    await page.reload();
    await expect(cardIn(column(page, "验收"), title)).toBeVisible();
    await expect(cardIn(column(page, "实施中"), title)).toHaveCount(0);
  });

  test("drag and drop arrives after the page: the server draws no handle, the drag layer brings them", async ({
    page,
  }) => {
    await openBoard(page, "魏家村", "项目");
    // The page as the server sends it: each movable card keeps the handle's place, empty.
    const html = await (await page.request.get(page.url())).text();
    expect(html).not.toContain("drag-handle");
    expect(html).toContain('class="drag-slot"');
    await waitForHydration(page);
    const slots = page.locator("li.board-card .drag-slot");
    const handles = page.getByRole("button", { name: /^拖动「/ });
    await expect(handles.first()).toBeVisible();
    await expect(handles).toHaveCount(await slots.count());
    // dnd-kit came as a chunk of its own, after the page's scripts.
    const scripts = await page.evaluate(() =>
      performance
        .getEntriesByType("resource")
        .map((entry) => entry.name)
        .filter((name) => name.endsWith(".js")),
    );
    const layer = scripts.findIndex((name) => /board-dnd\.client/.test(name));
    expect(layer).toBeGreaterThan(0);
  });

  test("moves a card with the keyboard, and Escape puts a picked-up card back", async ({
    page,
  }) => {
    await openBoard(page, "魏家村", "项目");
    await waitForHydration(page);
    const title = "绿色高效养猪项目（贫困户全覆盖）";
    const handle = cardIn(page, title).getByRole("button", { name: `拖动「${title}」` });
    await expect(handle).toBeVisible();

    // Pick up, move, cancel: nothing changes.
    await handle.focus();
    await page.keyboard.press("Space");
    await expect(page.getByText(/已拿起「绿色高效养猪项目/)).toBeAttached();
    await page.keyboard.press("ArrowRight");
    await expect(page.getByText(/移到「见效」/)).toBeAttached();
    await page.keyboard.press("Escape");
    await expect(page.getByText(/已取消移动，「绿色高效养猪项目.*」回到「验收」/)).toBeAttached();
    await expect(cardIn(column(page, "验收"), title)).toBeVisible();
    await expect(cardIn(column(page, "验收"), title)).toHaveCSS("transform", "none");

    // Pick up, one column right, drop: it is saved. (On a fresh page: under CI load a Space
    // pressed while the cancelled drag was still settling was sometimes not taken as a pick-up.
    // The reload is answered from the page's kept copy, which then reads its data again: an arrow
    // pressed while that re-rendered the board was once not taken as a move.)
    await page.reload();
    await waitForFreshPage(page);
    await expect(handle).toBeVisible();
    await handle.focus();
    await page.keyboard.press("Space");
    await expect(page.getByText(/已拿起「绿色高效养猪项目/)).toBeAttached();
    await page.keyboard.press("ArrowRight");
    await expect(page.getByText(/移到「见效」/)).toBeAttached();
    const saved = moveSaved(page);
    await page.keyboard.press("Space");
    await expect(cardIn(column(page, "见效"), title)).toBeVisible();
    await expect(page.getByText(/已放下「绿色高效养猪项目.*」：「见效」第/)).toBeAttached();
    expect((await saved).ok()).toBe(true);
    await page.reload();
    await expect(cardIn(column(page, "见效"), title)).toBeVisible();
  });

  test("a stale move is refused with a message and the board shows what the server holds", async ({
    page,
    browser,
  }) => {
    await openBoard(page, "魏家村", "项目");
    await waitForHydration(page);
    const title = "绿色高效养猪项目（贫困户全覆盖）";
    // The county admin moves the same card meanwhile, in another browser.
    const context = await browser.newContext({
      storageState: storageStateFor("county"),
      locale: "zh-CN",
    });
    const other = await context.newPage();
    await other.goto(page.url());
    await waitForHydration(other);
    const theirs = cardIn(other, title);
    await theirs.getByText("移动到…").click();
    await theirs.getByLabel("栏目").selectOption({ label: "提议" });
    const saved = moveSaved(other);
    await theirs.getByRole("button", { name: "移动" }).click();
    await expect(cardIn(column(other, "提议"), title)).toBeVisible();
    expect((await saved).ok()).toBe(true);
    await context.close();

    const mine = cardIn(page, title);
    await mine.getByText("移动到…").click();
    await mine.getByLabel("栏目").selectOption({ label: "验收" });
    // Refused (409): the board's data is loaded again, unlike after a move answered in place.
    const reloaded = page.waitForResponse(
      (r) => r.request().method() === "GET" && new URL(r.url()).pathname.endsWith("/projects.data"),
    );
    await mine.getByRole("button", { name: "移动" }).click();
    expect((await reloaded).ok()).toBe(true);
    await expect(page.getByRole("alert").filter({ hasText: "未能移动" })).toContainText(
      "这张卡片刚被别人修改或移动过",
    );
    await expect(cardIn(column(page, "提议"), title)).toBeVisible();
    await expect(cardIn(column(page, "验收"), title)).toHaveCount(0);
  });

  test("registers a case: bad input is refused with the typed values kept", async ({
    page,
  }, testInfo) => {
    const title = `冬季送煤上门${testInfo.retry ? `（${testInfo.retry}）` : ""}`;
    await openBoard(page, "魏家村", "服务个案");
    await page.getByRole("link", { name: "登记服务个案" }).click();
    await expect(page.getByRole("heading", { level: 2, name: "登记服务个案" })).toBeVisible();
    await waitForHydration(page);
    await page.getByLabel("类别").selectOption({ label: "养老照护" });
    await page.getByLabel("当事人").fill("独居老人");
    await page.getByLabel("完成期限").fill("1999-01-01");
    await page.getByRole("button", { name: "登记服务个案" }).click();
    await expect(page.getByText("请填写此项。")).toBeVisible();
    await expect(page.getByText("日期须在 2014-01-01 至 2035-12-31 之间。")).toBeVisible();
    await expect(page.getByLabel("当事人")).toHaveValue("独居老人");
    await page.getByLabel("标题").fill(title);
    await page.getByLabel("完成期限").fill("2020-12-20");
    await page.getByRole("checkbox").first().check();
    await page.getByRole("button", { name: "登记服务个案" }).click();
    await expect(page.getByText("已添加卡片。")).toBeVisible();
    await expect(cardIn(column(page, "登记"), title)).toContainText("独居老人");
  });

  test("a comment posts once, however often it is sent, and the box empties once saved", async ({
    page,
  }) => {
    await openBoard(page, "魏家村", "服务个案");
    await page.locator("li.board-card .card-title a, li.board-card a").first().click();
    await waitForHydration(page);
    // Counted once the card's page is there (the link opens it in the page, after hydration).
    await expect(page.getByLabel("添加评论")).toBeVisible();
    const comments = page.getByRole("region", { name: "评论" }).locator("ul.opinions > li");
    const before = await comments.count();
    const box = page.getByLabel("添加评论");
    const text = `已电话回访 ${Date.now()}`;

    // An empty comment is refused; nothing is posted.
    await page.getByRole("button", { name: "发表评论" }).click();
    await expect(page.getByText("请填写此项。")).toBeVisible();

    await box.fill(text);
    await page.getByRole("button", { name: "发表评论" }).dblclick();
    await expect(comments.filter({ hasText: text })).toHaveCount(1);
    await expect(box).toHaveValue("");
    await expect(comments).toHaveCount(before + 1);

    // The same form sent again (a resend without JavaScript carries the same request id): still one.
    const requestId = await page.locator("input[name=requestId]").inputValue();
    const resent = `重发 ${Date.now()}`;
    const again = { intent: "comment", formId: "comment", body: resent, requestId };
    expect((await postForm(page, page.url(), again)).status()).toBeLessThan(400);
    expect((await postForm(page, page.url(), again)).status()).toBeLessThan(400);
    await page.reload();
    await expect(comments.filter({ hasText: resent })).toHaveCount(1);
  });

  test("archives a card and restores it; the history keeps every step", async ({ page }) => {
    await openBoard(page, "魏家村", "项目");
    await page.getByRole("link", { name: "扶贫车间（手工编织）", exact: true }).click();
    await page.getByRole("button", { name: "归档" }).click();
    await expect(page.getByText("已归档", { exact: true })).toBeVisible();
    await page.getByRole("link", { name: "项目看板" }).click();
    await expect(page.getByRole("link", { name: "扶贫车间（手工编织）", exact: true })).toHaveCount(
      0,
    );
    await page.getByRole("link", { name: "查看已归档" }).click();
    await page.getByRole("link", { name: "扶贫车间（手工编织）", exact: true }).click();
    await page.getByRole("button", { name: "恢复到看板" }).click();
    const history = page.getByRole("region", { name: "全部记录" });
    await expect(history.locator("li").nth(0)).toContainText("恢复到看板");
    await expect(history.locator("li").nth(1)).toContainText("归档");
    await page.getByRole("link", { name: "项目看板" }).click();
    await expect(
      page.getByRole("link", { name: "扶贫车间（手工编织）", exact: true }),
    ).toBeVisible();
    await expectAccessible(page);
  });
});

test.describe("without JavaScript", () => {
  test.use({ ...signedInAs("xianaling"), javaScriptEnabled: false });

  test("“move to…” leads to the card's move form, which moves the case and comes back to the board", async ({
    page,
  }) => {
    await openBoard(page, "下纳岭村", "服务个案");
    const board = page.url();
    // The board carries a link per card, not a form per card.
    await expect(page.locator("li.board-card form")).toHaveCount(0);
    const first = page.locator("section.board-column").first().locator("li.board-card").first();
    const title = (await first.locator(".card-title").textContent())!;
    await first.getByRole("link", { name: `移动到… ${title}` }).click();
    const move = page.getByRole("region", { name: "移动卡片" });
    await move.getByLabel("栏目").selectOption({ label: "办结" });
    await move.getByLabel("位置").selectOption({ label: "最前" });
    await move.getByRole("button", { name: "移动" }).click();
    await expect(page).toHaveURL(board);
    await expect(column(page, "办结").locator("li.board-card").first()).toContainText(title);

    // Opened on its own (no board before it), the card page moves the card and stays on it.
    await page.locator("li.board-card .card-title", { hasText: title }).first().click();
    const card = page.url();
    await page.goto(card);
    await move.getByLabel("栏目").selectOption({ label: "登记" });
    await move.getByRole("button", { name: "移动" }).click();
    await expect(page).toHaveURL(`${card}?saved=move`);
    await expect(page.getByRole("status")).toHaveText("已保存。");
    await expect(page.locator("header p .badge").first()).toHaveText("登记");
  });
});

test.describe("the township leader of 大青沟镇", () => {
  test.use(signedInAs("daqinggou"));

  test("sees 魏家村's board but cannot move its cards, even with a forged POST @phone", async ({
    page,
  }) => {
    await openBoard(page, "魏家村", "项目");
    await expect(page.locator("li.board-card").first()).toBeVisible();
    await expect(page.getByRole("button", { name: /^拖动/ })).toHaveCount(0);
    await expect(page.getByText("移动到…")).toHaveCount(0);
    const href = await page.locator("li.board-card .card-title").first().getAttribute("href");
    const response = await postForm(page, href!, {
      intent: "move",
      cardId: href!.split("/").pop()!,
      column: "done",
      version: "1",
    });
    expect(response.status()).toBe(403);
    await expectAccessible(page);
  });
});

test.describe("the county", () => {
  test.use(signedInAs("county"));

  test("filters the county case board and groups it into swimlanes @phone", async ({ page }) => {
    await page.goto("/boards/cases");
    // Every card's hidden "移动到…" text stays inside the board's scroller: the page fits the
    // screen (it was 857 px wide on a 360 px phone). Against the viewport, not innerWidth.
    await expect(page.getByText("移动到…").first()).toBeAttached();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(page.viewportSize()?.width ?? 0);
    const summary = page.getByText(/^共 \d+ 张卡片/);
    await expect(summary).toContainText(/共 \d+ 张卡片/);
    const all = Number((await summary.textContent())!.match(/共 (\d+)/)![1]);
    await page.getByLabel("乡镇").selectOption({ label: "大青沟镇" });
    await page.getByLabel("分组（泳道）").selectOption({ label: "按工作队（村）" });
    await page.getByRole("button", { name: "应用筛选" }).click();
    await expect(page).toHaveURL(/lanes=village/);
    const lanes = page.locator("section.board-lane");
    await expect(lanes).toHaveCount(7);
    const filtered = Number((await summary.textContent())!.match(/共 (\d+)/)![1]);
    expect(filtered).toBeLessThan(all);
    await expect(lanes.getByRole("heading", { level: 2 }).first()).toBeVisible();
    await page.getByLabel("只看逾期").check();
    await page.getByRole("button", { name: "应用筛选" }).click();
    await expect(page.locator("li.board-card:not(.is-overdue)")).toHaveCount(0);
  });

  test("a move is answered in place: only its POST goes out, and the card and the counts show it", async ({
    page,
  }) => {
    await page.goto("/boards/cases");
    await waitForHydration(page);
    const from = column(page, "登记");
    const to = column(page, "处理中");
    const count = async (c: Locator) =>
      Number(
        await c
          .locator(".column-count")
          .first()
          .textContent()
          .then((text) => text!.match(/\d+/)![0]),
      );
    const [fromBefore, toBefore] = [await count(from), await count(to)];
    const card = from.locator("li.board-card").first();
    const id = (await card.locator("a.card-title").getAttribute("href"))!.split("/").pop()!;
    const moved = (scope: Locator) =>
      scope.locator(`li.board-card:has(a.card-title[href="/cards/${id}"])`);
    const requests: string[] = [];
    page.on("request", (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
    await card.getByText("移动到…").click();
    await card.getByLabel("栏目").selectOption({ label: "处理中" });
    const saved = moveSaved(page);
    await card.getByRole("button", { name: "移动" }).click();
    const answer = await saved;
    expect(answer.ok()).toBe(true);
    await expect(moved(to)).toBeVisible();
    await expect(moved(from)).toHaveCount(0);
    await expect.poll(() => count(to)).toBe(toBefore + 1);
    expect(await count(from)).toBe(fromBefore - 1);
    // A reload of the page's data would follow the answer at once: none comes.
    await page.waitForTimeout(1500);
    expect(requests.filter((r) => !r.startsWith("GET /build/"))).toEqual([
      `POST /cards/${id}.data`,
    ]);
    // Moved again from its form, still open under it (with the version the move was answered
    // with), then the server's own board agrees.
    await moved(to).getByLabel("栏目").selectOption({ label: "已解决" });
    // At the top: after the reload the column shows its first 20 cards only.
    await moved(to).getByLabel("位置").selectOption({ label: "最前" });
    const again = moveSaved(page);
    await moved(to).getByRole("button", { name: "移动" }).click();
    expect((await again).ok()).toBe(true);
    await expect(moved(column(page, "已解决"))).toBeVisible();
    await page.reload();
    await expect(moved(column(page, "已解决"))).toBeVisible();
    expect(await count(from)).toBe(fromBefore - 1);
  });

  test("a column shows its first 20 cards; “more” shows 20 more, kept in the URL with the filters", async ({
    page,
  }) => {
    await page.goto("/boards/cases");
    const columns = page.locator("section.board-column");
    await expect(columns.first()).toBeVisible();
    // The fullest column.
    let fullest = 0;
    let most = 0;
    for (const [i, c] of (await columns.all()).entries()) {
      const count = Number(/^\d+/.exec(await c.locator(".column-count").innerText())![0]);
      if (count > most) [fullest, most] = [i, count];
    }
    expect(most).toBeGreaterThan(20);
    const full = columns.nth(fullest);
    await expect(full.locator("li.board-card")).toHaveCount(20);
    await full.getByRole("link", { name: `再显示 ${Math.min(20, most - 20)} 张` }).click();
    await expect(page).toHaveURL(/[?&]more=[a-z_]+%3A40/);
    await expect(full.locator("li.board-card")).toHaveCount(Math.min(40, most));
    // The other columns keep their first cards.
    for (const [i, c] of (await columns.all()).entries()) {
      if (i !== fullest) expect(await c.locator("li.board-card").count()).toBeLessThanOrEqual(20);
    }
    // A filter applied after keeps the column's count, and a stale count is clamped, not refused.
    const url = new URL(page.url());
    url.searchParams.set("more", `${url.searchParams.get("more")},closed:9999,nowhere:5`);
    await page.goto(url.pathname + url.search);
    await expect(full.locator("li.board-card")).toHaveCount(Math.min(40, most));
    // "Show all": a county's board is drawn whole, every column every card, without "more".
    await full.getByRole("link", { name: /^显示全部 \d+ 张$/ }).click();
    await expect(page).toHaveURL(/[?&]all=1/);
    await expect(page).not.toHaveURL(/more=/);
    for (const c of await columns.all()) {
      const count = Number(/^\d+/.exec(await c.locator(".column-count").innerText())![0]);
      await expect(c.locator("li.board-card")).toHaveCount(count);
    }
    await expect(page.getByRole("link", { name: /^再显示/ })).toHaveCount(0);
    await expect(page.locator("[data-drawing]")).toHaveCount(0);
    // The page itself draws each column's first 20 (the browser draws the rest from the cards the
    // page holds); without JavaScript each longer column offers "more", which leaves "show all".
    const html = await (await page.request.get(page.url())).text();
    const sections = html.split('class="board-column').slice(1);
    expect(sections).toHaveLength(5);
    for (const section of sections) {
      const count = Number(/class="column-count">([\d,]+)/.exec(section)![1]!.replace(/,/g, ""));
      expect(section.split('class="board-card').length - 1).toBe(Math.min(20, count));
      if (count > 20) {
        expect(section).toContain(`再显示 ${Math.min(20, count - 20)} 张`);
        expect(section).not.toMatch(/href="[^"]*all=1/);
      }
    }
    expect(html).toContain("data-drawing");
  });

  test("a county-wide column says its limit is each village's, and counts the villages over it", async ({
    page,
  }) => {
    await page.goto("/boards/cases");
    const heading = page.getByRole("heading", { level: 3, name: /^处理中/ });
    await expect(heading).toHaveText(/^处理中 \d+（每村上限 5）$/);
    // One village's board: that village's limit, in words, not "n / 5".
    await openBoard(page, "魏家村", "服务个案");
    await expect(page.getByRole("heading", { level: 3, name: /^处理中/ })).toHaveText(
      /^处理中 \d+（上限 5）$/,
    );
  });
});

test.describe("the work team of 魏家村 on a 360 px phone", () => {
  test.use({ ...signedInAs("weijia"), ...ON_A_PHONE });

  test("one column at a time: opens on the working column, switches, moves a card with the bottom sheet", async ({
    page,
  }) => {
    await openBoard(page, "魏家村", "项目");
    await waitForHydration(page);
    const switcher = page.getByRole("navigation", { name: "看板栏目" });
    await expect(switcher).toBeVisible();
    // It opens on "in progress" if that holds cards, else on the first column that does (the
    // tests before this one may have emptied it); that column alone fills the board's width.
    const names = ["提议", "论证立项", "实施中", "验收", "见效"];
    const counts: number[] = [];
    for (const name of names) {
      const link = switcher.getByRole("link", { name: new RegExp(`^${name}`) });
      counts.push(Number(await link.locator(".switcher-count").textContent()));
    }
    const opening = counts[2]! > 0 ? "实施中" : names[counts.findIndex((n) => n > 0)]!;
    const current = switcher.locator('a[aria-current="true"]');
    await expect(current).toContainText(opening);
    const working = column(page, opening);
    await expect(working).toBeInViewport({ ratio: 0.9 });
    const other = names.find((n) => n !== opening)!;
    await expect(column(page, other)).not.toBeInViewport();
    const count = counts[names.indexOf(opening)]!;
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      360,
    );

    // The switcher shows another column, and back.
    await switcher.getByRole("link", { name: new RegExp(`^${other}`) }).click();
    await expect(column(page, other)).toBeInViewport({ ratio: 0.9 });
    await expect(switcher.locator('a[aria-current="true"]')).toContainText(other);
    await switcher.getByRole("link", { name: new RegExp(`^${opening}`) }).click();
    await expect(working).toBeInViewport({ ratio: 0.9 });

    // "Move to…" opens a bottom sheet of large column buttons; a tap moves the card.
    const card = working.locator("li.board-card").first();
    const title = (await card.locator(".card-title").textContent())!;
    const moveTo = card.locator(".move-to-toggle");
    const toggleBox = (await moveTo.boundingBox())!;
    expect(toggleBox.height).toBeGreaterThanOrEqual(44);
    await moveTo.click();
    const sheet = page.getByRole("dialog", { name: `把「${title}」移动到` });
    await expect(sheet).toBeVisible();
    await expect(sheet.getByRole("button", { name: new RegExp(`^${opening}`) })).toBeDisabled();
    const target = sheet.getByRole("button", { name: other, exact: true });
    expect((await target.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    const saved = moveSaved(page);
    await target.click();
    await expect(sheet).toBeHidden();
    await expect(page.getByRole("status").filter({ hasText: "已移到" })).toHaveText(
      `「${title}」已移到「${other}」。`,
    );
    await expect(switcher.getByRole("link", { name: new RegExp(`^${opening}`) })).toContainText(
      String(count - 1),
    );
    expect((await saved).status()).toBe(200);
    await page.reload();
    await expect(cardIn(column(page, other), title)).toHaveCount(1);
    // The sheet is the hydrated page's: before that (its scripts start after the first paint),
    // "move to…" is the plain link to the card's own move form.
    await waitForHydration(page);

    // And back, so the board is as the other tests found it.
    await switcher.getByRole("link", { name: new RegExp(`^${other}`) }).click();
    await cardIn(column(page, other), title).locator(".move-to-toggle").click();
    const back = moveSaved(page);
    await page
      .getByRole("dialog", { name: `把「${title}」移动到` })
      .getByRole("button", { name: opening, exact: true })
      .click();
    expect((await back).status()).toBe(200);
    await expectAccessible(page);
  });
});
