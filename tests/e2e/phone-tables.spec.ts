import type { Page } from "@playwright/test";
import { expect, signedInAs, test, villageHref, waitForHydration } from "./fixtures";

/**
 * Every table region on the page, measured: whether it scrolls sideways, and for a stacked table
 * (cards on a phone) whether each cell shown names its column as the column's heading does. The
 * first column is the card's title and needs no label; a cell spanning columns (a row's actions)
 * has none either.
 */
async function tableReport(page: Page) {
  return page.evaluate(() => {
    const text = (el: Element) => (el.textContent ?? "").replace(/\s+/g, " ").trim();
    const report = {
      regions: 0,
      stacked: 0,
      labelled: 0,
      problems: [] as string[],
      /** The label's punctuation as drawn (`content` of the cells' ::before). */
      contents: [] as string[],
    };
    for (const region of document.querySelectorAll<HTMLElement>(".table-wrap")) {
      report.regions++;
      const name = region.getAttribute("aria-label") ?? "?";
      if (region.scrollWidth > region.clientWidth + 1) {
        report.problems.push(`${name}: ${region.scrollWidth} px wide in ${region.clientWidth}`);
      }
      const table = region.querySelector("table");
      if (!table?.hasAttribute("data-stack")) continue;
      report.stacked++;
      if (table.getAttribute("role") !== "table") report.problems.push(`${name}: no role`);
      const headRow = table.tHead?.rows[0];
      if (!headRow) {
        report.problems.push(`${name}: no header row`);
        continue;
      }
      const headings: string[] = [];
      for (const th of headRow.cells) {
        for (let i = 0; i < th.colSpan; i++) headings.push(text(th));
      }
      for (const row of table.rows) {
        if (row === headRow) continue;
        // Rows the browser did not hydrate (KeptRows) are given their roles all the same.
        if (row.getAttribute("role") !== "row") {
          report.problems.push(`${name}, ${text(row.cells[0]!)}: no row role`);
        }
        let column = 0;
        for (const cell of row.cells) {
          const at = column;
          column += cell.colSpan;
          if (cell.tagName !== "TD" || at === 0 || cell.colSpan > 1) continue;
          // Not shown (an empty cell is left out of its card).
          if (cell.getClientRects().length === 0) continue;
          const label = cell.dataset.label ?? "";
          if (!label || label !== headings[at]) {
            report.problems.push(
              `${name}, ${text(row.cells[0]!)}: "${label}" under "${headings[at] ?? ""}"`,
            );
            continue;
          }
          if (getComputedStyle(cell).display === "table-cell") {
            report.problems.push(`${name}: still a table cell`);
          }
          report.labelled++;
          const content = getComputedStyle(cell, "::before").content;
          if (!report.contents.includes(content) && report.contents.length < 5) {
            report.contents.push(content);
          }
        }
      }
    }
    return report;
  });
}

/** The page as a phone shows it: no table scrolls sideways, every card line has its label. */
async function expectCards(page: Page, path: string) {
  const report = await tableReport(page);
  expect(report.problems, path).toEqual([]);
  expect(report.regions, `${path}: table regions`).toBeGreaterThan(0);
  return report;
}

/** How far the page is wider than the viewport; not innerWidth, which a phone zooms out to. */
async function horizontalOverflow(page: Page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  return width - (page.viewportSize()?.width ?? 0);
}

test.describe("tables on a 360 px phone", () => {
  test.use({ viewport: { width: 360, height: 740 } });

  test.describe("as the county admin", () => {
    test.use(signedInAs("county"));

    test("every table region fits, its rows as cards labelled by their columns", async ({
      page,
    }) => {
      // Ten pages, each measured cell by cell.
      test.slow();
      const paths = [
        "/villages",
        "/teams",
        "/townships",
        "/reports/weekly",
        "/reports/monthly",
        "/leave",
        "/dashboard",
        "/admin/users",
        "/admin/villages",
      ];
      let stacked = 0;
      let labelled = 0;
      for (const path of paths) {
        await page.goto(path);
        await waitForHydration(page);
        const report = await expectCards(page, path);
        stacked += report.stacked;
        labelled += report.labelled;
        // Chinese labels end in a full-width colon.
        for (const content of report.contents) {
          expect(content, path).toContain("：");
        }
      }
      // The cards are exercised, not only tables that happen to fit.
      expect(stacked).toBeGreaterThanOrEqual(paths.length);
      expect(labelled).toBeGreaterThan(100);
    });

    test("in English, the labels are the English headings", async ({ page }) => {
      await page.goto("/villages");
      await waitForHydration(page);
      await page.getByRole("button", { name: "切换语言到英文" }).click();
      await expect(page.getByRole("heading", { level: 1, name: "Villages" })).toBeVisible();
      await expect(page.locator("html")).toHaveAttribute("lang", "en");
      await waitForHydration(page);
      const report = await expectCards(page, "/villages (en)");
      expect(report.labelled).toBeGreaterThan(0);
      const cell = page.locator(".data-table[data-stack] tbody tr").first().locator("td").first();
      await expect(cell).toHaveAttribute("data-label", "Township");
      await expect(cell).toBeVisible();
      for (const content of report.contents) {
        expect(content).toContain(": ");
        expect(content).not.toContain("：");
      }
    });
  });

  test.describe("as a member of 魏家村's team", () => {
    test.use(signedInAs("weijia"));

    test("the household list is cards, and a household's incomes show the poverty line", async ({
      page,
    }) => {
      const village = await villageHref(page, "魏家村");
      const path = `${village}/households`;
      await page.goto(path);
      await waitForHydration(page);
      const report = await expectCards(page, path);
      expect(report.stacked).toBeGreaterThan(0);
      expect(report.labelled).toBeGreaterThan(0);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);

      // The incomes table stays a table (three columns) and fits: its poverty-line column in view.
      await page.locator('table a[href*="/households/"]').first().click();
      await expect(page.getByRole("heading", { name: "户主身份证号与联系电话" })).toBeVisible();
      const line = page.getByRole("columnheader", { name: "当年扶贫标准" });
      await expect(line).toBeVisible();
      const box = (await line.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(360);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    });
  });
});

test.describe("tables on a desktop", () => {
  test.use({ ...signedInAs("county"), viewport: { width: 1280, height: 800 } });

  test("a stacked table is still a table, without labels drawn", async ({ page }) => {
    await page.goto("/villages");
    const table = page.locator(".data-table[data-stack]").first();
    await expect(table.locator("thead")).toBeVisible();
    await expect(table.locator("thead th").first()).toBeVisible();
    const cell = table.locator("tbody td").first();
    expect(await cell.evaluate((el) => getComputedStyle(el).display)).toBe("table-cell");
    expect(await cell.evaluate((el) => getComputedStyle(el, "::before").content)).toMatch(
      /^(none|normal)$/,
    );
    expect(
      await table.locator("thead").evaluate((el) => el.getBoundingClientRect().height),
    ).toBeGreaterThan(10);
  });
});
