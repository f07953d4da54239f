import { describe, expect, it } from "vitest";
import { fromTable, toTable, type Table } from "~/utils/table";

/** The table as the browser gets it: through JSON, a new object. */
const sent = <T extends object>(table: Table<T>) => JSON.parse(JSON.stringify(table)) as Table<T>;

describe("a list sent as a table", () => {
  const cards = [
    { id: "a", title: "独居老人冬季取暖", position: 1, overdue: false, who: null, names: ["贾俊"] },
    {
      id: "b",
      title: 'A "quoted" </script> title',
      position: 2.5,
      overdue: true,
      who: "康杰",
      names: [],
    },
  ];

  it("comes back in the browser as the same objects, keys once", () => {
    const table = toTable(cards);
    expect(table.keys).toEqual(["id", "title", "position", "overdue", "who", "names"]);
    // The keys are not repeated per object.
    expect(table.rows.match(/"title"/g)).toBeNull();
    const back = fromTable(sent(table));
    expect(back).toEqual(cards);
    expect(back[0]).not.toBe(cards[0]);
  });

  it("gives the server's render the loader's own objects, with nothing parsed", () => {
    const table = toTable(cards);
    expect(fromTable(table)).toBe(cards);
  });

  it("takes every key any object has, and writes a missing or undefined value as null", () => {
    const mixed: { id: string; lane?: string; label?: string | null }[] = [
      { id: "a" },
      { id: "b", lane: "x", label: undefined },
    ];
    const table = toTable(mixed);
    expect(table.keys).toEqual(["id", "lane", "label"]);
    const expected = [
      { id: "a", lane: null, label: null },
      { id: "b", lane: "x", label: null },
    ];
    expect(fromTable(sent(table))).toEqual(expected);
    // Here the browser's copy differs from the loader's objects: the server reads the rows too, so
    // both draw the same page.
    expect(fromTable(table)).toEqual(expected);
  });

  it("sends an empty list as an empty table", () => {
    const table = toTable<{ id: string }>([]);
    expect(table).toEqual({ keys: [], rows: "[]" });
    expect(fromTable(sent(table))).toEqual([]);
  });
});
