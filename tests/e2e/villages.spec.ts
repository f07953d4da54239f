import type { Page } from "@playwright/test";
import { expect, expectAccessible, signedInAs, test, waitForHydration } from "./fixtures";

const rows = (page: Page) => page.locator("table.data-table tbody tr");

test.describe("as the county admin", () => {
  test.use(signedInAs("county"));

  test("all 89 villages, filtered by township and searched by pinyin @phone", async ({ page }) => {
    await page.goto("/villages");
    await expect(page.getByRole("status")).toContainText("共 89 个村");
    await expect(rows(page)).toHaveCount(89);

    await waitForHydration(page);
    await page.getByLabel("乡镇").selectOption({ label: "大青沟镇" });
    await expect(page).toHaveURL(/township=/);
    await expect(page.getByRole("status")).toContainText("显示 7 / 89 个村");
    await expect(rows(page)).toHaveCount(7);

    await page.getByLabel("村名").fill("weijia");
    await page.getByLabel("村名").press("Enter");
    await expect(rows(page)).toHaveCount(1);
    await expect(rows(page).first()).toContainText("魏家村");
  });

  test("the village page shows figures and the work team with specialties @phone", async ({
    page,
  }) => {
    await page.goto("/villages?q=魏家村");
    await page.getByRole("link", { name: "魏家村" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("魏家村");
    await expect(page.getByText("产业村")).toBeVisible();
    await expect(page.getByText("贫困发生率", { exact: true })).toBeVisible();
    await expect(page.getByText("省公安厅").first()).toBeVisible();
    await expect(page.getByText("省派").first()).toBeVisible();
    const members = page.getByRole("table", { name: "队员" }).locator("tbody tr");
    await expect(members).toHaveCount(3);
    await expect(members.first()).toContainText(/工作队长|队长兼第一书记/);
    await expect(members.first()).toContainText(/干部/);
    // Invented positions and names say so.
    await expect(page.locator(".badge-demo").first()).toBeVisible();
    await expectAccessible(page);

    await page.getByRole("link", { name: "查看工作队" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("魏家村驻村工作队");
    await expect(page.getByRole("table", { name: "队员" }).locator("tbody tr")).toHaveCount(3);

    await page
      .getByRole("navigation", { name: "当前位置" })
      .getByRole("link", { name: "大青沟镇" })
      .click();
    await expect(page.getByRole("heading", { level: 1, name: "大青沟镇" })).toBeVisible();
    await expect(rows(page)).toHaveCount(7);
  });

  test("opening a village page sends no write, and its tabs open at once", async ({ page }) => {
    // The position form is drawn late (its own chunk) and used to post Conform's "update" step to
    // the action when it appeared, before its schema had loaded: a 400 that also cancelled the
    // tab the person had just clicked (seen in CI as a board that never opened).
    const writes: string[] = [];
    page.on("request", (r) => {
      if (r.method() !== "GET") writes.push(`${r.method()} ${r.url()}`);
    });
    await page.goto("/villages?q=魏家村");
    await page.getByRole("link", { name: "魏家村" }).click();
    await expect(page.getByRole("button", { name: "保存位置" })).toBeVisible();
    await waitForHydration(page);
    await page.waitForLoadState("networkidle");
    expect(writes).toEqual([]);
    await expect(page).toHaveURL(/\/villages\/[^/?]+$/);
    await expect(page.getByLabel("纬度（WGS-84）")).not.toHaveAttribute("aria-invalid", "true");

    // Clicked as soon as the page is there: the tab opens, whatever the late form does meanwhile.
    await page.goto("/villages?q=魏家村");
    await page.getByRole("link", { name: "魏家村" }).click();
    const tabs = page.getByRole("navigation", { name: "村庄栏目" });
    await tabs.getByRole("link", { name: "服务个案" }).click();
    await expect(tabs.getByRole("link", { name: "服务个案" })).toHaveAttribute(
      "aria-current",
      "page",
    );
    await expect(page.getByRole("heading", { level: 3, name: /^处理中/ })).toBeVisible();
    expect(writes).toEqual([]);
  });

  test("the village and township lists are accessible", async ({ page }) => {
    test.slow(); // axe walks two long tables
    await page.goto("/villages?township=none-such");
    await page.goto("/villages");
    await expectAccessible(page);
    await page.goto("/townships");
    await expect(rows(page)).toHaveCount(14);
    await expectAccessible(page);
  });
});

test.describe("as the county viewer", () => {
  test.use(signedInAs("viewer"));

  test("status facets count and filter; sorting by incidence puts the poorest first", async ({
    page,
  }) => {
    await page.goto("/villages");
    const exited = page
      .getByRole("navigation", { name: "按出列状态" })
      .getByRole("link", { name: /已出列/ });
    const count = Number(await exited.locator("strong").textContent());
    expect(count).toBeGreaterThan(0);
    await exited.click();
    await expect(page).toHaveURL(/status=exited/);
    await expect(rows(page)).toHaveCount(count);
    await expect(page.locator("tbody .status-exited")).toHaveCount(count);

    await page.goto("/villages?sort=incidence");
    const incidence = (i: number) => rows(page).nth(i).locator("td.num").nth(1).textContent();
    const first = parseFloat((await incidence(0))!);
    const last = parseFloat((await rows(page).last().locator("td.num").nth(1).textContent())!);
    expect(first).toBeGreaterThan(2);
    expect(first).toBeGreaterThanOrEqual(last);
  });
});

test.describe("as 大青沟镇's township leader", () => {
  test.use(signedInAs("daqinggou"));

  test("only the township's 7 villages, everywhere", async ({ page }) => {
    await page.goto("/villages");
    await expect(rows(page)).toHaveCount(7);
    // No township filter or column: there is only one township to see, and every village is in it.
    await expect(page.getByLabel("乡镇")).toHaveCount(0);
    await expect(page.getByRole("columnheader", { name: "乡镇" })).toHaveCount(0);
    const geoNames = (await (await page.request.get("/villages.geojson")).json()).features.map(
      (f: { properties: { township: string } }) => f.properties.township,
    );
    expect(new Set(geoNames)).toEqual(new Set(["大青沟镇"]));

    const geo = await (await page.request.get("/villages.geojson")).json();
    expect(geo.features).toHaveLength(7);

    await page.goto("/townships");
    await expect(rows(page)).toHaveCount(1);
  });
});

test.describe("as 魏家村's team member", () => {
  test.use(signedInAs("weijia"));

  test("their own village in full, others only as a public summary @phone", async ({ page }) => {
    await page.goto("/villages");
    const own = page.locator("tr.row-own");
    await expect(own).toHaveCount(1);
    await expect(own).toContainText("魏家村");
    await expect(own).toContainText("本村");
    await expect(page.getByText("其他村仅显示公开概况。")).toBeVisible();
    await expect(page.getByLabel("村类型")).toHaveCount(0);

    await page.getByRole("link", { name: "下纳岭村" }).click();
    await expect(page.getByText("这不是你负责的村，只显示公开概况。")).toBeVisible();
    await expect(page.getByText("贫困发生率")).toHaveCount(0);
    await expect(page.getByRole("table")).toHaveCount(0);
  });
});

test.describe("without JavaScript", () => {
  test.use({ ...signedInAs("xiaosuangou"), javaScriptEnabled: false });

  test("filters apply through the plain form", async ({ page }) => {
    await page.goto("/villages");
    await expect(rows(page)).toHaveCount(9);
    await page.getByRole("combobox", { name: "出列状态" }).selectOption("not_exited");
    await page.getByRole("button", { name: "应用筛选" }).click();
    await expect(page).toHaveURL(/status=not_exited/);
    const statuses = await page.locator("tbody .status").allTextContents();
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s.includes("未出列"))).toBe(true);
  });
});
