import { useEffect, useRef, useState, type AnchorHTMLAttributes, type ReactNode } from "react";
import { useT } from "~/i18n";

/**
 * A data table in a labelled, focusable scroll region: it scrolls sideways when it is wider than
 * the page, and keyboard users can scroll it too (axe: scrollable-region-focusable). The first
 * column (the row's name) stays in view while it scrolls. When columns are out of view, the region
 * says so: a shadow on the side that hides them and a line above the table. The label doubles as
 * the caption, unless the caption says more (a count); a compact table is only as wide as its cells.
 *
 * On a phone (below 720 px) a `stack` table is a list of cards instead (app.css): each row a card
 * titled by its row header, each other cell a line "label: value". The label is the cell's
 * `data-label`, rendered on the server with its column's heading, so cards need no script. Stack is
 * on unless the table is compact (a small table that fits a phone as it is).
 */
export function TableRegion({
  label,
  caption,
  compact = false,
  stack = !compact,
  children,
}: {
  label: string;
  caption?: ReactNode;
  compact?: boolean;
  /** Cards on a phone; give each `<td>` a `data-label` with its column's heading. */
  stack?: boolean;
  children: ReactNode;
}) {
  const t = useT();
  const ref = useRef<HTMLDivElement>(null);
  const tableRef = useRef<HTMLTableElement>(null);
  const [overflow, setOverflow] = useState<{ left: boolean; right: boolean } | null>(null);
  useEffect(() => {
    const wrap = ref.current;
    if (!wrap) return;
    const measure = () => {
      const hidden = wrap.scrollWidth - wrap.clientWidth;
      const next =
        hidden > 1 ? { left: wrap.scrollLeft > 1, right: wrap.scrollLeft < hidden - 1 } : null;
      setOverflow((now) =>
        now?.left === next?.left && now?.right === next?.right && !now === !next ? now : next,
      );
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(wrap);
    if (wrap.firstElementChild) observer.observe(wrap.firstElementChild);
    wrap.addEventListener("scroll", measure, { passive: true });
    return () => {
      observer.disconnect();
      wrap.removeEventListener("scroll", measure);
    };
  }, []);
  // As cards the table's parts no longer display as a table, and some browsers (WebKit) then stop
  // exposing them as one to screen readers: name their roles outright. After every render, since
  // rows come and go with the data.
  useEffect(() => {
    const table = tableRef.current;
    // Only where the table is drawn as cards: a desktop's tables keep their native semantics.
    if (stack && table && window.matchMedia("screen and (max-width: 719px)").matches) {
      addTableRoles(table);
    }
  });
  return (
    <>
      {overflow ? (
        <p
          className="table-scroll-hint small muted"
          aria-hidden="true"
          data-stack={stack ? "" : undefined}
        >
          {t("table.scrollHint")}
        </p>
      ) : null}
      <div
        ref={ref}
        className="table-wrap"
        role="region"
        aria-label={label}
        tabIndex={0}
        data-more-left={overflow?.left ? "" : undefined}
        data-more-right={overflow?.right ? "" : undefined}
        data-stack={stack ? "" : undefined}
      >
        <table
          ref={tableRef}
          className={compact ? "data-table compact" : "data-table"}
          data-stack={stack ? "" : undefined}
        >
          <caption className="visually-hidden">{caption ?? label}</caption>
          {children}
        </table>
      </div>
    </>
  );
}

/** The roles a table's elements have by default, set explicitly (the same on a desktop). */
function addTableRoles(table: HTMLTableElement) {
  setRole(table, "table");
  for (const group of table.querySelectorAll(":scope > thead, :scope > tbody, :scope > tfoot")) {
    setRole(group, "rowgroup");
  }
  for (const row of table.rows) {
    setRole(row, "row");
    for (const cell of row.cells) {
      const scope = cell.getAttribute("scope");
      setRole(
        cell,
        cell.tagName === "TD"
          ? "cell"
          : scope === "col" || (scope !== "row" && row.parentElement?.tagName === "THEAD")
            ? "columnheader"
            : "rowheader",
      );
    }
  }
}

function setRole(element: Element, role: string) {
  if (!element.hasAttribute("role")) element.setAttribute("role", role);
}

/**
 * A link in a table's cells: a plain anchor, which the layout's one listener (useInPageLinks in
 * routes/_app.tsx) follows in the page as a router Link would, where a Link is three components
 * and a dozen hooks to hydrate: the map page's 89 rows of village and township links took ~70 ms
 * on the bench machine. Without JavaScript it is an ordinary link.
 */
export function RowLink({
  to,
  children,
  ...props
}: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string; children: ReactNode }) {
  return (
    <a href={to} data-row-link="" {...props}>
      {children}
    </a>
  );
}
