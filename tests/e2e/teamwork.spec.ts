import { businessDay } from "./clock";
import ExcelJS from "exceljs";
import { pinyin } from "pinyin-pro";
import type { Browser, Page } from "@playwright/test";
import {
  expect,
  expectAccessible,
  signedInAs,
  storageStateFor,
  test,
  waitForHydration,
  type DemoUser,
} from "./fixtures";

/** Today and a later day as the server sees them: the demo's own calendar (app/utils/clock.ts). */
function chinaDate(offsetDays = 0) {
  return businessDay(offsetDays);
}

async function pageAs(browser: Browser, user: DemoUser): Promise<Page> {
  const context = await browser.newContext({
    storageState: storageStateFor(user),
    locale: "zh-CN",
  });
  return context.newPage();
}

test.describe("a cadre's week", () => {
  test.use(signedInAs("weijia"));

  test("weijia checks in, writes a log, gets 2 days of leave approved by daqinggou, submits the weekly report", async ({
    page: weijia,
    browser,
  }) => {
    test.slow();
    // CI retries a failed test on the same server: what the first attempt wrote is still there
    // (today's check-in, a leave request, the week's report), so a retry checks in only if it can,
    // asks for other days for another reason, and finds the report perhaps submitted already.
    const retry = test.info().retry;
    await weijia.goto("/");
    await expect(weijia).toHaveURL(/\/me$/);
    await waitForHydration(weijia);
    await expect(weijia.getByRole("heading", { level: 1, name: "我的驻村" })).toBeVisible();
    const checkIn = weijia.getByRole("button", { name: "今天在村，签到" });
    if (retry === 0 || (await checkIn.count()) > 0) await checkIn.click();
    await expect(weijia.getByRole("status").first()).toContainText("已签到");
    await expect(weijia.getByRole("button", { name: "今天在村，签到" })).toHaveCount(0);

    // A log entry, written in the village, about a household.
    await weijia.getByRole("link", { name: "写民情日记" }).click();
    await expect(weijia.getByRole("heading", { level: 1, name: "魏家村民情日记" })).toBeVisible();
    await waitForHydration(weijia);
    const entry = `入户走访，核实养猪项目分红（测试 ${Date.now()}）`;
    await weijia.getByLabel("内容").fill(entry);
    // The household is found by typing its head's pinyin initials, and the one match is chosen.
    const picker = weijia.getByRole("combobox", { name: "相关贫困户（可选）" });
    const third = (await picker.locator("option").nth(3).textContent())!;
    const [, name] = third.split(" ");
    const initials = pinyin(name!, { pattern: "first", toneType: "none", type: "array" }).join("");
    const everyone = await picker.locator("option").count();
    await weijia
      .getByRole("searchbox", { name: "搜索户主姓名、户编号或拼音首字母" })
      .fill(initials);
    await expect(weijia.getByText(/^找到 \d+ 户$/)).toBeVisible();
    expect(await picker.locator("option").count()).toBeLessThan(everyone);
    await expect(picker.locator("option", { hasText: third })).toHaveCount(1);
    await picker.selectOption({ label: third });
    await weijia.getByRole("button", { name: "保存日记" }).click();
    await expect(weijia.getByRole("status")).toContainText("日记已保存");
    await expect(weijia.locator(".log-list li").first()).toContainText(entry);
    // Saved, the form is empty for the next entry (a second click would not post it again).
    await expect(weijia.getByLabel("内容")).toHaveValue("");

    // Leave: ending before it starts is refused, and what was typed stays.
    await weijia.goto("/leave");
    await waitForHydration(weijia);
    const start = chinaDate(20 + 5 * retry);
    const end = chinaDate(21 + 5 * retry);
    const reason = ["家中老人住院", "孩子开学报到", "本人体检复查"][retry] ?? `请假 ${retry}`;
    await weijia.getByLabel("开始日期").fill(end);
    await weijia.getByLabel("结束日期").fill(start);
    await weijia.getByLabel("事由").fill(reason);
    await weijia.getByRole("button", { name: "提交申请" }).click();
    await expect(weijia.getByText("结束日期不能早于开始日期。")).toBeVisible();
    await expect(weijia.getByLabel("事由")).toHaveValue(reason);
    await weijia.getByLabel("开始日期").fill(start);
    await weijia.getByLabel("结束日期").fill(end);
    await weijia.getByRole("button", { name: "提交申请" }).click();
    await expect(weijia.getByRole("status")).toContainText("请假申请已提交");
    await expect(weijia.getByLabel("事由")).toHaveValue("");
    await expect(weijia.getByLabel("开始日期")).toHaveValue("");
    const mine = weijia.getByRole("region", { name: "请销假", exact: true });
    await expect(mine.getByRole("row").filter({ hasText: reason })).toContainText("待审批");
    await expect(mine.getByRole("row").filter({ hasText: reason })).toContainText("乡镇");

    // daqinggou decides it (two days: the township's call).
    const leader = await pageAs(browser, "daqinggou");
    await leader.goto("/leave");
    await waitForHydration(leader);
    // One request waits in 大青沟镇 (a retry: perhaps the first attempt's too).
    await expect(
      leader.getByRole("link", { name: retry ? /请销假\s*\d/ : /请销假\s*1/ }),
    ).toBeVisible();
    const row = leader.getByRole("row").filter({ hasText: reason });
    await expect(row).toContainText("魏家村");
    // The decision sits on its own full-width row under the request.
    const decision = row.locator("xpath=following-sibling::tr[1]");
    await decision.getByLabel("审批意见").fill("同意，注意安全");
    await decision.getByRole("button", { name: "批准" }).click();
    await expect(leader.getByRole("status")).toContainText("已批准");
    await expect(leader.getByRole("row").filter({ hasText: reason })).toContainText(
      "同意，注意安全",
    );
    await leader.context().close();

    await weijia.reload();
    await expect(weijia.getByRole("row").filter({ hasText: reason })).toContainText("已批准");

    // The weekly report opens with a draft from this week's records, including today's log.
    await weijia.getByRole("link", { name: "周报" }).click();
    await expect(weijia.getByRole("heading", { level: 1, name: "魏家村工作队周报" })).toBeVisible();
    await waitForHydration(weijia);
    const done = weijia.getByLabel("本周工作");
    // A report the first attempt submitted keeps its text; a draft has today's log in it.
    const submitted = retry > 0 && (await weijia.getByText(/于 .* 提交/).count()) > 0;
    if (!submitted) await expect(done).toHaveValue(new RegExp(entry.replace(/[()（）]/g, ".")));
    await done.fill(`${await done.inputValue()}\n本周完成猪舍验收准备。`);
    await weijia.getByRole("button", { name: submitted ? "保存修改" : "提交周报" }).click();
    await expect(weijia.getByRole("status")).toContainText("周报已提交");
    await expect(weijia.getByText(/于 .* 提交/)).toBeVisible();
    await expect(weijia.getByLabel("本周工作")).toHaveValue(/本周完成猪舍验收准备/);

    // The township sees it in the week's overview.
    const township = await pageAs(browser, "daqinggou");
    await township.goto("/reports/weekly");
    const teamRow = township.getByRole("row").filter({ hasText: "魏家村" });
    await expect(teamRow).not.toContainText("未报");
    await expect(teamRow).toContainText(/按时|迟报/);
    await township.context().close();
  });

  test("a check-in works without JavaScript, and a second one the same day is not offered", async ({
    browser,
  }) => {
    const context = await browser.newContext({
      storageState: storageStateFor("xianaling"),
      javaScriptEnabled: false,
    });
    const page = await context.newPage();
    // The same cadre has the page open on a second device, with JavaScript.
    const other = await pageAs(browser, "xianaling");
    await other.goto("/me");
    await waitForHydration(other);
    await page.goto("/me");
    // Without JavaScript there is no location to attach.
    await expect(page.getByLabel("附上我的位置（可选）")).toBeHidden();
    // A retry (CI, the same server) may find today's check-in made by the first attempt: then
    // neither device offers one, which is what the rest of the test checks.
    const checkIn = page.getByRole("button", { name: "今天在村，签到" });
    if (test.info().retry === 0 || (await checkIn.count()) > 0) {
      await checkIn.click();
      await expect(page.getByRole("status").first()).toContainText("已签到");

      // The second device's check-in is refused; the page redraws as checked in and the refusal
      // stays on screen until dismissed.
      await other.getByRole("button", { name: "今天在村，签到" }).click();
      const refusal = other.getByRole("alert").filter({ hasText: "已经签过到了" });
      await expect(refusal).toBeVisible();
      await expect(other.getByRole("status").filter({ hasText: "已签到" })).toBeVisible();
      await expect(refusal).toBeVisible();
      await refusal.getByRole("button", { name: "知道了" }).click();
      await expect(refusal).toHaveCount(0);
    }
    await other.context().close();
    await page.goto("/me");
    await expect(page.getByRole("button", { name: "今天在村，签到" })).toHaveCount(0);
    // A forgotten day needs a reason: refused with a message, nothing stored.
    await page.getByText("补登漏签的日期").click();
    await page.getByLabel("日期").fill(chinaDate(-1));
    await page.getByRole("button", { name: "补登", exact: true }).click();
    await expect(
      page.getByText("请填写此项。").or(page.getByText("补登需要写明原因。")),
    ).toBeVisible();
    await context.close();
  });
});

test.describe("county", () => {
  test.use(signedInAs("county"));

  test("reads last month's bulletin and exports the same rows to .xlsx", async ({ page }) => {
    // Two full tables and axe over them: slow on a busy 2-core machine, not in the app.
    test.slow();
    await page.goto("/reports/monthly");
    // The month in words ("2026年11月"), not "2026-11".
    await expect(
      page.getByRole("heading", { level: 1, name: /^\d{4}年\d{1,2}月 驻村工作月度通报$/ }),
    ).toBeVisible();
    const byTownship = page.getByRole("region", { name: "按乡镇" });
    // 14 townships and the total.
    await expect(byTownship.locator("tbody tr")).toHaveCount(14);
    await expect(byTownship.locator("tfoot")).toContainText("合计");
    await expect(page.getByRole("region", { name: "按工作队" }).locator("tbody tr")).toHaveCount(
      89,
    );
    await expect(page.getByText("通报按工作队和乡镇统计，不对个人打分或排名。")).toBeVisible();
    const followUp = await page.locator("#follow-up + *").locator("li").count();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "导出 Excel" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^月度通报-\d{4}-\d{2}\.xlsx$/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(await download.path());
    expect(book.worksheets.map((w) => w.name)).toEqual([
      "按乡镇",
      "按工作队",
      "需跟进的工作队（有队员在村天数不足）",
    ]);
    // Each sheet says what it is: title with the month, the rule, the scope; then the table.
    const [sheet, teamsSheet, followSheet] = book.worksheets;
    expect(String(sheet!.getRow(1).getCell(1).value)).toMatch(
      /^尚义县驻村工作月度通报（\d{4}年\d{1,2}月）$/,
    );
    expect(String(sheet!.getRow(2).getCell(1).value)).toContain("每月不少于 20 天");
    expect(String(sheet!.getRow(3).getCell(1).value)).toMatch(/^范围：全县。/);
    const headers = (sheet!.getRow(5).values as unknown[]).slice(1).map(String);
    expect(headers).toContain("按时周报（份）");
    expect(headers).toContain("应报周报（份）");
    expect(sheet!.rowCount).toBe(5 + 14 + 1);
    expect(teamsSheet!.rowCount).toBe(5 + 89);
    expect(followSheet!.rowCount).toBe(5 + followUp);
    // The first township row in the workbook is the first on the page, figure for figure, and
    // every figure is a number a spreadsheet can add up ("16/20" on the page is two columns).
    const firstRow = (
      await byTownship.locator("tbody tr").first().locator("th, td").allInnerTexts()
    ).map((s) => s.trim());
    const sheetRow = (sheet!.getRow(6).values as unknown[]).slice(1);
    expect(sheetRow.slice(1).filter((v) => typeof v !== "number")).toEqual([]);
    expect(sheetRow.map(String)).toEqual(
      firstRow.flatMap((text) => (/^\d+\/\d+$/.test(text) ? text.split("/") : [text])),
    );
    await expectAccessible(page);
  });

  test("recalls a cadre: gone from the team, history kept on the team and cadre pages", async ({
    page,
  }) => {
    await page.goto("/teams");
    await page.getByRole("link", { name: "石门村" }).click();
    await expect(page.getByRole("heading", { level: 1, name: /石门村驻村工作队/ })).toBeVisible();
    await waitForHydration(page);
    const members = page.getByRole("region", { name: "队员", exact: true });
    const name = (await members.locator("tbody tr").last().locator("th a").innerText()).trim();
    await page.getByText(`调整 ${name}`).click();
    await page.getByRole("button", { name: `确认 ${name} 离队` }).click();
    await expect(page.getByRole("status")).toContainText("该干部不再在队");
    await expect(members.getByRole("link", { name })).toHaveCount(0);
    const history = page.getByRole("region", { name: "历任队员" });
    await expect(history.getByRole("row").filter({ hasText: name })).toContainText("召回");
    await history.getByRole("link", { name }).click();
    await expect(page.getByText("目前不在任何工作队")).toBeVisible();
    await expect(page.getByRole("row").filter({ hasText: "石门村" })).toContainText("召回");
  });

  test("sees who has read a notice", async ({ page, browser }) => {
    const weijia = await pageAs(browser, "weijia");
    await weijia.goto("/notices");
    await weijia.getByRole("link", { name: "全县驻村工作月度例会" }).click();
    await waitForHydration(weijia);
    // A retry (CI, the same server) may find it confirmed by the first attempt.
    const confirm = weijia.getByRole("button", { name: "确认已阅" });
    if (test.info().retry === 0 || (await confirm.count()) > 0) await confirm.click();
    await expect(weijia.getByText(/你已于 .* 确认阅读/)).toBeVisible();
    await weijia.context().close();

    await page.goto("/notices");
    // Demo notices carry the 演示 badge, not a "演示：" prefix in their titles as well.
    await expect(page.getByRole("link", { name: /^演示：/ })).toHaveCount(0);
    await page.getByRole("link", { name: "全县驻村工作月度例会" }).click();
    const row = page.getByRole("row").filter({ hasText: "魏家村" });
    await expect(row).not.toContainText("未读");
    await expect(page.getByRole("row").filter({ hasText: "下纳岭村" })).toContainText("未读");
    await expectAccessible(page);
  });
});

test.describe("the county sends a notice", () => {
  test.use(signedInAs("county"));

  test("an announcement by default, meeting fields only for a meeting, and a confirmation for 89 teams", async ({
    page,
  }) => {
    await page.goto("/notices");
    await waitForHydration(page);
    await page.locator("summary", { hasText: "发通知" }).click();
    await expect(page.getByLabel("类型")).toHaveValue("announcement");
    await expect(page.getByLabel("会议时间")).toBeHidden();
    await expect(page.getByLabel("乡镇", { exact: true })).toBeHidden();
    await page.getByLabel("类型").selectOption({ label: "会议通知" });
    await expect(page.getByLabel("会议时间")).toBeVisible();
    await page.getByLabel("类型").selectOption({ label: "公告" });
    await expect(page.getByLabel("会议时间")).toBeHidden();

    const title = `冬季防火提醒 ${Date.now()}`;
    await page.getByLabel("标题").fill(title);
    await page.getByLabel("正文").fill("请各工作队检查所驻村的防火措施。");
    await expect(page.getByText("将发给 89 支工作队")).toBeVisible();
    await page.getByLabel("一个乡镇的工作队").check();
    await page.getByLabel("乡镇", { exact: true }).selectOption({ label: "大青沟镇" });
    await expect(page.getByText("将发给 7 支工作队")).toBeVisible();
    await page.getByLabel("全县所有工作队").check();

    await page.getByRole("button", { name: "发送" }).click();
    const ask = page.getByRole("alert").filter({ hasText: "这条通知将发给 89 支工作队" });
    await expect(ask).toBeVisible();
    await expect(page.getByLabel("标题")).toHaveValue(title);
    await page.getByLabel("我已核对，确认发给这些工作队").check();
    await page.getByRole("button", { name: "发送" }).click();
    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();

    // The county's sent list holds its own notices; a township's are listed apart.
    await page.goto("/notices");
    const sent = page.getByRole("region", { name: "已发通知" });
    await expect(sent.getByRole("link", { name: title })).toBeVisible();
    await expect(sent).not.toContainText("大青沟镇 ·");
    await expectAccessible(page);
  });
});

test.describe("townships see their own", () => {
  test.use(signedInAs("daqinggou"));

  test("the weekly overview and bulletin cover only 大青沟镇 @phone", async ({ page }) => {
    await page.goto("/reports/weekly");
    await expect(page.getByRole("heading", { level: 1, name: "工作周报" })).toBeVisible();
    const rows = page.getByRole("region", { name: "各工作队" }).locator("tbody tr");
    await expect(rows.first()).toBeVisible();
    const teams = await rows.allInnerTexts();
    for (const text of teams) expect(text).toContain("大青沟镇");
    await page.goto("/reports/monthly");
    await expect(page.getByRole("region", { name: "按工作队" }).locator("tbody tr")).toHaveCount(
      teams.length,
    );
    expect((await page.goto("/reports/weekly/2026-11-23/teams/not-a-team"))?.status()).toBe(404);
    await expectAccessible(page);
  });
});

test.describe("pages at a glance", () => {
  test.use(signedInAs("weijia"));

  test("my work page on a phone: check-in, month calendar, notices @phone", async ({ page }) => {
    await page.goto("/me");
    await expect(page.getByRole("heading", { level: 2, name: "今日签到" })).toBeVisible();
    await expect(page.getByRole("table").filter({ hasText: "在村" })).toBeVisible();
    await expect(page.getByText(/本月已在村 \d+ 天/)).toBeVisible();
    // Against the viewport, not window.innerWidth: a phone zooms out to show a page that overflows.
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(page.viewportSize()?.width ?? 0);
    await expectAccessible(page);
  });

  test("a cadre cannot read the bulletin or decide leave", async ({ page }) => {
    expect((await page.goto("/reports/monthly"))?.status()).toBe(404);
    await page.goto("/leave");
    await expect(page.getByRole("heading", { name: /待我审批/ })).toHaveCount(0);
    await expectAccessible(page);
  });
});

test.describe("the county viewer", () => {
  test.use(signedInAs("viewer"));

  test("follows leave awaiting a decision without a 'to decide' list of its own", async ({
    page,
  }) => {
    await page.goto("/leave");
    await expect(page.getByRole("heading", { name: /待我审批/ })).toHaveCount(0);
    await expect(page.getByRole("heading", { level: 2, name: /^待审批（\d+）$/ })).toBeVisible();
    await expect(page.getByRole("button", { name: /批准/ })).toHaveCount(0);
    await expectAccessible(page);
  });
});

test.describe("tables as the county reads them", () => {
  test.use(signedInAs("county"));

  test("each column's heading is aligned as its figures are", async ({ page }) => {
    for (const path of [
      "/reports/weekly",
      "/reports/monthly",
      "/teams",
      "/villages",
      "/townships",
    ]) {
      await page.goto(path);
      const misaligned = await page.evaluate(() =>
        [...document.querySelectorAll("table")].flatMap((table) => {
          const heads = [...table.querySelectorAll("thead tr:last-child th")];
          const cells = [...(table.querySelector("tbody tr")?.children ?? [])];
          if (heads.length !== cells.length) return [];
          return heads.flatMap((th, i) => {
            const want = getComputedStyle(cells[i]!).textAlign;
            const got = getComputedStyle(th).textAlign;
            return want === got ? [] : [`${th.textContent?.trim()}: ${got} over ${want}`];
          });
        }),
      );
      expect(misaligned, path).toEqual([]);
    }
  });
  test("every field is drawn like the others: month filters and plain inputs included", async ({
    page,
  }) => {
    const team = await page.request.get("/teams").then(async (r) => {
      const match = /href="(\/teams\/[^"/?]+)"/.exec(await r.text());
      return match![1]!;
    });
    for (const path of [
      "/reports/monthly",
      `${team}/logs`,
      "/notices",
      "/admin/accounts",
      "/leave",
      "/boards/cases",
    ]) {
      await page.goto(path);
      const unstyled = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLInputElement | HTMLSelectElement>("input, select")]
          .filter((el) => !["hidden", "checkbox", "radio", "file", "submit"].includes(el.type))
          .filter((el) => getComputedStyle(el).borderTopLeftRadius !== "6px")
          .map((el) => `${el.tagName.toLowerCase()}[type=${el.type}][name=${el.name}]`),
      );
      expect(unstyled, path).toEqual([]);
    }
  });
});

test.describe("wide tables, in English", () => {
  test.use({ ...signedInAs("county"), locale: "en-US" });

  test("a table wider than the page says so, scrolls, and keeps its first column in view", async ({
    page,
  }) => {
    // Fourteen page loads at two widths.
    test.slow();
    const team = await page.request.get("/teams").then(async (r) => {
      const match = /href="(\/teams\/[^"/?]+)"/.exec(await r.text());
      return match![1]!;
    });
    const village = await page.request
      .get(`/villages?q=${encodeURIComponent("魏家村")}`)
      .then(async (r) => /href="(\/villages\/[^"/?]+)"/.exec(await r.text())![1]!);
    const paths = [
      "/teams",
      team,
      "/reports/monthly",
      "/villages",
      "/map",
      "/townships",
      `${village}/households`,
    ];
    const scrolled: string[] = [];
    for (const width of [1280, 900]) {
      await page.setViewportSize({ width, height: 800 });
      for (const path of paths) {
        await page.goto(path);
        await waitForHydration(page);
        for (const region of await page.locator(".table-wrap").all()) {
          const { scrollWidth, clientWidth } = await region.evaluate((el) => ({
            scrollWidth: el.scrollWidth,
            clientWidth: el.clientWidth,
          }));
          const label = `${width} ${path} ${await region.getAttribute("aria-label")}`;
          if (scrollWidth <= clientWidth + 1) {
            await expect(region, label).not.toHaveAttribute("data-more-right");
            continue;
          }
          // Columns out of view: the region says so, and its first column stays put as it scrolls.
          await expect(region, label).toHaveAttribute("data-more-right", "");
          await expect(
            page.getByText(/scroll sideways for the other columns/).first(),
          ).toBeVisible();
          // The row's name is its first cell, the one that stays in view.
          const row = region.locator("tbody tr").first();
          expect(
            await row
              .locator("> *")
              .first()
              .evaluate((el) => el.tagName),
            label,
          ).toBe((await row.locator("> th").count()) ? "TH" : "TD");
          const first = row.locator("> *").first();
          const before = (await first.boundingBox())!.x;
          await region.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
          await expect(region, label).not.toHaveAttribute("data-more-right");
          expect(Math.abs((await first.boundingBox())!.x - before), label).toBeLessThan(2);
          scrolled.push(label);
        }
      }
    }
    // The scrolling case is exercised, not only the tables that fit.
    expect(scrolled.length).toBeGreaterThan(0);
  });
});
