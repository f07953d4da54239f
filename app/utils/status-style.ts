/**
 * Each exit status's colour, shape and symbol (never colour alone, WCAG 1.4.1): the list badges
 * use the symbol, the map (map-style.ts) draws markers and clusters from all three. Apart from
 * the map's drawing code, so that every page with a badge does not load it.
 */
import type { ExitStatus } from "../../db/schema";

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
