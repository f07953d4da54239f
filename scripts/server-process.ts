/**
 * The production server as a process group of its own, for the scripts and specs that start one
 * (scripts/crash-test.ts, scripts/load-test.ts, tests/e2e/isolated-server.ts): `tsx
 * scripts/server.ts` leads the group, starts the supervisor, which forks the workers, so one
 * signal to the group reaches every process of the server. Linux only (/proc).
 */
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A free port in `from`–`to` on the loopback interface (IPv4 and, where there is one, IPv6),
 * tried from a random place in the range, so two benches started together rarely collide.
 */
export async function freePortIn(from: number, to: number): Promise<number> {
  const listens = (port: number, host: string) =>
    new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once("error", (error: NodeJS.ErrnoException) =>
        // No IPv6 loopback on this machine: nothing can be listening there either.
        resolve(error.code === "EADDRNOTAVAIL" || error.code === "EAFNOSUPPORT"),
      );
      server.listen(port, host, () => server.close(() => resolve(true)));
    });
  const count = to - from + 1;
  const offset = Math.floor(Math.random() * count);
  for (let i = 0; i < count; i++) {
    const port = from + ((offset + i) % count);
    if ((await listens(port, "127.0.0.1")) && (await listens(port, "::1"))) return port;
  }
  throw new Error(`no free port in ${from}–${to}`);
}

/**
 * The port for a bench's or test script's server: in BENCH_PORTS (`3510-3519`) when set, so
 * people sharing a machine can keep to their own ranges; else any free one.
 */
export async function benchPort(range = process.env.BENCH_PORTS): Promise<number> {
  const match = range?.trim().match(/^(\d+)-(\d+)$/);
  if (range?.trim() && !match)
    throw new Error(`BENCH_PORTS "${range}" is not a range like 3510-3519`);
  return match ? freePortIn(Number(match[1]), Number(match[2])) : freePort();
}

/** Runs a tsx script to its end, its output appended to `log`; rejects if it fails. */
export function runScript(
  script: string,
  env: NodeJS.ProcessEnv,
  log: string,
  args: string[] = [],
): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(log, "a");
    const child = spawn(TSX, [script, ...args], { cwd: ROOT, env, stdio: ["ignore", out, out] });
    child.on("error", reject);
    child.on("exit", (code) => {
      fs.closeSync(out);
      if (code === 0) resolve();
      else reject(new Error(`${script} exited with ${code}; see ${log}`));
    });
  });
}

export interface ProcessInfo {
  pid: number;
  rssKiB: number;
  /** CPU time used so far, user and system (Linux counts it in 1/100 s). */
  cpuSeconds: number;
  /** tsx leads the group and starts the supervisor, which forks the workers; esbuild serves tsx. */
  role: "tsx" | "supervisor" | "worker" | "esbuild";
}

/** The live (not zombie) processes of a server's process group, from /proc. */
export function groupProcesses(pgid: number): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // After the command (in parentheses, may hold spaces): state, parent pid, process group, …,
      // user and system CPU time (fields 14 and 15 of proc(5)).
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const [state, ppid, pgrp] = fields;
      if (Number(pgrp) !== pgid || state === "Z") continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${entry}/status`, "utf8"))?.[1];
      const pid = Number(entry);
      const program = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0")[0] ?? "";
      found.push({
        pid,
        rssKiB: Number(rss ?? 0),
        cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100,
        role: program.includes("esbuild")
          ? "esbuild"
          : pid === pgid
            ? "tsx"
            : Number(ppid) === pgid
              ? "supervisor"
              : "worker",
      });
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

export interface ServerGroup {
  child: ChildProcess;
  /** The process group: tsx, the supervisor and its workers. */
  pgid: number;
  /** Whether tsx, the group's leader, has exited. */
  exited(): boolean;
  processes(): ProcessInfo[];
  /** SIGKILL to the whole group; resolves with the processes killed once none is left. */
  kill9(): Promise<ProcessInfo[]>;
  /** SIGTERM, as systemd stops it; SIGKILL if anything is left after 15 s. */
  stop(): Promise<void>;
  /**
   * Asks `healthy()` until it says yes (then resolves with the seconds since the spawn); stops the
   * group and rejects if the server exits or `timeoutMs` passes first.
   */
  waitUntil(
    healthy: () => Promise<boolean>,
    timeoutMs: number,
    /** Where to look for why, once it failed (the log's path, or its text). */
    whereToLook: () => string,
  ): Promise<number>;
}

/**
 * Spawns `tsx scripts/server.ts` in production mode on 127.0.0.1:`port`, in a process group of
 * its own. `env` is added to this process's environment.
 */
export function spawnServer(options: {
  port: number;
  env: Record<string, string | undefined>;
  stdio: StdioOptions;
}): ServerGroup {
  const started = performance.now();
  const child = spawn(TSX, ["scripts/server.ts"], {
    cwd: ROOT,
    detached: true, // its own process group, so one signal reaches every process of the server
    stdio: options.stdio,
    env: {
      ...process.env,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(options.port),
      ...options.env,
    },
  });
  const pgid = child.pid!;
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  const gone = async (ms: number) => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (exited && groupProcesses(pgid).length === 0) return true;
      await sleep(50);
    }
    return false;
  };
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pgid, name);
    } catch {
      // Already gone.
    }
  };
  const group: ServerGroup = {
    child,
    pgid,
    exited: () => exited,
    processes: () => groupProcesses(pgid),
    async kill9() {
      const members = groupProcesses(pgid);
      signal("SIGKILL");
      await exit;
      if (!(await gone(10_000))) {
        throw new Error(`process group ${pgid} still has processes after SIGKILL`);
      }
      return members;
    },
    async stop() {
      if (exited && groupProcesses(pgid).length === 0) return;
      signal("SIGTERM");
      if (!(await gone(15_000))) {
        signal("SIGKILL");
        await gone(10_000);
      }
    },
    async waitUntil(healthy, timeoutMs, whereToLook) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline && !exited) {
        if (await healthy().catch(() => false)) return (performance.now() - started) / 1000;
        await sleep(100);
      }
      const reason = exited ? "exited while starting" : `did not answer within ${timeoutMs} ms`;
      await group.stop();
      throw new Error(`the server ${reason}; ${whereToLook()}`);
    },
  };
  return group;
}
