/**
 * The plan's edit forms, loaded when one of their folds is first opened (plan-items.tsx draws the
 * folds): they and Conform stay out of the plan's first-load JavaScript (decision 018). Each is a
 * plain Remix <Form> that carries the version it was shown with.
 */
import type { FormMetadata } from "@conform-to/react";
import { EditForm, useEditForm } from "~/components/form-reply";
import { InputField, SelectField, TextareaField } from "~/components/form-fields";
import { formatIndicatorValue } from "~/utils/indicators";
import { useLocale, useT } from "~/i18n";
import type { IndicatorView, MilestoneView, PlanPage } from "~/models/plan.server";
import { MILESTONE_STATUSES, INDICATOR_COMPARISONS } from "../../db/schema";
import { today } from "~/utils/dates";

type Indicator = Omit<IndicatorView, "kind"> & { kind: string };
type Milestone = MilestoneView;
type PlanValues = Omit<PlanPage["plan"], "updatedAt" | "updatedBy">;

/** Form values as typed: ratios appear as percentages. */
function displayNumber(indicator: { unit: string | null }, value: number | null) {
  if (value === null) return undefined;
  return indicator.unit === "ratio" ? String(Math.round(value * 100000) / 1000) : String(value);
}

export function PlanEditor({ plan }: { plan: PlanValues }) {
  const t = useT();
  const formId = "plan";
  const { form, fields, reply } = useEditForm(
    formId,
    () => import("~/schemas/forms").then((m) => m.PlanSchema),
    {
      startYear: String(plan.startYear),
      attackEndYear: String(plan.attackEndYear),
      endYear: String(plan.endYear),
      targetExitYear: String(plan.targetExitYear),
      narrative: plan.narrative,
    },
  );
  return (
    <EditForm
      form={form}
      formId={formId}
      intent="plan"
      reply={reply}
      version={plan.version}
      describeConflict={(field, value) =>
        field === "narrative"
          ? { label: t("plan.narrative"), value: String(value ?? "") }
          : field === "target_exit_year"
            ? { label: t("plan.targetExitYear"), value: String(value) }
            : null
      }
    >
      <InputField
        field={fields.targetExitYear}
        label={t("plan.targetExitYear")}
        inputMode="numeric"
      />
      <InputField field={fields.startYear} label={t("plan.startYear")} inputMode="numeric" />
      <InputField
        field={fields.attackEndYear}
        label={t("plan.attackEndYear")}
        inputMode="numeric"
      />
      <InputField field={fields.endYear} label={t("plan.endYear")} inputMode="numeric" />
      <TextareaField
        field={fields.narrative}
        label={t("plan.narrative")}
        className="wide"
        rows={4}
      />
    </EditForm>
  );
}

export function IndicatorEditor({ indicator }: { indicator: Indicator }) {
  const t = useT();
  const locale = useLocale();
  const formId = `indicator-${indicator.id}`;
  const yesNo = indicator.comparison === "yes";
  const { form, fields, reply } = useEditForm(
    formId,
    () => import("~/schemas/forms").then((m) => m.IndicatorSchema),
    {
      baseline: displayNumber(indicator, indicator.baseline),
      target: displayNumber(indicator, indicator.target),
      current: indicator.computed ? undefined : displayNumber(indicator, indicator.current),
      threshold: yesNo ? undefined : displayNumber(indicator, indicator.threshold),
      measuredOn: indicator.computed ? undefined : (indicator.measuredOn ?? undefined),
      evidence: indicator.evidence ?? undefined,
    },
  );
  const value = (v: number | null) => formatIndicatorValue(t, locale, indicator, v);
  const unitHint =
    indicator.unit === "ratio"
      ? t("indicator.percentHint")
      : indicator.unit === "yuan_per_year"
        ? t("indicator.yuanHint")
        : undefined;
  const yesNoOptions = [
    { value: "1", label: t("common.yes") },
    { value: "0", label: t("common.no") },
  ];
  return (
    <EditForm
      form={form}
      formId={formId}
      intent="indicator"
      reply={reply}
      version={indicator.version}
      hidden={{ id: indicator.id }}
      describeConflict={(field, v) => {
        const label = {
          baseline: t("indicator.baseline"),
          target: t("indicator.target"),
          current_value: t("indicator.current"),
          evidence: t("indicator.evidence"),
        }[field];
        if (!label) return null;
        return {
          label,
          value: field === "evidence" ? String(v ?? "—") : value((v as number | null) ?? null),
        };
      }}
    >
      {indicator.computed ? null : yesNo ? (
        <SelectField
          field={fields.current}
          label={t("indicator.current")}
          options={yesNoOptions}
          empty={t("indicator.unknown")}
        />
      ) : (
        <InputField
          field={fields.current}
          label={t("indicator.current")}
          inputMode="decimal"
          hint={unitHint}
        />
      )}
      {yesNo ? (
        <>
          <SelectField
            field={fields.baseline}
            label={t("indicator.baseline")}
            options={yesNoOptions}
            empty={t("indicator.unknown")}
          />
          <SelectField
            field={fields.target}
            label={t("indicator.target")}
            options={yesNoOptions}
            empty={t("indicator.unknown")}
          />
        </>
      ) : (
        <>
          <InputField
            field={fields.baseline}
            label={t("indicator.baseline")}
            inputMode="decimal"
            hint={unitHint}
          />
          <InputField
            field={fields.target}
            label={t("indicator.target")}
            inputMode="decimal"
            hint={unitHint}
          />
          {/* The county sets the collective-income floor (/admin/settings); a team its own. */}
          {!indicator.countySet && indicator.kind === "custom" ? (
            <InputField
              field={fields.threshold}
              label={t("indicator.threshold")}
              inputMode="decimal"
              hint={unitHint}
            />
          ) : null}
        </>
      )}
      {indicator.computed ? null : (
        <InputField field={fields.measuredOn} label={t("indicator.measuredOn")} type="date" />
      )}
      <TextareaField field={fields.evidence} label={t("indicator.evidence")} className="wide" />
    </EditForm>
  );
}

export function NewIndicatorEditor({ requestId }: { requestId: string }) {
  const t = useT();
  const formId = "add-indicator";
  const { form, fields, reply } = useEditForm(
    formId,
    () => import("~/schemas/forms").then((m) => m.NewIndicatorSchema),
    {
      comparison: "at_least",
    },
  );
  return (
    <EditForm
      form={form}
      formId={formId}
      intent="add-indicator"
      hidden={{ requestId }}
      reply={reply}
      submitLabel={t("indicator.addSubmit")}
    >
      <InputField field={fields.name} label={t("indicator.name")} className="wide" />
      <SelectField
        field={fields.comparison}
        label={t("indicator.comparison")}
        options={INDICATOR_COMPARISONS.map((c) => ({
          value: c,
          label: t(`indicator.comparison.${c}`),
        }))}
      />
      <InputField field={fields.unit} label={t("indicator.unit")} />
      <InputField field={fields.threshold} label={t("indicator.threshold")} inputMode="decimal" />
      <InputField field={fields.baseline} label={t("indicator.baseline")} inputMode="decimal" />
      <InputField field={fields.target} label={t("indicator.target")} inputMode="decimal" />
      <InputField field={fields.current} label={t("indicator.current")} inputMode="decimal" />
      <InputField field={fields.measuredOn} label={t("indicator.measuredOn")} type="date" />
      <TextareaField field={fields.evidence} label={t("indicator.evidence")} className="wide" />
    </EditForm>
  );
}

function MilestoneFields({
  form,
  fields,
  owners,
}: {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- both milestone forms share these fields
  form: FormMetadata<any, string[]>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- both milestone forms share these fields
  fields: any;
  owners: { id: string; name: string }[];
}) {
  const t = useT();
  // Choosing "done" fills in today's date (China time) when none is typed yet; it can be changed.
  const fillDoneOn = (event: React.ChangeEvent<HTMLSelectElement>) => {
    const doneOn = event.currentTarget.form?.elements.namedItem(fields.doneOn.name);
    if (event.currentTarget.value === "done" && doneOn instanceof HTMLInputElement && !doneOn.value)
      form.update({ name: fields.doneOn.name, value: today() });
  };
  return (
    <>
      <InputField field={fields.title} label={t("milestone.title")} className="wide" />
      <InputField field={fields.dueOn} label={t("milestone.dueOn")} type="date" />
      <SelectField
        field={fields.ownerId}
        label={t("milestone.owner")}
        options={owners.map((o) => ({ value: o.id, label: o.name }))}
        empty={t("milestone.noOwner")}
      />
      <SelectField
        field={fields.status}
        label={t("milestone.status")}
        options={MILESTONE_STATUSES.map((s) => ({ value: s, label: t(`milestone.status.${s}`) }))}
        onChange={fillDoneOn}
      />
      <InputField
        field={fields.doneOn}
        label={t("milestone.doneOn")}
        type="date"
        hint={t("milestone.doneOnHint")}
      />
      <TextareaField field={fields.evidence} label={t("milestone.evidence")} className="wide" />
    </>
  );
}

export function MilestoneEditor({
  milestone,
  owners,
}: {
  milestone: Milestone;
  owners: { id: string; name: string }[];
}) {
  const t = useT();
  const formId = `milestone-${milestone.id}`;
  const { form, fields, reply } = useEditForm(
    formId,
    () => import("~/schemas/forms").then((m) => m.MilestoneSchema),
    {
      title: milestone.title,
      dueOn: milestone.dueOn,
      ownerId: milestone.ownerId ?? "",
      status: milestone.status,
      doneOn: milestone.doneOn ?? undefined,
      evidence: milestone.evidence ?? undefined,
    },
  );
  return (
    <EditForm
      form={form}
      formId={formId}
      intent="milestone"
      reply={reply}
      version={milestone.version}
      hidden={{ id: milestone.id }}
      describeConflict={(field, v) => {
        if (field === "title") return { label: t("milestone.title"), value: String(v) };
        if (field === "status")
          return {
            label: t("milestone.status"),
            value: t(`milestone.status.${v as Milestone["status"]}`),
          };
        if (field === "due_on") return { label: t("milestone.dueOn"), value: String(v) };
        if (field === "evidence")
          return { label: t("milestone.evidence"), value: String(v ?? "—") };
        return null;
      }}
    >
      <MilestoneFields form={form} fields={fields} owners={owners} />
    </EditForm>
  );
}

export function NewMilestoneEditor({
  owners,
  requestId,
}: {
  owners: { id: string; name: string }[];
  requestId: string;
}) {
  const t = useT();
  const formId = "add-milestone";
  const { form, fields, reply } = useEditForm(
    formId,
    () => import("~/schemas/forms").then((m) => m.NewMilestoneSchema),
    { status: "planned" },
  );
  return (
    <EditForm
      form={form}
      formId={formId}
      intent="add-milestone"
      hidden={{ requestId }}
      reply={reply}
      submitLabel={t("milestone.addSubmit")}
    >
      <MilestoneFields form={form} fields={fields} owners={owners} />
    </EditForm>
  );
}

export function OpinionEditor({ requestId }: { requestId: string }) {
  const t = useT();
  const formId = "opinion";
  const { form, fields, reply } = useEditForm(formId, () =>
    import("~/schemas/forms").then((m) => m.OpinionSchema),
  );
  return (
    <EditForm
      form={form}
      formId={formId}
      intent="opinion"
      hidden={{ requestId }}
      reply={reply}
      submitLabel={t("opinion.addSubmit")}
    >
      <InputField field={fields.gatheredOn} label={t("opinion.gatheredOn")} type="date" />
      <InputField
        field={fields.source}
        label={t("opinion.source")}
        hint={t("opinion.sourceHint")}
      />
      <TextareaField field={fields.content} label={t("opinion.content")} className="wide" />
    </EditForm>
  );
}
