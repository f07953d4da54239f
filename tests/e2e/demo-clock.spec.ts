/**
 * The demo lives in its own time (issue 19, app/utils/clock.ts): it says which day it is, and
 * its boards read as they did in November 2018 — not six years overdue.
 */
import { businessDay } from "./clock";
import { expect, signedInAs, test } from "./fixtures";

test.describe("the demo's own calendar", () => {
  test.use(signedInAs("county"));

  test("shows its date in both languages, and the boards are not mostly overdue @phone", async ({
    page,
  }) => {
    const day = businessDay();
    expect(day.startsWith("2018-11")).toBe(true);
    const [y, m, d] = day.split("-").map(Number);
    await page.goto("/dashboard");
    await expect(page.getByRole("note").filter({ hasText: "演示数据" })).toContainText(
      `演示日期 ${y}年${m}月${d}日`,
    );

    for (const board of ["cases", "projects"]) {
      await page.goto(`/boards/${board}`);
      const summary = await page.getByText(/^共 \d+ 张卡片，其中 \d+ 张逾期。$/).innerText();
      const [count, overdue] = summary.match(/\d+/g)!.map(Number) as [number, number];
      expect(count).toBeGreaterThan(100);
      expect(overdue / count).toBeLessThan(0.25);
    }

    // The same in English.
    await page.context().addCookies([
      {
        name: "zhucun_locale",
        value: encodeURIComponent(Buffer.from(JSON.stringify("en")).toString("base64")),
        url: new URL(page.url()).origin,
      },
    ]);
    await page.goto("/dashboard");
    await expect(page.getByRole("note").filter({ hasText: "Demo data" })).toContainText(
      `Demo date: ${new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`))}`,
    );
  });
});
