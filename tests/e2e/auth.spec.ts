import { expect, signIn, test, waitForHydration, type DemoUser } from "./fixtures";

const roles: [DemoUser, RegExp][] = [
  ["county", /^县级管理员$/],
  ["zuzhibu", /^县委组织部$/],
  ["viewer", /^县级查看$/],
  ["daqinggou", /^乡镇领导$/],
  ["xiaosuangou", /^乡镇领导$/],
  ["weijia", /^驻村工作队员$/],
  ["xianaling", /^驻村工作队员$/],
];

for (const [username, role] of roles) {
  test(`${username} signs in and out @phone`, async ({ page }) => {
    await signIn(page, username);
    // Team members open on their own work page (check-in, month, notices); the county roles and
    // township leaders on the dashboard, a leader's for their own township.
    if (username === "weijia" || username === "xianaling") {
      await expect(page.getByRole("heading", { level: 1, name: "我的驻村" })).toBeVisible();
    } else {
      const scope =
        username === "daqinggou" ? "大青沟镇" : username === "xiaosuangou" ? "小蒜沟镇" : "全县";
      await expect(
        page.getByRole("heading", { level: 1, name: `${scope}脱贫出列进度看板` }),
      ).toBeVisible();
    }
    await page.locator(".user-menu summary").click();
    await expect(page.getByText(role)).toBeVisible();
    await page.getByRole("button", { name: "退出登录" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto("/villages");
    await expect(page).toHaveURL(/\/login\?redirectTo=%2Fvillages/);
  });
}

test("a wrong password gets one translated message and keeps the username", async ({ page }) => {
  await page.goto("/login");
  await waitForHydration(page);
  await page.getByLabel("用户名").fill("county");
  await page.getByLabel("密码").fill("not-the-password");
  await page.getByRole("button", { name: "登录", exact: true }).click();
  await expect(page.getByRole("alert")).toHaveText("用户名或密码不正确。");
  await expect(page.getByLabel("用户名")).toHaveValue("county");
  await expect(page.getByLabel("密码")).toHaveValue("");

  // An unknown user gets exactly the same message.
  await page.getByLabel("用户名").fill("nobody-here");
  await page.getByLabel("密码").fill("whatever");
  await page.getByRole("button", { name: "登录", exact: true }).click();
  await expect(page.getByRole("alert")).toHaveText("用户名或密码不正确。");
});

test.describe("in an English browser", () => {
  test.use({ locale: "en-US" });

  test("empty fields are reported per field", async ({ page }) => {
    await page.goto("/login");
    await waitForHydration(page);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByText("This field is required.")).toHaveCount(2);
  });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("sign-in works and a bad password is reported by the server", async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("用户名").fill("viewer");
    await page.getByLabel("密码").fill("wrong");
    await page.getByRole("button", { name: "登录", exact: true }).click();
    await expect(page.getByText("用户名或密码不正确。")).toBeVisible();
    await expect(page.getByLabel("用户名")).toHaveValue("viewer");
    await page.getByLabel("密码").fill("zhucun-demo");
    await page.getByRole("button", { name: "登录", exact: true }).click();
    await expect(
      page.getByRole("heading", { level: 1, name: "全县脱贫出列进度看板" }),
    ).toBeVisible();
  });
});

test("after sign-in the person returns to the page they asked for", async ({ page }) => {
  await page.goto("/townships");
  await expect(page).toHaveURL(/redirectTo=%2Ftownships/);
  await waitForHydration(page);
  await page.getByLabel("用户名").fill("county");
  await page.getByLabel("密码").fill("zhucun-demo");
  await page.getByRole("button", { name: "登录", exact: true }).click();
  await expect(page).toHaveURL(/\/townships$/);
  await expect(page.getByRole("heading", { level: 1, name: "乡镇" })).toBeVisible();
});
