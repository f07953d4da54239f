/**
 * Chinese text in zh-CN order (a name by its pinyin), with one collator for every comparison:
 * `a.localeCompare(b, "zh-CN")` makes a collator per call, ~3× slower over a sort of a few hundred
 * names.
 */
const collator = new Intl.Collator("zh-CN");

export const compareChinese = (a: string, b: string): number => collator.compare(a, b);
