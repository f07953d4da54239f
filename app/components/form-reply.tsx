/**
 * The client half of app/utils/form-reply.server.ts: which form an action reply belongs to, and the
 * conflict notice that shows the newer saved values next to what the person typed.
 */
import type { SubmissionResult } from "@conform-to/react";
import { useActionData } from "@remix-run/react";
import { formatDateTime, useLocale, useT } from "~/i18n";

export interface FormReply {
  formId: string;
  result: SubmissionResult<string[]>;
  conflict: {
    current: Record<string, unknown>;
    version: number;
    by: string | null;
    at: string;
  } | null;
}

/** The action's reply if it answers the form `formId` (a page may hold many forms). */
export function useFormReply(formId: string): FormReply | undefined {
  const reply = useActionData<FormReply>();
  return reply && reply.formId === formId ? reply : undefined;
}

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
