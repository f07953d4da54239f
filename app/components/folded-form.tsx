/**
 * The edit form folded under its summary. Apart from form-reply.tsx, and without Conform: a page
 * whose forms are all folded (a village's plan) loads them, and Conform, only when one is opened
 * (decision 018).
 */
import { Link, useActionData, useSearchParams } from "@remix-run/react";
import { Suspense, useEffect, useRef, useState, type ReactNode } from "react";
import { useT } from "~/i18n";

/**
 * An edit form folded under its summary ("编辑"), drawn only once it is opened. A page such as a
 * village's plan has a form for every item, and the reader opens one or none: drawing them all
 * made the plan 80 KB of HTML and 1,100 elements for the phone to parse, lay out and hydrate.
 *
 * With JavaScript, opening the fold draws the live form in place. Without it (or before the
 * scripts have arrived), the open fold holds a link to the same page with `?edit=<formId>`, where
 * the server draws that one form, open, at its item (`#<formId>`); it posts as any form does. A
 * form with a reply (errors, a conflict) is open and drawn from the start. A fold opened before
 * the scripts ran is drawn when they do.
 *
 * `children` is the form component (it calls useEditForm itself), so nothing of it runs while
 * folded. It may be a lazy component (app/utils/lazy-component.ts: the plan's editors, with
 * Conform, load when a fold is first opened): the fold says "loading" until it arrives.
 */
export function FoldedForm({
  formId,
  summary,
  children,
}: {
  formId: string;
  summary: ReactNode;
  children: ReactNode;
}) {
  const t = useT();
  const [params] = useSearchParams();
  const asked = params.get("edit") === formId;
  // A reply to this form (errors, a conflict; form-reply.tsx's useFormReply, without its module).
  const replied = useActionData<{ formId?: string }>()?.formId === formId;
  const open = replied || asked;
  const ref = useRef<HTMLDetailsElement>(null);
  const [opened, setOpened] = useState(false);
  useEffect(() => {
    if (ref.current?.open) setOpened(true);
  }, []);
  const editHref = new URLSearchParams(params);
  editHref.set("edit", formId);
  return (
    <details
      className="edit"
      open={open}
      ref={ref}
      onToggle={(event) => {
        if (event.currentTarget.open) setOpened(true);
      }}
    >
      <summary>{summary}</summary>
      {opened || open ? (
        <Suspense fallback={<p className="small muted">{t("form.loadingEditor")}</p>}>
          {children}
        </Suspense>
      ) : (
        <p className="small">
          <Link to={{ search: `?${editHref}`, hash: formId }}>{t("form.openEditor")}</Link>
        </p>
      )}
    </details>
  );
}
