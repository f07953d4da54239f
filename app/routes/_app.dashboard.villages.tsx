import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { ExitStatusBadge } from "~/components/badges";
import { Pager } from "~/components/pager";
import { PlaceName } from "~/components/place-name";
import { TableRegion } from "~/components/table-region";
import {
  formatClauses,
  formatMonth,
  formatPercent,
  translateMessage,
  useLocale,
  useT,
  type Locale,
  type Translate,
} from "~/i18n";
import { dashboardFilters, figureList } from "~/models/dashboard.server";
import { hasAnywhere } from "~/permissions";
import { isFigure, PERIOD_FIGURES } from "~/utils/dashboard-columns";
import { today } from "~/utils/dates";
import { readinessMessage } from "~/utils/exit-rules";
import { pageTitle } from "~/utils/meta";
import { pageHref } from "~/utils/paging";
import { parsePeriod } from "~/utils/progress";
import { teamRulesOn } from "~/models/county-rules.server";

export const meta: MetaFunction = (args) => pageTitle(args, "dashboard.list.title");

/** The villages behind one dashboard figure, with the same filters. */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  if (!hasAnywhere(viewer, "read:dashboard")) notFound();
  const url = new URL(request.url);
  const figure = url.searchParams.get("figure");
  if (!isFigure(figure)) notFound();
  // A trend's figure needs its period; the others take none.
  const period = parsePeriod(url.searchParams.get("period"));
  if (PERIOD_FIGURES.includes(figure) !== (period !== null)) notFound();
  const list = await figureList(
    viewer,
    dashboardFilters(url),
    figure,
    await teamRulesOn(),
    today(),
    period ?? undefined,
    url.searchParams.get("page"),
  );
  if (!list) notFound();
  const back = new URLSearchParams(url.searchParams);
  back.delete("figure");
  back.delete("period");
  return {
    ...list,
    period: period?.period ?? null,
    back: `/dashboard${back.size ? `?${back}` : ""}`,
  };
}

/** "2019年底" / "the end of Nov 2019": where a trend's period ends, in the reader's words. */
function periodEnd(t: Translate, locale: Locale, period: string): string {
  return period.length === 4
    ? t("dashboard.period.yearEnd", { year: period })
    : t("dashboard.period.monthEnd", { month: formatMonth(locale, period, "long") });
}

export default function FigureList() {
  const t = useT();
  const locale = useLocale();
  const { figure, period, villages, township, back, total, page } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const title = t(`dashboard.figure.${figure}`, {
    period: period ? periodEnd(t, locale, period) : "",
  });
  return (
    <article className="stack-lg">
      <header className="page-head">
        <p className="small no-print">
          <Link to={back}>← {t("dashboard.title")}</Link>
        </p>
        <h1>
          {title}
          {township ? ` · ${township.name}` : ""}
        </h1>
        <p className="muted">{t("dashboard.list.count", { n: total })}</p>
      </header>
      <TableRegion label={title}>
        <thead>
          <tr>
            <th scope="col">{t("teams.col.village")}</th>
            <th scope="col">{t("villages.filter.township")}</th>
            <th scope="col">{t("villages.filter.status")}</th>
            <th scope="col" className="num">
              {t("dashboard.col.incidence")}
            </th>
            <th scope="col" className="num">
              {t("dashboard.col.overdueMilestones")}
            </th>
            <th scope="col" className="num">
              {t("dashboard.col.openCases")}
            </th>
            <th scope="col">{t("dashboard.list.blocking")}</th>
          </tr>
        </thead>
        <tbody>
          {villages.map((v) => (
            <tr key={v.id}>
              <th scope="row">
                <PlaceName
                  to={`/villages/${v.id}`}
                  name={v.name}
                  pinyin={v.pinyin}
                  source={v.nameSource}
                />
              </th>
              <td data-label={t("villages.filter.township")}>{v.townshipName}</td>
              <td data-label={t("villages.filter.status")}>
                <ExitStatusBadge status={v.exitStatus} />
              </td>
              <td className="num" data-label={t("dashboard.col.incidence")}>
                {formatPercent(locale, v.incidence)}
              </td>
              <td className="num" data-label={t("dashboard.col.overdueMilestones")}>
                {v.overdueMilestones ? (
                  <Link to={`/villages/${v.id}/plan`}>{v.overdueMilestones}</Link>
                ) : (
                  0
                )}
              </td>
              <td className="num" data-label={t("dashboard.col.openCases")}>
                {v.openCases ? <Link to={`/villages/${v.id}/cases`}>{v.openCases}</Link> : 0}
              </td>
              <td className="small blocking" data-label={t("dashboard.list.blocking")}>
                {v.blocking.length
                  ? formatClauses(
                      locale,
                      v.blocking.map((item) => translateMessage(t, readinessMessage(item))),
                    )
                  : "—"}
              </td>
            </tr>
          ))}
        </tbody>
      </TableRegion>
      <Pager
        page={page.page}
        pages={page.pages}
        href={(n) => pageHref(params, n)}
        range={{ from: page.from, to: page.to, total }}
      />
    </article>
  );
}
