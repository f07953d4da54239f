/**
 * A throwaway PostgreSQL cluster for tests, benches and trying the app on PostgreSQL: initdb into a
 * temporary folder, listening only on 127.0.0.1 at a free port, trust authentication, removed when
 * it stops. Uses Debian's server binaries (`apt-get install -y postgresql`); no Docker.
 *
 *   npx tsx scripts/pg-cluster.ts -- <command…>   # runs the command with ZHUCUN_PG_URL set, then stops
 *   npx tsx scripts/pg-cluster.ts                 # starts one and prints its URL until Ctrl-C
 *
 * Run as root (CI), the cluster runs as the `postgres` user, which initdb requires.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, sleep } from "./server-process";

export interface Cluster {
  /** A URL to the cluster's `postgres` database, as its superuser. */
  url: string;
  port: number;
  /** The cluster's data folder. */
  dataDir: string;
  /**
   * CPU seconds the cluster has used so far: the postmaster and its live processes (backends,
   * checkpointer, …), and the backends that have ended (counted into the postmaster's children).
   */
  cpuSeconds(): number;
  stop(): void;
}

/** User + system CPU seconds of a process (and, with `children`, of its reaped children), from /proc. */
function procCpu(pid: number, children = false): { cpu: number; ppid: number } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14–17 of proc(5): utime, stime, cutime, cstime (counted in 1/100 s).
    const ticks = Number(f[11]) + Number(f[12]) + (children ? Number(f[13]) + Number(f[14]) : 0);
    return { cpu: ticks / 100, ppid: Number(f[1]) };
  } catch {
    return null;
  }
}

/** CPU seconds of the postmaster whose data folder is `data`, with its processes (see Cluster). */
export function clusterCpuSeconds(data: string): number {
  let postmaster: number;
  try {
    postmaster = Number(fs.readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]);
  } catch {
    return 0;
  }
  let total = procCpu(postmaster, true)?.cpu ?? 0;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const p = procCpu(Number(entry));
    if (p && p.ppid === postmaster) total += p.cpu;
  }
  return total;
}

/** The folder of initdb/pg_ctl/postgres: PG_BIN, then the newest /usr/lib/postgresql/N/bin, then PATH. */
export function postgresBin(): string | null {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv && fs.existsSync(path.join(fromEnv, "initdb"))) return fromEnv;
  const root = "/usr/lib/postgresql";
  if (fs.existsSync(root)) {
    const versions = fs
      .readdirSync(root)
      .filter((v) => fs.existsSync(path.join(root, v, "bin", "initdb")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(root, versions[0], "bin");
  }
  const which = spawnSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" });
  const found = which.stdout.trim();
  return found ? path.dirname(found) : null;
}

const MISSING =
  "PostgreSQL's server is not installed (no initdb). On Debian: apt-get install -y postgresql " +
  "(or set PG_BIN to the folder that holds initdb and pg_ctl).";

/** Starts a cluster; `stop()` (also run at process exit) shuts it down and deletes its files. */
export async function startCluster(): Promise<Cluster> {
  const bin = postgresBin();
  if (!bin) throw new Error(MISSING);
  const isRoot = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zhucun-pg-"));
  const data = path.join(dir, "data");
  const user = isRoot ? "postgres" : os.userInfo().username;
  // initdb refuses to run as root: as root, the cluster belongs to the postgres system user.
  const run = (command: string, args: string[]) =>
    isRoot
      ? execFileSync("runuser", ["-u", "postgres", "--", path.join(bin, command), ...args], {
          stdio: "pipe",
        })
      : execFileSync(path.join(bin, command), args, { stdio: "pipe" });
  if (isRoot) {
    fs.chmodSync(dir, 0o755);
    execFileSync("chown", ["postgres:", dir]);
  }
  run("initdb", [
    "-D",
    data,
    "-U",
    user,
    "--auth=trust",
    "--encoding=UTF8",
    "--locale=C.UTF-8",
    "--no-sync",
  ]);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories=${dir}`,
    // A test cluster: nothing here needs to survive a crash of the machine.
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
    "-c max_connections=200",
  ].join(" ");
  run("pg_ctl", ["-D", data, "-o", options, "-l", path.join(dir, "log"), "-w", "start"]);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
    } catch {
      // Already gone: nothing to stop.
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", stop);
  return {
    url: `postgres://${user}@127.0.0.1:${port}/postgres`,
    port,
    dataDir: data,
    cpuSeconds: () => clusterCpuSeconds(data),
    stop,
  };
}

async function main() {
  const separator = process.argv.indexOf("--");
  // `tsx scripts/pg-cluster.ts -- cmd` keeps the "--"; `npm run pg:cluster -- cmd` removes it.
  const command = separator >= 0 ? process.argv.slice(separator + 1) : process.argv.slice(2);
  const cluster = await startCluster();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      cluster.stop();
      process.exit(130);
    });
  }
  if (!command.length) {
    console.log(`PostgreSQL on ${cluster.url} (Ctrl-C stops it and deletes its files)`);
    // Until a signal: a pending promise alone would not keep Node running (it exited at once).
    setInterval(() => undefined, 1 << 30);
    return;
  }
  console.log(`[pg-cluster] ${cluster.url}`);
  const child = spawn(command[0]!, command.slice(1), {
    stdio: "inherit",
    env: { ...process.env, ZHUCUN_PG_URL: cluster.url },
  });
  const code = await new Promise<number>((resolve) =>
    child.on("exit", (status, signal) => resolve(status ?? (signal ? 1 : 0))),
  );
  cluster.stop();
  await sleep(0);
  process.exit(code);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
