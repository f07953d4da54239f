/**
 * A week of weekly reports in one line: dates, due time, status. Apart from the teams' table
 * (report-week.tsx), which a team's report page does not show and would load with it.
 */
import { ReportStatusBadge } from "~/components/report-status";
import { formatDate, formatDateTime, useLocale, useT } from "~/i18n";
import { addDays } from "~/utils/dates";
import type { ReportStatus } from "~/utils/team-rules";

/** "23 Nov – 29 Nov · due Thu 18:00", and the report's status when there is one. */
export function WeekLine({
  week,
  dueAt,
  status,
}: {
  week: string;
  dueAt: string;
  status?: ReportStatus;
}) {
  const t = useT();
  const locale = useLocale();
  return (
    <p>
      {t("report.weekOf", {
        from: formatDate(locale, week),
        to: formatDate(locale, addDays(week, 6)),
      })}{" "}
      · {t("report.due", { when: formatDateTime(locale, dueAt) })}
      {status ? (
        <>
          {" "}
          · <ReportStatusBadge status={status} />
        </>
      ) : null}
    </p>
  );
}
