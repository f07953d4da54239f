/**
 * One measurement run (called by scripts/bench.ts with DATABASE_URL set to a demo database): the
 * county case board with 2,000 cards — the loader's server-side time — and card moves, with and
 * without making room (a worn spot of a column spread out), and with the whole column packed so
 * that every card of it is renumbered, as the county admin.
 */
import { sql } from "kysely";
import { newId } from "../db/ids";
import { db } from "../app/db.server";
import { listBoard, moveCard } from "../app/models/card.server";
import { getViewer } from "../app/models/user.server";
import { CASE_COLUMNS, CASE_KINDS } from "../db/schema";
import { cpuSeconds } from "./bench-helpers";

const TARGET_CARDS = 2000;
const runs = Number(process.env.BENCH_RUNS ?? 30);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const admin = await db
  .selectFrom("users")
  .select("id")
  .where("username", "=", "county")
  .executeTakeFirstOrThrow();
const viewer = (await getViewer(admin.id))!;

// Top the demo up to 2,000 live case cards, spread over villages and columns.
const villages = await db.selectFrom("villages").select("id").execute();
const { n } = await db
  .selectFrom("cards")
  .select((eb) => eb.fn.countAll<number>().as("n"))
  .where("board", "=", "case")
  .where("archived_at", "is", null)
  .executeTakeFirstOrThrow();
const now = new Date().toISOString();
// The first 400 go into one village's "in progress" column: a rebalance there renumbers 400 cards.
const BIG_COLUMN = 400;
const extra = Array.from({ length: TARGET_CARDS - Number(n) }, (_, i) => ({
  id: newId(),
  board: "case" as const,
  village_id: i < BIG_COLUMN ? villages[0]!.id : villages[i % villages.length]!.id,
  column_key: i < BIG_COLUMN ? ("in_progress" as const) : CASE_COLUMNS[i % CASE_COLUMNS.length]!,
  position: 100_000 + i * 1024,
  title: `基准个案 ${i + 1}`,
  kind: CASE_KINDS[i % CASE_KINDS.length]!,
  urgency: "normal" as const,
  due_on: "2020-06-30",
  name_source: "demo" as const,
  version: 1,
  created_at: now,
  updated_at: now,
}));
for (let i = 0; i < extra.length; i += 40) {
  await db
    .insertInto("cards")
    .values(extra.slice(i, i + 40))
    .execute();
}

for (let i = 0; i < 3; i++) await listBoard(viewer, "case");
const loads: number[] = [];
let cards = 0;
const loaderCpu = cpuSeconds();
for (let i = 0; i < runs; i++) {
  const start = performance.now();
  cards = (await listBoard(viewer, "case")).length;
  loads.push(performance.now() - start);
}

const loaderCpuMs = ((cpuSeconds() - loaderCpu) * 1000) / runs;

// Moves inside one village's "in progress" column: plain moves, then moves that find no room.
const villageId = villages[0]!.id;
const column = () =>
  db
    .selectFrom("cards")
    .select(["id", "position", "version"])
    .where("board", "=", "case")
    .where("village_id", "=", villageId)
    .where("column_key", "=", "in_progress")
    .where("archived_at", "is", null)
    .orderBy("position")
    .execute();
const plain: number[] = [];
const rebalancing: number[] = [];
const plainCpu: number[] = [];
const rebalancingCpu: number[] = [];
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
let rebalanced = 0;
for (let i = 0; i < runs; i++) {
  const list = await column();
  const [first, second, last] = [list[0]!, list[1]!, list.at(-1)!];
  // Squeeze the first two together so the next move between them has to renumber the column.
  if (i % 2 === 1) {
    await db
      .updateTable("cards")
      .set({ position: sql`${first.position}` })
      .where("id", "=", first.id)
      .execute();
    await db
      .updateTable("cards")
      .set({ position: first.position + 1 })
      .where("id", "=", second.id)
      .execute();
  }
  const start = performance.now();
  const cpuStart = cpuSeconds();
  const result = await moveCard(viewer, {
    cardId: last.id,
    column: "in_progress",
    afterId: first.id,
    version: last.version,
  });
  const ms = performance.now() - start;
  const cpuMs = (cpuSeconds() - cpuStart) * 1000;
  if (!result.ok) throw new Error(`move refused: ${result.reason}`);
  if (result.value.rebalanced) {
    rebalanced++;
    rebalancing.push(ms);
    rebalancingCpu.push(cpuMs);
  } else {
    plain.push(ms);
    plainCpu.push(cpuMs);
  }
}

// The worst case: the whole column packed (positions 1, 2, 3, …), so that no run short of the
// column has room and every card of it is renumbered.
const wholeColumn: number[] = [];
const wholeColumnCpu: number[] = [];
let wholeRenumbered = 0;
for (let i = 0; i < Math.min(runs, 15); i++) {
  const list = await column();
  await db.transaction().execute(async (trx) => {
    for (const [at, c] of list.entries()) {
      await trx
        .updateTable("cards")
        .set({ position: at + 1 })
        .where("id", "=", c.id)
        .execute();
    }
  });
  // Into the middle: the run grows until it meets an end of the column.
  const [middle, last] = [list[Math.floor(list.length / 2)]!, list.at(-1)!];
  const before = new Map(list.map((c, at) => [c.id, at + 1]));
  const start = performance.now();
  const cpuStart = cpuSeconds();
  const result = await moveCard(viewer, {
    cardId: last.id,
    column: "in_progress",
    afterId: middle.id,
    version: last.version,
  });
  wholeColumn.push(performance.now() - start);
  wholeColumnCpu.push((cpuSeconds() - cpuStart) * 1000);
  if (!result.ok || !result.value.rebalanced)
    throw new Error("the packed column was not renumbered");
  const after = await column();
  wholeRenumbered = after.filter((c) => c.id !== last.id && before.get(c.id) !== c.position).length;
}

console.log(
  JSON.stringify({
    cards,
    wholeColumnMoveMedianMs: median(wholeColumn),
    wholeColumnMoveCpuMs: sum(wholeColumnCpu) / wholeColumnCpu.length,
    wholeColumnRenumbered: wholeRenumbered,
    loaderMedianMs: median(loads),
    loaderCpuMs,
    columnSize: (await column()).length,
    moveMedianMs: median(plain),
    moveCpuMs: sum(plainCpu) / plainCpu.length,
    rebalanceMoveMedianMs: median(rebalancing),
    rebalanceMoveCpuMs: sum(rebalancingCpu) / rebalancingCpu.length,
    rebalanced,
  }),
);
await db.destroy();
