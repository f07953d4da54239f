/**
 * Each village's exit readiness, kept in `village_progress` by every write that can change it (the
 * village write wrapper, and the roster import, which has its own transaction, call
 * `refreshVillageProgress` in the write's transaction), so the dashboard adds up readiness in the database instead of re-deriving it for
 * every village on every request. The rules stay in `utils/exit-rules` (`readiness`).
 */
import { nowIso } from "~/utils/clock";
import type { Kysely, Transaction } from "kysely";
import type { DB, IndicatorComparison, IndicatorKind } from "../../db/schema";
import { MATRIX_KINDS, type MatrixCell } from "~/utils/dashboard-columns";
import { teamRulesOn } from "~/models/county-rules.server";
import { today } from "~/utils/dates";
import {
  DEFAULT_STANDARDS,
  incidence,
  isMet,
  OFFICIAL_INDICATORS,
  readiness,
  standardsOf,
  standardThreshold,
  type ExitStandards,
  type ReadinessIndicator,
  type ReadinessItem,
} from "~/utils/exit-rules";
import { groupBy } from "~/utils/group";

type Executor = Kysely<DB> | Transaction<DB>;

/** One character per official indicator, in `MATRIX_KINDS` order. */
export const CELL_CODE: Record<MatrixCell, string> = { met: "M", not_met: "X", not_measured: "?" };
const CELL_OF: Record<string, MatrixCell> = { M: "met", X: "not_met", "?": "not_measured" };

export function decodeCells(cells: string) {
  return Object.fromEntries(
    MATRIX_KINDS.map((kind, i) => [kind, CELL_OF[cells[i] ?? "?"] ?? "not_measured"]),
  ) as Record<(typeof MATRIX_KINDS)[number], MatrixCell>;
}

interface VillageInput {
  id: string;
  poor_people: number;
  poor_households: number;
  agricultural_population: number;
}

interface IndicatorRow {
  village_id: string;
  kind: IndicatorKind;
  name: string | null;
  comparison: IndicatorComparison;
  threshold: number | null;
  current_value: number | null;
}

/** A village's readiness record from its figures, its official indicators and its roster. */
export function progressOf(
  village: VillageInput,
  indicators: readonly IndicatorRow[],
  hasRoster: boolean,
  standards: ExitStandards = DEFAULT_STANDARDS,
): { hasRoster: boolean; ready: boolean; blocking: ReadinessItem[]; cells: string } {
  const figures = hasRoster
    ? {
        poorPeople: village.poor_people,
        poorHouseholds: village.poor_households,
        agriculturalPopulation: village.agricultural_population,
      }
    : null;
  // Official indicators as the plan page shows them: one never recorded is "not measured".
  const official: ReadinessIndicator[] = OFFICIAL_INDICATORS.filter((d) => !d.computed).map((d) => {
    const row = indicators.find((i) => i.kind === d.kind);
    return row
      ? {
          kind: row.kind,
          name: row.name,
          comparison: row.comparison,
          threshold: row.threshold,
          currentValue: row.current_value,
        }
      : {
          kind: d.kind,
          name: null,
          comparison: d.comparison,
          threshold: d.threshold,
          currentValue: null,
        };
  });
  const blocking = readiness(figures, official, [], "", standards).filter((item) => item.blocking);
  const rate = figures ? incidence(figures) : null;
  const cells = MATRIX_KINDS.map((kind) => {
    if (kind === "poverty_incidence") {
      return CELL_CODE[
        rate === null ? "not_measured" : rate < standards.incidenceThreshold ? "met" : "not_met"
      ];
    }
    const indicator = official.find((i) => i.kind === kind)!;
    const threshold = standardThreshold(kind, standards) ?? indicator.threshold;
    const met = isMet(indicator.comparison, threshold, indicator.currentValue);
    return CELL_CODE[met === null ? "not_measured" : met ? "met" : "not_met"];
  }).join("");
  return { hasRoster, ready: blocking.length === 0, blocking, cells };
}

/** Rewrites the readiness records of some villages (or all, for seeds and start-up). */
export async function refreshVillageProgress(
  trx: Executor,
  villageIds: readonly string[] | "all",
  now: string,
) {
  const ids = villageIds === "all" ? null : [...villageIds];
  if (ids?.length === 0) return;
  // Judged by the county's exit standards in effect today, read through this transaction.
  const standards = standardsOf(await teamRulesOn(today(), trx));
  const stamp = standardsStamp(standards);
  const [villages, indicators, rosters] = await Promise.all([
    trx
      .selectFrom("villages")
      .select(["id", "poor_people", "poor_households", "agricultural_population"])
      .$if(ids !== null, (q) => q.where("id", "in", ids!))
      .execute(),
    trx
      .selectFrom("plan_indicators")
      .select(["village_id", "kind", "name", "comparison", "threshold", "current_value"])
      .where("kind", "!=", "custom")
      .$if(ids !== null, (q) => q.where("village_id", "in", ids!))
      .execute(),
    trx
      .selectFrom("villages as v")
      .select("v.id")
      .where(({ exists, selectFrom }) =>
        exists(selectFrom("households as h").select("h.id").whereRef("h.village_id", "=", "v.id")),
      )
      .$if(ids !== null, (q) => q.where("v.id", "in", ids!))
      .execute(),
  ]);
  const byVillage = groupBy(indicators, (i) => i.village_id);
  const withRoster = new Set(rosters.map((r) => r.id));
  const rows = villages.map((v) => {
    const p = progressOf(v, byVillage.get(v.id) ?? [], withRoster.has(v.id), standards);
    return {
      village_id: v.id,
      has_roster: p.hasRoster ? 1 : 0,
      ready: p.ready ? 1 : 0,
      blocking: JSON.stringify(p.blocking),
      cells: p.cells,
      standards: stamp,
      updated_at: now,
    };
  });
  for (let i = 0; i < rows.length; i += 500) {
    await trx
      .insertInto("village_progress")
      .values(rows.slice(i, i + 500))
      .onConflict((oc) =>
        oc.column("village_id").doUpdateSet((eb) => ({
          has_roster: eb.ref("excluded.has_roster"),
          ready: eb.ref("excluded.ready"),
          blocking: eb.ref("excluded.blocking"),
          cells: eb.ref("excluded.cells"),
          standards: eb.ref("excluded.standards"),
          updated_at: eb.ref("excluded.updated_at"),
        })),
      )
      .execute();
  }
}

/** Which standards a readiness record was judged by. */
export function standardsStamp(standards: ExitStandards): string {
  return `${standards.incidenceThreshold}:${standards.collectiveIncomeFloor}`;
}

/**
 * Brings the readiness records in line with the standards in effect today: after the county
 * changed them, from the change's date on (a change dated ahead takes effect on its day, on the
 * first read that day). One query when nothing changed; every server sees the same stamps.
 */
export async function ensureProgressCurrent(executor: Kysely<DB>) {
  const stamp = standardsStamp(standardsOf(await teamRulesOn(today())));
  const stale = await executor
    .selectFrom("village_progress")
    .select("village_id")
    .where("standards", "!=", stamp)
    .limit(1)
    .executeTakeFirst();
  if (!stale) return false;
  await executor.transaction().execute((trx) => refreshVillageProgress(trx, "all", nowIso()));
  return true;
}

/** Whether every village has its readiness record (start-up fills them in once if not). */
export async function progressComplete(executor: Executor): Promise<boolean> {
  const row = await executor
    .selectFrom("villages as v")
    .leftJoin("village_progress as p", "p.village_id", "v.id")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("p.village_id", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n) === 0;
}
