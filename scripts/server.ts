/**
 * Serves the built app (`npm start`, `npm run serve`). A small supervisor process keeps the
 * server running: it starts WEB_CONCURRENCY workers (default 1) and starts a worker again when one
 * dies, waiting longer each time one dies young. In production run this under systemd as well
 * (docs/deployment.md), which restarts the supervisor itself.
 *
 *   PORT=3000 HOST=0.0.0.0 WEB_CONCURRENCY=1 tsx scripts/server.ts
 */
import cluster from "node:cluster";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { broadcastDevReady, installGlobals, type ServerBuild } from "@remix-run/node";
import { createApp } from "~/server/app.server";
import { isLoopbackHost, secureCookiesFromEnv } from "~/utils/cookie-security";

const mode = process.env.NODE_ENV === "development" ? "development" : "production";
process.env.NODE_ENV = mode;
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST || undefined;
const workers = Math.max(1, Number(process.env.WEB_CONCURRENCY ?? 1) || 1);
const buildPath = path.resolve("build/index.js");

if (cluster.isPrimary && mode === "production") supervise();
else await serve();

function supervise() {
  let stopping = false;
  const started = new Map<number, number>();
  let delay = 1000;
  const fork = () => {
    const worker = cluster.fork();
    started.set(worker.id, Date.now());
  };
  cluster.on("exit", (worker, code, signal) => {
    const lived = Date.now() - (started.get(worker.id) ?? Date.now());
    started.delete(worker.id);
    if (stopping) {
      if (started.size === 0) process.exit(0);
      return;
    }
    // A worker that ran for a minute had a one-off failure; one that dies at once is broken, and
    // is started again less and less often (up to every 30 s) instead of in a tight loop.
    delay = lived > 60_000 ? 1000 : Math.min(delay * 2, 30_000);
    console.error(
      `[zhucun] server process ${worker.process.pid} stopped (${signal ?? `exit ${code}`}) after ${Math.round(lived / 1000)} s; starting another in ${delay / 1000} s`,
    );
    setTimeout(fork, delay);
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
      setTimeout(() => process.exit(0), 15_000).unref();
      if (started.size === 0) process.exit(0);
    });
  }
  for (let i = 0; i < workers; i++) fork();
}

/**
 * Every six hours (and at start), audit entries past the county's retention period move into
 * archives. Idempotent and one transaction per month, so several processes may all run it.
 */
function keepArchivingAudit() {
  const run = async () => {
    try {
      const { archiveAudit } = await import("~/models/audit.server");
      const { getSettings } = await import("~/models/settings.server");
      const { db } = await import("~/db.server");
      const made = await archiveAudit(db, (await getSettings())["audit.retentionDays"]);
      if (made) console.log(`[zhucun] archived ${made} month(s) of audit entries`);
    } catch (error) {
      console.error("[zhucun] audit archiving failed", error);
    }
  };
  void run();
  setInterval(() => void run(), 6 * 3600_000).unref();
}

async function importBuild(): Promise<ServerBuild> {
  const stat = fs.statSync(buildPath);
  return (await import(`${pathToFileURL(buildPath).href}?t=${stat.mtimeMs}`)) as ServerBuild;
}

async function serve() {
  let build = await importBuild();
  installGlobals({ nativeFetch: build.future.v3_singleFetch });
  let getBuild: ServerBuild | (() => Promise<ServerBuild>) = build;
  if (mode === "development") {
    // `remix dev --manual`: take the new build when it is written, and tell remix dev.
    let version = build.assets.version;
    getBuild = async () => {
      const next = await importBuild();
      if (next.assets.version !== version) {
        version = next.assets.version;
        build = next;
        void broadcastDevReady(build);
      }
      return build;
    };
  }
  const app = createApp({
    build: getBuild,
    mode,
    assets: { directory: build.assetsBuildDirectory, publicPath: build.publicPath },
  });
  const onListen = () => {
    // The LAN address others would open, when listening on every interface.
    const lan =
      !host || host === "0.0.0.0" || host === "::"
        ? Object.values(os.networkInterfaces())
            .flat()
            .find((i) => i && i.family === "IPv4" && !i.internal)?.address
        : isLoopbackHost(host)
          ? undefined
          : host;
    console.log(
      `[zhucun] serving on http://localhost:${port}${lan ? ` (http://${lan}:${port})` : ""} — process ${process.pid}`,
    );
    if (lan && secureCookiesFromEnv() && !process.env.TRUST_PROXY) {
      console.log(
        `[zhucun] Signing in over plain HTTP works only at http://localhost:${port}: at ` +
          `http://${lan}:${port} or a host name, browsers drop the Secure session cookie. Serve ` +
          "it over HTTPS (docs/deployment.md), or on a trusted local network start it with " +
          "COOKIE_SECURE=false.",
      );
    }
    if (mode === "development") void broadcastDevReady(build);
  };
  const server = host ? app.listen(port, host, onListen) : app.listen(port, onListen);
  keepArchivingAudit();
  // Slow clients may not hold a connection open forever (a slow-body attack on a 2-core server).
  server.requestTimeout = 120_000;
  server.headersTimeout = 20_000;
  server.keepAliveTimeout = 5_000;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      server.close(() => process.exit(0));
      setTimeout(() => process.exit(0), 10_000).unref();
    });
  }
}
