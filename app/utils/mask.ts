/**
 * Villagers' ID and phone numbers are sensitive personal information (个人信息保护法 art. 28):
 * lists, exports and the audit log show them masked; the full number is shown only on the
 * household's record, to those who may, on request, and that showing is audited.
 */

/** 公民身份号码: the region (first 6) and the last 4 stay, the date of birth goes. */
export function maskIdNumber(value: string): string {
  const v = value.trim();
  if (v.length <= 6) return "*".repeat(v.length);
  if (v.length <= 10) return `${v.slice(0, 2)}${"*".repeat(v.length - 2)}`;
  return `${v.slice(0, 6)}${"*".repeat(v.length - 10)}${v.slice(-4)}`;
}

/** A phone number: the first 3 and last 4 digits stay (138****5678). */
export function maskPhone(value: string): string {
  const v = value.trim();
  if (v.length <= 4) return "*".repeat(v.length);
  if (v.length <= 7) return `${"*".repeat(v.length - 4)}${v.slice(-4)}`;
  return `${v.slice(0, 3)}${"*".repeat(v.length - 7)}${v.slice(-4)}`;
}

/**
 * A typed number as it is stored, the same from the form and from an imported roster: an ID
 * without spaces, its X upper case; a phone number without spaces or dashes ("0313-1234567").
 */
export function cleanIdNumber(value: string): string {
  return value.replace(/\s/g, "").toUpperCase();
}

export function cleanPhone(value: string): string {
  return value.replace(/[\s-]/g, "");
}

/** Whether a value is a masked copy (it came back from an export): such a value changes nothing. */
export function isMasked(value: string): boolean {
  return value.includes("*");
}

/** 18-digit ID (the last may be X), or the old 15-digit one; the check digit is verified. */
export function isValidIdNumber(value: string): boolean {
  const v = value.trim().toUpperCase();
  if (/^\d{15}$/.test(v)) return true;
  if (!/^\d{17}[\dX]$/.test(v)) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(v[i]), 0);
  return "10X98765432"[sum % 11] === v[17];
}

/** A mainland mobile (11 digits from 1) or a landline with its area code (0 + 9–11 digits). */
export function isValidPhone(value: string): boolean {
  const v = value.replace(/[\s-]/g, "");
  return /^1\d{10}$/.test(v) || /^0\d{9,11}$/.test(v);
}

/**
 * A number as typed in a form or a file, against the one stored: its mask as shown keeps the
 * stored number (`keep`), an empty value clears it, a whole number replaces it, and a masked
 * value that is not the stored number's mask (someone edited the stars' neighbours) is refused.
 */
export function resolveTyped(
  typed: string | null | undefined,
  stored: string | null,
  mask: (value: string) => string,
): { keep: true } | { value: string | null } | { invalid: true } {
  if (typed === undefined) return { keep: true };
  if (typed === null || typed.trim() === "") return { value: null };
  if (!isMasked(typed)) return { value: typed };
  return stored !== null && mask(stored) === typed.trim() ? { keep: true } : { invalid: true };
}
