/** Days of a month as bits of a 31-bit integer (bit d-1 for day d). */

/** Bits 0 … n-1 set (n ≤ 31). */
export function upTo(n: number): number {
  return n <= 0 ? 0 : n >= 31 ? 0x7fffffff : (1 << n) - 1;
}

/** How many bits are set. */
export function bitCount(mask: number): number {
  let n = mask - ((mask >>> 1) & 0x55555555);
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (((n + (n >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
