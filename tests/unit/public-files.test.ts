/**
 * The server asks the disk for a file of public/ only for a path that may name one (`mayNameFile`):
 * a page's request goes straight to the app.
 */
import { describe, expect, it } from "vitest";
import { mayNameFile } from "~/server/app.server";

describe("which paths may name a file of public/", () => {
  it("files and exports do; pages do not", () => {
    for (const file of [
      "/favicon.svg",
      "/manifest.webmanifest",
      "/icons/icon-192.png",
      "/sw-next-build.js",
      "/villages.geojson",
      "/villages/abc/plan.xlsx",
    ]) {
      expect(mayNameFile(file), file).toBe(true);
    }
    for (const page of ["/", "/dashboard", "/villages/abc/plan", "/boards/cases", "/v.1/x"]) {
      expect(mayNameFile(page), page).toBe(false);
    }
  });
});
