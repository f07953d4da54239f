import type { ReactNode } from "react";

/**
 * A data table in a labelled, focusable scroll region: on a phone it scrolls sideways, and keyboard
 * users can scroll it too (axe: scrollable-region-focusable). The label doubles as the caption,
 * unless the caption says more (a count); a compact table is only as wide as its cells.
 */
export function TableRegion({
  label,
  caption,
  compact = false,
  children,
}: {
  label: string;
  caption?: ReactNode;
  compact?: boolean;
  children: ReactNode;
}) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      <table className={compact ? "data-table compact" : "data-table"}>
        <caption className="visually-hidden">{caption ?? label}</caption>
        {children}
      </table>
    </div>
  );
}
