/**
 * Gap-based ordering within a board column (Planka's approach): cards carry integer positions
 * GAP apart; a card dropped between two others takes the midpoint; when two neighbours are
 * adjacent (no integer between them) the cards around the spot are spread out (`makeRoom`), in the
 * same transaction as the move.
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

/** The least spacing `makeRoom` leaves between renumbered neighbours: room for six more halvings. */
export const MIN_SPACING = 64;

/**
 * Room for a card at `index` of a column (`positions`: the column's others, in order) when there
 * is none between its neighbours: the smallest run of neighbours around the spot that can be
 * spread out, MIN_SPACING or more apart, between the positions just outside it, is renumbered;
 * a run reaching an end of the column spreads out past it GAP apart. The run starts at the two
 * neighbours and doubles on each side until it fits. Most columns are spaced GAP apart with a
 * worn spot, so a few cards move, not the whole column: each renumbered card is a row written
 * (and its index entries) in the move's transaction.
 *
 * Returns the moved card's position and the new positions of the run, by index into `positions`.
 */
export function makeRoom(
  positions: readonly number[],
  index: number,
): { position: number; renumbered: { index: number; position: number }[] } {
  const n = positions.length;
  let lo = Math.max(0, index - 1); // the run is positions[lo … hi - 1], the moved card inside it
  let hi = Math.min(n, index + 1);
  let width = 1;
  for (;;) {
    const left = lo > 0 ? positions[lo - 1]! : null;
    const right = hi < n ? positions[hi]! : null;
    const slots = hi - lo + 1; // the run and the moved card
    let spread: number[] | null = null;
    if (left === null && right === null) spread = range(slots, (i) => (i + 1) * GAP);
    else if (left === null) spread = range(slots, (i) => right! - (slots - i) * GAP);
    else if (right === null) spread = range(slots, (i) => left + (i + 1) * GAP);
    else {
      const spacing = Math.floor((right - left) / (slots + 1));
      if (spacing >= MIN_SPACING) spread = range(slots, (i) => left + (i + 1) * spacing);
    }
    if (spread) {
      const at = index - lo; // the moved card's slot in the run
      return {
        position: spread[at]!,
        renumbered: range(hi - lo, (i) => ({
          index: lo + i,
          position: spread[i < at ? i : i + 1]!,
        })),
      };
    }
    width *= 2;
    lo = Math.max(0, lo - width);
    hi = Math.min(n, hi + width);
  }
}

const range = <T>(length: number, f: (i: number) => T): T[] =>
  Array.from({ length }, (_, i) => f(i));

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
