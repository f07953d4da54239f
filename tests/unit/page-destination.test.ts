/**
 * pageDestination (app/server/page-destination.server.ts): React's writes sent on as one chunk per
 * flush, without the NUL bytes React 18.3 leaves at its 2 KB buffer's boundary, and the page the
 * same bytes as React rendered.
 */
import { PassThrough, type Writable } from "node:stream";
import { createElement } from "react";
import { renderToPipeableStream, renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { pageDestination, withoutNul } from "~/server/page-destination.server";

/** Each chunk as written to the stream (its async iterator would join those buffered). */
function collect(body: PassThrough) {
  const chunks: Buffer[] = [];
  body.on("data", (chunk: Buffer) => chunks.push(chunk));
  return new Promise<Buffer[]>((resolve) => body.on("end", () => resolve(chunks)));
}

describe("pageDestination", () => {
  it("sends a flush's writes as one chunk, and ends after the last", async () => {
    const body = new PassThrough();
    const out = pageDestination(body);
    const done = collect(body);
    out.write(Buffer.from("ab"));
    out.write(new Uint8Array([99, 0, 0]));
    out.flush();
    out.write(Buffer.from("d"));
    out.end();
    const chunks = await done;
    expect(chunks.map((c) => c.toString())).toEqual(["abc", "d"]);
  });

  it("drops NUL bytes and keeps every other byte", () => {
    expect(withoutNul(Buffer.from([0, 1, 0, 0, 2, 3, 0]))).toEqual(Buffer.from([1, 2, 3]));
    const clean = Buffer.from("村");
    expect(withoutNul(clean)).toBe(clean);
  });

  it("carries a page React streams in many 2 KB writes whole, without NUL", async () => {
    // Chinese text crossing React's 2048-byte buffer boundaries, as a board's cards do.
    const items = Array.from({ length: 400 }, (_, i) =>
      createElement("li", { key: i }, `第${i}张卡片：独居老人冬季取暖`),
    );
    const page = createElement("ol", null, items);
    const body = new PassThrough();
    const done = collect(body);
    await new Promise<void>((resolve, reject) => {
      const { pipe } = renderToPipeableStream(page, {
        onShellReady() {
          pipe(pageDestination(body) as unknown as Writable);
          resolve();
        },
        onShellError: reject,
      });
    });
    const chunks = await done;
    const html = Buffer.concat(chunks);
    expect(html.includes(0)).toBe(false);
    expect(html.toString("utf8")).toBe(renderToString(page));
    expect(chunks.length).toBe(1);
  });
});
