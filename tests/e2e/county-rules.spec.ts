/**
 * The county sets its work-team rules on /admin/settings, dated: the running month's bulletin
 * follows a change from today, the month before keeps the rule it was judged by. On a server of
 * its own (isolated-server.ts): changing a rule would change what other specs see.
 */
import { expect, test, type Browser } from "@playwright/test";
import { signedInContext, startIsolatedServer, type IsolatedServer } from "./isolated-server";
import { businessDay } from "./clock";
import { waitForHydration } from "./fixtures";

let server: IsolatedServer;

test.describe.configure({ mode: "default" });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = await startIsolatedServer("county-rules");
});

test.afterAll(async () => {
  await server?.stop();
});

const contextFor = (browser: Browser, username: string) =>
  signedInContext(browser, server, username);

/** This month and the one before, as the server (China time) counts them. */
function months() {
  const day = businessDay(0, server.databaseFile);
  const [y, m] = day.split("-").map(Number) as [number, number];
  const previous = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
  return { day, current: day.slice(0, 7), previous };
}

test("the county changes the in-village rule from today: this month follows, last month keeps its rule", async ({
  browser,
}) => {
  const { day, current, previous } = months();
  const context = await contextFor(browser, "county");
  const page = await context.newPage();

  await page.goto(`/reports/monthly?month=${previous}`);
  await expect(page.getByText("在村天数规定：每月不少于 20 天")).toBeVisible();
  await page.goto(`/reports/monthly?month=${current}`);
  await expect(
    page.getByRole("columnheader", { name: "达到 20 天规定的队员" }).first(),
  ).toBeVisible();

  await page.goto("/admin/settings");
  await waitForHydration(page);
  const rules = page.getByRole("region", { name: "工作规则" });
  await expect(rules.getByText("县里尚未修改过规则")).toBeVisible();
  await rules.getByLabel("每月在村天数（天）").fill("22");
  await expect(rules.getByLabel("生效日期")).toHaveValue(day);
  await rules.getByRole("button", { name: "保存规则" }).click();
  await expect(rules.getByRole("status")).toHaveText("规则已保存，从所填日期起生效。");
  await expect(rules.getByLabel("每月在村天数（天）")).toHaveValue("22");
  const row = rules.getByRole("row", { name: /每月在村天数/ });
  await expect(row).toContainText("20 → 22");
  await expect(row).toContainText("县扶贫办管理员");

  await page.goto(`/reports/monthly?month=${current}`);
  await expect(
    page.getByRole("columnheader", { name: "达到 22 天规定的队员" }).first(),
  ).toBeVisible();
  await page.goto(`/reports/monthly?month=${previous}`);
  await expect(page.getByText("在村天数规定：每月不少于 20 天")).toBeVisible();

  // A date in the past is refused on its field, with what was typed kept (posted without the
  // browser's own check of the date field, as a script or an old browser would).
  const yesterday = new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000)
    .toISOString()
    .slice(0, 10);
  const refused = await page.request.post("/admin/settings", {
    headers: { Origin: server.origin },
    form: { intent: "rules", "rule-daysPerMonth": "19", effectiveFrom: yesterday },
  });
  expect(refused.status()).toBe(400);
  const html = await refused.text();
  expect(html).toContain("生效日期须是今天或以后一年内的日期。");
  expect(html).toMatch(
    /name="rule-daysPerMonth"[^>]*value="19"|value="19"[^>]*name="rule-daysPerMonth"/,
  );
  await page.goto(`/reports/monthly?month=${current}`);
  await expect(
    page.getByRole("columnheader", { name: "达到 22 天规定的队员" }).first(),
  ).toBeVisible();
  await context.close();
});

test("the county's exit standard and a board's limit apply from today on the dashboard and the boards", async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const context = await contextFor(browser, "county");
  const page = await context.newPage();
  await page.goto("/boards/cases");
  await expect(page.getByRole("heading", { level: 3, name: /^处理中/ })).toHaveText(
    /^处理中 \d+（每村上限 5）$/,
  );
  await page.goto("/dashboard");
  const ready = async () =>
    Number(
      await page
        .getByRole("region", { name: "主要数字" })
        .locator("div", { has: page.getByText("具备出列条件、尚未公告的村", { exact: true }) })
        .getByRole("link")
        .innerText(),
    );
  const readyBefore = await ready();

  await page.goto("/admin/settings");
  await waitForHydration(page);
  const rules = page.getByRole("region", { name: "工作规则" });
  await rules.getByLabel("服务个案看板「办理中」每村上限（张）").fill("4");
  // A floor no village reaches: none is ready any more.
  await rules.getByLabel("贫困村出列：村集体经济年收入不低于（元）").fill("9999999");
  await rules.getByRole("button", { name: "保存规则" }).click();
  await expect(rules.getByRole("status")).toHaveText("规则已保存，从所填日期起生效。");

  await page.goto("/boards/cases");
  await expect(page.getByRole("heading", { level: 3, name: /^处理中/ })).toHaveText(
    /^处理中 \d+（每村上限 4）$/,
  );
  await page.goto("/dashboard");
  expect(readyBefore).toBeGreaterThan(0);
  expect(await ready()).toBe(0);

  // Back to the county's standard: the villages are ready again.
  await page.goto("/admin/settings");
  await waitForHydration(page);
  await rules.getByLabel("贫困村出列：村集体经济年收入不低于（元）").fill("30000");
  await rules.getByRole("button", { name: "保存规则" }).click();
  await expect(rules.getByRole("status")).toHaveText("规则已保存，从所填日期起生效。");
  await page.goto("/dashboard");
  expect(await ready()).toBe(readyBefore);
  await context.close();
});

test("a township leader can neither open the rules nor post a change", async ({ browser }) => {
  const context = await contextFor(browser, "daqinggou");
  const page = await context.newPage();
  expect((await page.goto("/admin/settings"))?.status()).toBe(404);
  const posted = await page.request.post("/admin/settings", {
    headers: { Origin: server.origin },
    form: { intent: "rules", "rule-daysPerMonth": "5", effectiveFrom: months().day },
  });
  expect(posted.status()).toBe(404);
  await context.close();
});
