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
