import { describe, expect, it } from "vitest";
import {
  bodyRule,
  checkBody,
  contentSecurityPolicy,
  hasSessionCookie,
  originAllowed,
  routePath,
  tileSources,
} from "~/server/policy.server";
import { MAX_AUTH_FORM_BYTES, MAX_FORM_BYTES, UPLOAD_BODY_BYTES } from "~/utils/limits";
import { tileLayers } from "~/utils/tiles.server";

const form = "application/x-www-form-urlencoded";

describe("a write's body is bounded by its route before it is read", () => {
  it("knows each route's limit, with or without Remix's .data suffix", () => {
    expect(routePath("/villages/v1/plan.data")).toBe("/villages/v1/plan");
    expect(routePath("/_root.data")).toBe("/");
    expect(bodyRule("/login").bytes).toBe(MAX_AUTH_FORM_BYTES);
    expect(bodyRule("/login.data").bytes).toBe(MAX_AUTH_FORM_BYTES);
    expect(bodyRule("/villages/v1/plan").bytes).toBe(MAX_FORM_BYTES);
    expect(bodyRule("/villages/v1/households/import").bytes).toBe(UPLOAD_BODY_BYTES.roster);
    expect(bodyRule("/villages/v1/plan/exit")).toEqual({
      bytes: UPLOAD_BODY_BYTES.evidence,
      types: ["multipart/form-data"],
    });
    expect(bodyRule("/admin/data.data").types).toEqual(["multipart/form-data"]);
  });

  it("answers 413 for too large, 411 without a length, 415 for anything but a form", () => {
    expect(
      checkBody("/login", { contentLength: String(50 * 1024 * 1024), contentType: form }),
    ).toMatchObject({ status: 413 });
    expect(checkBody("/login", { contentLength: "40", contentType: form })).toBeNull();
    expect(checkBody("/login", { transferEncoding: "chunked", contentType: form })).toMatchObject({
      status: 411,
    });
    expect(checkBody("/login", { contentType: form })).toMatchObject({ status: 411 });
    for (const type of ["application/json", "text/plain", "", "multipart/form-data; boundary=x"]) {
      expect(checkBody("/login", { contentLength: "10", contentType: type }), type).toMatchObject({
        status: 415,
      });
    }
    expect(
      checkBody("/villages/v/households/import", {
        contentLength: "1000",
        contentType: "multipart/form-data",
      }),
    ).toMatchObject({ status: 415 });
    expect(
      checkBody("/villages/v/households/import", {
        contentLength: String(UPLOAD_BODY_BYTES.roster),
        contentType: "multipart/form-data; boundary=----x",
      }),
    ).toBeNull();
    // An empty post (sign-out) needs no type.
    expect(checkBody("/logout", { contentLength: "0" })).toBeNull();
  });
});

describe("writes from other sites are refused", () => {
  const base = { host: "zhucun.example:3000", allowedOrigins: [] as string[], sessionCookie: true };
  it("takes this site's origin, or one the county configured", () => {
    expect(originAllowed({ ...base, origin: "http://zhucun.example:3000" })).toBe(true);
    expect(originAllowed({ ...base, origin: "https://zhucun.example:3000" })).toBe(true);
    expect(originAllowed({ ...base, origin: "https://evil.example" })).toBe(false);
    expect(originAllowed({ ...base, origin: "null" })).toBe(false);
    expect(
      originAllowed({
        ...base,
        origin: "https://gov.example",
        allowedOrigins: ["https://gov.example"],
      }),
    ).toBe(true);
  });
  it("without an Origin, trusts only Sec-Fetch-Site same-origin, or a request with no session", () => {
    expect(originAllowed({ ...base, secFetchSite: "same-origin" })).toBe(true);
    expect(originAllowed({ ...base, secFetchSite: "cross-site" })).toBe(false);
    expect(originAllowed({ ...base, secFetchSite: "same-site" })).toBe(false);
    expect(originAllowed(base)).toBe(false);
    expect(originAllowed({ ...base, sessionCookie: false })).toBe(true);
  });
  it("spots the session cookie among others", () => {
    expect(hasSessionCookie("a=1; zhucun_session=abc")).toBe(true);
    expect(hasSessionCookie("not_zhucun_session=abc")).toBe(false);
    expect(hasSessionCookie(undefined)).toBe(false);
  });
});

describe("the Content-Security-Policy", () => {
  it("binds scripts to the response's nonce and allows only the configured tile hosts", () => {
    const csp = contentSecurityPolicy({
      nonce: "abc123",
      tiles: tileSources(tileLayers({ MAP_TILES: "osm" } as unknown as NodeJS.ProcessEnv)),
      tls: false,
    });
    expect(csp).toContain("script-src 'self' 'nonce-abc123'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("img-src 'self' data: blob: https://tile.openstreetmap.org");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).not.toContain("upgrade-insecure-requests");
    expect(contentSecurityPolicy({ nonce: "n", tiles: [], tls: true })).toContain(
      "upgrade-insecure-requests",
    );
  });
  it("lists every Tianditu subdomain", () => {
    const hosts = tileSources(
      tileLayers({ MAP_TILES: "tianditu", TIANDITU_KEY: "k" } as unknown as NodeJS.ProcessEnv),
    );
    expect(hosts).toContain("https://t0.tianditu.gov.cn");
    expect(hosts).toContain("https://t7.tianditu.gov.cn");
    expect(tileSources(tileLayers({ MAP_TILES: "none" } as unknown as NodeJS.ProcessEnv))).toEqual(
      [],
    );
  });
});
