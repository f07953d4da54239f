import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { WAITING_STAGES } from "~/utils/village-exit";
import { Pager } from "~/components/pager";
import { lazy, Suspense, useMemo, useRef, type ReactNode } from "react";
import chartStyles from "uplot/dist/uPlot.min.css";
import { UNIT_LEVELS, VILLAGE_TYPES } from "../../db/schema";
import { notFound, requireViewer } from "~/auth.server";
import { FilterSelect } from "~/components/filter-select";
import { PlaceName } from "~/components/place-name";
import type { ChartSpec } from "~/components/progress-chart.client";
import { RowLink, TableRegion } from "~/components/table-region";
import { useNearViewport } from "~/components/use-near-viewport";
import {
  formatClauses,
  formatDate,
  formatMonth,
  formatNumber,
  formatPercent,
  translateMessage,
  useLocale,
  useT,
  type Locale,
  type Translate,
} from "~/i18n";
import {
  dashboard,
  dashboardFilters,
  dashboardView,
  type DashboardPage,
} from "~/models/dashboard.server";
import { hasAnywhere } from "~/permissions";
import {
  MATRIX_KINDS,
  MATRIX_STATES,
  matrixShowValue,
  PROGRESS_COLUMNS,
  type Figure,
  type MatrixCell,
  type MatrixShow,
} from "~/utils/dashboard-columns";
import { readinessMessage } from "~/utils/exit-rules";
import { pageTitle } from "~/utils/meta";
import { pageFigures, pageHref, pageOf } from "~/utils/paging";
import { loadStylesheet } from "~/utils/stylesheet";
import type { ProgressTotals, TrendPoint } from "~/utils/progress";
import { teamRulesOn } from "~/models/county-rules.server";

// uPlot's stylesheet comes with the chart's script, not as the page's `links` (render-blocking).
const ProgressChart = lazy(() =>
  Promise.all([import("~/components/progress-chart.client"), loadStylesheet(chartStyles)]).then(
    ([module]) => module,
  ),
);

export const meta: MetaFunction = (args) => pageTitle(args, "dashboard.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  if (!hasAnywhere(viewer, "read:dashboard")) notFound();
  const url = new URL(request.url);
  const page = await dashboard(
    viewer,
    dashboardFilters(url),
    dashboardView(url),
    await teamRulesOn(),
  );
  if (!page) notFound();
  return page;
}

/** The list of villages behind a figure: in a township, or at the end of a trend's period. */
type ListHref = (figure: Figure, townshipId?: string, period?: string) => string;

/** The current filters as URL parameters, with changes (undefined drops a parameter). */
function filterParams(
  filters: DashboardPage["filters"],
  changes: Record<string, string | undefined> = {},
) {
  const params = new URLSearchParams();
  const base: Record<string, string | undefined> = {
    township: filters.townshipId,
    type: filters.type,
    level: filters.level,
    target: filters.targetYear?.toString(),
    ...changes,
  };
  for (const [k, v] of Object.entries(base)) if (v) params.set(k, v);
  return params;
}

/** The same as a query string ("" when there is nothing to say). */
function query(
  filters: DashboardPage["filters"],
  changes: Record<string, string | undefined> = {},
) {
  const s = filterParams(filters, changes).toString();
  return s ? `?${s}` : "";
}

const COLORS = {
  total: "#c9ced6",
  ready: "#d99a1e",
  exited: "#1e6b34",
  planned: "#5d6b7a",
  incidence: "#a1260d",
};

export default function Dashboard() {
  const t = useT();
  const locale = useLocale();
  const data = useLoaderData<typeof loader>();
  const { headline, filters, township } = data;
  const listHref: ListHref = (figure, townshipId, period) =>
    `/dashboard/villages${query(filters, { figure, township: townshipId ?? filters.townshipId, period })}`;
  const exportHref = `/dashboard.xlsx${query(filters)}`;

  return (
    <article className="stack-lg dashboard">
      <header className="page-head">
        {township && data.canChooseTownship ? (
          <nav aria-label={t("nav.breadcrumb")} className="small">
            <Link to={`/dashboard${query(filters, { township: undefined })}`}>
              {t("dashboard.county")}
            </Link>{" "}
            › {township.name}
          </nav>
        ) : null}
        <h1>
          {township
            ? t("dashboard.headingTownship", { township: township.name })
            : t("dashboard.heading")}
        </h1>
        <p className="muted">{t("dashboard.asOf", { date: formatDate(locale, data.on) })}</p>
        <div className="button-row no-print">
          <a href={exportHref} className="button" download>
            {t("dashboard.export")}
          </a>
          <button type="button" className="button js-only" onClick={() => window.print()}>
            {t("bulletin.print")}
          </button>
        </div>
      </header>

      <Form method="get" className="filters no-print" aria-label={t("dashboard.filters")}>
        {data.canChooseTownship ? (
          <FilterSelect
            name="township"
            label={t("villages.filter.township")}
            value={filters.townshipId}
            options={data.options.townships.map((o) => ({ value: o.id, label: o.name }))}
            allLabel={t("dashboard.county")}
          />
        ) : null}
        <FilterSelect
          name="type"
          label={t("villages.filter.type")}
          value={filters.type}
          options={VILLAGE_TYPES.map((v) => ({ value: v, label: t(`villageType.${v}`) }))}
        />
        <FilterSelect
          name="level"
          label={t("dashboard.filter.level")}
          value={filters.level}
          options={UNIT_LEVELS.map((v) => ({ value: v, label: t(`level.${v}`) }))}
        />
        <FilterSelect
          name="target"
          label={t("dashboard.filter.target")}
          value={filters.targetYear?.toString()}
          options={data.options.targetYears.map((y) => ({ value: String(y), label: String(y) }))}
        />
        <div className="filter-actions">
          <button type="submit" className="button">
            {t("villages.filter.apply")}
          </button>
          <Link to="/dashboard">{t("villages.filter.reset")}</Link>
        </div>
      </Form>

      <section aria-labelledby="headline" className="stack">
        <h2 id="headline" className="visually-hidden">
          {t("dashboard.headline")}
        </h2>
        <dl className="stats headline">
          <Stat label={t("dashboard.stat.exited")} href={listHref("exited")}>
            {t("dashboard.ofTotal", { n: headline.exited, total: headline.villages })}
          </Stat>
          <Stat label={t("dashboard.stat.incidence")} href={listHref("poor")}>
            {formatPercent(locale, headline.incidence)}
          </Stat>
          <Stat label={t("dashboard.stat.poor")} href={listHref("poor")}>
            {t("dashboard.householdsPeople", {
              households: formatNumber(locale, headline.poorHouseholds),
              people: formatNumber(locale, headline.poorPeople),
            })}
          </Stat>
          <Stat
            label={t("dashboard.stat.exitsThisYear", { year: String(data.year) })}
            href={listHref("exits_this_year")}
            note={t("dashboard.exitsAllTime", {
              n: formatNumber(locale, data.householdsExitedTotal),
            })}
          >
            {formatNumber(locale, headline.householdsExitedThisYear)}
          </Stat>
          <Stat label={t("dashboard.stat.ready")} href={listHref("ready")}>
            {headline.readyNotExited}
          </Stat>
        </dl>
      </section>

      <section aria-labelledby="this-week" className="stack">
        <h2 id="this-week">{t("dashboard.thisWeek")}</h2>
        <dl className="stats">
          <Stat
            label={t("dashboard.stat.reports", { week: formatDate(locale, data.week.week) })}
            href={`/reports/weekly?week=${data.week.week}`}
            note={t("dashboard.reportsLate", { late: data.week.late, missing: data.week.missing })}
          >
            {t("dashboard.ofTotal", { n: data.week.submitted, total: data.week.teams })}
          </Stat>
          <Stat label={t("dashboard.col.overdueMilestones")} href={listHref("overdue_milestones")}>
            {headline.overdueMilestones}
          </Stat>
          <Stat label={t("dashboard.stat.overdueCases")} href={listHref("overdue_cases")}>
            {headline.overdueCases}
          </Stat>
          <Stat label={t("dashboard.stat.pendingLeave")} href="/leave">
            {data.pendingLeave}
          </Stat>
          <Stat
            label={t("dashboard.col.teamsBehind")}
            href={listHref("teams_behind")}
            note={t("dashboard.teamsBehindNote")}
          >
            {t("dashboard.ofTotal", { n: headline.teamsBehind, total: headline.teams })}
          </Stat>
        </dl>
      </section>

      <section aria-labelledby="exits" className="stack">
        <h2 id="exits">{t("dashboard.exits")}</h2>
        <dl className="stats">
          {WAITING_STAGES.map((stage) => (
            <Stat
              key={stage}
              label={t(`dashboard.exits.${stage}`)}
              href={listHref(`exit_${stage}`)}
              note={
                data.exits[stage].longestDays !== null
                  ? t("dashboard.exits.longest", { days: data.exits[stage].longestDays ?? 0 })
                  : undefined
              }
            >
              {data.exits[stage].villages}
            </Stat>
          ))}
          <Stat label={t("dashboard.exits.overridden")} href={listHref("exit_overridden")}>
            {data.exits.overridden}
          </Stat>
        </dl>
      </section>

      {/* Not a named region itself: the table inside is, under the same name. */}
      <section className="stack">
        <h2 id="by-group">
          {data.rowKind === "township" ? t("dashboard.byTownship") : t("dashboard.byVillage")}
        </h2>
        <p className="small muted no-print">
          {data.rowKind === "township" ? t("dashboard.drillHint") : t("dashboard.villageHint")}
        </p>
        <ChartBox
          spec={useProgressSpec(t, locale, data)}
          label={
            data.rowKind === "township"
              ? t("dashboard.chart.progress")
              : t("dashboard.chart.incidence")
          }
        />
        <ProgressTable data={data} listHref={listHref} />
      </section>

      <section aria-labelledby="at-risk" className="stack">
        <h2 id="at-risk">{t("dashboard.atRisk", { year: String(data.year) })}</h2>
        <p className="small muted">{t("dashboard.atRiskRule")}</p>
        {data.atRisk.length === 0 ? (
          <p>{t("dashboard.atRiskNone")}</p>
        ) : (
          <>
            <TableRegion label={t("dashboard.sheet.atRisk")}>
              <thead>
                <tr>
                  <th scope="col">{t("teams.col.village")}</th>
                  <th scope="col">{t("villages.filter.township")}</th>
                  <th scope="col" className="num">
                    {t("dashboard.filter.target")}
                  </th>
                  <th scope="col">{t("dashboard.list.blocking")}</th>
                </tr>
              </thead>
              <tbody>
                {data.atRisk.map((v) => (
                  <tr key={v.id}>
                    <th scope="row">
                      <PlaceName
                        to={`/villages/${v.id}/plan`}
                        name={v.name}
                        pinyin={v.pinyin}
                        source={v.nameSource}
                      />
                    </th>
                    <td data-label={t("villages.filter.township")}>{v.townshipName}</td>
                    <td className="num" data-label={t("dashboard.filter.target")}>
                      {v.targetExitYear ?? "—"}
                    </td>
                    <td className="small blocking" data-label={t("dashboard.list.blocking")}>
                      {formatClauses(
                        locale,
                        v.blocking.map((item) => translateMessage(t, readinessMessage(item))),
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </TableRegion>
            {headline.atRisk > data.atRisk.length ? (
              <p>
                <Link to={listHref("at_risk")}>
                  {t("dashboard.atRiskAll", { shown: data.atRisk.length, total: headline.atRisk })}
                </Link>
              </p>
            ) : null}
          </>
        )}
      </section>

      <Trends data={data} listHref={listHref} />
      <Matrix data={data} />
    </article>
  );
}

function Stat({
  label,
  href,
  note,
  children,
}: {
  label: string;
  href: string;
  note?: string;
  children: ReactNode;
}) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>
        <Link to={href}>{children}</Link>
      </dd>
      {note ? <dd className="small muted stat-note">{note}</dd> : null}
    </div>
  );
}

/**
 * A chart beside its data table, never needed to read the figures: loaded and drawn once it comes
 * near the screen. On a phone every chart is far below the first screen, and drawing the three
 * at load was the page's longest task (~120 ms on the bench machine, × 4 on a phone).
 */
function ChartBox({ spec, label }: { spec: ChartSpec; label: string }) {
  const box = useRef<HTMLElement>(null);
  const near = useNearViewport(box);
  return (
    <figure ref={box} className="chart-box no-print-chart" aria-label={label}>
      {near ? (
        <Suspense fallback={<div className="chart-fallback" />}>
          <ProgressChart spec={spec} />
        </Suspense>
      ) : (
        <div className="chart-fallback" />
      )}
    </figure>
  );
}

function useProgressSpec(t: Translate, locale: Locale, data: DashboardPage): ChartSpec {
  return useMemo(() => {
    const labels = data.rows.map((r) => r.name);
    // Under the chart, English readers get the names' pinyin; the table has both.
    const ticks = locale === "en" ? data.rows.map((r) => r.pinyin || r.name) : labels;
    if (data.rowKind === "village") {
      // One village a bar: its incidence against the 2% exit threshold.
      return {
        labels,
        ticks,
        formatLeft: (v) => formatPercent(locale, v),
        series: [
          {
            label: t("dashboard.col.incidence"),
            values: data.rows.map((r) => r.incidence),
            color: COLORS.incidence,
            kind: "bar",
          },
          {
            label: t("dashboard.chart.threshold", {
              threshold: Math.round(data.incidenceThreshold * 1000) / 10,
            }),
            values: data.rows.map(() => data.incidenceThreshold),
            color: COLORS.planned,
            kind: "line",
            dash: true,
          },
        ],
      };
    }
    return {
      labels,
      ticks,
      series: [
        {
          label: t("dashboard.col.villages"),
          values: data.rows.map((r) => r.villages),
          color: COLORS.total,
          kind: "bar",
        },
        {
          label: t("dashboard.chart.exitedOrReady"),
          values: data.rows.map((r) => r.exited + r.readyNotExited),
          color: COLORS.ready,
          kind: "bar",
        },
        {
          label: t("dashboard.col.exited"),
          values: data.rows.map((r) => r.exited),
          color: COLORS.exited,
          kind: "bar",
        },
      ],
    };
  }, [t, locale, data.rows, data.rowKind, data.incidenceThreshold]);
}

function cell(locale: Locale, row: ProgressTotals, key: keyof ProgressTotals, percent?: boolean) {
  const value = row[key];
  return percent ? formatPercent(locale, value) : formatNumber(locale, value);
}

function ProgressTable({ data, listHref }: { data: DashboardPage; listHref: ListHref }) {
  const t = useT();
  const locale = useLocale();
  // A page of the rows (a province has 170 townships); the chart above draws them all.
  const [params] = useSearchParams();
  const shown = pageOf(data.rows, params.get("rows"));
  const label = data.rowKind === "township" ? t("dashboard.byTownship") : t("dashboard.byVillage");
  return (
    <>
      <TableRegion label={label}>
        <thead>
          <tr>
            <th scope="col">
              {data.rowKind === "township" ? t("villages.filter.township") : t("teams.col.village")}
            </th>
            {PROGRESS_COLUMNS.map((c) => (
              <th scope="col" key={c.key} className="num progress-head">
                {t(c.header)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.rows.map((row) => (
            <tr key={row.id}>
              <th scope="row">
                <PlaceName
                  to={
                    data.rowKind === "township"
                      ? `/dashboard${query(data.filters, { township: row.id })}`
                      : `/villages/${row.id}`
                  }
                  name={row.name}
                  pinyin={row.pinyin}
                  source={row.nameSource}
                />
              </th>
              {PROGRESS_COLUMNS.map((c) => (
                <td key={c.key} className="num" data-label={t(c.header)}>
                  {data.rowKind === "township" && row[c.key] !== 0 && !c.percent ? (
                    <RowLink to={listHref(c.figure, row.id)}>{cell(locale, row, c.key)}</RowLink>
                  ) : data.rowKind === "village" && row[c.key] !== 0 && c.villageTab ? (
                    <RowLink to={`/villages/${row.id}/${c.villageTab}`}>
                      {cell(locale, row, c.key)}
                    </RowLink>
                  ) : (
                    cell(locale, row, c.key, c.percent)
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t("bulletin.total")}</th>
            {PROGRESS_COLUMNS.map((c) => (
              <td key={c.key} className="num" data-label={t(c.header)}>
                {data.headline[c.key] !== 0 && !c.percent ? (
                  <RowLink to={listHref(c.figure)}>{cell(locale, data.headline, c.key)}</RowLink>
                ) : (
                  cell(locale, data.headline, c.key, c.percent)
                )}
              </td>
            ))}
          </tr>
        </tfoot>
      </TableRegion>
      <Pager {...pageFigures(shown)} href={(n) => `${pageHref(params, n, "rows")}#by-group`} />
    </>
  );
}

/** How a trend names its periods and its planned figure: by year, or the months of one year. */
interface TrendKind {
  label: string;
  planned: string;
  /** The period in the table and under the chart: "2019", or "1月" under a heading naming 2019. */
  period: (period: string) => string;
  tick: (period: string) => string;
}

function useTrendKind(kind: "year" | "month", year: number): TrendKind {
  const t = useT();
  const locale = useLocale();
  return useMemo(
    () =>
      kind === "year"
        ? {
            label: t("dashboard.trend.byYear"),
            planned: t("dashboard.trend.planned"),
            period: (p) => p,
            tick: (p) => p,
          }
        : {
            label: t("dashboard.trend.byMonth", { year: String(year) }),
            planned: t("dashboard.trend.plannedYearEnd"),
            // The heading names the year.
            period: (p) => formatMonth(locale, p, "short"),
            tick: (p) => formatMonth(locale, p, "short"),
          },
    [t, locale, kind, year],
  );
}

function TrendTable({
  points,
  kind,
  listHref,
}: {
  points: TrendPoint[];
  kind: TrendKind;
  listHref: ListHref;
}) {
  const t = useT();
  const locale = useLocale();
  // A figure leads to its villages; none behind a zero. Plans name a year, so a month's planned
  // figure leads to its year's list.
  const linked = (n: number | null, figure: Figure, period: string) =>
    n ? <RowLink to={listHref(figure, undefined, period)}>{n}</RowLink> : (n ?? "—");
  return (
    <TableRegion label={kind.label}>
      <thead>
        <tr>
          <th scope="col">{t("dashboard.trend.period")}</th>
          <th scope="col" className="num">
            {kind.planned}
          </th>
          <th scope="col" className="num">
            {t("dashboard.trend.exited")}
          </th>
          <th scope="col" className="num">
            {t("dashboard.col.incidence")}
          </th>
        </tr>
      </thead>
      <tbody>
        {points.map((p) => (
          <tr key={p.period}>
            <th scope="row">{kind.period(p.period)}</th>
            <td className="num" data-label={kind.planned}>
              {linked(p.planned, "planned_by", p.period.slice(0, 4))}
            </td>
            <td className="num" data-label={t("dashboard.trend.exited")}>
              {linked(p.exited, "exited_by", p.period)}
            </td>
            <td className="num" data-label={t("dashboard.col.incidence")}>
              {p.incidence === null ? "—" : formatPercent(locale, p.incidence)}
            </td>
          </tr>
        ))}
      </tbody>
    </TableRegion>
  );
}

function trendSpec(t: Translate, locale: Locale, points: TrendPoint[], kind: TrendKind): ChartSpec {
  return {
    labels: points.map((p) => kind.period(p.period)),
    ticks: points.map((p) => kind.tick(p.period)),
    formatRight: (v) => formatPercent(locale, v),
    series: [
      {
        label: kind.planned,
        values: points.map((p) => p.planned),
        color: COLORS.planned,
        kind: "line",
        dash: true,
      },
      {
        label: t("dashboard.trend.exited"),
        values: points.map((p) => p.exited),
        color: COLORS.exited,
        kind: "line",
      },
      {
        label: t("dashboard.col.incidence"),
        values: points.map((p) => p.incidence),
        color: COLORS.incidence,
        kind: "line",
        right: true,
      },
    ],
  };
}

function Trends({ data, listHref }: { data: DashboardPage; listHref: ListHref }) {
  const t = useT();
  const locale = useLocale();
  const byYear = useTrendKind("year", data.monthYear);
  const byMonth = useTrendKind("month", data.monthYear);
  const yearSpec = useMemo(
    () => trendSpec(t, locale, data.years, byYear),
    [t, locale, data.years, byYear],
  );
  const monthSpec = useMemo(
    () => trendSpec(t, locale, data.months, byMonth),
    [t, locale, data.months, byMonth],
  );
  const years = data.years.map((p) => Number(p.period));
  return (
    <section aria-labelledby="trends" className="stack">
      <h2 id="trends">{t("dashboard.trends")}</h2>
      <p className="small muted">{t("dashboard.trendsNote")}</p>
      <div className="trend-grid">
        <div className="stack">
          <h3>{byYear.label}</h3>
          <ChartBox spec={yearSpec} label={byYear.label} />
          <TrendTable points={data.years} kind={byYear} listHref={listHref} />
        </div>
        <div className="stack">
          <h3>{byMonth.label}</h3>
          <nav aria-label={t("dashboard.trend.chooseYear")} className="year-links no-print">
            {years.map((y) =>
              y === data.monthYear ? (
                <strong key={y} aria-current="page">
                  {y}
                </strong>
              ) : (
                <Link
                  key={y}
                  to={`${query(data.filters, { year: String(y) })}#trends`}
                  preventScrollReset
                >
                  {y}
                </Link>
              ),
            )}
          </nav>
          <ChartBox spec={monthSpec} label={byMonth.label} />
          <TrendTable points={data.months} kind={byMonth} listHref={listHref} />
        </div>
      </div>
    </section>
  );
}

function Matrix({ data }: { data: DashboardPage }) {
  const t = useT();
  const { matrix, filters } = data;
  const kinds = MATRIX_KINDS;
  const shown = matrix.show ? matrixShowValue(matrix.show) : undefined;
  const showHref = (show: MatrixShow) =>
    `${query(filters, { show: matrixShowValue(show) })}#matrix`;
  const pageHref = (page: number) =>
    `${query(filters, { show: shown, page: String(page) })}#matrix`;
  const countRow = (state: MatrixCell, label: string) => (
    <tr className="matrix-counts">
      <th scope="row">{label}</th>
      {kinds.map((k) => (
        <td key={k} className="num" data-label={t(`indicator.kind.${k}`)}>
          {matrix.counts[k][state] > 0 ? (
            <Link to={showHref({ indicator: k, state })} preventScrollReset>
              {matrix.counts[k][state]}
            </Link>
          ) : (
            0
          )}
        </td>
      ))}
    </tr>
  );
  return (
    <section className="stack matrix">
      <h2 id="matrix">{t("dashboard.matrix")}</h2>
      <p className="small muted">{t("dashboard.matrixLegend")}</p>
      <Form
        method="get"
        className="filters no-print"
        aria-label={t("dashboard.matrixFilter")}
        preventScrollReset
      >
        {/* The page's filters go along with the matrix's own. */}
        {[...filterParams(filters)].map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        <FilterSelect
          name="show"
          label={t("dashboard.matrix.show")}
          value={shown}
          allLabel={t("dashboard.matrix.showAll")}
          options={MATRIX_STATES.map((s) => ({ value: s, label: t(`dashboard.matrix.any.${s}`) }))}
          groups={kinds.map((k) => ({
            label: t(`indicator.kind.${k}`),
            options: MATRIX_STATES.map((s) => ({
              value: matrixShowValue({ indicator: k, state: s }),
              label: t("dashboard.matrix.kindState", {
                indicator: t(`indicator.kind.${k}`),
                state: t(`dashboard.cell.${s}`),
              }),
            })),
          }))}
        />
        <div className="filter-actions">
          <button type="submit" className="button">
            {t("villages.filter.apply")}
          </button>
        </div>
      </Form>
      <TableRegion label={t("dashboard.matrix")}>
        <thead>
          <tr>
            <th scope="col">{t("teams.col.village")}</th>
            {kinds.map((k) => (
              <th
                scope="col"
                key={k}
                className={`matrix-head${matrix.show?.indicator === k ? " matrix-chosen" : ""}`}
              >
                {t(`indicator.kind.${k}`)}
              </th>
            ))}
          </tr>
          {countRow("met", t("dashboard.matrix.metCount"))}
          {countRow("not_met", t("dashboard.matrix.notMetCount"))}
        </thead>
        <tbody>
          {matrix.rows.map((row) => (
            <tr key={row.id}>
              <th scope="row">
                <PlaceName
                  to={`/villages/${row.id}/plan`}
                  name={row.name}
                  pinyin={row.pinyin}
                  source={row.nameSource}
                />
              </th>
              {kinds.map((k) => (
                <td
                  key={k}
                  className={`matrix-cell cell-${row.cells[k]}`}
                  data-label={t(`indicator.kind.${k}`)}
                >
                  <span className="visually-hidden">{t(`dashboard.cell.${row.cells[k]}`)}</span>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </TableRegion>
      <Pager
        page={matrix.page}
        pages={matrix.pages}
        href={pageHref}
        summaryAlone
        summary={t("dashboard.matrix.page", {
          page: matrix.page,
          pages: matrix.pages,
          total: matrix.total,
        })}
      />
    </section>
  );
}
