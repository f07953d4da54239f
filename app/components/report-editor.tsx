/**
 * A weekly report's form (a team's report, or a township's summary), pre-filled with the draft or
 * the submitted text: loaded by report-form.tsx from its own chunk, with Conform (decision 018).
 */
import { useEffect, useLayoutEffect, useState } from "react";
import { TextareaField } from "~/components/form-fields";
import { EditForm, useEditForm } from "~/components/form-reply";
import { useT } from "~/i18n";
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
  useTypedBeforeHydration("report-form");
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

const useBrowserLayoutEffect = typeof document === "undefined" ? useEffect : useLayoutEffect;

/**
 * React puts a pre-filled <textarea> back to its server text when it hydrates it (react-dom's
 * textarea postMountWrapper), and this form hydrates a moment after the page, from its own chunk:
 * what the writer typed into the server's form before then is noted as the form first renders in
 * the browser (before React touches its fields) and put back once that same form has hydrated. A
 * form drawn anew by a client navigation is another element and is left alone.
 */
function useTypedBeforeHydration(id: string) {
  const [typed] = useState(() => {
    const form = typeof document === "undefined" ? null : document.getElementById(id);
    if (!form) return null;
    const fields = [...form.querySelectorAll("textarea")]
      .filter((field) => field.id && field.value !== field.defaultValue)
      .map((field) => ({ id: field.id, value: field.value }));
    return fields.length ? { form, fields } : null;
  });
  useBrowserLayoutEffect(() => {
    if (!typed || document.getElementById(id) !== typed.form) return;
    for (const { id: fieldId, value } of typed.fields) {
      const field = document.getElementById(fieldId);
      if (field instanceof HTMLTextAreaElement && field.value === field.defaultValue) {
        field.value = value;
      }
    }
  }, [id, typed]);
}
