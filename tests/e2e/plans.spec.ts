import { businessDay } from "./clock";
import ExcelJS from "exceljs";
import type { Page } from "@playwright/test";
import {
  BASE_URL,
  byTry,
  expect,
  expectAccessible,
  ON_A_PHONE,
  postForm,
  signedInAs,
  storageStateFor,
  test,
  waitForHydration,
} from "./fixtures";

/** 魏家村's page, found as a person would: the village list, then the link. */
async function openWeijia(page: Page, tab: "退出规划" | "贫困户" | "动态") {
  await page.goto("/villages?q=魏家村");
  await page.getByRole("link", { name: "魏家村" }).click();
  await page.getByRole("navigation", { name: "村庄栏目" }).getByRole("link", { name: tab }).click();
  await expect(page.getByRole("link", { name: tab, exact: true })).toHaveAttribute(
    "aria-current",
    "page",
  );
}

const indicator = (page: Page, name: string) =>
  page.locator("li.indicator", { has: page.getByRole("heading", { name, exact: true }) });
const readiness = (page: Page) => page.getByRole("region", { name: "出列条件检查" });

/**
 * CI retries a failed serial group from its first test, on the same server. The attempt before may
 * have stopped halfway through the first test: 通宽带 left unmet, a milestone left open. They are
 * put back as the demo has them (every indicator met, every milestone done).
 */
async function putWeijiaPlanBack(page: Page) {
  await openWeijia(page, "退出规划");
  await waitForHydration(page);
  const broadband = indicator(page, "通宽带");
  if ((await broadband.getByText("未达标").count()) > 0) {
    await broadband.getByText("编辑").click();
    await broadband.getByLabel("当前值").selectOption({ label: "是" });
    await broadband.getByRole("button", { name: "保存" }).click();
    await expect(broadband.getByRole("status")).toHaveText("已保存。");
  }
  const open = page.locator("li.milestone", {
    has: page.locator(".milestone-badge", { hasText: "进行中" }),
  });
  while ((await open.count()) > 0) {
    const title = (await open.first().getByRole("heading").textContent()) ?? "";
    const milestone = page.locator("li.milestone", {
      has: page.getByRole("heading", { name: title, exact: true }),
    });
    await milestone.getByText("编辑").click();
    await milestone.getByLabel("状态").selectOption({ label: "已完成" });
    await milestone.getByLabel("完成日期", { exact: true }).fill("2018-06-30");
    await milestone.getByRole("button", { name: "保存" }).click();
    await expect(milestone.locator(".milestone-badge")).toHaveText("已完成");
  }
}

// These tests change 魏家村's data, so they run once (desktop), one after another.
test.describe.configure({ mode: "serial" });

test.describe("the work team of 魏家村", () => {
  test.use(signedInAs("weijia"));

  test("edits an indicator and a milestone and sees readiness change", async ({ page }) => {
    test.slow();
    if (test.info().retry) await putWeijiaPlanBack(page);
    await openWeijia(page, "退出规划");
    await expect(readiness(page)).toContainText("各项出列条件均已达到");
    await waitForHydration(page);

    const broadband = indicator(page, "通宽带");
    await broadband.getByText("编辑").click();
    await broadband.getByLabel("当前值").selectOption({ label: "否" });
    await broadband.getByLabel("佐证材料").fill("光缆被施工挖断，待修复");
    await broadband.getByRole("button", { name: "保存" }).click();
    // "Saved" is said in the indicator itself, where the person is looking.
    await expect(indicator(page, "通宽带").getByRole("status")).toHaveText("已保存。");
    await expect(readiness(page)).toContainText("还有 1 项条件阻碍出列");
    await expect(readiness(page)).toContainText("通宽带：未达标");
    await expect(indicator(page, "通宽带")).toContainText("未达标");

    // The milestone: mark it done without a date (refused, typed values kept), then with one.
    // Every milestone of 魏家村 is done: they are folded under the open ones.
    await page.getByText(/^已完成的节点（\d+ 个）$/).click();
    const milestone = page.locator("li.milestone").first();
    const title = (await milestone.getByRole("heading").textContent()) ?? "";
    await milestone.getByText("编辑").click();
    await milestone.getByLabel("状态").selectOption({ label: "进行中" });
    await milestone.getByLabel("完成日期", { exact: true }).fill("");
    await milestone.getByLabel("佐证材料").fill("正在施工");
    await milestone.getByRole("button", { name: "保存" }).click();
    const edited = page.locator("li.milestone", {
      has: page.getByRole("heading", { name: title, exact: true }),
    });
    await expect(edited.locator(".milestone-badge")).toHaveText("进行中");
    await expect(edited).toContainText("已逾期");
    await expect(readiness(page)).toContainText(`节点「${title}」已逾期`);

    await edited.getByText("编辑").click();
    await edited.getByLabel("状态").selectOption({ label: "已完成" });
    // Choosing "done" fills in today (China time) when no date is there; emptied, it is refused.
    const todayInChina = businessDay();
    await expect(edited.getByLabel("完成日期", { exact: true })).toHaveValue(todayInChina);
    await edited.getByLabel("完成日期", { exact: true }).fill("");
    await edited.getByRole("button", { name: "保存" }).click();
    await expect(edited.getByText("已完成的节点须填写完成日期。")).toBeVisible();
    await expect(edited.getByLabel("佐证材料")).toHaveValue("正在施工");
    await edited.getByLabel("完成日期", { exact: true }).fill("2018-06-30");
    await edited.getByRole("button", { name: "保存" }).click();
    await expect(edited.locator(".milestone-badge")).toHaveText("已完成");
    await expect(readiness(page)).not.toContainText(`节点「${title}」已逾期`);

    // Back to a met indicator: the village is ready again.
    await indicator(page, "通宽带").getByText("编辑").click();
    await indicator(page, "通宽带").getByLabel("当前值").selectOption({ label: "是" });
    await indicator(page, "通宽带").getByRole("button", { name: "保存" }).click();
    await expect(readiness(page)).toContainText("各项出列条件均已达到");

    // Every change is on the Activity tab: who, what, before → after.
    await page
      .getByRole("navigation", { name: "村庄栏目" })
      .getByRole("link", { name: "动态" })
      .click();
    const first = page.locator(".activity-entry").first();
    await expect(first).toContainText("修改了指标「通宽带」");
    await expect(first.locator("del")).toHaveText("否");
    await expect(first.locator("ins")).toHaveText("是");
    await expectAccessible(page);
  });

  test("a second save of the same indicator is refused with the newer value", async ({
    page,
    browser,
  }) => {
    await openWeijia(page, "退出规划");
    const url = page.url();
    // The county admin has the same plan open in another browser.
    const context = await browser.newContext({
      storageState: storageStateFor("county"),
      locale: "zh-CN",
    });
    const other = await context.newPage();
    await other.goto(url);

    await indicator(page, "村集体经济收入").getByText("编辑").click();
    await indicator(page, "村集体经济收入").getByLabel("当前值").fill("45000");
    await indicator(page, "村集体经济收入").getByRole("button", { name: "保存" }).click();
    await expect(indicator(page, "村集体经济收入")).toContainText("¥45,000/年");

    const stale = indicator(other, "村集体经济收入");
    await stale.getByText("编辑").click();
    await stale.getByLabel("当前值").fill("12000");
    await stale.getByRole("button", { name: "保存" }).click();
    const conflict = stale.getByRole("alert").filter({ hasText: "保存冲突" });
    await expect(conflict).toContainText("¥45,000/年");
    await expect(stale.getByLabel("当前值")).toHaveValue("12000");
    await context.close();

    await page.reload();
    await expect(indicator(page, "村集体经济收入")).toContainText("¥45,000/年");
  });

  test("on a slow signal the plan reads before its scripts arrive, and its folded forms are drawn when opened", async ({
    page,
  }) => {
    await openWeijia(page, "退出规划");
    // Hold the scripts back, as one bar of signal would, and reload.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route("**/build/entry.client-*.js", async (route) => {
      await held;
      await route.continue();
    });
    await page.reload({ waitUntil: "commit" });
    await expect(page.locator("li.indicator").first()).toBeVisible();

    const income = indicator(page, "村集体经济收入");
    // Opened before the scripts arrive, a fold offers its form as a page of its own (?edit=).
    await income.getByText("编辑").click();
    await expect(income.getByRole("link", { name: "打开表单" })).toBeVisible();
    await expect(income.locator("form")).toHaveCount(0);
    expect(await page.evaluate(() => document.documentElement.dataset.hydrated)).toBeUndefined();
    release();
    await waitForHydration(page);
    // The scripts ran: the open fold now holds the form itself.
    await income.getByLabel("佐证材料").fill("村委会账目（信号恢复后填写）");
    await income.getByRole("button", { name: "保存" }).click();
    await expect(indicator(page, "村集体经济收入").getByRole("status")).toHaveText("已保存。");
    await expect(indicator(page, "村集体经济收入").locator(".evidence")).toHaveText(
      /村委会账目（信号恢复后填写）/,
    );

    // A fold opened after the scripts ran is drawn by them: choosing 已完成 fills in today.
    await page.getByText(/^已完成的节点（\d+ 个）$/).click();
    const milestone = page.locator("li.milestone").first();
    await milestone.getByText("编辑").click();
    await milestone.getByLabel("完成日期", { exact: true }).fill("");
    await milestone.getByLabel("状态").selectOption({ label: "进行中" });
    await milestone.getByLabel("状态").selectOption({ label: "已完成" });
    const todayInChina = businessDay();
    await expect(milestone.getByLabel("完成日期", { exact: true })).toHaveValue(todayInChina);
  });

  test("a household goes through the whole exit procedure", async ({ page }) => {
    await openWeijia(page, "贫困户");
    await page.getByRole("link", { name: "新增贫困户" }).click();
    await expect(page.getByRole("heading", { level: 2, name: "新增贫困户" })).toBeVisible();
    await waitForHydration(page);
    await page.getByLabel("户编号", { exact: true }).fill(byTry("E2E-1"));
    await page.getByLabel("户主", { exact: true }).fill("测试户主");
    await page.getByLabel("家庭人口").fill("-1");
    await page.getByLabel("识别年度").fill("2014");
    await page.getByLabel("主要致贫原因").selectOption({ label: "因病" });
    await page.getByLabel("2018 年").fill("2000");
    await page.getByRole("button", { name: "保存贫困户" }).click();
    await expect(page.getByText("家庭人口须为 1 至 30 人。")).toBeVisible();
    await expect(page.getByLabel("户主", { exact: true })).toHaveValue("测试户主");
    await page.getByLabel("家庭人口").fill("3");
    await page.getByRole("button", { name: "保存贫困户" }).click();

    await expect(page.getByRole("heading", { level: 2, name: /测试户主/ })).toContainText("未脱贫");
    const workflow = page.getByRole("region", { name: "脱贫退出程序" });
    await expect(workflow).toContainText("2018 年人均纯收入 2,000 元，低于当年扶贫标准 2,995 元。");
    await expect(workflow.getByRole("button")).toHaveCount(0);

    await page.getByRole("link", { name: "修改户信息" }).click();
    await page.getByLabel("2018 年").fill("5200");
    await page.getByRole("button", { name: "保存" }).click();
    await expect(workflow).not.toContainText("低于当年扶贫标准");

    const steps: [string, string][] = [
      ["民主评议", "2018-10-01"],
      ["村两委和工作队核实", "2018-10-05"],
      ["贫困户签字认可", "2018-10-08"],
      ["村内公示", "2018-10-10"],
    ];
    for (const [step, date] of steps) {
      await workflow.getByLabel("完成日期", { exact: true }).fill(date);
      await workflow.getByRole("button", { name: `记录「${step}」` }).click();
      await expect(workflow.locator("li.done", { hasText: step })).toBeVisible();
    }
    await expect(workflow).toContainText("公示期 7 天");
    await workflow.getByLabel("完成日期", { exact: true }).fill("2018-10-15");
    await workflow.getByRole("button", { name: "记录「公告退出」" }).click();
    await expect(workflow.getByText(/公示须满 7 天/)).toBeVisible();
    await workflow.getByLabel("完成日期", { exact: true }).fill("2018-10-17");
    await workflow.getByRole("button", { name: "记录「公告退出」" }).click();
    await expect(workflow).toContainText("已公告退出（2018 年）");
    await expect(page.getByRole("heading", { level: 2, name: /测试户主/ })).toContainText("已脱贫");
    await expectAccessible(page);
  });

  test("imports a roster: one bad row rejects the file; fixed, it imports; again, nothing changes", async ({
    page,
  }) => {
    const workbook = async (members: string) => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet("花名册");
      ws.addRow(["户编号", "户主姓名", "家庭人口", "主要致贫原因", "识别年度", "2020年人均纯收入"]);
      // Small households: 魏家村 is exit-ready and should stay below the 2% incidence.
      ws.addRow([byTry("IMP-1"), "导入甲", "1", "因病", "2014", "3100"]);
      ws.addRow([byTry("IMP-2"), "导入乙", members, "缺技术", "2015", "3900"]);
      ws.addRow([byTry("IMP-3"), "导入丙", "1", "缺劳力", "2014", "2800"]);
      return {
        name: "roster.xlsx",
        mimeType: "application/octet-stream",
        buffer: Buffer.from(await wb.xlsx.writeBuffer()),
      };
    };
    await openWeijia(page, "贫困户");
    const before = Number((await page.getByText(/^共 \d+ 户$/).textContent())!.match(/\d+/)![0]);
    await page.getByRole("link", { name: "导入花名册" }).click();
    await page.getByLabel("花名册文件").setInputFiles(await workbook("两"));
    await page.getByRole("button", { name: "上传并预览" }).click();
    await expect(page.getByRole("status")).toContainText(
      "共 3 行：新增 2，更新 0，不变 0，错误 1。",
    );
    await expect(page.getByRole("region", { name: "逐行检查结果" })).toContainText(
      "第 3 行「家庭人口」：「两」不是整数。",
    );
    await expect(page.getByRole("button", { name: /确认导入/ })).toBeDisabled();

    await page.getByLabel("花名册文件").setInputFiles(await workbook("2"));
    await page.getByRole("button", { name: "上传并预览" }).click();
    await expect(page.getByRole("status")).toContainText("新增 3");
    await page.getByRole("button", { name: "确认导入（3 户）" }).click();
    await expect(page.getByRole("status").first()).toContainText("已导入：3 户新增或更新。");
    await expect(page.getByText(`共 ${before + 3} 户`)).toBeVisible();

    await page.getByRole("link", { name: "导入花名册" }).click();
    await page.getByLabel("花名册文件").setInputFiles(await workbook("2"));
    await page.getByRole("button", { name: "上传并预览" }).click();
    await expect(page.getByRole("status")).toContainText("新增 0，更新 0，不变 3，错误 0");
  });

  test("exports the roster and the plan as workbooks with the rows shown", async ({ page }) => {
    await openWeijia(page, "贫困户");
    const shown = Number((await page.getByText(/^共 \d+ 户$/).textContent())!.match(/\d+/)![0]);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "导出花名册（Excel）" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^魏家村-贫困户花名册-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(await download.path());
    const sheet = wb.worksheets[0]!;
    expect(sheet.getRow(1).getCell(1).value).toBe("户编号");
    expect(sheet.actualRowCount - 1).toBe(shown);
    const firstName = await page
      .locator("table.data-table tbody tr")
      .first()
      .getByRole("link")
      .textContent();
    expect(sheet.getRow(2).getCell(2).value).toBe(firstName);

    await page
      .getByRole("navigation", { name: "村庄栏目" })
      .getByRole("link", { name: "退出规划" })
      .click();
    const [plan] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "导出规划（Excel）" }).click(),
    ]);
    const planBook = new ExcelJS.Workbook();
    await planBook.xlsx.readFile(await plan.path());
    expect(planBook.worksheets.map((w) => w.name)).toEqual([
      "退出规划",
      "出列指标",
      "时间节点",
      "村民意见",
    ]);
    expect(planBook.getWorksheet("出列指标")!.getRow(3).getCell(1).value).toBe("通硬化路");
  });
});

test.describe("the work team of 魏家村 without JavaScript", () => {
  test.use({ ...signedInAs("weijia"), javaScriptEnabled: false });

  test("edits a milestone through its form's own page: refused with what was typed kept, then saved", async ({
    page,
  }) => {
    await page.goto("/villages?q=魏家村");
    await page.getByRole("link", { name: "魏家村" }).click();
    await page
      .getByRole("navigation", { name: "村庄栏目" })
      .getByRole("link", { name: "退出规划" })
      .click();
    // Every milestone of 魏家村 is done: they are folded beneath the open ones.
    await page.getByText(/^已完成的节点（\d+ 个）$/).click();
    const first = page.locator("li.milestone").first();
    const title = (await first.getByRole("heading").textContent()) ?? "";
    await first.getByText("编辑").click();
    await first.getByRole("link", { name: "打开表单" }).click();
    await expect(page).toHaveURL(/[?&]edit=milestone-/);
    const item = page.locator("li.milestone", {
      has: page.getByRole("heading", { name: title, exact: true }),
    });
    // Drawn open by the server, at its item, inside the unfolded list of done milestones.
    await expect(item.getByLabel("佐证材料")).toBeVisible();
    await item.getByLabel("完成日期", { exact: true }).fill("");
    await item.getByLabel("佐证材料").fill("村民代表会议纪要（无脚本）");
    await item.getByRole("button", { name: "保存" }).click();
    await expect(item.getByText("已完成的节点须填写完成日期。")).toBeVisible();
    await expect(item.getByLabel("佐证材料")).toHaveValue("村民代表会议纪要（无脚本）");
    await item.getByLabel("完成日期", { exact: true }).fill("2018-06-30");
    await item.getByRole("button", { name: "保存" }).click();
    await expect(item).toContainText("村民代表会议纪要（无脚本）");
    await expect(item).toContainText("2018年6月30日 完成");
  });
});

test.describe("the township leader of 大青沟镇", () => {
  test.use(signedInAs("daqinggou"));

  test("reads 魏家村's plan but cannot change it, even with a forged POST @phone", async ({
    page,
  }) => {
    await openWeijia(page, "退出规划");
    await expect(page.getByText("你可以查看此规划")).toBeVisible();
    await expect(page.getByText("编辑")).toHaveCount(0);
    await expect(indicator(page, "通硬化路")).toBeVisible();
    const before = await indicator(page, "通硬化路").textContent();

    const response = await page.request.post(`${page.url()}`, {
      headers: { Origin: BASE_URL },
      form: {
        intent: "indicator",
        formId: "x",
        id: "kind:hardened_road",
        version: "1",
        current: "0",
      },
    });
    expect(response.status()).toBe(403);
    const household = await page.request.post(`${page.url().replace("/plan", "/households/new")}`, {
      headers: { Origin: BASE_URL },
      form: {
        intent: "household",
        code: "F-1",
        headName: "伪造",
        members: "2",
        mainCause: "illness",
        identifiedYear: "2014",
        food: "met",
        education: "met",
        medical: "met",
        housing: "met",
        water: "met",
      },
    });
    expect(household.status()).toBe(403);
    await page.reload();
    expect(await indicator(page, "通硬化路").textContent()).toBe(before);
    await expectAccessible(page);
  });
});

test.describe("the county viewer in English", () => {
  test.use({ ...signedInAs("viewer"), locale: "en" });

  test("reads the plan and the households of 魏家村 @phone", async ({ page }) => {
    await page.goto("/villages?q=魏家村");
    await page.getByRole("link", { name: "魏家村" }).click();
    await page
      .getByRole("navigation", { name: "Village sections" })
      .getByRole("link", { name: "Exit plan" })
      .click();
    await expect(page.getByRole("heading", { name: "Exit readiness" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Hardened road", exact: true })).toBeVisible();
    await page
      .getByRole("navigation", { name: "Village sections" })
      .getByRole("link", { name: "Households" })
      .click();
    await expect(page.getByRole("link", { name: "Add a household" })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Export roster (Excel)" })).toBeVisible();
    await expectAccessible(page);
  });
});

test.describe("the work team of 魏家村 on a 360 px phone", () => {
  test.use({ ...signedInAs("weijia"), ...ON_A_PHONE });

  test("marks a milestone done within one screen of opening the plan", async ({ page }) => {
    // A milestone still to do (every demo milestone of 魏家村 is done), added as the form would.
    await page.goto("/me");
    const villageHref = await page.getByRole("link", { name: "村页面" }).getAttribute("href");
    const added = await postForm(page, `${villageHref}/plan`, {
      intent: "add-milestone",
      formId: "add-milestone",
      title: "手机上完成的节点",
      dueOn: "2030-06-30",
      status: "planned",
      requestId: `phone-milestone-${Date.now()}`,
    });
    expect(added.status()).toBeLessThan(400);

    await page.goto(`${villageHref}/plan`);
    await waitForHydration(page);
    // What is to do comes first: the open milestone and its edit control are on the first screen.
    const milestone = page.locator("li.milestone", {
      has: page.getByRole("heading", { name: "手机上完成的节点", exact: true }),
    });
    const edit = milestone.getByText("编辑");
    const box = (await edit.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(740);
    expect(box.height).toBeGreaterThanOrEqual(44);
    // Indicator details fold: the first indicator's values are not shown until asked for.
    await expect(page.locator("li.indicator").first().locator(".indicator-values")).toBeHidden();

    await edit.click();
    await milestone.getByLabel("状态").selectOption({ label: "已完成" });
    const todayInChina = businessDay();
    await expect(milestone.getByLabel("完成日期", { exact: true })).toHaveValue(todayInChina);
    await milestone.getByRole("button", { name: "保存" }).click();

    // Saved, said in the milestone itself, which is now among the done ones (opened), in view.
    const saved = page.locator("li.milestone", {
      has: page.getByRole("heading", { name: "手机上完成的节点", exact: true }),
    });
    await expect(saved.locator(".milestone-badge")).toHaveText("已完成");
    await expect(saved.getByRole("status")).toHaveText("已保存。");
    await expect(saved.getByRole("status")).toBeInViewport();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(360);
  });
});
