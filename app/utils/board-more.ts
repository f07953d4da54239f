/**
 * A board's columns shown past their first cards ("more"), as the URL says: a module of its own, so
 * pages that only name columns (a new card's form) do not load it.
 */
import type { Board, BoardColumn } from "../../db/schema";
import { COLUMN_ALL, COLUMN_FIRST, isColumnOf } from "~/utils/boards";

/** How many cards a column shows, for the columns shown past their first cards. */
export type ColumnCounts = Partial<Record<BoardColumn, number>>;

/**
 * The URL's `more` ("in_progress:40,closed:60"): each known column's count, within
 * COLUMN_FIRST–COLUMN_ALL; anything else is dropped, so a stale or hand-edited URL still shows a board.
 */
export function parseColumnCounts(board: Board, value: string | null | undefined): ColumnCounts {
  const counts: ColumnCounts = {};
  for (const part of (value ?? "").split(",")) {
    const [column, n] = part.split(":");
    const count = Math.floor(Number(n));
    if (!isColumnOf(board, column) || !Number.isFinite(count)) continue;
    counts[column] = Math.min(COLUMN_ALL, Math.max(COLUMN_FIRST, count));
  }
  return counts;
}

/** `more`'s value for these counts (columns at their first cards left out). */
export function formatColumnCounts(counts: ColumnCounts): string {
  return Object.entries(counts)
    .filter(([, n]) => n !== undefined && n > COLUMN_FIRST)
    .map(([column, n]) => `${column}:${n}`)
    .join(",");
}
