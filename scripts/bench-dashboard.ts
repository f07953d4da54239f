/**
 * One measurement run (called by scripts/bench.ts with DATABASE_URL set to a province-scale
 * database): the dashboard loader's server-side time for a county-wide viewer over every village,
 * and for one township drilled into.
 */
import { dashboard } from "../app/models/dashboard.server";
import { countyViewer, time } from "./bench-helpers";
import { DEFAULT_TEAM_RULES } from "../app/utils/team-rules";
import { db } from "../app/db.server";

const viewer = countyViewer;

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
    countyCpuMs: countyMs.cpuMs,
    townshipMs: townshipMs.median,
    townshipCpuMs: townshipMs.cpuMs,
    bytes,
  }),
);
// A PostgreSQL pool keeps the process alive for its idle timeout: close it.
await db.destroy();
