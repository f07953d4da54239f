/**
 * The late entry for a forgotten day (folded under today's check-in on /me): with Conform, so /me
 * loads it from its own chunk after the page, and the server draws it for a browser without
 * JavaScript (decision 018).
 */
import { InputField } from "~/components/form-fields";
import { EditForm, useEditForm } from "~/components/form-reply";
import { useT } from "~/i18n";

export function LateCheckInForm({ today }: { today: string }) {
  const t = useT();
  const { form, fields, reply } = useEditForm("late-check-in", () =>
    import("~/schemas/forms").then((m) => m.LateCheckInSchema),
  );
  return (
    <details className="disclosure" open={Boolean(reply)}>
      <summary>{t("checkIn.late")}</summary>
      <EditForm
        form={form}
        formId="late-check-in"
        intent="late-check-in"
        reply={reply}
        stayInPlace={false}
        submitLabel={t("checkIn.lateSubmit")}
      >
        <InputField field={fields.day} type="date" label={t("checkIn.day")} max={today} />
        <InputField
          field={fields.reason}
          label={t("checkIn.reason")}
          hint={t("checkIn.reasonHint")}
        />
      </EditForm>
    </details>
  );
}
