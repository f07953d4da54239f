/** Shared by the bench runs: a county-wide viewer without an account, and timing with warm-up. */
import type { Viewer } from "../app/permissions";

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

/** Median and p90 of `runs` timed calls after three warm-up calls (query plans, JIT). */
export async function time(
  fn: () => Promise<unknown>,
  runs = Number(process.env.BENCH_RUNS ?? 20),
) {
  for (let i = 0; i < 3; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return { median: at(samples, 0.5), p90: at(samples, 0.9) };
}
