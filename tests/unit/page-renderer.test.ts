import { createElement as h, lazy, Suspense, type ReactNode } from "react";
import { describe, expect, it } from "vitest";
import { loadRenderer } from "~/server/page-renderer.server";
import { pageDestination, withoutNul } from "~/server/page-destination.server";
import { PassThrough } from "node:stream";

const stock = loadRenderer((source) => source);
const patched = loadRenderer();

/** A page as the server sends it: rendered into the page's destination, all of it. */
function render(renderer: typeof stock, tree: ReactNode): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const body = new PassThrough();
    const parts: Buffer[] = [];
    body.on("data", (chunk: Buffer) => parts.push(chunk));
    body.on("end", () => resolve(Buffer.concat(parts)));
    const { pipe } = renderer(tree, {
      onShellReady: () => pipe(pageDestination(body) as never),
      onShellError: reject,
    });
  });
}

/** Text whose characters land on every offset of React's 2 KB buffers. */
function Rows({ count, prefix }: { count: number; prefix: number }) {
  return h(
    "table",
    { className: "data-table" },
    h(
      "tbody",
      null,
      Array.from({ length: count }, (_, i) =>
        h(
          "tr",
          { key: i, "data-row": i },
          h("th", { scope: "row" }, "x".repeat((i + prefix) % 7), `魏家村第${i}户`),
          h("td", { "data-label": "贫困人口" }, i * 3),
          h("td", { title: `备注 "${i}" & <${i}>` }, "独居老人冬季取暖，王大爷".repeat(i % 4)),
        ),
      ),
    ),
  );
}

function later<T>(value: T, ms: number): Promise<{ default: () => T }> {
  return new Promise((resolve) => setTimeout(() => resolve({ default: () => value }), ms));
}

describe("the page renderer: React's own, writing a flush's text at once", () => {
  it("changes the installed React's renderer (pinned: a React upgrade must look again)", () => {
    expect(typeof patched).toBe("function");
    expect(patched).not.toBe(stock);
  });

  it("sends the same bytes as React's stock renderer, Chinese text across every buffer edge", async () => {
    for (const prefix of [0, 1, 2, 3, 5, 8, 13]) {
      for (const count of [1, 40, 600]) {
        const tree = h("main", null, h("h1", null, "驻村工作台"), h(Rows, { count, prefix }));
        const [a, b] = await Promise.all([render(stock, tree), render(patched, tree)]);
        expect(b.equals(withoutNul(a))).toBe(true);
        expect(b.includes(0)).toBe(false);
      }
    }
  });

  it("streams suspended parts the same way: the shell, then each part as it resolves", async () => {
    const Slow = lazy(() => later(h("p", null, "稍后到达的内容"), 20));
    const Slower = lazy(() => later(h(Rows, { count: 300, prefix: 1 }), 40));
    const tree = h(
      "main",
      null,
      h(Rows, { count: 50, prefix: 2 }),
      h(Suspense, { fallback: h("p", null, "加载中…") }, h(Slow)),
      h(Suspense, { fallback: h("p", null, "加载中…") }, h(Slower)),
    );
    const [a, b] = await Promise.all([render(stock, tree), render(patched, tree)]);
    expect(b.toString("utf8")).toContain("稍后到达的内容");
    expect(b.equals(withoutNul(a))).toBe(true);
  });
});
