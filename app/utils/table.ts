/**
 * A long list of like objects as loader data: the keys once, then every object's values as one
 * row of a JSON text.
 *
 * Remix encodes loader data with turbo-stream, which handles each object per key (asking every
 * plugin about it) and each value on its own. A county's case board drawn whole sends 462 cards of
 * 14 fields. Measured on this machine (server CPU to encode; the page's size gzipped):
 * - as objects: 4.2 ms;
 * - as rows of values (arrays): 2.6 ms, the page 65.7 KB;
 * - as rows in one JSON text: 1.0 ms, the page 64.6 KB. The browser decodes it with JSON.parse,
 *   faster than turbo-stream's decoding too.
 * The page turns the rows back into objects once per loader result (`useTable`) and draws
 * them as before. While the server renders the page, the loader's own objects are given back
 * (when the browser's copy will equal them): nothing is parsed there.
 */
import { useMemo } from "react";

/** For objects of JSON values (strings, numbers, booleans, null, arrays and objects of them). */
export interface Table<T extends object> {
  keys: (keyof T & string)[];
  /** JSON: an array of rows, each the values of `keys` in order (undefined written as null). */
  rows: string;
}

/** The objects each table was made of, while the server renders the page it was made for. */
const madeFrom = new WeakMap<object, readonly object[]>();

/** The objects as rows; the keys are every key any of them has, in the order first met. */
export function toTable<T extends object>(items: readonly T[]): Table<T> {
  const keys: (keyof T & string)[] = [];
  const known = new Set<string>();
  for (const item of items) {
    for (const key of Object.keys(item)) {
      if (known.has(key)) continue;
      known.add(key);
      keys.push(key as keyof T & string);
    }
  }
  // The objects can stand for their table only if the browser's copy will be the same.
  let same = true;
  const rows = items.map((item) =>
    keys.map((key) => {
      const value = item[key];
      if (value === undefined) same = false;
      return value ?? null;
    }),
  );
  const table: Table<T> = { keys, rows: JSON.stringify(rows) };
  if (same) madeFrom.set(table, items);
  return table;
}

/**
 * The objects again. Every key is set on every object: one an object lacked is null, as a value
 * that was undefined (JSON has no undefined), so give such fields the type `T | null`.
 */
export function fromTable<T extends object>(table: Table<T>): T[] {
  const items = madeFrom.get(table);
  if (items) return items as T[];
  const { keys } = table;
  const rows = JSON.parse(table.rows) as unknown[][];
  return rows.map((row) => {
    const item: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) item[keys[i]!] = row[i];
    return item as T;
  });
}

/** A loader's table as objects, turned back once per loader result (null stays null). */
export function useTable<T extends object>(table: Table<T>): T[];
export function useTable<T extends object>(table: Table<T> | null): T[] | null;
export function useTable<T extends object>(table: Table<T> | null): T[] | null {
  return useMemo(() => (table ? fromTable(table) : null), [table]);
}
