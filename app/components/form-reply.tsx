/**
 * The client half of app/utils/form-reply.server.ts: which form an action reply belongs to, the
 * conflict notice that shows the newer saved values next to what the person typed, and the one
 * way an edit form is wired (Conform options, hidden intent/formId/version, errors, save button).
 * The folded form that draws one when opened is in folded-form.tsx, without Conform.
 */
import {
  getFormProps,
  parse,
  useForm,
  type DefaultValue,
  type FormMetadata,
  type Submission,
} from "@conform-to/react";
import { Form, useNavigation } from "@remix-run/react";
import { useEffect, useState, type ReactNode } from "react";
import type { z } from "zod";
import { FieldErrors } from "~/components/field-errors";
import { useClearOnSuccess, useFormReply, type FormReply } from "~/components/field-errors";
import { formatDateTime, useLocale, useT } from "~/i18n";

export { useClearOnSuccess, useFormReply, type FormReply };

export function ConflictNotice({
  conflict,
  describe,
}: {
  conflict: NonNullable<FormReply["conflict"]>;
  /** Renders one stored value as the reader should see it (label and formatted value), or null to skip it. */
  describe: (field: string, value: unknown) => { label: string; value: string } | null;
}) {
  const t = useT();
  const locale = useLocale();
  const rows = Object.entries(conflict.current)
    .map(([field, value]) => describe(field, value))
    .filter((r): r is { label: string; value: string } => r !== null);
  return (
    <div className="conflict" role="alert">
      <p>
        <strong>{t("conflict.title")}</strong>{" "}
        {conflict.at
          ? t("conflict.by", {
              who: conflict.by ?? t("conflict.someone"),
              when: formatDateTime(locale, conflict.at),
            })
          : t("conflict.created")}
      </p>
      {rows.length ? (
        <>
          <p>{t("conflict.newer")}</p>
          <dl className="facts compact">
            {rows.map((r) => (
              <div key={r.label}>
                <dt>{r.label}</dt>
                <dd>{r.value}</dd>
              </div>
            ))}
          </dl>
        </>
      ) : null}
      <p className="small">{t("conflict.keep")}</p>
    </div>
  );
}

/**
 * Client validation with the form's Zod schema, loaded once the page is interactive: Zod, Conform's
 * Zod adapter and the schemas are about 16 KiB gzip, as much as a form page's own code, and stay
 * out of its first load (bench/RESULTS.md, First-load JavaScript). `loadSchema` is a dynamic
 * import, e.g. `() => import("~/schemas/forms").then((m) => m.PlanSchema)`, so that no static
 * import puts the schema (and Zod with it) into the page's bundle; the action keeps its own.
 *
 * Until it has arrived (or if it never does on a weak signal) a submit is checked by the server
 * alone, which answers with the same translated messages and the typed values; nothing is checked
 * while typing then, as Conform would post each keystroke to the server to revalidate. Conform's
 * own intents (`form.update`, `form.reset`, a list's insert or remove) are still resolved in the
 * browser meanwhile (`uncheckedValidation`): without an `onValidate` Conform posts them to the
 * action, and that stray POST — made by a form drawn late, while the person was already opening
 * another page — cancelled their navigation and answered 400. Spread the result into Conform's
 * `useForm` options.
 */
export function useClientValidation<Schema extends z.ZodTypeAny>(
  loadSchema: () => Promise<Schema>,
) {
  type Validate = (formData: FormData) => Submission<z.input<Schema>, string[], z.output<Schema>>;
  const [validate, setValidate] = useState<{ run: Validate } | null>(null);
  useEffect(() => {
    let live = true;
    Promise.all([import("@conform-to/zod"), loadSchema()]).then(
      ([{ parseWithZod }, schema]) => {
        if (live) setValidate({ run: (formData) => parseWithZod(formData, { schema }) });
      },
      () => {
        // Not loaded: the server's checks remain, as without JavaScript.
      },
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- a form's schema does not change
  }, []);
  return validate
    ? {
        shouldValidate: "onSubmit" as const,
        shouldRevalidate: "onInput" as const,
        onValidate: ({ formData }: { formData: FormData }) => validate.run(formData),
      }
    : {
        shouldValidate: "onSubmit" as const,
        shouldRevalidate: "onSubmit" as const,
        onValidate: ({ formData }: { formData: FormData }) =>
          uncheckedValidation<z.input<Schema>, z.output<Schema>>(formData),
      };
}

/**
 * Conform's parsing with no checks: an intent (update, reset, insert, remove) is applied in the
 * browser and never submitted; a submit goes to the server as typed, which checks it.
 */
export function uncheckedValidation<Input, Output>(
  formData: FormData,
): Submission<Input, string[], Output> {
  // The value is the typed payload, unchecked: it is never used as `Output` here (the server
  // parses the submit again), only to let the submit through.
  return parse<Output, string[]>(formData, {
    resolve: (value) => ({ value: value as Output }),
  }) as unknown as Submission<Input, string[], Output>;
}

/**
 * A Conform form answered by `formReply`: validated on submit, then on input — never on blur, where
 * a message appearing or vanishing moves the button from under the pointer and the click is lost.
 * `loadSchema`: see useClientValidation.
 */
export function useEditForm<Schema extends z.ZodTypeAny>(
  formId: string,
  loadSchema: () => Promise<Schema>,
  defaultValue?: DefaultValue<z.input<Schema>>,
) {
  const reply = useFormReply(formId);
  const validation = useClientValidation(loadSchema);
  const [form, fields] = useForm<z.input<Schema>>({
    id: `${formId}-form`,
    lastResult: reply?.result,
    defaultValue,
    ...validation,
  });
  return { form, fields, reply };
}

/** Submit button that says so while its own form is being saved. */
export function SaveButton({ formId, label }: { formId: string; label?: string }) {
  const t = useT();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("formId") === formId;
  return (
    <button type="submit" className="button button-primary" disabled={busy}>
      {busy ? t("form.saving") : (label ?? t("form.save"))}
    </button>
  );
}

/**
 * The frame of every edit form: a plain Remix <Form> (works without JavaScript) with the intent,
 * the form id its reply is matched by, the version it was shown with (or the newer one after a
 * conflict, so saving again overwrites knowingly), the conflict notice, form-level errors and Save.
 */
export function EditForm({
  form,
  formId,
  intent,
  reply,
  version,
  hidden,
  describeConflict,
  submitLabel,
  className = "form-grid",
  stayInPlace = true,
  clearOnSuccess = false,
  encType,
  children,
}: {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any form's metadata
  form: FormMetadata<any, string[]>;
  formId: string;
  intent: string;
  reply: FormReply | undefined;
  version?: number;
  hidden?: Record<string, string>;
  describeConflict?: Parameters<typeof ConflictNotice>[0]["describe"];
  submitLabel?: string;
  className?: string;
  /** Keep the scroll position after saving (an item on a long page), rather than open a new page. */
  stayInPlace?: boolean;
  /**
   * A form that creates something (a leave request, a log entry, a notice): empty it once saved,
   * so it is ready for the next and cannot be sent twice by mistake. Without JavaScript the saved
   * page is a new page, empty anyway.
   */
  clearOnSuccess?: boolean;
  /** `multipart/form-data` for a form with files. */
  encType?: "multipart/form-data";
  children: ReactNode;
}) {
  useClearOnSuccess(formId, Boolean(reply), clearOnSuccess ? () => form.reset() : null);
  return (
    <Form
      method="post"
      preventScrollReset={stayInPlace}
      {...getFormProps(form)}
      encType={encType}
      className={className}
    >
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="formId" value={formId} />
      {version !== undefined ? (
        <input type="hidden" name="version" value={reply?.conflict?.version ?? version} />
      ) : null}
      {Object.entries(hidden ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {reply?.conflict ? (
        <ConflictNotice conflict={reply.conflict} describe={describeConflict ?? (() => null)} />
      ) : null}
      {children}
      <div id={form.errorId} className="wide" role="alert">
        <FieldErrors errors={form.errors} />
      </div>
      <div className="wide">
        <SaveButton formId={formId} label={submitLabel} />
      </div>
    </Form>
  );
}
