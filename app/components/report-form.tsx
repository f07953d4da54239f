/**
 * A weekly report on the page, as a form or as text. The form (a team's report, or a township's
 * summary) is pre-filled with the draft composed from the week's records, or with the submitted
 * text when correcting it. The week line and the teams table are in report-week.tsx: the overview
 * shows them without any form, and importing this module would load the forms' code too.
 */
import type { ReactNode } from "react";
import { DemoBadge } from "~/components/badges";
import { TextareaField } from "~/components/form-fields";
import { EditForm, useEditForm } from "~/components/form-reply";
import { formatDateTime, useLocale, useT } from "~/i18n";
import type { ReportRecord } from "~/models/weekly-report.server";
import type { ReportText } from "~/utils/report-draft";

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
          <ReportForm
            initial={text ?? draft}
            version={report?.version}
            submitted={Boolean(report)}
          />
        </section>
      ) : text ? (
        <SubmittedReport report={text} label={label} />
      ) : (
        missing
      )}
    </>
  );
}

function ReportForm({
  initial,
  version,
  submitted,
}: {
  initial: ReportText;
  version?: number;
  submitted: boolean;
}) {
  const t = useT();
  const { form, fields, reply } = useEditForm(
    "report",
    () => import("~/schemas/forms").then((m) => m.ReportSchema),
    initial,
  );
  return (
    <EditForm
      form={form}
      formId="report"
      intent="submit"
      reply={reply}
      version={version}
      stayInPlace={false}
      submitLabel={submitted ? t("report.resubmit") : t("report.submit")}
      describeConflict={(field, value) =>
        ["done", "problems", "nextPlan"].includes(field)
          ? { label: t(`report.field.${field as "done"}`), value: String(value ?? "") }
          : null
      }
    >
      <TextareaField
        field={fields.done}
        label={t("report.field.done")}
        className="wide"
        rows={10}
      />
      <TextareaField
        field={fields.problems}
        label={t("report.field.problems")}
        className="wide"
        rows={4}
      />
      <TextareaField
        field={fields.nextPlan}
        label={t("report.field.nextPlan")}
        className="wide"
        rows={4}
      />
    </EditForm>
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
