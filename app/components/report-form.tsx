/**
 * A weekly report on the page, as a form or as text. The form (a team's report, or a township's
 * summary) is pre-filled with the draft composed from the week's records, or with the submitted
 * text when correcting it. The week line and the teams table are in report-week.tsx: the overview
 * shows them without any form, and importing this module would load the forms' code too.
 */
import { Suspense, type ReactNode } from "react";
import { DemoBadge } from "~/components/badges";
import { formatDateTime, useLocale, useT } from "~/i18n";
import type { ReportRecord } from "~/models/weekly-report.server";
import type { ReportText } from "~/utils/report-draft";
import { lazyComponent } from "~/utils/lazy-component";

/**
 * The form, with Conform, for those who write the report: the server draws it and the browser
 * hydrates it from its own chunk, asked for as soon as this module runs (decision 018). What is
 * typed before then is kept (report-editor.tsx).
 */
const ReportForm = lazyComponent(
  () => import("~/components/report-editor").then((m) => m.ReportForm),
  { eager: true },
);

/**
 * A week's report as its writers and readers see it: who submitted it and when, then the form
 * (the stored text to correct, or the draft to start from) for those who write it, the text for
 * those who read it, or `missing` when there is nothing yet.
 */
export function WeeklyReport({
  report,
  canSubmit,
  draft,
  draftHint,
  label,
  missing,
}: {
  report: ReportRecord | null;
  canSubmit: boolean;
  draft: ReportText;
  draftHint?: string;
  label: string;
  missing: ReactNode;
}) {
  const t = useT();
  const locale = useLocale();
  const text = report
    ? { done: report.done, problems: report.problems ?? "", nextPlan: report.nextPlan ?? "" }
    : null;
  return (
    <>
      {report ? (
        <p className="muted">
          {report.submittedBy
            ? t("report.submittedBy", {
                who: report.submittedBy,
                when: formatDateTime(locale, report.submittedAt),
              })
            : t("report.submittedAt", { when: formatDateTime(locale, report.submittedAt) })}
          {report.updatedAt !== report.submittedAt
            ? ` · ${t("report.correctedAt", { when: formatDateTime(locale, report.updatedAt) })}`
            : ""}{" "}
          <DemoBadge source={report.nameSource} />
        </p>
      ) : null}
      {canSubmit ? (
        <section className="card stack" aria-labelledby="report-form-heading">
          <h2 id="report-form-heading">{report ? t("report.correct") : t("report.write")}</h2>
          {report || !draftHint ? null : <p className="hint">{draftHint}</p>}
          <Suspense fallback={<p className="small muted">{t("form.loadingEditor")}</p>}>
            <ReportForm
              initial={text ?? draft}
              version={report?.version}
              submitted={Boolean(report)}
            />
          </Suspense>
        </section>
      ) : text ? (
        <SubmittedReport report={text} label={label} />
      ) : (
        missing
      )}
    </>
  );
}

/** A submitted report as text, for those who read it rather than write it. */
function SubmittedReport({ report, label }: { report: ReportText; label: string }) {
  const t = useT();
  return (
    <section className="card stack report-text" aria-label={label}>
      {(["done", "problems", "nextPlan"] as const).map((field) =>
        report[field] ? (
          <div key={field} className="stack">
            <h2>{t(`report.field.${field}`)}</h2>
            <p className="pre">{report[field]}</p>
          </div>
        ) : null,
      )}
    </section>
  );
}
