/**
 * The weekly report form (a team's, or a township's summary): pre-filled with the draft composed
 * from the week's records, or with the submitted text when correcting it.
 */
import { TextareaField } from "~/components/form-fields";
import { EditForm, useEditForm } from "~/components/form-reply";
import { useT } from "~/i18n";
import { ReportSchema } from "~/schemas/teamwork";
import type { ReportText } from "~/utils/report-draft";

export function ReportForm({
  initial,
  version,
  submitted,
}: {
  initial: ReportText;
  version?: number;
  submitted: boolean;
}) {
  const t = useT();
  const { form, fields, reply } = useEditForm("report", ReportSchema, initial);
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
export function SubmittedReport({ report, label }: { report: ReportText; label: string }) {
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
