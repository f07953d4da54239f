/**
 * In-village days packed as a month's bit mask (bit d-1 for day d of the month): what
 * `presence_months` stores per cadre, team and month. Pure, shared by the models and the seeds.
 */
import { bitCount } from "~/utils/bits";
import { monthRange } from "~/utils/team-rules";

export function dayBit(day: string): number {
  return 1 << (Number(day.slice(8, 10)) - 1);
}

/** The ISO days a mask marks in its month. */
export function maskDays(month: string, mask: number): string[] {
  const { days } = monthRange(month);
  const out: string[] = [];
  for (let d = 1; d <= days; d++) {
    if (mask & (1 << (d - 1))) out.push(`${month}-${String(d).padStart(2, "0")}`);
  }
  return out;
}

export interface PresenceDay {
  cadre_id: string;
  team_id: string;
  day: string;
}

/** The `presence_months` rows for a set of present days (check-ins and in-village log days). */
export function presenceMasks(days: Iterable<PresenceDay>) {
  const masks = new Map<
    string,
    { cadre_id: string; team_id: string; month: string; days: number; day_count: number }
  >();
  for (const d of days) {
    const month = d.day.slice(0, 7);
    const key = `${d.cadre_id}|${d.team_id}|${month}`;
    const row = masks.get(key);
    if (row) row.days |= dayBit(d.day);
    else
      masks.set(key, {
        cadre_id: d.cadre_id,
        team_id: d.team_id,
        month,
        days: dayBit(d.day),
        day_count: 0,
      });
  }
  for (const row of masks.values()) row.day_count = bitCount(row.days);
  return [...masks.values()];
}
