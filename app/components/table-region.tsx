import { useEffect, useRef, useState, type ReactNode } from "react";
import { useT } from "~/i18n";

/**
 * A data table in a labelled, focusable scroll region: it scrolls sideways when it is wider than
 * the page, and keyboard users can scroll it too (axe: scrollable-region-focusable). The first
 * column (the row's name) stays in view while it scrolls. When columns are out of view, the region
 * says so: a shadow on the side that hides them and a line above the table. The label doubles as
 * the caption, unless the caption says more (a count); a compact table is only as wide as its cells.
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
  const t = useT();
  const ref = useRef<HTMLDivElement>(null);
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
  return (
    <>
      {overflow ? (
        <p className="table-scroll-hint small muted" aria-hidden="true">
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
      >
        <table className={compact ? "data-table compact" : "data-table"}>
          <caption className="visually-hidden">{caption ?? label}</caption>
          {children}
        </table>
      </div>
    </>
  );
}
