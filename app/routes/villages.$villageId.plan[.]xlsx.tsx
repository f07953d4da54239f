import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireViewer } from "~/auth.server";
import { serverTranslator } from "~/i18n/catalogues.server";
import { resolveLocale } from "~/i18n/locale.server";
import { formatPercent, translateMessage } from "~/i18n";
import { getPlanPage } from "~/models/plan.server";
import { getVillage } from "~/models/village.server";
import { today } from "~/utils/dates";
import { readinessMessage } from "~/utils/exit-rules";
import { indicatorName } from "~/utils/indicators";
import { workbookStream, xlsxResponse } from "~/utils/spreadsheet.server";

/** The exit plan as .xlsx: the plan and readiness, indicators, milestones and opinions, one sheet each. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const villageId = params.villageId ?? "";
  const [page, village] = await Promise.all([
    getPlanPage(viewer, villageId),
    getVillage(viewer, villageId),
  ]);
  if (!page.ok || !village) notFound();
  const locale = await resolveLocale(request);
  const t = serverTranslator(locale);
  const yesNo = (v: number | null) => (v === null ? "" : v >= 1 ? t("common.yes") : t("common.no"));
  const value = (i: (typeof page.indicators)[number], v: number | null) =>
    i.comparison === "yes"
      ? yesNo(v)
      : i.unit === "ratio" && v !== null
        ? formatPercent(locale, v)
        : v;

  const body = workbookStream(
    [
      {
        name: t("plan.title"),
        columns: [
          { header: t("plan.title"), width: 24 },
          { header: "", width: 60 },
        ],
        rows: [
          [t("village.township"), village.townshipName],
          [t("nav.villages"), village.nameZh],
          [t("plan.targetExitYear"), page.plan.targetExitYear],
          [
            t("plan.programme"),
            t("plan.programmeValue", {
              start: String(page.plan.startYear),
              attackEnd: String(page.plan.attackEndYear),
              consolidateStart: String(page.plan.attackEndYear + 1),
              end: String(page.plan.endYear),
            }),
          ],
          [
            t("village.incidence"),
            page.figures ? formatPercent(locale, page.figures.incidence) : "",
          ],
          [t("plan.narrative"), page.plan.narrative],
          [
            t("readiness.title"),
            page.readiness.filter((r) => r.blocking).length === 0 ? t("readiness.ready") : "",
          ],
          ...page.readiness.map((r) => [
            r.blocking ? "✗" : "•",
            translateMessage(t, readinessMessage(r)),
          ]),
        ],
      },
      {
        name: t("indicator.title"),
        columns: [
          { header: t("indicator.name"), width: 26 },
          { header: t("indicator.threshold") },
          { header: t("indicator.baseline") },
          { header: t("indicator.target") },
          { header: t("indicator.current") },
          { header: t("indicator.met") },
          { header: t("indicator.measuredOn") },
          { header: t("indicator.evidence"), width: 40 },
        ],
        rows: page.indicators.map((i) => [
          indicatorName(t, i),
          i.comparison === "yes" ? t("indicator.mustBeYes") : value(i, i.threshold),
          value(i, i.baseline),
          value(i, i.target),
          value(i, i.current),
          i.met === null
            ? t("indicator.notMeasured")
            : i.met
              ? t("indicator.met")
              : t("indicator.notMet"),
          i.measuredOn ?? "",
          i.evidence ?? "",
        ]),
      },
      {
        name: t("milestone.heading"),
        columns: [
          { header: t("milestone.title"), width: 36 },
          { header: t("milestone.dueOn") },
          { header: t("milestone.owner") },
          { header: t("milestone.status") },
          { header: t("milestone.doneOn") },
          { header: t("milestone.overdue") },
          { header: t("milestone.evidence"), width: 40 },
        ],
        rows: page.milestones.map((m) => [
          m.title,
          m.dueOn,
          m.ownerName ?? "",
          t(`milestone.status.${m.status}`),
          m.doneOn ?? "",
          m.overdue ? t("common.yes") : "",
          m.evidence ?? "",
        ]),
      },
      {
        name: t("opinion.title"),
        columns: [
          { header: t("opinion.gatheredOn") },
          { header: t("opinion.source"), width: 20 },
          { header: t("opinion.content"), width: 60 },
        ],
        rows: page.opinions.map((o) => [o.gatheredOn, o.source, o.content]),
      },
    ],
    { creator: t("app.name") },
  );
  return xlsxResponse(body, `${village.nameZh}-${t("plan.title")}-${today()}.xlsx`);
}
