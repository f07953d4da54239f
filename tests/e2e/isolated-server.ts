/**
 * A server of one's own for specs that must not share the main e2e server (whose database other
 * specs write to): a freshly seeded demo database in tests/.artifacts/isolated/<name>/, the
 * production server (`tsx scripts/server.ts`, supervisor and one worker) in its own process group
 * on a free loopback port, its output captured, and the whole group stopped at the end.
 *
 * Requests go over a raw HTTP/1.1 socket, one connection each (kept alive as a browser's would be,
 * and closed by us once the answer is complete), so a spec controls every byte — headers, declared
 * lengths, broken bodies — and sees resets for what they are. Also here: reading the spec's
 * database read-only, and the server processes' memory.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import type { Browser, BrowserContext } from "@playwright/test";
import SQLite from "better-sqlite3";
import {
  freePort,
  type ProcessInfo,
  ROOT,
  runScript,
  spawnServer,
} from "../../scripts/server-process";

export const DEMO_PASSWORD = "zhucun-demo";

/** The terminal colour codes Node's inspector puts in the stack lines it logs. */
const COLOURS = new RegExp(`${String.fromCharCode(27)}\\[[\\d;]*m`, "g");

export interface IsolatedServer {
  origin: string;
  host: string;
  port: number;
  /** The server's own database file (read it only with `openDatabase`). */
  databaseFile: string;
  /** Seconds spent seeding the database, and starting the server until it answered. */
  seedSeconds: number;
  startSeconds: number;
  /** Everything the server wrote to stdout and stderr so far. */
  output(): string;
  /**
   * Stack traces ("    at …" lines) written since `from` (an offset into output()), each with the
   * lines before it that say what failed.
   */
  stackTraces(from?: number): string[];
  /** The server's processes now, with their resident memory. */
  processes(): ProcessInfo[];
  stop(): Promise<void>;
}

/**
 * Seeds a new demo database and starts the production server on it (call in test.beforeAll, with
 * a generous timeout: seeding takes a few seconds, more on a busy machine).
 */
export async function startIsolatedServer(
  name: string,
  options: {
    /** Synthetic province data (scripts/province-data.ts) of this size instead of the demo. */
    province?: { villages: number; townships: number };
    /**
     * A PostgreSQL database to serve instead of a SQLite file of its own (several servers may
     * share it); the first server to start seeds it. Its cookie key is then the one the app
     * generates and keeps in the database, shared by every server on it.
     */
    databaseUrl?: string;
  } = {},
): Promise<IsolatedServer> {
  const dir = path.join(ROOT, "tests", ".artifacts", "isolated", name);
  // A server started again (a test failed and its worker was replaced) keeps the last one's
  // files next to its own, for reading what happened.
  fs.rmSync(`${dir}.previous`, { recursive: true, force: true });
  if (fs.existsSync(dir)) fs.renameSync(dir, `${dir}.previous`);
  fs.mkdirSync(dir, { recursive: true });
  const databaseFile = path.join(dir, "zhucun.db");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: options.databaseUrl ?? databaseFile,
    // Never the developer's data/session-secret: this server makes its own cookies.
    SESSION_SECRET: `isolated-${name}-0123456789abcdef0123456789abcdef`,
    COOKIE_SECURE: "false",
  };
  if (options.databaseUrl) delete env.SESSION_SECRET;
  const seeding = performance.now();
  if (options.province) {
    await runScript(
      "scripts/province-data.ts",
      // The script writes the file it is given; the app's modules it imports open DATABASE_URL.
      { ...env, DATABASE_URL: ":memory:" },
      path.join(dir, "province.log"),
      [
        ["--villages", options.province.villages],
        ["--townships", options.province.townships],
        ["--database", databaseFile],
      ].flatMap(([flag, value]) => [String(flag), String(value)]),
    );
  }
  await runScript("scripts/db-prepare.ts", env, path.join(dir, "prepare.log"));
  const seedSeconds = (performance.now() - seeding) / 1000;

  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const chunks: string[] = [];
  const group = spawnServer({
    port,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...env, WEB_CONCURRENCY: "1" },
  });
  const logFile = fs.openSync(path.join(dir, "server.log"), "w");
  for (const stream of [group.child.stdout!, group.child.stderr!]) {
    stream.setEncoding("utf8");
    stream.on("data", (text: string) => {
      chunks.push(text);
      fs.writeSync(logFile, text);
    });
  }
  let logOpen = true;
  const closeLog = () => {
    if (logOpen) fs.closeSync(logFile);
    logOpen = false;
  };
  const output = () => chunks.join("");
  const server: IsolatedServer = {
    origin: `http://${host}`,
    host,
    port,
    databaseFile,
    seedSeconds,
    startSeconds: 0,
    output,
    stackTraces: (from = 0) => {
      const lines = output().slice(from).replace(COLOURS, "").split("\n");
      const traces: string[] = [];
      lines.forEach((line, i) => {
        if (!/^\s{4}at /.test(line) || /^\s{4}at /.test(lines[i - 1] ?? "")) return;
        let end = i;
        while (/^\s{4}at /.test(lines[end + 1] ?? "")) end += 1;
        traces.push(lines.slice(Math.max(0, i - 3), end + 1).join("\n"));
      });
      return traces;
    },
    processes: group.processes,
    async stop() {
      await group.stop();
      closeLog();
    },
  };
  try {
    server.startSeconds = await group.waitUntil(
      async () => {
        const health = await send(server, { method: "GET", path: "/healthz", timeoutMs: 2000 });
        return health.kind === "response" && health.status === 200;
      },
      90_000,
      () => `its output:\n${output()}`,
    );
  } catch (error) {
    closeLog();
    throw error;
  }
  return server;
}

export interface RawRequest {
  method: string;
  /** The request target exactly as sent (path and query, not checked or encoded). */
  path: string;
  /** Header lines in order, duplicates allowed; Host is added unless given. */
  headers?: [string, string][];
  body?: Buffer | string;
  /**
   * Content-Length to declare: the body's length by default; a number (which may lie about the
   * body); or "none" to send no Content-Length at all.
   */
  contentLength?: number | "none";
  /** Stop reading a response body after this many bytes (it is then `truncated`). */
  maxBody?: number;
  timeoutMs?: number;
}

export type RawResult =
  | {
      kind: "response";
      status: number;
      headers: Map<string, string[]>;
      body: Buffer;
      /** The body went on past maxBody; only its first maxBody bytes are kept. */
      truncated: boolean;
      /** The connection failed while the body was still being sent, after the answer came. */
      writeError: string | null;
      ms: number;
    }
  | {
      kind: "error";
      /** ECONNRESET, EPIPE, timeout, closed (no complete answer) … */
      code: string;
      /** Bytes of an answer received before the failure. */
      received: number;
      ms: number;
    };

/** Parses a complete or partial HTTP/1.1 response; null while its head is incomplete. */
function parseResponse(data: Buffer, maxBody: number) {
  const end = data.indexOf("\r\n\r\n");
  if (end < 0) return null;
  const head = data.subarray(0, end).toString("latin1").split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? "")?.[1]);
  if (!status) return null;
  const headers = new Map<string, string[]>();
  for (const line of head.slice(1)) {
    const at = line.indexOf(":");
    const key = line.slice(0, at).trim().toLowerCase();
    headers.set(key, [...(headers.get(key) ?? []), line.slice(at + 1).trim()]);
  }
  const raw = data.subarray(end + 4);
  let body: Buffer;
  let complete: boolean;
  if (/chunked/i.test(headers.get("transfer-encoding")?.join(",") ?? "")) {
    const parts: Buffer[] = [];
    let at = 0;
    complete = false;
    for (;;) {
      const lineEnd = raw.indexOf("\r\n", at);
      if (lineEnd < 0) break;
      const size = parseInt(raw.subarray(at, lineEnd).toString("latin1"), 16);
      if (Number.isNaN(size)) break;
      if (size === 0) {
        complete = true;
        break;
      }
      if (lineEnd + 2 + size > raw.length) {
        parts.push(raw.subarray(lineEnd + 2));
        break;
      }
      parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
    body = Buffer.concat(parts);
  } else if (headers.has("content-length")) {
    const length = Number(headers.get("content-length")![0]);
    body = raw.subarray(0, length);
    complete = raw.length >= length;
  } else {
    body = raw;
    complete = false; // until the connection closes
  }
  // HEAD answers and 1xx/204/304 carry no body whatever their headers say.
  if (status === 204 || status === 304) complete = true;
  return { status, headers, body, complete, truncated: body.length > maxBody };
}

/** One request on its own connection; never throws (failures come back as `kind: "error"`). */
export function send(
  server: Pick<IsolatedServer, "port" | "host">,
  request: RawRequest,
): Promise<RawResult> {
  const maxBody = request.maxBody ?? 32 * 1024 * 1024;
  const body =
    request.body === undefined
      ? Buffer.alloc(0)
      : Buffer.isBuffer(request.body)
        ? request.body
        : Buffer.from(request.body, "utf8");
  const headers = [...(request.headers ?? [])];
  const has = (name: string) => headers.some(([k]) => k.toLowerCase() === name);
  if (!has("host")) headers.unshift(["Host", server.host]);
  const declared = request.contentLength ?? body.length;
  if (declared !== "none" && !has("content-length")) {
    if (request.method !== "GET" || body.length > 0 || request.contentLength !== undefined) {
      headers.push(["Content-Length", String(declared)]);
    }
  }
  const head = Buffer.from(
    `${request.method} ${request.path} HTTP/1.1\r\n${headers.map(([k, v]) => `${k}: ${v}`).join("\r\n")}\r\n\r\n`,
    "latin1",
  );
  const started = performance.now();
  return new Promise<RawResult>((resolve) => {
    const socket = net.connect(server.port, "127.0.0.1");
    const received: Buffer[] = [];
    let size = 0;
    let writeError: string | null = null;
    let settled = false;
    const finish = (result: RawResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const answer = (closed: boolean, error?: string) => {
      const data = Buffer.concat(received);
      const parsed = parseResponse(data, maxBody);
      const ms = performance.now() - started;
      if (parsed && (parsed.complete || parsed.truncated || (closed && !error))) {
        return finish({
          kind: "response",
          status: parsed.status,
          headers: parsed.headers,
          body: parsed.truncated ? parsed.body.subarray(0, maxBody) : parsed.body,
          truncated: parsed.truncated,
          writeError,
          ms,
        });
      }
      if (closed) finish({ kind: "error", code: error ?? "closed", received: size, ms });
    };
    const timer = setTimeout(
      () =>
        finish({
          kind: "error",
          code: "timeout",
          received: size,
          ms: performance.now() - started,
        }),
      request.timeoutMs ?? 30_000,
    );
    socket.on("data", (chunk: Buffer) => {
      received.push(chunk);
      size += chunk.length;
      answer(false);
    });
    socket.on("end", () => answer(true));
    socket.on("close", () => answer(true, writeError ?? undefined));
    socket.on("error", (error: NodeJS.ErrnoException) => {
      writeError = error.code ?? error.message;
      answer(true, writeError);
    });
    socket.on("connect", async () => {
      socket.write(head);
      // A big body goes in pieces, so an early answer (413 …) can arrive while it is sent.
      for (let at = 0; at < body.length && !socket.destroyed; at += 64 * 1024) {
        if (!socket.write(body.subarray(at, at + 64 * 1024))) {
          await new Promise<void>((drained) => {
            socket.once("drain", drained);
            socket.once("close", drained);
          });
        }
      }
    });
  });
}

/** A multipart/form-data body of plain fields and files, and its Content-Type. */
export function multipart(
  parts: { name: string; value: string | Buffer; filename?: string; type?: string }[],
  boundary = `----zhucun${Math.random().toString(16).slice(2)}`,
): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename === undefined ? "" : `; filename="${part.filename}"`}`;
    const type = part.type ? `\r\nContent-Type: ${part.type}` : "";
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`));
    chunks.push(Buffer.isBuffer(part.value) ? part.value : Buffer.from(part.value, "utf8"));
    chunks.push(Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    body: Buffer.concat(chunks),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** The headers every request of a signed-in person (or anonymous, with cookie null) carries. */
export function browserHeaders(cookie: string | null): [string, string][] {
  const headers: [string, string][] = [
    ["Accept", "text/html"],
    ["Accept-Language", "zh-CN,zh;q=0.9"],
    ["User-Agent", "zhucun-e2e (isolated)"],
  ];
  if (cookie) headers.push(["Cookie", cookie]);
  return headers;
}

/** Signs in through the real form with the right password; the session cookie ("name=value"). */
/** The sign-in form's POST, as a browser on the server's own page sends it. */
export function postSignIn(
  server: IsolatedServer,
  fields: { username: string; password: string; device?: "on" },
) {
  return send(server, {
    method: "POST",
    path: "/login",
    headers: [
      ...browserHeaders(null),
      ["Origin", server.origin],
      ["Content-Type", "application/x-www-form-urlencoded"],
    ],
    body: new URLSearchParams(fields).toString(),
  });
}

export async function signIn(server: IsolatedServer, username: string): Promise<string> {
  const result = await postSignIn(server, { username, password: DEMO_PASSWORD, device: "on" });
  if (result.kind !== "response" || result.status !== 302) {
    throw new Error(
      `signing in as ${username} answered ${result.kind === "response" ? result.status : result.code}`,
    );
  }
  const cookie = (result.headers.get("set-cookie") ?? [])
    .map((c) => c.split(";")[0]!)
    .find((c) => c.startsWith("zhucun_session="));
  if (!cookie) throw new Error(`signing in as ${username} set no session cookie`);
  return cookie;
}

/**
 * A browser context signed in as `username` on the isolated server (its cookie set by a sign-in
 * through the real form's POST), Chinese by default, the server as its base URL.
 */
export async function signedInContext(
  browser: Browser,
  server: IsolatedServer,
  username: string,
  locale = "zh-CN",
): Promise<BrowserContext> {
  const context = await browser.newContext({ locale, baseURL: server.origin });
  const [name, ...value] = (await signIn(server, username)).split("=");
  await context.addCookies([{ name: name!, value: value.join("="), url: server.origin }]);
  return context;
}

/** A new read-only connection (WAL: a new one sees everything committed so far). */
export function openDatabase(server: IsolatedServer) {
  return new SQLite(server.databaseFile, { readonly: true, fileMustExist: true });
}

/** Tables a refused request may still write: its audit entry, sessions, sign-in throttling. */
const UNCHECKED_TABLES = new Set(["audit_log", "audit_archives", "sessions", "login_throttle"]);

/**
 * A checksum of every stored row of every table except the bookkeeping ones above, per table
 * (so a difference names the table). Each table's rows are joined inside SQLite and hashed once:
 * a few hundred milliseconds for the demo's 130,000 rows.
 */
export function tableChecksums(server: IsolatedServer): Map<string, string> {
  const db = openDatabase(server);
  try {
    const sums = new Map<string, string>();
    const tables = db
      .prepare(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
      )
      .pluck()
      .all() as string[];
    for (const table of tables) {
      if (UNCHECKED_TABLES.has(table)) continue;
      const columns = db
        .prepare("select name from pragma_table_info(?)")
        .pluck()
        .all(table) as string[];
      const row = columns
        .map((c) => `ifnull(cast("${c}" as text), char(0))`)
        .join(" || char(31) || ");
      const [count, text] = db
        .prepare(`select count(*), group_concat(${row}, char(30)) from "${table}"`)
        .raw()
        .get() as [number, string | null];
      sums.set(
        table,
        `${count}:${createHash("sha256")
          .update(text ?? "")
          .digest("hex")
          .slice(0, 16)}`,
      );
    }
    return sums;
  } finally {
    db.close();
  }
}

/** The tables whose checksums differ between two snapshots. */
export function changedTables(before: Map<string, string>, after: Map<string, string>) {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].filter((name) => before.get(name) !== after.get(name));
}
