import { pinyin } from "pinyin-pro";

/** "王建国" → "wangjianguo wjg": what a person's name is found by when typed in pinyin. */
export function personPinyin(name: string): string {
  const syllables = pinyin(name, { toneType: "none", type: "array" }).map((s) => s.toLowerCase());
  return `${syllables.join("")} ${syllables.map((s) => s.charAt(0)).join("")}`;
}

/** "魏家村" → "Wèijiā Cūn", in the style of the township names in the data file ("Dàqīnggōu Zhèn"). */
export function placeNamePinyin(name: string): string {
  const suffixes: [string, string][] = [
    ["村", "Cūn"],
    ["镇", "Zhèn"],
    ["乡", "Xiāng"],
  ];
  const [suffix, suffixPinyin] = suffixes.find(([s]) => name.endsWith(s) && name.length > 1) ?? [
    "",
    "",
  ];
  const stem = suffix ? name.slice(0, -suffix.length) : name;
  const syllables = pinyin(stem, { toneType: "symbol", type: "array" }).join("");
  const capitalised = syllables.charAt(0).toUpperCase() + syllables.slice(1);
  return suffixPinyin ? `${capitalised} ${suffixPinyin}` : capitalised;
}
