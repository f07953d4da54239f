/**
 * A row of `village_history`: the village's figures from a day on, and the change from its previous
 * row, which is what trends add up. Pure: shared by the model and the seeds.
 */
import type { ExitStatus } from "../../db/schema";
import { hasExited } from "~/utils/village-list";

export interface VillageFigures {
  exit_status: ExitStatus;
  poor_households: number;
  poor_people: number;
  agricultural_population: number;
}

export function sameFigures(a: VillageFigures, b: VillageFigures): boolean {
  return (
    a.exit_status === b.exit_status &&
    a.poor_households === b.poor_households &&
    a.poor_people === b.poor_people &&
    a.agricultural_population === b.agricultural_population
  );
}

/** The change from `previous` (null: the village's first row, a change from nothing) to `next`. */
export function historyChange(previous: VillageFigures | null, next: VillageFigures) {
  const exited = (f: VillageFigures | null) => (f && hasExited(f.exit_status) ? 1 : 0);
  return {
    exited_change: exited(next) - exited(previous),
    poor_people_change: next.poor_people - (previous?.poor_people ?? 0),
    population_change: next.agricultural_population - (previous?.agricultural_population ?? 0),
  };
}
