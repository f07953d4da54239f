import type { ReactNode } from "react";

/**
 * A data table in a labelled, focusable scroll region: on a phone it scrolls sideways, and keyboard
 * users can scroll it too (axe: scrollable-region-focusable). The label doubles as the caption.
 */
export function TableRegion({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      <table className="data-table">
        <caption className="visually-hidden">{label}</caption>
        {children}
      </table>
    </div>
  );
}
