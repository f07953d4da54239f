/**
 * How the map shows exit status: a colour AND a shape per status, so it never relies on colour
 * alone (WCAG 1.4.1). Shared by markers, cluster icons, the legend and the list badges.
 */
import type { ExitStatus } from "../../db/schema";
import type { Translate } from "~/i18n";

export const STATUS_ORDER: readonly ExitStatus[] = [
  "not_exited",
  "exit_ready",
  "exited",
  "consolidating",
];

export interface StatusStyle {
  color: string;
  shape: "ring" | "half" | "dot" | "diamond";
  /** The text symbol used in badges and the legend. */
  symbol: string;
}

export const STATUS_STYLE: Record<ExitStatus, StatusStyle> = {
  not_exited: { color: "#a1260d", shape: "ring", symbol: "○" },
  exit_ready: { color: "#8a5a00", shape: "half", symbol: "◐" },
  exited: { color: "#1e6b34", shape: "dot", symbol: "●" },
  consolidating: { color: "#1d4f91", shape: "diamond", symbol: "◆" },
};

/** The marker's SVG (22 px; 30 px with a red halo for the viewer's own village). */
export function markerSvg(status: ExitStatus, own = false): string {
  const { color, shape } = STATUS_STYLE[status];
  const size = own ? 30 : 22;
  const c = size / 2;
  const r = 7;
  const halo = own
    ? `<circle cx="${c}" cy="${c}" r="${c - 1}" fill="#fff" stroke="#b3261e" stroke-width="3"/>`
    : "";
  const body = {
    ring: `<circle cx="${c}" cy="${c}" r="${r}" fill="#fff" stroke="${color}" stroke-width="3"/>`,
    half:
      `<circle cx="${c}" cy="${c}" r="${r}" fill="#fff" stroke="${color}" stroke-width="2.5"/>` +
      `<path d="M${c} ${c - r} A${r} ${r} 0 0 0 ${c} ${c + r} Z" fill="${color}"/>`,
    dot: `<circle cx="${c}" cy="${c}" r="${r}" fill="${color}" stroke="#fff" stroke-width="2"/>`,
    diamond: `<path d="M${c} ${c - r - 1} L${c + r + 1} ${c} L${c} ${c + r + 1} L${c - r - 1} ${c} Z" fill="${color}" stroke="#fff" stroke-width="2"/>`,
  }[shape];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}" aria-hidden="true">${halo}${body}</svg>`;
}

export type StatusCounts = Partial<Record<ExitStatus, number>>;

/** "12 个村，3 个已出列" — the accessible name and tooltip of a cluster. */
export function clusterLabel(t: Translate, counts: StatusCounts): string {
  const total = STATUS_ORDER.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
  const exited = (counts.exited ?? 0) + (counts.consolidating ?? 0);
  return t("map.clusterLabel", { count: total, exited });
}

/**
 * A cluster icon: a ring split into arcs in proportion to the statuses inside, with the count in
 * the middle. Arcs are drawn with stroke-dasharray on one circle each.
 */
export function clusterSvg(counts: StatusCounts): string {
  const total = STATUS_ORDER.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
  const size = total >= 1000 ? 52 : total >= 100 ? 46 : 40;
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
