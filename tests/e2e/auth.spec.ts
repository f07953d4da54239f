import { DEMO_ACCOUNTS } from "../../db/seed/demo-accounts";
import {
  BASE_URL,
  DEMO_PASSWORD,
  expect,
  signIn,
  test,
  waitForHydration,
  type DemoUser,
} from "./fixtures";

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

test("over plain HTTP at a LAN or intranet address, the sign-in page says why signing in cannot work", async ({
  browser,
  request,
}) => {
  // A browser that resolves an intranet host name to this server, as a county's DNS would.
  const port = new URL(BASE_URL).port;
  const { launchOptions } = test.info().project.use;
  const lan = await browser.browserType().launch({
    ...launchOptions,
    args: [...(launchOptions?.args ?? []), "--host-resolver-rules=MAP zhucun.county.lan 127.0.0.1"],
  });
  try {
    const page = await lan.newPage();
    await page.goto(`http://zhucun.county.lan:${port}/login`);
    const warning = page.getByRole("alert").filter({ hasText: "未加密的 HTTP" });
    await expect(warning).toContainText("http://localhost");
    await expect(warning).toContainText("COOKIE_SECURE=false");
    // Signing in anyway is refused (the password cleared), the warning still says why, once.
    await waitForHydration(page);
    await page.getByLabel("用户名").fill("county");
    await page.getByLabel("密码").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "登录" }).click();
    await expect(page.getByLabel("密码")).toHaveValue("");
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole("alert").filter({ hasText: "浏览器不会保存登录凭据" })).toHaveCount(
      1,
    );
    expect((await page.context().cookies()).map((c) => c.name)).not.toContain("zhucun_session");
  } finally {
    await lan.close();
  }
  // The sign-in itself is refused there, before any password work, and sets no cookie.
  const host = `zhucun.county.lan:${port}`;
  const refused = await request.post("/login", {
    headers: { Host: host, Origin: `http://${host}` },
    form: { username: "county", password: DEMO_PASSWORD, redirectTo: "/" },
    maxRedirects: 0,
  });
  expect(refused.status()).toBe(400);
  expect(await refused.text()).toContain("浏览器不会保存登录凭据");
  expect(refused.headers()["set-cookie"] ?? "").not.toContain("zhucun_session");
});

test("the demo's sign-in page names every demo account, in both languages", async ({
  page,
  browser,
}) => {
  await page.goto("/login");
  const hint = page.getByText(/^演示账号：/);
  for (const account of DEMO_ACCOUNTS) await expect(hint).toContainText(account.username);
  await expect(hint).toContainText("county、zuzhibu、viewer");
  // No warning where the browser keeps the cookie (localhost).
  await expect(page.getByText("未加密的 HTTP")).toHaveCount(0);
  const english = await browser.newContext({ locale: "en-US" });
  try {
    const en = await english.newPage();
    await en.goto(`${BASE_URL}/login`);
    await expect(en.getByText(/^Demo accounts: /)).toContainText("county, zuzhibu, viewer");
  } finally {
    await english.close();
  }
});
