/**
 * Labelled fields for Conform forms: label, control, hint and translated errors wired together
 * (aria-invalid, aria-describedby), so every form reads the same to a screen reader.
 */
import {
  getInputProps,
  getSelectProps,
  getTextareaProps,
  type FieldMetadata,
} from "@conform-to/react";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { FieldErrors } from "~/components/field-errors";

type Field = FieldMetadata<unknown>;

interface Common {
  field: Field;
  label: ReactNode;
  hint?: ReactNode;
  className?: string;
}

export function InputField({
  field,
  label,
  hint,
  className,
  type = "text",
  inputMode,
  ...rest
}: Common & {
  type?: "text" | "date" | "number" | "datetime-local";
  inputMode?: "decimal" | "numeric" | "text" | "tel";
  autoComplete?: string;
  placeholder?: string;
  min?: string;
  max?: string;
}) {
  return (
    <div className={`field ${className ?? ""}`}>
      <label htmlFor={field.id}>{label}</label>
      <input
        {...getInputProps(field, { type, ariaDescribedBy: hint ? `${field.id}-hint` : undefined })}
        key={field.key}
        inputMode={inputMode}
        {...rest}
      />
      {hint ? (
        <span id={`${field.id}-hint`} className="hint">
          {hint}
        </span>
      ) : null}
      <FieldErrors id={field.errorId} errors={field.errors} />
    </div>
  );
}

export function SelectField({
  field,
  label,
  hint,
  className,
  options,
  empty,
  onChange,
}: Common & {
  options: { value: string; label: string }[];
  empty?: string;
  /** For a form that shows or hides other fields by this choice. */
  onChange?: (event: React.ChangeEvent<HTMLSelectElement>) => void;
}) {
  return (
    <div className={`field ${className ?? ""}`}>
      <label htmlFor={field.id}>{label}</label>
      <select {...getSelectProps(field)} key={field.key} onChange={onChange}>
        {empty !== undefined ? <option value="">{empty}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {hint ? <span className="hint">{hint}</span> : null}
      <FieldErrors id={field.errorId} errors={field.errors} />
    </div>
  );
}

export function TextareaField({
  field,
  label,
  hint,
  className,
  rows = 3,
}: Common & { rows?: number }) {
  return (
    <div className={`field ${className ?? ""}`}>
      <label htmlFor={field.id}>{label}</label>
      <textarea {...getTextareaProps(field)} key={field.key} rows={rows} />
      {hint ? <span className="hint">{hint}</span> : null}
      <FieldErrors id={field.errorId} errors={field.errors} />
    </div>
  );
}

/** A group of checkboxes for a multi-value field (e.g. help measures). */
export function CheckboxGroup({
  field,
  label,
  options,
}: {
  field: Field;
  label: ReactNode;
  options: { value: string; label: string }[];
}) {
  const initial = field.initialValue;
  const selected = new Set(
    Array.isArray(initial) ? (initial as string[]) : initial ? [String(initial)] : [],
  );
  return (
    <fieldset className="field checkbox-group" key={field.key}>
      <legend>{label}</legend>
      {options.map((o) => (
        <label key={o.value} className="checkbox">
          <input
            type="checkbox"
            name={field.name}
            value={o.value}
            defaultChecked={selected.has(o.value)}
          />{" "}
          {o.label}
        </label>
      ))}
      <FieldErrors id={field.errorId} errors={field.errors} />
    </fieldset>
  );
}

/**
 * A select among many (a village's 40-odd households) with a search box in front: typing a name, a
 * household number or pinyin initials ("wjg" for 王建国) narrows the choices, and a single match is
 * chosen. Without JavaScript it is the plain select with every choice.
 */
export function SearchableSelectField({
  field,
  label,
  hint,
  className,
  options,
  empty,
  searchLabel,
  matchesLabel,
}: Common & {
  /** `search`: further text the choice is found by (pinyin, initials), lower case. */
  options: { value: string; label: string; search?: string }[];
  empty: string;
  searchLabel: string;
  matchesLabel: (count: number) => string;
}) {
  const [query, setQuery] = useState("");
  const selectRef = useRef<HTMLSelectElement>(null);
  const q = query.trim().toLowerCase().replace(/\s+/g, "");
  // The chosen household stays in the list whatever is typed, so the search never unchooses it.
  const [current, setCurrent] = useState(String(field.initialValue ?? ""));
  const found = (o: { label: string; search?: string }) =>
    o.label.toLowerCase().replace(/\s+/g, "").includes(q) || Boolean(o.search?.includes(q));
  const matches = q ? options.filter(found) : options;
  const shown = q ? options.filter((o) => o.value === current || found(o)) : options;
  useEffect(() => {
    const select = selectRef.current;
    if (q && matches.length === 1 && select) {
      select.value = matches[0]!.value;
      setCurrent(select.value);
    }
  }, [q, matches]);
  useEffect(() => {
    // The form emptied after saving: the search goes with it.
    const form = selectRef.current?.form;
    const clear = () => {
      setQuery("");
      setCurrent("");
    };
    form?.addEventListener("reset", clear);
    return () => form?.removeEventListener("reset", clear);
  }, []);
  return (
    <div className={`field ${className ?? ""}`}>
      <label htmlFor={field.id}>{label}</label>
      <input
        type="search"
        className="js-only"
        aria-label={searchLabel}
        aria-controls={field.id}
        placeholder={searchLabel}
        value={query}
        onChange={(e) => setQuery(e.currentTarget.value)}
      />
      <select
        {...getSelectProps(field)}
        key={field.key}
        ref={selectRef}
        onChange={(e) => setCurrent(e.currentTarget.value)}
      >
        <option value="">{empty}</option>
        {shown.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <span className="hint js-only" aria-live="polite">
        {q ? matchesLabel(matches.length) : hint}
      </span>
      {hint ? <span className="hint no-js-only">{hint}</span> : null}
      <FieldErrors id={field.errorId} errors={field.errors} />
    </div>
  );
}
