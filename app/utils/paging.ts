/**
 * Which slice of `total` rows a list shows for the `page` the URL asks for (1-based), `size` rows a
 * page: anything that is not a whole page number in range (missing, "abc", 0, -3, 2.5, 9999) is
 * clamped to the nearest page, never an error or an empty list past the end.
 */
export function pageWindow(
  total: number,
  requested: string | null,
  size: number,
): { page: number; pages: number; start: number; end: number } {
  const pages = Math.max(1, Math.ceil(total / size));
  const asked = Math.floor(Number(requested));
  const page = Number.isFinite(asked) ? Math.min(pages, Math.max(1, asked)) : 1;
  return { page, pages, start: (page - 1) * size, end: Math.min(total, page * size) };
}

/** Rows a page of a long list: a county's lists fit on one, a province's are pages, not megabytes. */
export const LIST_PAGE_SIZE = 100;

/** One page of `rows` (already filtered and sorted) for the URL's `page`, with where it lies. */
export function pageOf<T>(rows: readonly T[], requested: string | null, size = LIST_PAGE_SIZE) {
  const window = pageWindow(rows.length, requested, size);
  return { ...window, total: rows.length, rows: rows.slice(window.start, window.end) };
}

/** What a Pager needs of a page (serialisable: a loader returns it). */
export function pageFigures(page: ReturnType<typeof pageOf>) {
  return {
    page: page.page,
    pages: page.pages,
    range: { from: page.start + 1, to: page.end, total: page.total },
  };
}

/** The same list (its filters kept) at another page; page 1 drops the parameter. */
export function pageHref(params: URLSearchParams, page: number, key = "page"): string {
  const next = new URLSearchParams(params);
  if (page <= 1) next.delete(key);
  else next.set(key, String(page));
  const query = next.toString();
  return query ? `?${query}` : "?";
}
