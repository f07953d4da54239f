/**
 * One measurement run (called by scripts/bench.ts with DATABASE_URL set): the registry's export
 * as an .xlsx, and a re-import preview of it (every row checked against the stored registry,
 * nothing to change). For a province-scale database the file itself is over the upload limits,
 * so the preview is timed on the export's rows directly: that is the check's own cost.
 */
import {
  previewWorkbook,
  proposeSheets,
  registryWorkbook,
} from "../app/models/registry-import.server";
import {
  readWorkbook,
  warmXlsxParser,
  writeWorkbook,
  type Table,
} from "../app/utils/spreadsheet.server";
import { countyViewer, time } from "./bench-helpers";
import { db } from "../app/db.server";

const viewer = countyViewer;
const runs = Number(process.env.BENCH_RUNS ?? 5);

let bytes = 0;
let rows = 0;
const exportMs = await time(async () => {
  const sheets = (await registryWorkbook(viewer, "zh-CN"))!;
  rows = sheets.reduce((n, s) => n + s.rows.length, 0);
  bytes = (await writeWorkbook(sheets, { creator: "bench" })).byteLength;
}, runs);

const sheets = (await registryWorkbook(viewer, "zh-CN"))!;
const tables: Table[] = sheets.map((s) => ({
  sheet: s.name,
  headers: s.columns.map((c) => c.header),
  rows: s.rows.map((r) => r.map((c) => (c === null || c === undefined ? "" : String(c)))),
}));
let unchanged = 0;
const previewMs = await time(async () => {
  const preview = await previewWorkbook(viewer, await proposeSheets(tables), "zh-CN");
  if (!preview.ok) throw new Error("refused");
  unchanged = preview.previews.reduce((n, p) => n + p.counts.unchanged, 0);
}, runs);

// The whole upload path (read the .xlsx, then preview), when the file is within the limits. As on
// the import page, whose loader starts a parser (ExcelJS loaded) while the person chooses a file:
// each upload is timed once its parser is ready. The first upload after five idle minutes, or one
// sent with no page before it, also waits for ExcelJS to load: `coldUploadMs`.
const buffer = await writeWorkbook(sheets, { creator: "bench" });
const uploadOnce = async () => {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const again = await readWorkbook("export.xlsx", new Uint8Array(buffer));
  if (!again.ok) throw new Error(again.error);
  await previewWorkbook(viewer, await proposeSheets(again.tables), "zh-CN");
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
};
const read = await readWorkbook("export.xlsx", new Uint8Array(buffer));
let upload: { median: number; cpuMs: number } | null = null;
let coldUploadMs: number | null = null;
if (read.ok) {
  coldUploadMs = (await uploadOnce()).ms;
  const samples: { ms: number; cpuMs: number }[] = [];
  for (let i = 0; i < runs + 1; i++) {
    await warmXlsxParser();
    const sample = await uploadOnce();
    if (i > 0) samples.push(sample); // the first warms the preview's own code
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  upload = { median: median(samples.map((s) => s.ms)), cpuMs: median(samples.map((s) => s.cpuMs)) };
}

console.log(
  JSON.stringify({
    rows,
    bytes,
    unchanged,
    exportMs: exportMs.median,
    previewMs: previewMs.median,
    previewCpuMs: previewMs.cpuMs,
    uploadMs: upload?.median ?? null,
    uploadCpuMs: upload?.cpuMs ?? null,
    coldUploadMs,
  }),
);
// A PostgreSQL pool keeps the process alive for its idle timeout: close it.
await db.destroy();
