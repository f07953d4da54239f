import { describe, expect, it } from "vitest";
import { seededRandom } from "../../db/seed/random";
import { GAP, positionBetween, rebalanced, targetIndex } from "~/utils/positions";

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
    let column: { id: number; position: number }[] = [];
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
        const order = [...column.slice(0, index), card, ...column.slice(index)];
        column = rebalanced(order).map(({ item, position: p }) => ({ ...item, position: p }));
        continue;
      }
      card.position = position;
      column.splice(index, 0, card);
    }
    const ordered = column.every((c, i) => i === 0 || c.position > column[i - 1]!.position);
    expect(ordered).toBe(true);
    expect(column).toHaveLength(2000);
    expect(new Set(column.map((c) => c.id)).size).toBe(2000);
    // Repeated inserts in one spot exhaust a gap of 1024 after ~10 halvings: rebalancing must occur.
    expect(rebalances).toBeGreaterThan(0);
  });

  it("place a card after or before a neighbour, or at the end", () => {
    expect(targetIndex(["a", "b", "c"], { afterId: "a" })).toBe(1);
    expect(targetIndex(["a", "b", "c"], { beforeId: "a" })).toBe(0);
    expect(targetIndex(["a", "b", "c"], {})).toBe(3);
    expect(targetIndex(["a", "b", "c"], { afterId: "zz" })).toBeNull();
  });
});
