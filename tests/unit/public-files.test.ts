/**
 * The server serves public/'s own files (icons, manifest, favicon) by name, looked up once at
 * start (`filesUnder`), so a page's request does not first ask the disk for a file of its path.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { filesUnder } from "~/server/app.server";

describe("the files public/ serves by name", () => {
  it("lists every file as its URL path, nested folders included, but not the skipped folder", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "zhucun-public-"));
    fs.mkdirSync(path.join(root, "icons", "small"), { recursive: true });
    fs.mkdirSync(path.join(root, "build", "_shared"), { recursive: true });
    for (const file of ["favicon.svg", "icons/icon-192.png", "icons/small/x.png", "build/a.js"]) {
      fs.writeFileSync(path.join(root, file), "x");
    }
    expect([...filesUnder(root, ["build"])].sort()).toEqual([
      "/favicon.svg",
      "/icons/icon-192.png",
      "/icons/small/x.png",
    ]);
    expect(filesUnder(root).has("/build/a.js")).toBe(true);
    expect(filesUnder(path.join(root, "missing")).size).toBe(0);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("finds the app's own icons and manifest", () => {
    const files = filesUnder("public", ["build"]);
    expect(files.has("/manifest.webmanifest")).toBe(true);
    expect(files.has("/favicon.svg")).toBe(true);
    expect(files.has("/icons/icon-192.png")).toBe(true);
    expect([...files].some((f) => f.startsWith("/build/"))).toBe(false);
  });
});
