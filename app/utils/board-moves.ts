/**
 * A card move answered in place (issue 18): the server replies with where the card now is, and
 * the board draws it there without loading the board again (root, layout and board loaders are
 * skipped: outbox/client-action.ts, `isMoveAnsweredInPlace`). Until the board's data is next
 * loaded, the answered moves are laid over it; data loaded after a move already holds it.
 */
import type { BoardColumn } from "../../db/schema";

/** The card's place after a move the server made: the column, its position there, its version. */
export interface PlacedMove {
  id: string;
  column: BoardColumn;
  position: number;
  version: number;
}

/**
 * The board's cards with the answered moves applied: a move applies to a card whose loaded
 * version is older than the move's (data loaded since holds the move, or a later change). The same
 * array when none applies.
 */
export function applyPlacedMoves<
  Card extends { id: string; column: string; position: number; version: number },
>(cards: Card[], placed: ReadonlyMap<string, PlacedMove>): Card[] {
  if (placed.size === 0) return cards;
  let changed = false;
  const result = cards.map((card) => {
    const move = placed.get(card.id);
    if (!move || move.version <= card.version) return card;
    changed = true;
    return { ...card, column: move.column, position: move.position, version: move.version };
  });
  return changed ? result : cards;
}
