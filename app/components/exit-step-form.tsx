/**
 * A household's next exit step: with Conform, for the few who record steps, so the household page
 * loads it from its own chunk after the page; the server draws it for a browser without JavaScript
 * (decision 018).
 */
import { FieldErrors } from "~/components/field-errors";
import { InputField, TextareaField } from "~/components/form-fields";
import { EditForm, useEditForm } from "~/components/form-reply";
import { useT } from "~/i18n";

export function ExitStepForm({
  step,
  version,
  today,
}: {
  step: string;
  version: number;
  today: string;
}) {
  const t = useT();
  const { form, fields, reply } = useEditForm(
    "step",
    () => import("~/schemas/forms").then((m) => m.ExitStepSchema),
    { doneOn: today },
  );
  const stepName = t(`exit.step.${step as "appraisal"}`);
  return (
    <EditForm
      form={form}
      formId="step"
      intent="step"
      reply={reply}
      version={version}
      hidden={{ step }}
      submitLabel={t("exit.recordSubmit", { step: stepName })}
      className="form-grid step-form"
    >
      <h3 className="wide">{t("exit.record", { step: stepName })}</h3>
      <InputField field={fields.doneOn} label={t("exit.doneOn")} type="date" />
      <TextareaField field={fields.note} label={t("exit.note")} className="wide" rows={2} />
      {/* Gate refusals (income, guarantees) are about the step itself. */}
      <div className="wide">
        <FieldErrors errors={fields.step.errors} />
      </div>
    </EditForm>
  );
}
