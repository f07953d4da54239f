import { describe, expect, it } from "vitest";
import { isLoopbackHost, secureCookieDropped, secureCookiesFromEnv } from "~/utils/cookie-security";

describe("whether the browser keeps the session cookie", () => {
  it("is Secure in production unless COOKIE_SECURE says otherwise", () => {
    expect(secureCookiesFromEnv({ NODE_ENV: "production" })).toBe(true);
    expect(secureCookiesFromEnv({ NODE_ENV: "production", COOKIE_SECURE: "false" })).toBe(false);
    expect(secureCookiesFromEnv({ NODE_ENV: "development" })).toBe(false);
    expect(secureCookiesFromEnv({ NODE_ENV: "development", COOKIE_SECURE: "true" })).toBe(true);
  });

  it("knows the hosts where plain HTTP is a secure context", () => {
    for (const host of [
      "localhost",
      "LOCALHOST",
      "zhucun.localhost",
      "127.0.0.1",
      "127.1.2.3",
      "[::1]",
      "::1",
    ]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of [
      "192.168.1.20",
      "10.0.0.5",
      "zhucun.county.gov.cn",
      "localhost.evil.example",
      "128.0.0.1",
      "127.0.0.1.nip.io",
    ]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it("is dropped over HTTP at a LAN address or host name, kept over HTTPS or at localhost", () => {
    expect(secureCookieDropped(new URL("http://192.168.1.20:3000/login"), true)).toBe(true);
    expect(secureCookieDropped(new URL("http://zhucun.lan/login"), true)).toBe(true);
    expect(secureCookieDropped(new URL("https://zhucun.lan/login"), true)).toBe(false);
    expect(secureCookieDropped(new URL("http://localhost:3000/login"), true)).toBe(false);
    expect(secureCookieDropped(new URL("http://[::1]:3000/login"), true)).toBe(false);
    // COOKIE_SECURE=false: a plain cookie, kept anywhere.
    expect(secureCookieDropped(new URL("http://192.168.1.20:3000/login"), false)).toBe(false);
  });
});
