import type { PassThrough } from "node:stream";

/**
 * Where React writes the page: its writes are kept and sent on as one chunk at each of its flushes
 * (it writes the shell, or a resolved boundary, synchronously and then calls `flush()`), instead of
 * a 2 KB chunk at a time through this stream, the web stream and the compression stream (a
 * county's board of 462 cards was 230 writes through each). React keeps what it has rendered until
 * written anyway, so holding a flush's bytes here costs no more memory.
 *
 * React 18.3's streaming renderer also writes its whole 2048-byte buffer when a string does not
 * fit the bytes left in it, unused tail included: a Chinese character on the boundary leaves NUL
 * bytes in the page (an input's value then holds one, and is saved with it). NUL is never part of
 * a valid page, so the bytes are dropped on the way out.
 */
export function pageDestination(body: PassThrough) {
  let parts: Uint8Array[] = [];
  let size = 0;
  const flush = () => {
    if (!parts.length) return;
    const only = parts[0]!;
    const chunk =
      parts.length === 1
        ? Buffer.from(only.buffer, only.byteOffset, only.byteLength)
        : Buffer.concat(parts, size);
    parts = [];
    size = 0;
    body.write(withoutNul(chunk));
  };
  return {
    /** Bytes (React's development build), or a flush's whole text (its production build, patched). */
    write(chunk: Uint8Array | string) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
      parts.push(bytes);
      size += bytes.byteLength;
      return true;
    },
    flush,
    end() {
      flush();
      body.end();
    },
    on(event: string, listener: (...args: unknown[]) => void) {
      body.on(event, listener);
      return this;
    },
    destroy(error?: Error) {
      parts = [];
      body.destroy(error);
    },
  };
}

/** The bytes without any NUL (a copy only when there is one). */
export function withoutNul(chunk: Buffer): Buffer {
  let at = chunk.indexOf(0);
  if (at < 0) return chunk;
  const kept: Buffer[] = [];
  let from = 0;
  while (at >= 0) {
    if (at > from) kept.push(chunk.subarray(from, at));
    from = at + 1;
    at = chunk.indexOf(0, from);
  }
  if (from < chunk.length) kept.push(chunk.subarray(from));
  return Buffer.concat(kept);
}
