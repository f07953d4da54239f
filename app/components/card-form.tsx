/** Create or edit a project or case card (plain form: works without JavaScript). */
import type { Board } from "../../db/schema";
import { URGENCIES } from "../../db/schema";
import { CheckboxGroup, InputField, SelectField, TextareaField } from "~/components/form-fields";
import { EditForm, useEditForm } from "~/components/form-reply";
import { useT } from "~/i18n";
import { BOARD_KINDS } from "~/utils/boards";

export interface CardFormValues {
  title: string;
  kind: string;
  ownerId: string | null;
  assigneeIds: string[];
  householdId: string | null;
  householdIds: string[];
  person: string | null;
  urgency: string | null;
  budget: number | null;
  fundingSource: string | null;
  milestoneId: string | null;
  startOn: string | null;
  dueOn: string | null;
  followUpOn: string | null;
  notes: string | null;
  version: number;
}

export interface CardOptions {
  cadres: { id: string; name: string }[];
  households: { id: string; code: string; name: string }[];
  milestones: { id: string; title: string }[];
}

export function CardForm({
  board,
  values,
  options,
  submitLabel,
  requestId,
}: {
  board: Board;
  values: CardFormValues | null;
  options: CardOptions;
  submitLabel: string;
  /** A new card's request id: the same form sent twice makes one card. */
  requestId?: string;
}) {
  const t = useT();
  const formId = values ? "card-edit" : "card-create";
  const { form, fields, reply } = useEditForm(
    formId,
    () => import("~/schemas/forms").then((m) => m.CardSchema),
    values
      ? {
          title: values.title,
          kind: values.kind,
          ownerId: values.ownerId ?? "",
          assigneeIds: values.assigneeIds,
          householdId: values.householdId ?? "",
          householdIds: values.householdIds,
          person: values.person ?? undefined,
          urgency: values.urgency ?? undefined,
          budget: values.budget === null ? undefined : String(values.budget),
          fundingSource: values.fundingSource ?? undefined,
          milestoneId: values.milestoneId ?? "",
          startOn: values.startOn ?? undefined,
          dueOn: values.dueOn ?? undefined,
          followUpOn: values.followUpOn ?? undefined,
          notes: values.notes ?? undefined,
        }
      : { urgency: board === "case" ? "normal" : undefined },
  );
  const kindPrefix = board === "project" ? "measure" : "caseKind";
  const cadreOptions = options.cadres.map((c) => ({ value: c.id, label: c.name }));
  const householdOptions = options.households.map((h) => ({
    value: h.id,
    label: `${h.code} ${h.name}`,
  }));
  return (
    <EditForm
      form={form}
      formId={formId}
      intent={values ? "edit" : "create"}
      reply={reply}
      version={values?.version}
      hidden={requestId ? { board, requestId } : { board }}
      submitLabel={submitLabel}
      stayInPlace={false}
      describeConflict={(field, value) =>
        field === "title"
          ? { label: t("card.title"), value: String(value) }
          : field === "column"
            ? {
                label: t("card.column"),
                value: t(
                  `board.column.${board}.${value as "proposed"}` as "board.column.project.proposed",
                ),
              }
            : null
      }
    >
      <InputField field={fields.title} label={t("card.title")} className="wide" />
      <SelectField
        field={fields.kind}
        label={t("card.kind")}
        options={BOARD_KINDS[board].map((k) => ({
          value: k,
          label: t(`${kindPrefix}.${k}` as "measure.industry"),
        }))}
        empty=""
      />
      {board === "project" ? (
        <>
          <SelectField
            field={fields.ownerId}
            label={t("card.owner")}
            options={cadreOptions}
            empty={t("milestone.noOwner")}
          />
          <InputField
            field={fields.budget}
            label={t("card.budget")}
            inputMode="decimal"
            hint={t("indicator.yuanHint")}
          />
          <InputField field={fields.fundingSource} label={t("card.fundingSource")} />
          <SelectField
            field={fields.milestoneId}
            label={t("card.milestone")}
            options={options.milestones.map((m) => ({ value: m.id, label: m.title }))}
            empty={t("milestone.noOwner")}
          />
          <InputField field={fields.startOn} label={t("card.startOn")} type="date" />
          <InputField field={fields.dueOn} label={t("card.dueOn")} type="date" />
          {householdOptions.length ? (
            <div className="wide">
              <CheckboxGroup
                field={fields.householdIds}
                label={t("card.beneficiaries")}
                options={householdOptions}
              />
            </div>
          ) : null}
        </>
      ) : (
        <>
          <SelectField
            field={fields.householdId}
            label={t("card.household")}
            options={householdOptions}
            empty={t("milestone.noOwner")}
          />
          <InputField field={fields.person} label={t("card.person")} hint={t("card.personHint")} />
          <SelectField
            field={fields.urgency}
            label={t("card.urgency")}
            options={URGENCIES.map((u) => ({ value: u, label: t(`urgency.${u}`) }))}
          />
          <InputField field={fields.dueOn} label={t("card.dueOn")} type="date" />
          <InputField field={fields.followUpOn} label={t("card.followUpOn")} type="date" />
          <div className="wide">
            <CheckboxGroup
              field={fields.assigneeIds}
              label={t("card.assignees")}
              options={cadreOptions}
            />
          </div>
        </>
      )}
      <TextareaField
        field={fields.notes}
        label={board === "project" ? t("card.progressNotes") : t("card.resolution")}
        className="wide"
        rows={3}
      />
    </EditForm>
  );
}
