import { nowIso } from "~/utils/clock";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireViewer } from "~/auth.server";
import { formatDateTime, formatMonth } from "~/i18n";
import { serverTranslator } from "~/i18n/catalogues.server";
import { resolveLocale } from "~/i18n/locale.server";
import { bulletinMonth, monthlyBulletin } from "~/models/bulletin.server";
import { hasAnywhere } from "~/permissions";
import { bulletinSheetHeaders, bulletinSheetValues } from "~/utils/bulletin-columns";
import { workbookStream, xlsxResponse } from "~/utils/spreadsheet.server";
import { teamRulesOn } from "~/models/county-rules.server";
import { today } from "~/utils/dates";
import { ruleDayOfMonth } from "~/utils/team-rules";

/** The monthly bulletin as .xlsx: by township, by team, and the teams to follow up, one sheet each. */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  if (!hasAnywhere(viewer, "read:bulletin")) notFound();
  const month = bulletinMonth(new URL(request.url));
  const locale = await resolveLocale(request);
  const t = serverTranslator(locale);
  // The bulletin is worked out whole (bulletin.server.ts) while the workbook's first parts leave.
  const sheets = async () => {
    const bulletin = await monthlyBulletin(
      viewer,
      month,
      await teamRulesOn(ruleDayOfMonth(month, today())),
    );
    const figureColumns = bulletinSheetHeaders(t, bulletin.rule).map((header) => ({
      header,
      width: 14,
    }));
    const values = (row: Parameters<typeof bulletinSheetValues>[0]) =>
      bulletinSheetValues(row, bulletin.complete);
    // Each sheet says what it is, for when it is printed or forwarded alone.
    const scope =
      viewer.role === "township_leader"
        ? bulletin.townships.map((tw) => tw.name).join("、")
        : t("bulletin.scopeCounty");
    const title = [
      t("bulletin.sheetTitle", { month: formatMonth(locale, month, "long") }),
      bulletin.complete ? t("bulletin.rule", { rule: bulletin.rule }) : t("bulletin.incomplete"),
      t("bulletin.sheetScope", { scope, at: formatDateTime(locale, nowIso()) }),
    ];
    return [
      {
        name: t("bulletin.byTownship"),
        title,
        columns: [
          { header: t("villages.filter.township"), width: 14 },
          { header: t("report.teams"), width: 10 },
          ...figureColumns,
        ],
        rows: [
          ...bulletin.townships.map((tw) => [tw.name, tw.teams, ...values(tw)]),
          [t("bulletin.total"), bulletin.total.teams, ...values(bulletin.total)],
        ],
      },
      {
        name: t("bulletin.byTeam"),
        title,
        columns: [
          { header: t("teams.col.village"), width: 14 },
          { header: t("villages.filter.township"), width: 14 },
          { header: t("team.unit"), width: 20 },
          ...figureColumns,
        ],
        rows: bulletin.teams.map((team) => [
          team.village.name,
          team.township.name,
          team.unit,
          ...values(team),
        ]),
      },
      {
        name: t("bulletin.followUp"),
        title,
        columns: [
          { header: t("teams.col.village"), width: 14 },
          { header: t("villages.filter.township"), width: 14 },
          { header: t("bulletin.col.below", { rule: bulletin.rule }), width: 16 },
          { header: t("bulletin.col.members"), width: 10 },
        ],
        rows: bulletin.followUp.map((team) => [
          team.village.name,
          team.township.name,
          team.attendance.below,
          team.attendance.members,
        ]),
      },
    ];
  };
  const body = workbookStream(sheets, { creator: t("app.name"), what: "monthly bulletin" });
  return xlsxResponse(body, t("bulletin.fileName", { month }));
}
