/**
 * A response body written a piece at a time (the exports: workbooks, GeoJSON), so the first bytes
 * leave at once and a province's file is never held whole in memory.
 *
 * Everything that can refuse (sign-in, permission, a 404, the audit entry) happens before the
 * stream is made. Once it runs, the status line has gone out as 200: an error then can only break
 * the download off. It is logged and the stream is errored, which the Express adapter turns into
 * a destroyed connection (a chunked body without its last chunk): the client sees a failed
 * download, never a file that looks complete with half its rows.
 */

/** Where a producer writes; `ready` paces it to the reader and lets other requests run. */
export interface BodySink {
  write(chunk: Uint8Array | string): void;
  /** Resolves once the reader wants more; rejects if it went away (the producer then stops). */
  ready(): Promise<void>;
}

export class BodyCancelled extends Error {
  constructor() {
    super("the reader went away");
  }
}

/** How much may wait unread before the producer is held back. */
const HIGH_WATER_BYTES = 256 * 1024;

/**
 * A ReadableStream that `produce` fills. `what` names it in the log if it breaks off. The producer
 * starts on the next turn, after the Response carrying the stream has been returned.
 */
export function producedStream(
  what: string,
  produce: (sink: BodySink) => Promise<void>,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let state: "open" | "closed" | "cancelled" = "open";
  let wanted: (() => void) | null = null;
  const wake = () => {
    const resolve = wanted;
    wanted = null;
    resolve?.();
  };
  const sink: BodySink = {
    write(chunk) {
      // A late chunk (a zip's last bytes after an error) is dropped, never enqueued on a closed stream.
      if (state !== "open") return;
      const bytes = typeof chunk === "string" ? encoder.encode(chunk) : chunk;
      if (bytes.byteLength) controller.enqueue(bytes);
    },
    async ready() {
      if (state === "open" && (controller.desiredSize ?? 0) <= 0) {
        await new Promise<void>((resolve) => (wanted = resolve));
      } else {
        // Even when the reader keeps up, other requests get their turn between two batches.
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (state !== "open") throw new BodyCancelled();
    },
  };
  return new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        setImmediate(() => {
          produce(sink).then(
            () => {
              if (state !== "open") return;
              state = "closed";
              controller.close();
            },
            (error: unknown) => {
              if (state !== "open") return;
              state = "closed";
              console.error(`[zhucun] ${what}: broke off mid-stream`, error);
              controller.error(error);
            },
          );
        });
      },
      pull: wake,
      cancel() {
        state = "cancelled";
        wake();
      },
    },
    { highWaterMark: HIGH_WATER_BYTES, size: (chunk) => chunk.byteLength },
  );
}

/** The whole of a stream, for tests and scripts that want the file in hand. */
export async function streamBytes(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    chunks.push(value);
  }
}
