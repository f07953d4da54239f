import { useT } from "~/i18n";
import type { ReportStatus } from "~/utils/team-rules";

const CLASS: Record<ReportStatus, string> = {
  on_time: "badge badge-met",
  late: "badge badge-late",
  missing: "badge badge-unmet",
  not_due: "badge badge-unknown",
};

/** A weekly report's state in words (and colour): on time, late, missing, not yet due. */
export function ReportStatusBadge({ status }: { status: ReportStatus }) {
  const t = useT();
  return <span className={CLASS[status]}>{t(`report.status.${status}`)}</span>;
}
