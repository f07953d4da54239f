/**
 * Whether a browser will keep the session cookie. In production the cookie is `Secure`, and a
 * browser keeps a Secure cookie set over plain HTTP only where the page is a secure context
 * anyway: `localhost` and the loopback addresses. At a LAN address or an intranet host name over
 * HTTP the browser silently drops it, and signing in lands back on the sign-in page; the page and
 * the start-up log say so instead.
 */

/** Secure cookies in production; COOKIE_SECURE=false allows plain HTTP on a local network. */
export function secureCookiesFromEnv(env: Record<string, string | undefined> = process.env) {
  return env.COOKIE_SECURE !== undefined
    ? env.COOKIE_SECURE === "true"
    : env.NODE_ENV === "production";
}

/** localhost, *.localhost, 127.0.0.0/8 and ::1: where plain HTTP is a secure context. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host === "::1" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}

/** A Secure cookie set in answer to a request for `url` would be dropped by the browser. */
export function secureCookieDropped(url: URL, secure: boolean): boolean {
  return secure && url.protocol === "http:" && !isLoopbackHost(url.hostname);
}
