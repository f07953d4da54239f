/**
 * Reading what people type in a spreadsheet cell: a value may be given as its stored key or as its
 * label in either language ("县派", "County", "county" all mean the level `county`), compared without
 * spaces, punctuation or case.
 */
import { catalogues } from "~/i18n/catalogues.server";
import type { Locale } from "~/i18n";

export const normalise = (s: string) => s.toLowerCase().replace(/[\s_\-（）()：:*]/g, "");

/** Each option's key and its label in both languages (`<prefix>.<key>`), normalised → the key. */
export function lookup<T extends string>(prefix: string, keys: readonly T[]) {
  const map = new Map<string, T>();
  for (const key of keys) {
    map.set(normalise(key), key);
    for (const locale of ["zh-CN", "en"] as Locale[]) {
      const label = (catalogues[locale] as Record<string, string>)[`${prefix}.${key}`];
      if (label) map.set(normalise(label), key);
    }
  }
  return map;
}
