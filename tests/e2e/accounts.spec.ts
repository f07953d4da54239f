import { byTry, expect, signedInAs, storageStateFor, test, waitForHydration } from "./fixtures";

test.describe("county", () => {
  test.use(signedInAs("county"));

  test("creates accounts for a team; one signs in with the one-time password and must change it", async ({
    page,
    browser,
  }) => {
    test.slow();
    // A retry (CI, the same server) takes another team: the first attempt may have given every
    // member of its team an account.
    const village = ["大梁底村", "薛家营村", "李三虎村"][test.info().retry] ?? "任家沟村";
    await page.goto("/admin/accounts");
    await expect(page.getByRole("heading", { level: 1, name: "账号管理" })).toBeVisible();
    await waitForHydration(page);
    const team = page.getByLabel("工作队", { exact: true });
    const option = await team.locator("option", { hasText: village }).getAttribute("value");
    await team.selectOption(option!);
    await page.getByRole("button", { name: "显示队员" }).click();
    await expect(page.getByRole("heading", { level: 2, name: new RegExp(village) })).toBeVisible();
    const members = page.getByRole("region", { name: "队员和账号" });
    const usernames = members.getByRole("textbox");
    const count = await usernames.count();
    expect(count).toBeGreaterThanOrEqual(1);

    // A username someone already has is refused, the batch is not written, and what was typed stays.
    const first = usernames.first();
    const proposed = await first.inputValue();
    await first.fill("county");
    await page.getByRole("button", { name: "开账号并生成一次性密码" }).click();
    await expect(members.getByText("用户名「county」已被使用。")).toBeVisible();
    await expect(members.getByRole("textbox").first()).toHaveValue("county");
    await members.getByRole("textbox").first().fill(proposed);
    await page.getByRole("button", { name: "开账号并生成一次性密码" }).click();

    await expect(
      page.getByRole("heading", { level: 1, name: `已开 ${count} 个账号` }),
    ).toBeVisible();
    await expect(page.getByRole("alert")).toContainText("一次性密码只显示这一次");
    const sheet = page.getByRole("region", { name: "账号和一次性密码" });
    const row = sheet.locator("tbody tr").filter({ hasText: proposed });
    const password = (await row.locator("code.one-time").innerText()).trim();
    expect(password).toMatch(/^[a-z0-9]{12}$/);

    // The new account signs in and is sent to replace the one-time password first.
    const context = await browser.newContext({
      locale: "zh-CN",
      storageState: { cookies: [], origins: [] },
    });
    const cadre = await context.newPage();
    await cadre.goto("/login");
    await waitForHydration(cadre);
    await cadre.getByLabel("用户名").fill(proposed);
    await cadre.getByLabel("密码").fill(password);
    await cadre.getByRole("button", { name: "登录", exact: true }).click();
    await expect(cadre).toHaveURL(/\/account\/password/);
    await expect(cadre.getByRole("heading", { level: 1, name: "修改密码" })).toBeVisible();
    // Every other page sends them back here until it is done.
    await cadre.goto("/villages");
    await expect(cadre).toHaveURL(/\/account\/password\?redirectTo=%2Fvillages/);
    await waitForHydration(cadre);
    await cadre.getByLabel("一次性密码").fill(password);
    await cadre.getByLabel(/^新密码/).fill("short");
    await cadre.getByLabel("再输入一次新密码").fill("short");
    await cadre.getByRole("button", { name: "保存新密码" }).click();
    await expect(cadre.getByText("密码太短。")).toBeVisible();
    await cadre.getByLabel(/^新密码/).fill(`${village}-2026-新密码`);
    await cadre.getByLabel("再输入一次新密码").fill(`${village}-2026-新密码`);
    await cadre.getByRole("button", { name: "保存新密码" }).click();
    await expect(cadre).toHaveURL(/\/villages$/);
    await cadre.goto("/");
    await expect(cadre.getByRole("heading", { level: 1, name: "我的驻村" })).toBeVisible();
    await context.close();

    // Back on the admin page, the member now shows the account.
    await page.goto(`/admin/accounts?team=${option}`);
    await expect(page.getByText(`已有账号：${proposed}`)).toBeVisible();
  });

  test("creates a township leader's account; a taken username is refused with the typing kept", async ({
    page,
  }) => {
    await page.goto("/admin/accounts");
    await waitForHydration(page);
    const form = page.getByRole("form", { name: "乡镇领导账号" });
    await form.getByLabel("乡镇").selectOption({ label: "七甲乡" });
    await form.getByLabel("姓名").fill("七甲乡领导");
    await form.getByLabel("用户名").fill("daqinggou");
    await form.getByRole("button", { name: "开乡镇领导账号" }).click();
    await expect(page.getByText("用户名「daqinggou」已被使用。")).toBeVisible();
    await expect(page.getByRole("form", { name: "乡镇领导账号" }).getByLabel("姓名")).toHaveValue(
      "七甲乡领导",
    );
    // A retry (CI, the same server) finds "qijia" taken by the first attempt.
    const username = byTry("qijia");
    await page.getByRole("form", { name: "乡镇领导账号" }).getByLabel("用户名").fill(username);
    await page.getByRole("button", { name: "开乡镇领导账号" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "已开 1 个账号" })).toBeVisible();
    await expect(
      page.getByRole("region", { name: "账号和一次性密码" }).locator("tbody tr"),
    ).toContainText(username);
  });

  test("a township leader has no account admin", async ({ browser }) => {
    const context = await browser.newContext({
      storageState: storageStateFor("daqinggou"),
      locale: "zh-CN",
    });
    const page = await context.newPage();
    const response = await page.goto("/admin/accounts");
    expect(response?.status()).toBe(404);
    await context.close();
  });
});
