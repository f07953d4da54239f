/**
 * One measurement run (called by scripts/bench.ts with DATABASE_URL set): the map data loader's
 * server-side time and response size for a county admin, who sees every village.
 */
import { gzipSync } from "node:zlib";
import { mapData } from "../app/models/map.server";
import { countyViewer, cpuSeconds } from "./bench-helpers";
import { db } from "../app/db.server";

const viewer = countyViewer;
const runs = Number(process.env.BENCH_RUNS ?? 30);

// Warm-up: first query plans and JIT.
for (let i = 0; i < 3; i++) JSON.stringify(await mapData(viewer));
const times: number[] = [];
let body = "";
const cpuBefore = cpuSeconds();
for (let i = 0; i < runs; i++) {
  const start = performance.now();
  body = JSON.stringify(await mapData(viewer));
  times.push(performance.now() - start);
}
const cpuMs = ((cpuSeconds() - cpuBefore) * 1000) / runs;
times.sort((a, b) => a - b);
const result = {
  villages: (JSON.parse(body) as { v: { id: unknown[] } }).v.id.length,
  medianMs: times[Math.floor(times.length / 2)]!,
  p90Ms: times[Math.floor(times.length * 0.9)]!,
  cpuMs,
  bytes: Buffer.byteLength(body),
  gzipBytes: gzipSync(body).length,
  rssMiB: process.memoryUsage().rss / 1024 / 1024,
};
console.log(JSON.stringify(result));
// A PostgreSQL pool keeps the process alive for its idle timeout: close it.
await db.destroy();
