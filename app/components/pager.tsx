import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { useT } from "~/i18n";

/**
 * A paged list's "第 2 / 27 页 ← 上一页 下一页 →": where the reader is (`summary`, by default the
 * page and the rows it holds of how many), and links to the neighbouring pages (`href` keeps the
 * list's filters). With one page, nothing — or only the summary, where it says more than the page
 * number (`summaryAlone`).
 */
export function Pager({
  page,
  pages,
  href,
  summary,
  summaryAlone = false,
  range,
}: {
  page: number;
  pages: number;
  href: (page: number) => string;
  summary?: ReactNode;
  summaryAlone?: boolean;
  /** The rows this page holds (1-based, inclusive) of `total`, for the default summary. */
  range?: { from: number; to: number; total: number };
}) {
  const t = useT();
  if (pages <= 1 && !summaryAlone) return null;
  return (
    <nav className="small pager" aria-label={t("pager.label")}>
      {summary ??
        (range
          ? t("pager.range", { page, pages, ...range })
          : t("users.page", { page, pages }))}{" "}
      {page > 1 ? <Link to={href(page - 1)}>← {t("dashboard.previous")}</Link> : null}{" "}
      {page < pages ? <Link to={href(page + 1)}>{t("dashboard.next")} →</Link> : null}
    </nav>
  );
}
