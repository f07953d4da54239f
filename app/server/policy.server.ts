/**
 * The HTTP layer's rules, as plain functions the server (scripts/server.ts) applies before Remix
 * sees a request: what a route's body may be (size and type), which origins may post, and the
 * headers every response carries. Kept apart from Express so they are tested on their own.
 */
import { MAX_AUTH_FORM_BYTES, MAX_FORM_BYTES, UPLOAD_BODY_BYTES } from "~/utils/limits";
import type { TileLayerConfig } from "~/utils/tiles.server";

export const SESSION_COOKIE = "zhucun_session";

const FORM = "application/x-www-form-urlencoded";
const MULTIPART = "multipart/form-data";

export interface BodyRule {
  /** The most bytes the body may have. */
  bytes: number;
  /** The media types accepted. */
  types: readonly string[];
}

/** Routes that take a file; every other write is a small form. */
const RULES: { pattern: RegExp; rule: BodyRule }[] = [
  {
    pattern: /^\/(login|logout|locale|banner)$/,
    rule: { bytes: MAX_AUTH_FORM_BYTES, types: [FORM] },
  },
  {
    pattern: /^\/villages\/[^/]+\/households\/import$/,
    rule: { bytes: UPLOAD_BODY_BYTES.roster, types: [MULTIPART] },
  },
  { pattern: /^\/admin\/data$/, rule: { bytes: UPLOAD_BODY_BYTES.registry, types: [MULTIPART] } },
  { pattern: /^\/map\/import$/, rule: { bytes: UPLOAD_BODY_BYTES.map, types: [MULTIPART] } },
  {
    pattern: /^\/villages\/[^/]+\/plan\/exit$/,
    rule: { bytes: UPLOAD_BODY_BYTES.evidence, types: [MULTIPART] },
  },
];
const DEFAULT_RULE: BodyRule = { bytes: MAX_FORM_BYTES, types: [FORM] };

/** The route path a request addresses: Remix's `.data` suffix (and `_root.data` for "/") removed. */
export function routePath(pathname: string): string {
  if (pathname === "/_root.data") return "/";
  const path = pathname.endsWith(".data") ? pathname.slice(0, -".data".length) : pathname;
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

export function bodyRule(pathname: string): BodyRule {
  const path = routePath(pathname);
  return RULES.find((r) => r.pattern.test(path))?.rule ?? DEFAULT_RULE;
}

export type BodyRefusal = { status: 411 | 413 | 415; reason: string } | null;

/**
 * Whether a write's body may be read at all, from its headers alone: a declared length within the
 * route's limit (a body without one is refused: every browser sends it for a form) and a media type
 * the route takes. Node's HTTP parser never reads past a declared length.
 */
export function checkBody(
  pathname: string,
  headers: { contentLength?: string; transferEncoding?: string; contentType?: string },
): BodyRefusal {
  const rule = bodyRule(pathname);
  const declared = headers.contentLength;
  if (headers.transferEncoding || declared === undefined || !/^\d{1,12}$/.test(declared)) {
    return { status: 411, reason: "length required" };
  }
  if (Number(declared) > rule.bytes) return { status: 413, reason: "body too large" };
  const type = (headers.contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (Number(declared) > 0 && !rule.types.includes(type)) {
    return { status: 415, reason: `content type ${JSON.stringify(type.slice(0, 60))}` };
  }
  if (type === MULTIPART && !/;\s*boundary=/i.test(headers.contentType ?? "")) {
    return { status: 415, reason: "multipart without boundary" };
  }
  return null;
}

export function hasSessionCookie(cookieHeader: string | undefined): boolean {
  return Boolean(cookieHeader && new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=`).test(cookieHeader));
}

/**
 * Cross-site request forgery, refused for every write: the Origin must be this site (its Host) or
 * one the county configured; without an Origin, Sec-Fetch-Site must say same-origin; a request with
 * neither is accepted only when it carries no session cookie (a script signing in, never a browser
 * acting on someone's behalf).
 */
export function originAllowed(input: {
  origin?: string;
  secFetchSite?: string;
  host?: string;
  allowedOrigins: readonly string[];
  sessionCookie: boolean;
}): boolean {
  const { origin, secFetchSite, host } = input;
  if (origin !== undefined) {
    if (input.allowedOrigins.includes(origin)) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return false;
    return Boolean(host) && url.host === host?.toLowerCase();
  }
  if (secFetchSite !== undefined) return secFetchSite === "same-origin";
  return !input.sessionCookie;
}

/** ALLOWED_ORIGINS=https://zhucun.example.gov.cn,… (behind a proxy that rewrites Host). */
export function allowedOrigins(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.ALLOWED_ORIGINS ?? "")
    .split(",")
    .map((o) => o.trim().replace(/\/$/, ""))
    .filter(Boolean);
}

/** The hosts the configured basemap loads tiles from (`{s}` expanded), for img-src. */
export function tileSources(layers: readonly TileLayerConfig[]): string[] {
  const sources = new Set<string>();
  for (const layer of layers) {
    const subdomains = layer.subdomains ? [...layer.subdomains] : ["a", "b", "c"];
    const urls = layer.url.includes("{s}")
      ? subdomains.map((s) => layer.url.replace("{s}", s))
      : [layer.url];
    for (const u of urls) {
      try {
        const url = new URL(u.replace(/\{[a-z]+\}/g, "0"));
        sources.add(`${url.protocol}//${url.host}`);
      } catch {
        // A malformed template loads nothing; nothing to allow.
      }
    }
  }
  return [...sources].sort();
}

/**
 * The Content-Security-Policy: scripts only from this site with this response's nonce; styles from
 * this site (plus inline style attributes, which React and Leaflet set on elements); images from
 * this site and the tile hosts; no plugins, no <base>, no framing, forms only to this site.
 */
export function contentSecurityPolicy(input: {
  nonce: string;
  tiles: readonly string[];
  tls: boolean;
}): string {
  const directives: [string, ...string[]][] = [
    ["default-src", "'self'"],
    ["script-src", "'self'", `'nonce-${input.nonce}'`],
    ["style-src", "'self'", `'nonce-${input.nonce}'`],
    ["style-src-attr", "'unsafe-inline'"],
    ["img-src", "'self'", "data:", "blob:", ...input.tiles],
    ["font-src", "'self'"],
    ["connect-src", "'self'"],
    ["worker-src", "'self'"],
    ["manifest-src", "'self'"],
    ["object-src", "'none'"],
    ["base-uri", "'none'"],
    ["frame-ancestors", "'none'"],
    ["form-action", "'self'"],
  ];
  if (input.tls) directives.push(["upgrade-insecure-requests"]);
  return directives.map((d) => d.join(" ")).join("; ");
}

/** Browser features a page of ours may use: location for check-in, the camera for evidence photos. */
export const PERMISSIONS_POLICY =
  "geolocation=(self), camera=(self), microphone=(), payment=(), usb=(), serial=(), hid=(), midi=(), display-capture=()";

/** Two years, as the HSTS preload list asks; sent only over TLS. */
export const HSTS = `max-age=${2 * 365 * 24 * 3600}; includeSubDomains`;

/** Static assets: build files are fingerprinted, public files change with a release. */
export const STATIC_CACHE = { build: "1y", public: "1h" } as const;
