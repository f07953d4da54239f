import { getFormProps, getInputProps } from "@conform-to/react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireViewer, safeRedirect } from "~/auth.server";
import { FieldErrors } from "~/components/field-errors";
import { SaveButton, useEditForm } from "~/components/form-reply";
import { useT } from "~/i18n";
import { changePassword } from "~/models/account.server";
import { ChangePasswordSchema, parseWithZod } from "~/schemas/forms.server";
import { MIN_PASSWORD_LENGTH } from "~/utils/accounts";
import { formReply, invalidReply } from "~/utils/form-reply.server";
import { pageTitle } from "~/utils/meta";
import { readForm } from "~/utils/form-guard.server";

export const meta: MetaFunction = (args) => pageTitle(args, "account.password.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  return { mustChange: viewer.mustChangePassword === true };
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  const submission = parseWithZod(await readForm(request, ChangePasswordSchema), {
    schema: ChangePasswordSchema,
  });
  if (submission.status !== "success") return invalidReply("password", submission);
  const { current, next, redirectTo } = submission.value;
  const result = await changePassword(viewer, current, next);
  return formReply(
    "password",
    submission,
    result,
    viewer.mustChangePassword ? safeRedirect(redirectTo) : "/account/password?saved=password",
  );
}

export default function ChangePassword() {
  const t = useT();
  const { mustChange } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const { form, fields } = useEditForm("password", () =>
    import("~/schemas/forms").then((m) => m.ChangePasswordSchema),
  );
  const saved = searchParams.get("saved") === "password";
  const input = (field: typeof fields.current, label: string, autoComplete: string) => (
    <div className="field">
      <label htmlFor={field.id}>{label}</label>
      <input
        {...getInputProps(field, { type: "password" })}
        key={field.key}
        autoComplete={autoComplete}
      />
      <FieldErrors id={field.errorId} errors={field.errors} />
    </div>
  );
  return (
    <article className="stack-lg narrow">
      <header className="page-head">
        <h1>{t("account.password.title")}</h1>
        <p className="muted">
          {mustChange ? t("account.password.mustChange") : t("account.password.intro")}
        </p>
      </header>
      {saved ? (
        <p role="status" className="saved">
          {t("account.password.saved")}
        </p>
      ) : null}
      <Form method="post" {...getFormProps(form)} className="card form-grid">
        <input type="hidden" name="formId" value="password" />
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? "/"} />
        {input(
          fields.current,
          mustChange ? t("account.password.oneTime") : t("account.password.current"),
          "current-password",
        )}
        {input(
          fields.next,
          t("account.password.next", { min: MIN_PASSWORD_LENGTH }),
          "new-password",
        )}
        {input(fields.confirm, t("account.password.confirm"), "new-password")}
        <FieldErrors id={form.errorId} errors={form.errors} />
        <div>
          <SaveButton formId="password" label={t("account.password.save")} />
        </div>
      </Form>
    </article>
  );
}
