import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { useT } from "~/i18n";

/**
 * A paged list's "第 2 / 27 页 ← 上一页 下一页 →": where the reader is (`summary`), and links to the
 * neighbouring pages (`href` keeps the list's filters). With one page, nothing — or only the
 * summary, where it says more than the page number (`summaryAlone`).
 */
export function Pager({
  page,
  pages,
  href,
  summary,
  summaryAlone = false,
}: {
  page: number;
  pages: number;
  href: (page: number) => string;
  summary: ReactNode;
  summaryAlone?: boolean;
}) {
  const t = useT();
  if (pages <= 1 && !summaryAlone) return null;
  return (
    <nav className="small pager" aria-label={t("pager.label")}>
      {summary} {page > 1 ? <Link to={href(page - 1)}>← {t("dashboard.previous")}</Link> : null}{" "}
      {page < pages ? <Link to={href(page + 1)}>{t("dashboard.next")} →</Link> : null}
    </nav>
  );
}
