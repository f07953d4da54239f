import ExcelJS from "exceljs";
import {
  expect,
  expectAccessible,
  signedInAs,
  storageStateFor,
  test,
  waitForHydration,
} from "./fixtures";

test.describe("county", () => {
  test.use(signedInAs("county"));

  test("lands on the dashboard, sees 14 townships, drills into 大青沟镇 then 魏家村 @phone", async ({
    page,
  }) => {
    // Axe over a page of large tables: slow on a busy 2-core machine, not in the app.
    test.slow();
    await page.goto("/");
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(
      page.getByRole("heading", { level: 1, name: "全县脱贫出列进度看板" }),
    ).toBeVisible();
    await waitForHydration(page);
    const byTownship = page.getByRole("region", { name: "各乡镇进度" });
    await expect(byTownship.locator("table.data-table > tbody > tr")).toHaveCount(14);
    // The total row adds up the 89 villages; the headline says the same.
    await expect(byTownship.locator("tfoot td").first()).toHaveText("89");
    await expect(page.locator(".headline")).toContainText("/ 89");
    await expectAccessible(page);

    await byTownship.getByRole("link", { name: "大青沟镇", exact: true }).click();
    await expect(page).toHaveURL(/\/dashboard\?township=/);
    await expect(
      page.getByRole("heading", { level: 1, name: "大青沟镇脱贫出列进度看板" }),
    ).toBeVisible();
    const byVillage = page.getByRole("region", { name: "各村进度" });
    await expect(byVillage.locator("table.data-table > tbody > tr")).toHaveCount(7);
    await byVillage.getByRole("link", { name: "魏家村", exact: true }).click();
    await expect(page).toHaveURL(/\/villages\/[^/]+$/);
    await expect(page.getByRole("heading", { level: 1, name: /魏家村/ })).toBeVisible();
  });

  test("on a phone the charts load and draw only when scrolled to", async ({ page }) => {
    await page.setViewportSize({ width: 360, height: 740 });
    const chartScripts: string[] = [];
    page.on("request", (r) => {
      if (/progress-chart/.test(r.url())) chartScripts.push(r.url());
    });
    await page.goto("/dashboard");
    await waitForHydration(page);
    // Far below the first screen: neither the chart's code nor its drawing yet.
    await page.waitForLoadState("networkidle");
    expect(chartScripts).toEqual([]);
    await expect(page.locator(".chart canvas")).toHaveCount(0);
    const first = page.locator(".chart-box").first();
    await first.scrollIntoViewIfNeeded();
    await expect(first.locator(".chart canvas").first()).toBeVisible();
    expect(chartScripts).toHaveLength(1);
    // The trends' charts further down are still not drawn.
    await expect(page.locator(".chart-box").nth(2).locator("canvas")).toHaveCount(0);
  });

  test("every figure links to the villages behind it", async ({ page }) => {
    await page.goto("/dashboard");
    const exited = page.locator(".headline").getByRole("link").first();
    const [count] = ((await exited.innerText()).match(/\d+/) ?? ["-1"]).map(Number);
    await exited.click();
    await expect(page.getByRole("heading", { level: 1, name: "已出列的村" })).toBeVisible();
    await expect(
      page.getByRole("region", { name: "已出列的村" }).locator("table.data-table > tbody > tr"),
    ).toHaveCount(count!);
    // At risk: the table on the dashboard shows the first ones; the list has them all.
    await page.goto("/dashboard/villages?figure=at_risk");
    const atRisk = await page
      .getByRole("region", { name: "有出列风险的村" })
      .locator("table.data-table > tbody > tr")
      .count();
    await page.goto("/dashboard");
    await expect(
      page.getByRole("region", { name: "各乡镇进度" }).locator("tfoot td").nth(3),
    ).toHaveText(String(atRisk));
    // A trend's figure: the villages that had exited by the end of that year.
    const year2018 = page
      .getByRole("region", { name: "按年" })
      .getByRole("row", { name: /^2018/ })
      .locator("td")
      .nth(1);
    const exitedBy2018 = Number(await year2018.innerText());
    expect(exitedBy2018).toBeGreaterThan(0);
    await year2018.getByRole("link").click();
    await expect(
      page.getByRole("heading", { level: 1, name: "截至2018年底已出列的村" }),
    ).toBeVisible();
    await expect(page.locator("table.data-table > tbody > tr")).toHaveCount(exitedBy2018);
  });

  test("filters live in the URL and narrow every table", async ({ page }) => {
    await page.goto("/dashboard");
    await waitForHydration(page);
    await page.getByLabel("计划出列年份").selectOption("2018");
    await page.getByRole("button", { name: "应用筛选" }).first().click();
    await expect(page).toHaveURL(/target=2018/);
    const footer = page
      .getByRole("region", { name: "各乡镇进度" })
      .locator("table.data-table > tfoot td")
      .first();
    // The page has the filtered figures once the total is no longer all 89 villages.
    await expect(footer).not.toHaveText("89");
    const total = Number(await footer.innerText());
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(89);
    // The matrix lists the same villages (one page holds them all here).
    await expect(page.getByText(`共 ${total} 个村`)).toBeVisible();
  });

  test("the indicator matrix filters by an indicator's state; its counts lead there", async ({
    page,
  }) => {
    await page.goto("/dashboard");
    await waitForHydration(page);
    const matrix = page.getByRole("region", { name: "出列指标矩阵" });
    // The second count row: villages not meeting each indicator; the road is the second column.
    const roadNotMet = matrix.locator("thead tr.matrix-counts").nth(1).locator("td").nth(1);
    const n = Number(await roadNotMet.innerText());
    expect(n).toBeGreaterThan(0);
    await roadNotMet.getByRole("link").click();
    await expect(page).toHaveURL(/show=hardened_road\.not_met/);
    await expect(page.getByText(`共 ${n} 个村`)).toBeVisible();
    const rows = matrix.locator("tbody tr");
    await expect(rows).toHaveCount(n);
    const roads = rows.locator("td:nth-of-type(2)");
    // Read as words; the mark is drawn by the stylesheet, with an empty alternative.
    await expect(roads).toHaveText(Array(n).fill("未达标"));
    expect(
      await roads.evaluateAll((cells) =>
        cells.map((cell) => getComputedStyle(cell, "::after").content),
      ),
    ).toEqual(Array(n).fill('"✗" / ""'));

    // Across indicators: villages meeting every one have no cell left unmet.
    await page.getByLabel("显示").selectOption({ label: "各项指标均达标的村" });
    await page.getByRole("form", { name: "指标矩阵筛选" }).getByRole("button").click();
    await expect(page).toHaveURL(/show=met/);
    await expect(page.getByText(/共 \d+ 个村/)).not.toHaveText(`共 ${89} 个村`);
    await expect(rows.first()).toBeVisible();
    await expect(matrix.locator("tbody td.cell-not_met")).toHaveCount(0);
  });

  test("exports the dashboard's tables with the rows shown", async ({ page }) => {
    await page.goto("/dashboard");
    const byTownship = page.getByRole("region", { name: "各乡镇进度" });
    const names = (await byTownship.locator("tbody th").allInnerTexts()).map((s) => s.trim());
    const villages = (await byTownship.locator("tbody tr td:nth-of-type(1)").allInnerTexts()).map(
      (s) => Number(s.trim()),
    );
    const atRisk = Number(await byTownship.locator("tfoot td").nth(3).innerText());
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "导出 Excel" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^进度总览-全县-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(await download.path());
    expect(book.worksheets.map((w) => w.name)).toEqual([
      "各乡镇进度",
      "有风险的村",
      "按年",
      "按月",
      "出列指标矩阵",
    ]);
    const sheet = book.worksheets[0]!;
    expect(sheet.rowCount).toBe(1 + 14 + 1);
    const column = (n: number) =>
      Array.from({ length: 14 }, (_, i) => sheet.getRow(i + 2).getCell(n).value);
    expect(column(1)).toEqual(names);
    expect(column(2)).toEqual(villages);
    expect(book.worksheets[1]!.rowCount).toBe(1 + atRisk);
    expect(book.worksheets[4]!.rowCount).toBe(1 + 89);
    // A township that is not there is a 404 before any of the file is sent.
    const missing = await page.request.get("/dashboard.xlsx?township=nowhere");
    expect(missing.status()).toBe(404);
  });

  test("reads without JavaScript: the tables carry every figure", async ({ browser }) => {
    const context = await browser.newContext({
      storageState: storageStateFor("county"),
      javaScriptEnabled: false,
      locale: "zh-CN",
    });
    const page = await context.newPage();
    await page.goto("/dashboard");
    await expect(
      page.getByRole("region", { name: "各乡镇进度" }).locator("table.data-table > tbody > tr"),
    ).toHaveCount(14);
    await expect(page.locator(".chart canvas")).toHaveCount(0);
    await expect(
      page.getByRole("region", { name: "按年" }).locator("table.data-table > tbody > tr").first(),
    ).toBeVisible();
    await context.close();
  });
});

test.describe("the county in English", () => {
  test.use({ ...signedInAs("county"), locale: "en-US" });

  test("places carry their pinyin beside the Chinese name", async ({ page }) => {
    await page.goto("/dashboard");
    const byTownship = page.getByRole("region", { name: "Progress by township" });
    await expect(byTownship.locator("tbody th").first()).toHaveText(/^南壕堑镇\s*Nánháoqiàn Zhèn$/);
    await byTownship.getByRole("link", { name: "大青沟镇", exact: true }).click();
    await expect(page.getByRole("region", { name: "Progress by village" })).toContainText(
      "Wèijiā Cūn",
    );
  });
});

test.describe("daqinggou", () => {
  test.use(signedInAs("daqinggou"));

  test("sees only 大青沟镇, whatever the URL asks for @phone", async ({ page }) => {
    test.slow();
    await page.goto("/");
    await expect(page).toHaveURL(/\/dashboard$/);
    const heading = page.getByRole("heading", { level: 1, name: "大青沟镇脱贫出列进度看板" });
    await expect(heading).toBeVisible();
    await expect(page.getByLabel("乡镇", { exact: true })).toHaveCount(0);
    await expect(
      page.getByRole("region", { name: "各村进度" }).locator("table.data-table > tbody > tr"),
    ).toHaveCount(7);
    await expect(page.getByRole("region", { name: "各乡镇进度" })).toHaveCount(0);
    await page.goto("/dashboard?township=someone-else");
    await expect(heading).toBeVisible();
    // The export too: the leader's own township, named in the file, whatever the URL asks for.
    const xlsx = await page.request.get("/dashboard.xlsx?township=someone-else");
    expect(xlsx.status()).toBe(200);
    expect(decodeURIComponent(xlsx.headers()["content-disposition"] ?? "")).toContain(
      "进度总览-大青沟镇-",
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await xlsx.body()) as unknown as ArrayBuffer);
    expect(book.worksheets[0]!.rowCount).toBe(1 + 7 + 1);
    await waitForHydration(page);
    await expectAccessible(page);
  });
});

test.describe("a team member", () => {
  test.use(signedInAs("weijia"));

  test("has no dashboard", async ({ page }) => {
    const response = await page.goto("/dashboard");
    expect(response?.status()).toBe(404);
    const xlsx = await page.request.get("/dashboard.xlsx");
    expect(xlsx.status()).toBe(404);
  });
});
