/** One labelled filter of a GET filter form: "all" (no filter) first, then the choices. */
import { useT } from "~/i18n";

export function FilterSelect({
  name,
  label,
  value,
  options,
  allLabel,
  groups = [],
}: {
  name: string;
  label: string;
  value: string | undefined;
  options: readonly { value: string; label: string }[];
  /** The empty choice's label: "全部 / All" unless a filter names it otherwise. */
  allLabel?: string;
  /** Further choices under headings, after the plain ones. */
  groups?: readonly { label: string; options: readonly { value: string; label: string }[] }[];
}) {
  const t = useT();
  const id = `f-${name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue={value ?? ""}>
        <option value="">{allLabel ?? t("villages.filter.all")}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
        {groups.map((g) => (
          <optgroup key={g.label} label={g.label}>
            {g.options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </div>
  );
}
