import { describe, expect, it } from "vitest";
import { applyPlacedMoves, type PlacedMove } from "~/utils/board-moves";
import { isMoveAnsweredInPlace, skipRevalidationWhenQueued } from "~/outbox/client-action";

const card = (id: string, column: string, position: number, version: number) => ({
  id,
  title: id,
  column,
  position,
  version,
});
const placed = (...moves: PlacedMove[]) => new Map(moves.map((m) => [m.id, m]));

describe("a move answered in place", () => {
  const cards = [card("a", "proposed", 1000, 3), card("b", "approved", 2000, 1)];

  it("draws the moved card where the server put it, with its new version", () => {
    const shown = applyPlacedMoves(
      cards,
      placed({ id: "a", column: "in_progress", position: 500, version: 4 }),
    );
    expect(shown[0]).toEqual({ ...cards[0], column: "in_progress", position: 500, version: 4 });
    expect(shown[1]).toBe(cards[1]);
  });

  it("gives way to data loaded since: the same version, or a later change", () => {
    expect(
      applyPlacedMoves(cards, placed({ id: "a", column: "in_progress", position: 1, version: 3 })),
    ).toBe(cards);
    expect(
      applyPlacedMoves(cards, placed({ id: "a", column: "in_progress", position: 1, version: 2 })),
    ).toBe(cards);
    // A card no longer on the board (filtered out, paged out, archived): nothing to draw.
    expect(
      applyPlacedMoves(cards, placed({ id: "z", column: "in_progress", position: 1, version: 9 })),
    ).toBe(cards);
    expect(applyPlacedMoves(cards, new Map())).toBe(cards);
  });

  it("skips reloading the page's data only for a move answered with its place", () => {
    const move = { id: "a", column: "in_progress", position: 500, version: 4 };
    const args = (actionResult: unknown) =>
      ({ actionResult, defaultShouldRevalidate: true }) as Parameters<
        typeof skipRevalidationWhenQueued
      >[0];
    expect(isMoveAnsweredInPlace({ ok: true, placed: move })).toBe(true);
    expect(skipRevalidationWhenQueued(args({ ok: true, placed: move }))).toBe(false);
    // After a renumbered column, a refusal, a conflict or any other write: reload.
    for (const reply of [
      { ok: true },
      { ok: false, message: "card.stale", conflict: { version: 5 } },
      { formId: "comment", result: { status: "success" } },
      null,
      undefined,
    ]) {
      expect(isMoveAnsweredInPlace(reply)).toBe(false);
      expect(skipRevalidationWhenQueued(args(reply))).toBe(true);
    }
  });
});
