/**
 * lazyComponent (app/utils/lazy-component.ts): a part loaded apart from the page's first-load
 * JavaScript, which the server must still draw in full — a page streamed from its shell would
 * otherwise send the Suspense fallback, and a browser without JavaScript would keep it.
 */
import { createElement, lazy, Suspense, type ReactNode } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { lazyComponent } from "~/utils/lazy-component";

function Editor({ name }: { name: string }) {
  return createElement("form", null, `editing ${name}`);
}

const inBoundary = (child: ReactNode) =>
  renderToString(createElement(Suspense, { fallback: createElement("p", null, "loading") }, child));

describe("lazyComponent", () => {
  it("is drawn in full by the server once its module has loaded, never as the fallback", async () => {
    const Lazy = lazyComponent(() => Promise.resolve(Editor));
    await Lazy.preload(); // the server started it when the module was evaluated
    const html = inBoundary(createElement(Lazy, { name: "plan" }));
    expect(html).toContain("editing plan");
    expect(html).not.toContain("loading");
  });

  it("where React.lazy alone would have drawn the fallback", async () => {
    const Plain = lazy(() => Promise.resolve({ default: Editor }));
    expect(inBoundary(createElement(Plain, { name: "plan" }))).toContain("loading");
  });

  it("loads its module once, and again after a failure (a chunk lost on a weak signal)", async () => {
    let calls = 0;
    const Lazy = lazyComponent(() => {
      calls += 1;
      return calls === 1 ? Promise.reject(new Error("offline")) : Promise.resolve(Editor);
    });
    // The server starts loading at once (no document here): that first try fails.
    await expect(Lazy.preload()).rejects.toThrow("offline");
    await Lazy.preload();
    await Lazy.preload();
    expect(calls).toBe(2);
    expect(inBoundary(createElement(Lazy, { name: "plan" }))).toContain("editing plan");
  });
});
