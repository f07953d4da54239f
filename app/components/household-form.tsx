/** The roster record form, for a new household and for editing one (with or without JavaScript). */
import { CheckboxGroup, InputField, SelectField } from "~/components/form-fields";
import { EditForm, useEditForm } from "~/components/form-reply";
import { useT } from "~/i18n";
import type { HouseholdDetail } from "~/models/household.server";
import { GUARANTEES, GUARANTEE_RESULTS, HELP_MEASURES, POVERTY_CAUSES } from "../../db/schema";

export function HouseholdForm({
  household,
  years,
  cadres,
  submitLabel,
}: {
  household: HouseholdDetail | null;
  years: number[];
  cadres: { id: string; name: string }[];
  submitLabel: string;
}) {
  const t = useT();
  const formId = "household";
  const incomeByYear = new Map(household?.incomes.map((i) => [i.year, i.value]));
  const { form, fields, reply } = useEditForm(
    formId,
    () => import("~/schemas/forms").then((m) => m.HouseholdSchema),
    {
      code: household?.code,
      headName: household?.headName,
      members: household ? String(household.members) : undefined,
      mainCause: household?.mainCause,
      otherCauses: household?.otherCauses ?? [],
      helpMeasures: household?.helpMeasures ?? [],
      pairedCadreId: household?.pairedCadreId ?? "",
      identifiedYear: household ? String(household.identifiedYear) : "2014",
      food: household?.guarantees.food ?? "met",
      education: household?.guarantees.education ?? "not_applicable",
      medical: household?.guarantees.medical ?? "met",
      housing: household?.guarantees.housing ?? "met",
      water: household?.guarantees.water ?? "met",
      monitored: household?.status === "monitored" ? "on" : undefined,
      idNumber: household?.idNumber ?? "",
      phone: household?.phone ?? "",
      incomes: years.map((year) => ({
        year: String(year),
        value: incomeByYear.has(year) ? String(incomeByYear.get(year)) : undefined,
      })),
    },
  );
  const incomeFields = fields.incomes.getFieldList();
  const causeOptions = POVERTY_CAUSES.map((c) => ({ value: c, label: t(`cause.${c}`) }));
  const exited = household?.status === "exited" || household?.status === "monitored";

  return (
    <EditForm
      form={form}
      formId={formId}
      intent="household"
      reply={reply}
      version={household?.version}
      submitLabel={submitLabel}
      className="form-grid card"
      stayInPlace={false}
      describeConflict={(field, value) => {
        if (field === "incomes") {
          const entries = Object.entries(value as Record<string, number>);
          return {
            label: t("household.incomes"),
            value: entries.map(([y, v]) => `${y}: ${v}`).join("; ") || "—",
          };
        }
        const labels: Record<string, string> = {
          code: t("household.code"),
          headName: t("household.head"),
          members: t("household.members"),
          mainCause: t("household.mainCause"),
          identifiedYear: t("household.identifiedYear"),
          status: t("household.status"),
        };
        if (!labels[field]) return null;
        const shown =
          field === "mainCause"
            ? t(`cause.${value as (typeof POVERTY_CAUSES)[number]}`)
            : field === "status"
              ? t(`householdStatus.${value as "poor"}`)
              : String(value);
        return { label: labels[field]!, value: shown };
      }}
    >
      <InputField field={fields.code} label={t("household.code")} hint={t("household.codeHint")} />
      <InputField field={fields.headName} label={t("household.head")} />
      <InputField field={fields.members} label={t("household.members")} inputMode="numeric" />
      <InputField
        field={fields.idNumber}
        label={t("roster.col.idNumber")}
        hint={household?.idNumber ? t("household.identityEditHint") : undefined}
        autoComplete="off"
      />
      <InputField
        field={fields.phone}
        label={t("roster.col.phone")}
        hint={household?.phone ? t("household.identityEditHint") : undefined}
        inputMode="tel"
        autoComplete="off"
      />
      <InputField
        field={fields.identifiedYear}
        label={t("household.identifiedYear")}
        inputMode="numeric"
      />
      <SelectField
        field={fields.mainCause}
        label={t("household.mainCause")}
        options={causeOptions}
        empty=""
      />
      <SelectField
        field={fields.pairedCadreId}
        label={t("household.pairedCadre")}
        options={cadres.map((c) => ({ value: c.id, label: c.name }))}
        empty={t("household.noCadre")}
      />
      <div className="wide">
        <CheckboxGroup
          field={fields.otherCauses}
          label={t("household.otherCauses")}
          options={causeOptions}
        />
      </div>
      <div className="wide">
        <CheckboxGroup
          field={fields.helpMeasures}
          label={t("household.helpMeasures")}
          options={HELP_MEASURES.map((m) => ({ value: m, label: t(`measure.${m}`) }))}
        />
      </div>
      <fieldset className="wide guarantees">
        <legend>{t("household.guarantees")}</legend>
        {GUARANTEES.map((g) => (
          <SelectField
            key={g}
            field={fields[g]}
            label={t(`guarantee.${g}`)}
            options={GUARANTEE_RESULTS.map((r) => ({ value: r, label: t(`guaranteeResult.${r}`) }))}
          />
        ))}
      </fieldset>
      <fieldset className="wide incomes">
        <legend>{t("household.incomesLegend")}</legend>
        {incomeFields.map((income) => {
          const f = income.getFieldset();
          const y = f.year.initialValue ?? f.year.value;
          return (
            <div key={income.key}>
              <input type="hidden" name={f.year.name} value={String(y)} />
              <InputField
                field={f.value}
                label={t("household.incomeYear", { year: String(y) })}
                inputMode="decimal"
              />
            </div>
          );
        })}
      </fieldset>
      {exited ? (
        <label className="checkbox wide">
          <input
            type="checkbox"
            name={fields.monitored.name}
            defaultChecked={household?.status === "monitored"}
          />{" "}
          {t("household.monitoredLabel")}
        </label>
      ) : null}
    </EditForm>
  );
}
