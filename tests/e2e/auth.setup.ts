import { test as setup } from "@playwright/test";
import { signIn, storageStateFor, type DemoUser } from "./fixtures";

const users: DemoUser[] = [
  "county",
  "zuzhibu",
  "viewer",
  "daqinggou",
  "xiaosuangou",
  "weijia",
  "xianaling",
];

// Signs each demo role in once through the real form; most specs reuse the session.
for (const user of users) {
  setup(`sign in as ${user}`, async ({ page }) => {
    await signIn(page, user);
    await page.context().storageState({ path: storageStateFor(user) });
  });
}
