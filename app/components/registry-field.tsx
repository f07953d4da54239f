/**
 * One field of a registry form (village, cadre, team…), drawn from the sheet's column: the same
 * value a spreadsheet cell would hold, so the server checks it with the import's row check.
 */
import { FieldErrors } from "~/components/field-errors";
import { useT } from "~/i18n";
import {
  CHOICES,
  choiceLabelKey,
  columnLabelKey,
  isChoice,
  type SheetColumn,
  type SheetKind,
} from "~/utils/registry-sheets";

export interface Option {
  value: string;
  label: string;
}

export interface RegistryOptions {
  townships: Option[];
  units: Option[];
  villages: Option[];
}

export function RegistryField({
  kind,
  column,
  value,
  errors,
  options,
  locked = false,
}: {
  kind: SheetKind;
  column: SheetColumn;
  value: string;
  errors?: string[];
  options: RegistryOptions;
  /** Shown, not editable (the value comes from elsewhere, e.g. the household roster). */
  locked?: boolean;
}) {
  const t = useT();
  const id = `field-${column.key}`;
  const errorId = `${id}-errors`;
  const hintId = `${id}-hint`;
  const describedBy = [errors?.length ? errorId : null, locked ? hintId : null].filter(Boolean);
  const common = {
    id,
    name: column.key,
    defaultValue: value,
    required: column.required,
    readOnly: locked || undefined,
    "aria-invalid": errors?.length ? true : undefined,
    "aria-describedby": describedBy.length ? describedBy.join(" ") : undefined,
  };
  const choice = isChoice(column.input) ? column.input : null;
  const linked =
    column.input === "township"
      ? options.townships
      : column.input === "unit"
        ? options.units
        : column.input === "village"
          ? options.villages
          : null;
  let control;
  if (choice || linked) {
    const choices =
      linked ??
      CHOICES[choice!].keys.map((k) => ({ value: k, label: t(choiceLabelKey(choice!, k)) }));
    // A record may point at something deactivated since: keep it selectable as it is.
    const all =
      value && !choices.some((c) => c.value === value)
        ? [{ value, label: value }, ...choices]
        : choices;
    control = (
      <select {...common}>
        <option value="">{t("admin.choose")}</option>
        {all.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  } else {
    const type = column.input === "date" ? "date" : column.input === "tel" ? "tel" : "text";
    const inputMode =
      column.input === "integer" ? "numeric" : column.input === "decimal" ? "decimal" : undefined;
    control = <input {...common} type={type} inputMode={inputMode} />;
  }
  return (
    <div className="field">
      <label htmlFor={id}>
        {t(columnLabelKey(kind, column.key))}
        {column.required ? <span aria-hidden="true"> *</span> : null}
      </label>
      {control}
      {locked ? (
        <span id={hintId} className="hint">
          {t("admin.fromRoster")}
        </span>
      ) : null}
      <FieldErrors id={errorId} errors={errors} />
    </div>
  );
}
