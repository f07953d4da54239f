/**
 * The demo's history of village exit figures (`village_history`), derived from the demo roster:
 * a baseline at the start of the programme, then each year's household exits (in a month of the
 * village's own) and the village's exit (announced at the end of November), then today's figures
 * where they differ. Real databases record a row on every change instead (app/models/village-history.server.ts).
 */
import type { Insertable } from "kysely";
import type { DB, ExitStatus } from "../schema";
import { historyChange, sameFigures, type VillageFigures } from "../../app/utils/history";

type Village = Insertable<DB["villages"]>;
type Household = Insertable<DB["households"]>;
type HistoryRow = Insertable<DB["village_history"]>;

const EXITED = new Set(["exited", "monitored"]);

export function buildVillageHistory(
  villages: readonly Village[],
  households: readonly Household[],
  today: string,
): HistoryRow[] {
  const byVillage = new Map<string, Household[]>();
  for (const h of households) {
    const list = byVillage.get(h.village_id) ?? [];
    list.push(h);
    byVillage.set(h.village_id, list);
  }
  const rows: HistoryRow[] = [];
  for (const [index, village] of villages.entries()) {
    const roster = byVillage.get(village.id!) ?? [];
    const remainingAfter = (year: number) =>
      roster.filter(
        (h) => !(EXITED.has(h.status!) && h.exit_year !== null && h.exit_year! <= year),
      );
    const statusIn = (year: number): ExitStatus => {
      const exitYear = village.exit_year;
      // Villages ready but not yet announced became ready in the last programme year.
      if (village.exit_status === "exit_ready") return year === 2020 ? "exit_ready" : "not_exited";
      if (!exitYear || exitYear > year) return "not_exited";
      return village.exit_status === "consolidating" && year > exitYear
        ? "consolidating"
        : "exited";
    };
    // Each year: the households' exits as the village worked through them (its own month, spread
    // from May to October across villages), then the village's own exit, announced in November.
    const month = String(5 + (index % 6)).padStart(2, "0");
    const points: { day: string; status: ExitStatus; remaining: Household[] }[] = [
      { day: "2016-01-01", status: "not_exited", remaining: remainingAfter(2015) },
    ];
    for (let year = 2016; year <= 2020; year++) {
      const before = points.at(-1)!.status;
      points.push({ day: `${year}-${month}-20`, status: before, remaining: remainingAfter(year) });
      points.push({
        day: `${year}-11-30`,
        status: statusIn(year),
        remaining: remainingAfter(year),
      });
    }
    let last: VillageFigures | null = null;
    const push = (day: string, status: ExitStatus, poorHouseholds: number, poorPeople: number) => {
      const figures: VillageFigures = {
        exit_status: status,
        poor_households: poorHouseholds,
        poor_people: poorPeople,
        agricultural_population: village.agricultural_population,
      };
      if (last && sameFigures(last, figures)) return;
      rows.push({
        village_id: village.id!,
        day,
        ...figures,
        ...historyChange(last, figures),
        recorded_at: `${day}T04:00:00.000Z`,
      });
      last = figures;
    };
    for (const point of points) {
      push(
        point.day,
        point.status,
        point.remaining.length,
        point.remaining.reduce((sum, h) => sum + h.members, 0),
      );
    }
    push(today, village.exit_status!, village.poor_households!, village.poor_people!);
  }
  return rows;
}
