/**
 * Turns a model's write result into the route's response, the same way for every form:
 * success redirects (so a reload never re-posts), a refused record is a 404, a write outside the
 * viewer's rights a 403, a rule only the database can check a 400 on its field, and a stale
 * version a 409 that shows the newer values while the form keeps what was typed.
 */
import type { Submission } from "@conform-to/react";
import { data, redirect } from "@remix-run/node";
import { notFound } from "~/auth.server";
import { messageWithParams } from "~/i18n";
import type { WriteResult } from "~/models/write.server";
import { replyOf } from "~/utils/form-guard.server";

export interface ConflictInfo {
  current: Record<string, unknown>;
  version: number;
  by: string | null;
  at: string;
}

export function formReply<T>(
  formId: string,
  submission: Submission<unknown>,
  result: WriteResult<T>,
  successTo: string,
) {
  if (result.ok) return redirect(successTo);
  switch (result.reason) {
    case "not-found":
      notFound();
    // falls through: notFound never returns
    case "forbidden":
      return data(
        { formId, result: replyOf(submission, { formErrors: ["form.forbidden"] }), conflict: null },
        { status: 403 },
      );
    case "invalid":
      return data(
        {
          formId,
          result: replyOf(submission, {
            fieldErrors: { [result.field]: [messageWithParams(result.message, result.params)] },
          }),
          conflict: null,
        },
        { status: 400 },
      );
    case "conflict": {
      const conflict: ConflictInfo = {
        current: result.current,
        version: result.version,
        by: result.by,
        at: result.at,
      };
      return data(
        { formId, result: replyOf(submission, { formErrors: ["form.conflict"] }), conflict },
        { status: 409 },
      );
    }
  }
}

/** A schema failure: 400 with what was typed, for the form that sent it. */
export function invalidReply(formId: string, submission: Submission<unknown>) {
  return data({ formId, result: replyOf(submission), conflict: null }, { status: 400 });
}
