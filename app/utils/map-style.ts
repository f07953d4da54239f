/**
 * How the map shows exit status: a colour AND a shape per status, so it never relies on colour
 * alone (WCAG 1.4.1). The statuses' styles are in status-style.ts (the list badges use them too),
 * the cluster icons in cluster-style.ts (only the lazily loaded map draws them); the map page's
 * legend and the markers share the marker drawn here.
 */
import type { ExitStatus } from "../../db/schema";
import { STATUS_STYLE } from "~/utils/status-style";

export { STATUS_ORDER, STATUS_STYLE, type StatusStyle } from "~/utils/status-style";

/**
 * A village marker's side in pixels: 24, the smallest a touch target may be when others are near
 * (WCAG 2.5.8); 30 for the viewer's own village.
 */
export function markerSize(own = false): number {
  return own ? 30 : 24;
}

/** The marker's SVG (24 px; 30 px with a red halo for the viewer's own village). */
export function markerSvg(status: ExitStatus, own = false): string {
  const { color, shape } = STATUS_STYLE[status];
  const size = markerSize(own);
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
