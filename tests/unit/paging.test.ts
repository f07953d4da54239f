import { describe, expect, it } from "vitest";
import { pageHref, pageOf, pageWindow } from "~/utils/paging";

describe("a list's page from the URL", () => {
  it("slices whole pages, the last one short", () => {
    expect(pageWindow(8000, "1", 100)).toEqual({ page: 1, pages: 80, start: 0, end: 100 });
    expect(pageWindow(8000, "80", 100)).toEqual({ page: 80, pages: 80, start: 7900, end: 8000 });
    expect(pageWindow(250, "3", 100)).toEqual({ page: 3, pages: 3, start: 200, end: 250 });
  });

  it("clamps whatever else is asked for to a page that exists", () => {
    for (const asked of [null, "", "abc", "0", "-3", "NaN", "Infinity"]) {
      expect(pageWindow(250, asked, 100).page, String(asked)).toBe(1);
    }
    expect(pageWindow(250, "2.7", 100).page).toBe(2);
    expect(pageWindow(250, "9999", 100)).toEqual({ page: 3, pages: 3, start: 200, end: 250 });
  });

  it("has one (empty) page when there is nothing to list", () => {
    expect(pageWindow(0, "5", 100)).toEqual({ page: 1, pages: 1, start: 0, end: 0 });
  });
});

describe("a page of rows and the links to its neighbours", () => {
  it("slices the rows and says where the page lies", () => {
    const rows = Array.from({ length: 250 }, (_, i) => i);
    const third = pageOf(rows, "3", 100);
    expect(third.rows).toEqual(rows.slice(200));
    expect(third).toMatchObject({ page: 3, pages: 3, total: 250, start: 200, end: 250 });
    expect(pageOf(rows, null).rows).toHaveLength(100);
  });

  it("keeps every filter, drops page=1 and replaces an old page", () => {
    const params = new URLSearchParams("status=exited&q=%E9%AD%8F&page=4");
    expect(pageHref(params, 5)).toBe("?status=exited&q=%E9%AD%8F&page=5");
    expect(pageHref(params, 1)).toBe("?status=exited&q=%E9%AD%8F");
    expect(pageHref(new URLSearchParams(), 1)).toBe("?");
    expect(pageHref(new URLSearchParams("cpage=2"), 3, "cpage")).toBe("?cpage=3");
  });
});
