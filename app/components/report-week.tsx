/** A week's teams and their weekly reports, as a table (the week's line is in week-line.tsx). */
import { Link } from "@remix-run/react";
import { DemoBadge } from "~/components/badges";
import { ReportStatusBadge } from "~/components/report-status";
import { TableRegion } from "~/components/table-region";
import { formatDateTime, useLocale, useT } from "~/i18n";
import type { WeekRow } from "~/models/weekly-report.server";

/** The week's teams with their report's status and submission time (township column optional). */
export function TeamReportsTable({
  week,
  rows,
  showTownship = false,
}: {
  week: string;
  rows: WeekRow[];
  showTownship?: boolean;
}) {
  const t = useT();
  const locale = useLocale();
  return (
    <TableRegion label={t("report.byTeam")}>
      <thead>
        <tr>
          <th scope="col">{t("teams.col.village")}</th>
          {showTownship ? <th scope="col">{t("villages.filter.township")}</th> : null}
          <th scope="col">{t("report.col.status")}</th>
          <th scope="col">{t("report.col.submitted")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.team.id}>
            <th scope="row">
              <Link to={`/reports/weekly/${week}/teams/${r.team.id}`}>{r.team.village}</Link>{" "}
              <DemoBadge source={r.team.villageSource} />
            </th>
            {showTownship ? (
              <td data-label={t("villages.filter.township")}>{r.township.name}</td>
            ) : null}
            <td data-label={t("report.col.status")}>
              <ReportStatusBadge status={r.status} />
            </td>
            <td data-label={t("report.col.submitted")}>
              {r.submittedAt ? formatDateTime(locale, r.submittedAt) : "—"}
            </td>
          </tr>
        ))}
      </tbody>
    </TableRegion>
  );
}
