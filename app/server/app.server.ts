/**
 * The HTTP server around the Remix build: static files, then the checks no route should have to
 * repeat — a write's body bounded by its route before a byte of it is parsed, its origin checked,
 * security headers and a Content-Security-Policy with a nonce on every response, nothing signed in
 * ever cached — and finally Remix, inside a request context the audit log reads (who, from where).
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express, { type ErrorRequestHandler, type RequestHandler } from "express";
import helmet from "helmet";
import morgan from "morgan";
import onHeaders from "on-headers";
import { DEFAULT_LOCALE, isLocale, type Locale } from "~/i18n";
import { catalogueFile, translate } from "~/i18n/catalogues.server";
import { localeFromAcceptLanguage } from "~/i18n/locale.server";
import type { MessageKey } from "~/i18n/zh-CN";
import {
  HSTS,
  PERMISSIONS_POLICY,
  STATIC_CACHE,
  allowedOrigins,
  checkBody,
  contentSecurityPolicy,
  hasSessionCookie,
  originAllowed,
  routePath,
  tileSources,
} from "~/server/policy.server";
import { runWithRequestContext } from "~/server/request-context.server";
import { tileLayers } from "~/utils/tiles.server";

export interface AppOptions {
  /** The Remix build, or a function giving the current one (development rebuilds). */
  build: ServerBuild | (() => Promise<ServerBuild>);
  mode: string;
  /** Where `remix build` put the browser assets, and their URL prefix. */
  assets: { directory: string; publicPath: string };
  /** Log a line per request (off in tests that count log lines). */
  log?: boolean;
}

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const ALLOWED_METHODS = new Set(["GET", "HEAD", "POST"]);

/** The messages for a refusal made before Remix, in the reader's language. */
const REFUSALS: Record<number, { title: MessageKey; body: MessageKey }> = {
  400: { title: "error.badRequest.title", body: "error.badRequest.body" },
  403: { title: "error.crossSite.title", body: "error.crossSite.body" },
  404: { title: "error.notFound.title", body: "error.notFound.body" },
  405: { title: "error.badRequest.title", body: "error.badRequest.body" },
  411: { title: "error.badRequest.title", body: "error.badRequest.body" },
  413: { title: "error.tooLarge.title", body: "error.tooLarge.body" },
  415: { title: "error.badRequest.title", body: "error.badRequest.body" },
  500: { title: "error.generic.title", body: "error.generic.body" },
};

function readerLocale(req: express.Request): Locale {
  // The language cookie holds a base64 JSON string (Remix's cookie format); read it loosely here.
  const cookie = /(?:^|;\s*)zhucun_locale=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
  if (cookie) {
    try {
      const value: unknown = JSON.parse(
        Buffer.from(decodeURIComponent(cookie), "base64").toString("utf8"),
      );
      if (isLocale(value)) return value;
    } catch {
      // Not ours: fall back to the browser's languages.
    }
  }
  return localeFromAcceptLanguage(req.headers["accept-language"] ?? null) ?? DEFAULT_LOCALE;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A short translated page (no user input in it) and a one-line log entry. */
function refuse(req: express.Request, res: express.Response, status: number, reason: string) {
  const locale = readerLocale(req);
  const messages = REFUSALS[status] ?? REFUSALS[400]!;
  const title = translate(locale, messages.title);
  const body = translate(locale, messages.body);
  console.warn(
    `[zhucun] refused ${status} ${req.method} ${JSON.stringify(req.path.slice(0, 200))}: ${reason}`,
  );
  if (status === 405) res.setHeader("Allow", "GET, HEAD, POST");
  // A refused write's body is never read (it may be huge): the connection closes after the answer.
  if (req.method !== "GET" && req.method !== "HEAD") res.setHeader("Connection", "close");
  res
    .status(status)
    .type("html")
    .send(
      `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>` +
        `<body><main><p>${status}</p><h1>${escapeHtml(title)}</h1><p>${escapeHtml(body)}</p><p><a href="/">${escapeHtml(translate(locale, "error.backHome"))}</a></p></main></body></html>`,
    );
}

/** Checks every write before its body is read: method, origin, declared size and media type. */
function guardWrites(origins: readonly string[]): RequestHandler {
  return (req, res, next) => {
    if (!ALLOWED_METHODS.has(req.method)) {
      return refuse(req, res, 405, `method ${JSON.stringify(req.method.slice(0, 20))}`);
    }
    // `?_data=` is the data protocol before single fetch: no page of ours asks for it, and Remix
    // answers it only with a warning it throws (a stack trace in the log for anyone's asking).
    if (/[?&]_data(?:[=&]|$)/.test(req.url)) return refuse(req, res, 400, "?_data request");
    if (!WRITE_METHODS.has(req.method)) return next();
    const allowed = originAllowed({
      origin: req.headers.origin,
      secFetchSite: req.get("sec-fetch-site"),
      host: req.headers.host,
      allowedOrigins: origins,
      sessionCookie: hasSessionCookie(req.headers.cookie),
    });
    if (!allowed) {
      return refuse(
        req,
        res,
        403,
        `cross-site write from ${JSON.stringify((req.headers.origin ?? "?").slice(0, 100))}`,
      );
    }
    const refusal = checkBody(req.path, {
      contentLength: req.headers["content-length"],
      transferEncoding: req.headers["transfer-encoding"],
      contentType: req.headers["content-type"],
    });
    if (refusal) return refuse(req, res, refusal.status, refusal.reason);
    next();
  };
}

/** Security headers, a fresh CSP nonce, and `no-store` on everything that is not a static file. */
function secureHeaders(tls: (req: express.Request) => boolean): RequestHandler[] {
  const tiles = tileSources(tileLayers());
  return [
    (req, res, next) => {
      res.locals.cspNonce = randomBytes(16).toString("base64");
      next();
    },
    helmet({
      contentSecurityPolicy: false,
      strictTransportSecurity: false,
      crossOriginEmbedderPolicy: false,
      referrerPolicy: { policy: "same-origin" },
      frameguard: { action: "deny" },
    }),
    (req, res, next) => {
      const secure = tls(req);
      res.setHeader(
        "Content-Security-Policy",
        contentSecurityPolicy({ nonce: String(res.locals.cspNonce), tiles, tls: secure }),
      );
      res.setHeader("Permissions-Policy", PERMISSIONS_POLICY);
      if (secure) res.setHeader("Strict-Transport-Security", HSTS);
      onHeaders(res, function (this: express.Response) {
        // Dynamic answers only (static files are served before this runs): pages, data, exports.
        this.setHeader("Cache-Control", "no-store");
        this.setHeader("X-Content-Type-Options", "nosniff");
      });
      next();
    },
  ];
}

/**
 * Whether a path may name a file of public/ (its last segment has a dot: /favicon.svg,
 * /icons/icon-192.png). Pages (/dashboard, /villages/…) do not, so they skip asking the disk for
 * a file of their path; exports (/villages.geojson) still ask, and are not found.
 */
export const mayNameFile = (urlPath: string) => /\.[^/]*$/.test(urlPath);

export function createApp(options: AppOptions): express.Express {
  const app = express();
  app.disable("x-powered-by");
  // Behind a reverse proxy (TRUST_PROXY=1, or its address), the client's address and scheme come
  // from X-Forwarded-For / -Proto; otherwise from the connection itself, which cannot be forged.
  const trustProxy = process.env.TRUST_PROXY?.trim();
  if (trustProxy) {
    app.set("trust proxy", /^\d+$/.test(trustProxy) ? Number(trustProxy) : trustProxy);
  }
  const origins = allowedOrigins();

  app.use(compression());
  if (options.log !== false) {
    app.use(morgan(":method :url :status :res[content-length] - :response-time ms"));
  }
  app.use(
    options.assets.publicPath,
    // A file of another build is a plain 404, not a page (a stale tab after a release).
    express.static(options.assets.directory, {
      immutable: true,
      maxAge: STATIC_CACHE.build,
      fallthrough: false,
    }),
  );
  // The service worker (scripts/build-sw.ts): revalidated on every check, so a new build's worker
  // is found at once (a cached one would keep the old build for its max-age; decision 019).
  app.get("/sw.js", (req, res) => {
    res.setHeader("Cache-Control", "no-cache");
    res.setHeader("Content-Security-Policy", "default-src 'self'");
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.sendFile(path.resolve("public", "sw.js"), { cacheControl: false }, (error) => {
      if (error && !res.headersSent) refuse(req, res, 404, "no service worker built");
    });
  });
  // public/'s own files (icons, manifest, favicon): a page's path is not looked up on disk.
  const publicStatic = express.static("public", { maxAge: STATIC_CACHE.public });
  app.use((req, res, next) => (mayNameFile(req.path) ? publicStatic(req, res, next) : next()));
  // The active language's catalogue, fetched by the browser before it hydrates: named by its
  // content's hash, so it is cached for a year and changes name when a text changes.
  app.get("/i18n/:file", (req, res) => {
    const match = /^(zh-CN|en)\.[0-9a-f]{12}\.json$/.exec(req.params.file);
    const file = match && isLocale(match[1]) ? catalogueFile(match[1]) : null;
    if (!file || file.name !== req.params.file) return refuse(req, res, 404, "no such catalogue");
    res.setHeader("Cache-Control", `public, max-age=${365 * 24 * 3600}, immutable`);
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.type("application/json").send(file.json);
  });

  app.use(secureHeaders((req) => req.secure));
  app.use(guardWrites(origins));

  const handlers = new WeakMap<ServerBuild, RequestHandler>();
  const handlerFor = (build: ServerBuild) => {
    let handler = handlers.get(build);
    if (!handler) {
      handler = createRequestHandler({
        build,
        mode: options.mode,
        getLoadContext: (_req, res) => ({ cspNonce: String(res.locals.cspNonce ?? "") }),
      });
      handlers.set(build, handler);
    }
    return handler;
  };
  app.all("*", async (req, res, next) => {
    try {
      const build = typeof options.build === "function" ? await options.build() : options.build;
      const context = {
        // An IPv4 client on a dual-stack socket is written as IPv4 ("::ffff:10.0.0.5" → "10.0.0.5").
        ip: (req.ip ?? req.socket.remoteAddress ?? "unknown").replace(/^::ffff:/, ""),
        userAgent: (req.headers["user-agent"] ?? "").slice(0, 200),
        method: req.method,
        path: routePath(req.path),
      };
      await runWithRequestContext(context, () => handlerFor(build)(req, res, next));
    } catch (error) {
      next(error);
    }
  });

  // The last resort: a request that broke something before or outside Remix. Its client's
  // mistakes (a body cut short, a malformed header) are 400s; anything else is logged once.
  const lastResort: ErrorRequestHandler = (error: unknown, req, res, _next) => {
    const status =
      typeof error === "object" && error && "status" in error && typeof error.status === "number"
        ? error.status
        : 500;
    if (status >= 500) console.error("[zhucun] unhandled", error);
    // A body broken off after its head went out (a streamed export) must not end as if whole:
    // the connection is cut, so the client sees a failed download.
    if (res.headersSent) return res.destroy();
    refuse(req, res, status >= 400 && status < 500 ? status : 500, `error ${status}`);
  };
  app.use(lastResort);
  return app;
}
