/**
 * One measurement run (called by scripts/bench.ts with DATABASE_URL set to a province-scale
 * database): the dashboard loader's server-side time for a county-wide viewer over every village,
 * and for one township drilled into.
 */
import { dashboard } from "../app/models/dashboard.server";
import type { Viewer } from "../app/permissions";
import { DEFAULT_TEAM_RULES } from "../app/utils/team-rules";

const viewer: Viewer = {
  id: "bench",
  username: "bench",
  displayName: "bench",
  role: "county_admin",
  townshipId: null,
  villageIds: [],
  teamIds: [],
  cadreId: null,
};
const runs = Number(process.env.BENCH_RUNS ?? 20);
const at = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)]!;

async function time(fn: () => Promise<unknown>) {
  for (let i = 0; i < 3; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return { median: at(samples, 0.5), p90: at(samples, 0.9) };
}

let villages = 0;
let bytes = 0;
const countyMs = await time(async () => {
  const page = (await dashboard(viewer, {}, {}, DEFAULT_TEAM_RULES))!;
  villages = page.headline.villages;
  bytes = Buffer.byteLength(JSON.stringify(page));
});
const first = (await dashboard(viewer, {}, {}, DEFAULT_TEAM_RULES))!.rows[0]!.id;
const townshipMs = await time(() =>
  dashboard(viewer, { townshipId: first }, {}, DEFAULT_TEAM_RULES),
);
console.log(
  JSON.stringify({
    villages,
    countyMs: countyMs.median,
    countyP90Ms: countyMs.p90,
    townshipMs: townshipMs.median,
    bytes,
  }),
);
