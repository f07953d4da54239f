/**
 * What a form shows of the server's reply: translated validation messages, which form a reply
 * answers, and emptying a form once it is saved. Without Conform (form-reply.tsx wires Conform
 * forms), so a page whose first load has no Conform form can use them (decision 018); one module,
 * as the pages that use one use the others, and each module apart is a chunk of its own.
 */
import type { SubmissionResult } from "@conform-to/react";
import { useActionData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { translateMessage, useT } from "~/i18n";

/** Renders validation messages (translation keys from the form schemas) for one field or the form. */
export function FieldErrors({ id, errors }: { id?: string; errors?: string[] }) {
  const t = useT();
  if (!errors?.length) return null;
  return (
    <ul id={id} className="field-errors">
      {errors.map((e) => (
        <li key={e}>{translateMessage(t, e)}</li>
      ))}
    </ul>
  );
}

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

/**
 * Calls `reset` when the form's own submission has ended without a reply for it: the action
 * redirected, which is how every write here says "saved" (a refusal replies with the form's id and
 * keeps what was typed). Null `reset`: the form is left as it is.
 */
export function useClearOnSuccess(formId: string, replied: boolean, reset: (() => void) | null) {
  const navigation = useNavigation();
  const submitted = useRef(false);
  const mine = navigation.state !== "idle" && navigation.formData?.get("formId") === formId;
  useEffect(() => {
    if (!reset) return;
    if (mine) {
      submitted.current = true;
    } else if (navigation.state === "idle" && submitted.current) {
      submitted.current = false;
      if (!replied) reset();
    }
  }, [reset, mine, navigation.state, replied]);
}
