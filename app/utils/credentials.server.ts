/** One-time passwords and username proposals for accounts the county makes (server only). */
import { randomInt } from "node:crypto";
import { pinyin } from "pinyin-pro";

export const USERNAME_PATTERN = /^[a-z0-9._-]{2,32}$/;

/** Letters and digits that cannot be mistaken for one another when read off a printed sheet. */
const ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

export function oneTimePassword(length = 12): string {
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/** "王建国" → "wangjianguo"; a taken name gets the next free number ("wangjianguo2"). */
export function proposeUsername(name: string, taken: ReadonlySet<string>): string {
  const base =
    pinyin(name, { toneType: "none", type: "array", nonZh: "consecutive" })
      .join("")
      .toLowerCase()
      .replace(/[^a-z0-9]/g, "")
      .slice(0, 28) || "user";
  const stem = base.length >= 2 ? base : `${base}user`;
  if (!taken.has(stem)) return stem;
  for (let n = 2; ; n++) if (!taken.has(`${stem}${n}`)) return `${stem}${n}`;
}
