/** Shared by the bench runs: a county-wide viewer without an account, and timing with warm-up. */
import type { Viewer } from "../app/permissions";
import { clusterCpuSeconds } from "./pg-cluster";

export const countyViewer: Viewer = {
  id: "bench",
  username: "bench",
  displayName: "bench",
  role: "county_admin",
  townshipId: null,
  villageIds: [],
  teamIds: [],
  cadreId: null,
};

const at = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)]!;

/**
 * CPU seconds used so far by this process and, when the bench runs it on PostgreSQL
 * (BENCH_PG_DATA: the cluster's data folder), by the database server: the figure that a busy
 * shared machine disturbs least (wall time there waits for the other processes' turns).
 */
export function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  const data = process.env.BENCH_PG_DATA;
  return (user + system) / 1e6 + (data ? clusterCpuSeconds(data) : 0);
}

/**
 * Median and p90 of `runs` timed calls after three warm-up calls (query plans, JIT), and the CPU
 * per call (this process's and the database server's, see cpuSeconds).
 */
export async function time(
  fn: () => Promise<unknown>,
  runs = Number(process.env.BENCH_RUNS ?? 20),
) {
  for (let i = 0; i < 3; i++) await fn();
  const samples: number[] = [];
  const cpuBefore = cpuSeconds();
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  const cpuMs = ((cpuSeconds() - cpuBefore) * 1000) / runs;
  return { median: at(samples, 0.5), p90: at(samples, 0.9), cpuMs };
}
