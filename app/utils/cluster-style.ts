/**
 * The map's cluster icons and township shading, drawn only by the lazily loaded map
 * (village-map.client.tsx): apart from map-style.ts so that the map page's first load, which
 * draws its legend with the marker, does not carry them.
 */
import type { ExitStatus } from "../../db/schema";
import type { Translate } from "~/i18n";
import { STATUS_ORDER, STATUS_STYLE } from "~/utils/status-style";

export type StatusCounts = Partial<Record<ExitStatus, number>>;

/** "12 个村，3 个已出列" — the accessible name and tooltip of a cluster. */
export function clusterLabel(t: Translate, counts: StatusCounts): string {
  const total = STATUS_ORDER.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
  const exited = (counts.exited ?? 0) + (counts.consolidating ?? 0);
  return t("map.clusterLabel", { count: total, exited });
}

/** A cluster icon's side in pixels, by how many villages it holds. */
export function clusterIconSize(total: number): number {
  return total >= 1000 ? 52 : total >= 100 ? 46 : 40;
}

/**
 * A cluster icon: a ring split into arcs in proportion to the statuses inside, with the count in
 * the middle. Arcs are drawn with stroke-dasharray on one circle each.
 */
export function clusterSvg(counts: StatusCounts): string {
  const total = STATUS_ORDER.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
  const size = clusterIconSize(total);
  const c = size / 2;
  const r = c - 5;
  const circumference = 2 * Math.PI * r;
  let offset = 0;
  const arcs = STATUS_ORDER.map((status) => {
    const n = counts[status] ?? 0;
    if (!n) return "";
    const length = (n / total) * circumference;
    const arc = `<circle cx="${c}" cy="${c}" r="${r}" fill="none" stroke="${STATUS_STYLE[status].color}" stroke-width="7" stroke-dasharray="${length} ${circumference - length}" stroke-dashoffset="${-offset}" transform="rotate(-90 ${c} ${c})"/>`;
    offset += length;
    return arc;
  }).join("");
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}" aria-hidden="true">` +
    `<circle cx="${c}" cy="${c}" r="${r}" fill="#fff"/>${arcs}` +
    `<text x="${c}" y="${c}" text-anchor="middle" dominant-baseline="central" font-size="13" font-weight="700" fill="#1d1b1a">${total}</text></svg>`
  );
}

/** Fill colour for a township shaded by the share of its villages that have exited (0–1). */
export function exitShareFill(share: number): string {
  const clamped = Math.max(0, Math.min(1, share));
  // From pale sand (none exited) to the "exited" green (all exited).
  const from = [0xf3, 0xe9, 0xd2];
  const to = [0x1e, 0x6b, 0x34];
  const mix = from.map((f, i) => Math.round(f + (to[i]! - f) * clamped));
  return `#${mix.map((v) => v.toString(16).padStart(2, "0")).join("")}`;
}
