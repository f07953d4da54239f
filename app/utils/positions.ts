/**
 * Gap-based ordering within a board column (Planka's approach): cards carry integer positions
 * GAP apart; a card dropped between two others takes the midpoint; when two neighbours are
 * adjacent (no integer between them) the column is renumbered, in the same transaction as the move.
 */
export const GAP = 1024;

/** A position strictly between two neighbours (either may be missing), or null when there is no room. */
export function positionBetween(before: number | null, after: number | null): number | null {
  if (before === null && after === null) return GAP;
  if (before === null) return after! - GAP;
  if (after === null) return before + GAP;
  if (after - before < 2) return null;
  return Math.floor((before + after) / 2);
}

/** Evenly spaced positions for a column in its new order. */
export function rebalanced<T>(items: readonly T[]): { item: T; position: number }[] {
  return items.map((item, i) => ({ item, position: (i + 1) * GAP }));
}

/** Where a card lands: the index in its target column (without the card itself) for "after"/"before". */
export function targetIndex(
  ids: readonly string[],
  neighbour: { afterId?: string; beforeId?: string },
): number | null {
  if (neighbour.afterId) {
    const i = ids.indexOf(neighbour.afterId);
    return i === -1 ? null : i + 1;
  }
  if (neighbour.beforeId) {
    const i = ids.indexOf(neighbour.beforeId);
    return i === -1 ? null : i;
  }
  return ids.length;
}
