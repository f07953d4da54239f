import { Transform, type TransformCallback } from "node:stream";

/**
 * React 18.3's streaming renderer writes its whole 2048-byte buffer when a string does not fit
 * the bytes left in it, unused tail included: a Chinese character on the boundary leaves NUL
 * bytes in the page (an input's value then holds one, and is saved with it). NUL is never part of
 * a valid page, so the bytes are dropped on the way out.
 */
export class DropNulBytes extends Transform {
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
    done(null, chunk.includes(0) ? chunk.filter((byte) => byte !== 0) : chunk);
  }
}

const MODULE_PRELOAD = Buffer.from('<link rel="modulepreload"');
const LOW_PRIORITY = Buffer.from(' fetchpriority="low"');

/**
 * Asks the browser to fetch the page's scripts after its stylesheet: every
 * `<link rel="modulepreload"` Remix's `<Scripts>` writes gets `fetchpriority="low"` (Remix gives
 * those links no way to pass it). The page is drawn on the server and works before its scripts
 * run, so on a weak signal the stylesheet — which does block the first paint — should not share
 * the few kilobits with 150 KB of JavaScript; the scripts still load at once, in parallel, without
 * a waterfall (which dropping the preloads would cause). The inline module script that imports
 * them is `async`, which Chrome already fetches at low priority.
 *
 * Byte-level and safe across chunk boundaries: the last bytes of a chunk that could begin the
 * marker are held back until the next chunk (or the end) decides. The marker is ASCII, so a
 * multi-byte character is never split differently from how it arrived.
 */
export class LowPriorityModulePreloads extends Transform {
  private carry: Buffer = Buffer.alloc(0);

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
    const data = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const parts: Buffer[] = [];
    let from = 0;
    for (
      let at = data.indexOf(MODULE_PRELOAD);
      at !== -1;
      at = data.indexOf(MODULE_PRELOAD, from)
    ) {
      const end = at + MODULE_PRELOAD.length;
      parts.push(data.subarray(from, end), LOW_PRIORITY);
      from = end;
    }
    // Hold back the longest tail that is a proper prefix of the marker.
    let keep = Math.min(MODULE_PRELOAD.length - 1, data.length - from);
    while (
      keep > 0 &&
      !data.subarray(data.length - keep).equals(MODULE_PRELOAD.subarray(0, keep))
    ) {
      keep--;
    }
    parts.push(data.subarray(from, data.length - keep));
    this.carry = Buffer.from(data.subarray(data.length - keep));
    const out = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    done(null, out.length ? out : undefined);
  }

  override _flush(done: TransformCallback) {
    done(null, this.carry.length ? this.carry : undefined);
  }
}
