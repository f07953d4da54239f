/**
 * The village exit's forms (a step with its evidence files, taking the last step back): with
 * Conform, for the few who record steps, so the page loads them from their own chunk after the
 * page; the server draws them for a browser without JavaScript (decision 018).
 */
import { useActionData } from "@remix-run/react";
import { FieldErrors } from "~/components/field-errors";
import { InputField, TextareaField } from "~/components/form-fields";
import { EditForm, useEditForm } from "~/components/form-reply";
import { useT } from "~/i18n";
import { EVIDENCE_MAX_FILES } from "~/utils/village-exit";
import type { VillageExitRecord } from "../../db/schema";

export function StepForm({
  step,
  after,
  today,
  override = false,
}: {
  step: VillageExitRecord;
  after: string;
  today: string;
  override?: boolean;
}) {
  const t = useT();
  const formId = `step-${step}`;
  const { form, fields, reply } = useEditForm(
    formId,
    () => import("~/schemas/forms").then((m) => m.VillageExitStepSchema),
    { doneOn: today },
  );
  const stepName = t(`villageExit.step.${step}`);
  return (
    <EditForm
      form={form}
      formId={formId}
      intent="step"
      reply={reply}
      hidden={{ step, after }}
      encType="multipart/form-data"
      submitLabel={t("villageExit.recordSubmit", { step: stepName })}
      className="form-grid step-form"
      describeConflict={(field, value) =>
        field === "step"
          ? {
              label: t("villageExit.lastStep"),
              value: value ? t(`villageExit.step.${value as VillageExitRecord}`) : "—",
            }
          : null
      }
    >
      <h3 className="wide">{t("villageExit.record", { step: stepName })}</h3>
      <InputField field={fields.doneOn} label={t("villageExit.doneOn")} type="date" max={today} />
      <TextareaField
        field={fields.note}
        label={t(step === "objection" ? "villageExit.objectionReason" : "villageExit.note")}
        className="wide"
        rows={2}
      />
      {override ? (
        <TextareaField
          field={fields.overrideReason}
          label={t("villageExit.overrideReason")}
          className="wide"
          rows={3}
        />
      ) : null}
      <div className="field wide">
        <label htmlFor={`${formId}-files`}>
          {t("villageExit.files", { max: EVIDENCE_MAX_FILES })}
        </label>
        <input
          id={`${formId}-files`}
          name="files"
          type="file"
          multiple
          accept="image/jpeg,image/png,image/webp,application/pdf"
          aria-describedby={`${formId}-files-hint`}
        />
        <p id={`${formId}-files-hint`} className="hint">
          {t("villageExit.filesHint")}
        </p>
        <FieldErrors errors={fields.files.errors} />
      </div>
      {/* Order and gate refusals are about the step itself. */}
      <div className="wide">
        <FieldErrors errors={fields.step.errors} />
      </div>
    </EditForm>
  );
}

export function UndoForm({ stepId, step }: { stepId: string; step: VillageExitRecord }) {
  const t = useT();
  const { form, fields, reply } = useEditForm("undo", () =>
    import("~/schemas/forms").then((m) => m.VillageExitUndoSchema),
  );
  const reason = useActionData<{ formId?: string }>()?.formId === "undo";
  return (
    <details className="edit" open={reason || undefined}>
      <summary>{t("villageExit.undo", { step: t(`villageExit.step.${step}`) })}</summary>
      <EditForm
        form={form}
        formId="undo"
        intent="undo"
        reply={reply}
        hidden={{ stepId }}
        encType="multipart/form-data"
        submitLabel={t("villageExit.undoSubmit")}
      >
        <p className="small muted wide">{t("villageExit.undoHint")}</p>
        <TextareaField
          field={fields.reason}
          label={t("villageExit.undoReason")}
          className="wide"
          rows={2}
        />
        <div className="wide">
          <FieldErrors errors={fields.stepId.errors} />
        </div>
      </EditForm>
    </details>
  );
}
