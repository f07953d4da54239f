/** The two boards' columns, limits and rules, shared by the board UI and the server. */
import {
  CASE_COLUMNS,
  CASE_KINDS,
  HELP_MEASURES,
  PROJECT_COLUMNS,
  type Board,
  type BoardColumn,
} from "../../db/schema";

export const BOARD_COLUMNS: Record<Board, readonly BoardColumn[]> = {
  project: PROJECT_COLUMNS,
  case: CASE_COLUMNS,
};

/** Card kinds: official help-measure categories for projects, need types for cases. */
export const BOARD_KINDS: Record<Board, readonly string[]> = {
  project: HELP_MEASURES,
  case: CASE_KINDS,
};

/** Columns where work is finished: a card there is never overdue. */
const FINISHED: Record<Board, readonly BoardColumn[]> = {
  project: ["done"],
  case: ["resolved", "follow_up", "closed"],
};

export function isBoard(value: unknown): value is Board {
  return value === "project" || value === "case";
}

export function isColumnOf(board: Board, column: unknown): column is BoardColumn {
  return (BOARD_COLUMNS[board] as readonly unknown[]).includes(column);
}

export function isFinished(board: Board, column: BoardColumn) {
  return FINISHED[board].includes(column);
}

export function isCardOverdue(
  card: { board: Board; column: BoardColumn; dueOn: string | null },
  today: string,
) {
  return card.dueOn !== null && card.dueOn < today && !isFinished(card.board, card.column);
}

/** URL segment ↔ board. */
export const BOARD_SEGMENTS: Record<Board, "projects" | "cases"> = {
  project: "projects",
  case: "cases",
};

/** The board a URL segment names ("projects", "cases"), or null. */
export function boardFromSegment(segment: string | undefined): Board | null {
  if (segment === BOARD_SEGMENTS.project) return "project";
  if (segment === BOARD_SEGMENTS.case) return "case";
  return null;
}

/**
 * Cards a board's column shows at first; each "more" shows COLUMN_PAGE more (the column's count in
 * the URL, `more`); "show all" shows up to COLUMN_ALL (a filter, the rest).
 */
export const COLUMN_FIRST = 20;
export const COLUMN_PAGE = 20;
export const COLUMN_ALL = 500;
/**
 * "Show all" draws every column whole (up to COLUMN_ALL cards each) only on a board that holds at
 * most this many cards as filtered: a county's whole board (the bench's 2,000 cards are
 * interactive in under 3 s at a phone's CPU speed). A province's (32,000) is too many for one page
 * on any device: it asks for a township or a village first, and its columns still page ("more").
 */
export const SHOW_ALL_MOST = 2000;

/** Whether "show all" draws a board of `cards` (as filtered) whole. */
export const canShowAll = (cards: number) => cards <= SHOW_ALL_MOST;

/** Lanes a board shows at once, and each lane's column's first cards. */
export const MAX_LANES = 20;
export const LANE_COLUMN_FIRST = 10;

/** A board container's key: its lane ("all", a township's id or a village's) and its column. */
export const containerKey = (lane: string, column: string) => `${lane}::${column}`;
/** The column of a container's key. */
export const columnOfContainer = (container: string) => container.split("::")[1]!;
