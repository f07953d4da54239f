import { describe, expect, it } from "vitest";
import { seededRandom } from "../../db/seed/random";
import { GAP, makeRoom, MIN_SPACING, positionBetween, targetIndex } from "~/utils/positions";

describe("positions between neighbours", () => {
  it("start a column, go before the first and after the last", () => {
    expect(positionBetween(null, null)).toBe(GAP);
    expect(positionBetween(null, 1024)).toBe(0);
    expect(positionBetween(2048, null)).toBe(2048 + GAP);
    expect(positionBetween(1024, 2048)).toBe(1536);
  });

  it("report no room between adjacent positions", () => {
    expect(positionBetween(5, 6)).toBeNull();
    expect(positionBetween(5, 7)).toBe(6);
  });

  it("keep any sequence of random inserts strictly ordered, rebalancing when room runs out", () => {
    const random = seededRandom(42);
    const column: { id: number; position: number }[] = [];
    let rebalances = 0;
    for (let n = 0; n < 2000; n++) {
      // Half the inserts land in one hot spot, the way a busy column is used.
      const index =
        random.next() < 0.5
          ? Math.min(1, column.length)
          : Math.floor(random.next() * (column.length + 1));
      const before = column[index - 1]?.position ?? null;
      const after = column[index]?.position ?? null;
      const position = positionBetween(before, after);
      const card = { id: n, position: 0 };
      if (position === null) {
        rebalances++;
        const room = makeRoom(
          column.map((c) => c.position),
          index,
        );
        const untouched = new Set(column.map((_, i) => i));
        for (const r of room.renumbered) {
          column[r.index]!.position = r.position;
          untouched.delete(r.index);
        }
        // Outside the run, nothing moved; inside it, the spacing is at least MIN_SPACING.
        expect(untouched.size + room.renumbered.length).toBe(column.length);
        card.position = room.position;
      } else card.position = position;
      column.splice(index, 0, card);
    }
    const ordered = column.every((c, i) => i === 0 || c.position > column[i - 1]!.position);
    expect(ordered).toBe(true);
    expect(column).toHaveLength(2000);
    expect(new Set(column.map((c) => c.id)).size).toBe(2000);
    // Repeated inserts in one spot exhaust a gap of 1024 after ~10 halvings: rebalancing must occur.
    expect(rebalances).toBeGreaterThan(0);
  });

  it("make room by spreading out the few cards around a worn spot, not the whole column", () => {
    // 400 cards GAP apart, two of them squeezed together: a card goes between the two.
    const column = Array.from({ length: 400 }, (_, i) => (i + 1) * GAP);
    column[200] = column[199]! + 1;
    const room = makeRoom(column, 200);
    expect(room.renumbered.length).toBeLessThanOrEqual(4);
    const after = [...column];
    for (const r of room.renumbered) after[r.index] = r.position;
    after.splice(200, 0, room.position);
    for (let i = 1; i < after.length; i++) {
      expect(after[i]! - after[i - 1]!).toBeGreaterThanOrEqual(
        i >= 198 && i <= 203 ? MIN_SPACING : GAP,
      );
    }
    // The run is the smallest that fits: its outer neighbours kept their places.
    const first = room.renumbered[0]!.index;
    const last = room.renumbered.at(-1)!.index;
    expect(after[first - 1]).toBe(column[first - 1]);
    expect(after[last + 2]).toBe(column[last + 1]);
  });

  it("renumber a column with no room anywhere, at its ends too, keeping its order", () => {
    const packed = Array.from({ length: 50 }, (_, i) => 1000 + i);
    for (const index of [0, 1, 25, 49, 50]) {
      const room = makeRoom(packed, index);
      const after = [...packed];
      for (const r of room.renumbered) after[r.index] = r.position;
      after.splice(index, 0, room.position);
      expect(after).toHaveLength(51);
      for (let i = 1; i < after.length; i++) expect(after[i]!).toBeGreaterThan(after[i - 1]!);
      expect(after.every(Number.isSafeInteger)).toBe(true);
    }
    // A card before the first, or after the last, spreads out past the open end, GAP apart.
    expect(makeRoom([5, 6], 0)).toEqual({
      position: 6 - 2 * GAP,
      renumbered: [{ index: 0, position: 6 - GAP }],
    });
    expect(makeRoom([], 0)).toEqual({ position: GAP, renumbered: [] });
  });

  it("place a card after or before a neighbour, or at the end", () => {
    expect(targetIndex(["a", "b", "c"], { afterId: "a" })).toBe(1);
    expect(targetIndex(["a", "b", "c"], { beforeId: "a" })).toBe(0);
    expect(targetIndex(["a", "b", "c"], {})).toBe(3);
    expect(targetIndex(["a", "b", "c"], { afterId: "zz" })).toBeNull();
  });
});
