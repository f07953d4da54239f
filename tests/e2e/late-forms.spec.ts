import { expect, signedInAs, test, waitForHydration } from "./fixtures";

// Forms hydrated from their own chunk after the page (decision 018, lazyComponent).
test.describe("the township leader of 大青沟镇 writing the week's summary", () => {
  test.use(signedInAs("daqinggou"));

  test("what is typed before the report form has hydrated is kept when it does", async ({
    page,
  }) => {
    // The form's chunk is held back, as on a slow phone, until the text has been typed.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/build\/_shared\/report-editor-[\w-]+\.js$/, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto("/reports/weekly");
    // Opened as a page (a document load, which hydrates), not by a client navigation.
    await page.goto((await page.locator('a[href*="/townships/"]').first().getAttribute("href"))!);
    await waitForHydration(page);
    const done = page.getByLabel("本周工作");
    const drafted = await done.inputValue();
    expect(drafted).not.toBe("");
    await done.fill("镇里写的：七支队伍本周均已到岗。");
    const arrived = page.waitForResponse(/report-editor-[\w-]+\.js$/);
    release();
    await arrived;
    // Hydrated: React has taken the server's field over (its node carries React's fiber).
    await expect
      .poll(() =>
        done.evaluate((node) => Object.keys(node).some((key) => key.startsWith("__reactFiber"))),
      )
      .toBe(true);
    await expect(done).toHaveValue("镇里写的：七支队伍本周均已到岗。");
  });
});
