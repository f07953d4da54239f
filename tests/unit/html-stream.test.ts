import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { DropNulBytes, LowPriorityModulePreloads } from "~/utils/html-stream.server";

/** Runs `chunks` through the page's transforms as entry.server.tsx chains them. */
async function throughPage(chunks: Buffer[]): Promise<string> {
  const out: Buffer[] = [];
  const stream = Readable.from(chunks)
    .pipe(new DropNulBytes())
    .pipe(new LowPriorityModulePreloads());
  for await (const chunk of stream) out.push(chunk as Buffer);
  return Buffer.concat(out).toString("utf8");
}

const PAGE =
  '<!DOCTYPE html><html lang="zh-CN"><head><link rel="stylesheet" href="/build/_assets/app.css"/>' +
  "</head><body><h1>魏家村 · 驻村工作台</h1><p>绿色养猪</p>" +
  '<link rel="modulepreload" href="/build/manifest-1.js"/>' +
  '<link rel="modulepreload" href="/build/entry.client-2.js"/>' +
  '<link rel="modulepreload" href="/build/_shared/chunk-3.js"/><p>rel="modulepreload" 说明</p>' +
  '<script type="module" async="">import "/build/entry.client-2.js";</script></body></html>';
const EXPECTED = PAGE.replaceAll(
  '<link rel="modulepreload"',
  '<link rel="modulepreload" fetchpriority="low"',
);

describe("the page's byte stream", () => {
  it("marks every module preload low priority, and nothing else", async () => {
    expect(await throughPage([Buffer.from(PAGE)])).toBe(EXPECTED);
    expect(EXPECTED.match(/fetchpriority="low"/g)).toHaveLength(3);
  });

  it("finds the marker wherever React's chunks happen to cut it", async () => {
    const bytes = Buffer.from(PAGE);
    for (let cut = 1; cut < bytes.length; cut++) {
      const page = await throughPage([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(page, `cut at byte ${cut}`).toBe(EXPECTED);
    }
    // Every byte its own chunk: a carry that spans many chunks.
    expect(await throughPage([...bytes].map((b) => Buffer.from([b])))).toBe(EXPECTED);
  });

  it("keeps a marker's prefix at the very end, and Chinese split mid-character", async () => {
    const tail = '<p>完</p><link rel="module';
    expect(await throughPage([Buffer.from(tail)])).toBe(tail);
    const zh = Buffer.from("<p>驻村</p>");
    expect(await throughPage([zh.subarray(0, 5), zh.subarray(5)])).toBe("<p>驻村</p>");
  });

  it("drops the NUL bytes React's buffer can leave, before looking for the marker", async () => {
    const withNul = Buffer.concat([
      Buffer.from('<link rel="module'),
      Buffer.from([0, 0]),
      Buffer.from('preload" href="/a.js"/>'),
    ]);
    expect(await throughPage([withNul])).toBe(
      '<link rel="modulepreload" fetchpriority="low" href="/a.js"/>',
    );
  });
});
