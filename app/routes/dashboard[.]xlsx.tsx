import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireViewer } from "~/auth.server";
import { serverTranslator } from "~/i18n/catalogues.server";
import { resolveLocale } from "~/i18n/locale.server";
import {
  dashboard,
  dashboardFilters,
  dashboardScope,
  dashboardView,
} from "~/models/dashboard.server";
import { today } from "~/utils/dates";
import { hasAnywhere } from "~/permissions";
import { MATRIX_KINDS, PROGRESS_COLUMNS } from "~/utils/dashboard-columns";
import { readinessMessage } from "~/utils/exit-rules";
import type { ProgressTotals, TrendPoint } from "~/utils/progress";
import { workbookStream, xlsxResponse } from "~/utils/spreadsheet.server";
import { teamRulesOn } from "~/models/county-rules.server";
import { formatClauses, translateMessage, type MessageKey } from "~/i18n";

/** A ratio as a percentage with one decimal (a number, so Excel can add it up). */
const percent = (ratio: number | null) => (ratio === null ? null : Math.round(ratio * 1000) / 10);

/**
 * The dashboard's tables as .xlsx, with the page's filters: progress (as shown, with its total
 * row), every village at risk, both trends and the whole indicator matrix. Whose dashboard is
 * decided before the download starts (a township outside the viewer's is a 404); the figures are
 * worked out once the file's first bytes have left (a province's take half a second), and
 * written as they are sent.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  if (!hasAnywhere(viewer, "read:dashboard")) notFound();
  const url = new URL(request.url);
  const filters = dashboardFilters(url);
  const scope = await dashboardScope(viewer, filters);
  if (!scope) notFound();
  const on = today();
  const rules = await teamRulesOn();
  const locale = await resolveLocale(request);
  const t = serverTranslator(locale);
  const figures = (row: ProgressTotals) =>
    PROGRESS_COLUMNS.map((c) => (c.percent ? percent(row[c.key]) : row[c.key]));
  const trendRows = (points: TrendPoint[]) =>
    points.map((p) => [p.period, p.planned, p.exited, percent(p.incidence)]);
  const trendColumns = (planned: MessageKey) => [
    { header: t("dashboard.trend.period"), width: 10 },
    { header: t(planned), width: 14 },
    { header: t("dashboard.trend.exited"), width: 14 },
    { header: `${t("dashboard.col.incidence")} (%)`, width: 14 },
  ];
  const sheets = async () => {
    const data = await dashboard(viewer, filters, dashboardView(url), rules, on, true);
    // Allowed a moment ago (dashboardScope): refused now only if the township went away since.
    if (!data) throw new Error("the dashboard's township is no longer there");
    return [
      {
        name: data.rowKind === "township" ? t("dashboard.byTownship") : t("dashboard.byVillage"),
        columns: [
          {
            header:
              data.rowKind === "township" ? t("villages.filter.township") : t("teams.col.village"),
            width: 14,
          },
          ...PROGRESS_COLUMNS.map((c) => ({
            header: c.percent ? `${t(c.header)} (%)` : t(c.header),
            width: 12,
          })),
        ],
        rows: [
          ...data.rows.map((row) => [row.name, ...figures(row)]),
          [t("bulletin.total"), ...figures(data.headline)],
        ],
      },
      {
        name: t("dashboard.sheet.atRisk"),
        columns: [
          { header: t("teams.col.village"), width: 14 },
          { header: t("villages.filter.township"), width: 12 },
          { header: t("dashboard.filter.target"), width: 12 },
          { header: `${t("dashboard.col.incidence")} (%)`, width: 12 },
          { header: t("dashboard.list.blocking"), width: 60 },
        ],
        rows: data.atRisk.map((v) => [
          v.name,
          v.townshipName,
          v.targetExitYear,
          percent(v.incidence),
          formatClauses(
            locale,
            v.blocking.map((item) => translateMessage(t, readinessMessage(item))),
          ),
        ]),
      },
      {
        name: t("dashboard.trend.byYear"),
        columns: trendColumns("dashboard.trend.planned"),
        rows: trendRows(data.years),
      },
      {
        name: t("dashboard.sheet.byMonth"),
        columns: trendColumns("dashboard.trend.plannedYearEnd"),
        rows: trendRows(data.months),
      },
      {
        name: t("dashboard.matrix"),
        columns: [
          { header: t("teams.col.village"), width: 14 },
          ...MATRIX_KINDS.map((k) => ({ header: t(`indicator.kind.${k}`), width: 12 })),
        ],
        rows: data.matrix.rows.map((row) => [
          row.name,
          ...MATRIX_KINDS.map((k) => t(`dashboard.cell.${row.cells[k]}`)),
        ]),
      },
    ];
  };
  const body = workbookStream(sheets, { creator: t("app.name"), what: "dashboard workbook" });
  const name = scope.township?.name ?? t("dashboard.county");
  return xlsxResponse(body, t("dashboard.fileName", { scope: name, date: on }));
}
