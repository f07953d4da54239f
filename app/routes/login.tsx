import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import {
  Form,
  useActionData,
  useLocation,
  useNavigation,
  useRouteLoaderData,
  useSearchParams,
} from "@remix-run/react";
import { createUserSession, getOptionalViewer, safeRedirect } from "~/auth.server";
import { FieldErrors } from "~/components/field-errors";
import { useLocale, useT } from "~/i18n";
import { verifyLogin } from "~/models/user.server";
import type { loader as rootLoader } from "~/root";
import { LoginSchema } from "~/schemas/login";
import { useEffect, useRef } from "react";
import type { z } from "zod";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "login.title");

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getOptionalViewer(request)) throw redirect("/");
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: LoginSchema });
  if (submission.status !== "success") {
    return data(submission.reply({ hideFields: ["password"] }), { status: 400 });
  }
  const { username, password, redirectTo } = submission.value;
  const user = await verifyLogin(username, password);
  if (!user) {
    // One message for an unknown user and a wrong password alike.
    return data(submission.reply({ formErrors: ["login.failed"], hideFields: ["password"] }), {
      status: 400,
    });
  }
  return createUserSession(request, user, safeRedirect(redirectTo));
}

export default function Login() {
  const t = useT();
  const locale = useLocale();
  const demo = useRouteLoaderData<typeof rootLoader>("root")?.demo;
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const location = useLocation();
  const navigation = useNavigation();
  const [form, fields] = useForm<z.input<typeof LoginSchema>>({
    id: "login",
    lastResult,
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: LoginSchema }),
  });
  // A refused sign-in clears the password, with JavaScript as without (the server never echoes it).
  const passwordRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (lastResult && passwordRef.current) passwordRef.current.value = "";
  }, [lastResult]);
  const submitting = navigation.state === "submitting" && navigation.formAction === "/login";

  return (
    <main className="login-page">
      <div className="login-card">
        <Form method="post" action="/locale" className="login-language">
          <input type="hidden" name="locale" value={locale === "zh-CN" ? "en" : "zh-CN"} />
          <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
          <button type="submit" className="button-link" aria-label={t("locale.switchLabel")}>
            {t("locale.switchTo")}
          </button>
        </Form>
        <p className="login-brand">
          <img src="/favicon.svg" alt="" width={36} height={36} />
          <span>{t("app.name")}</span>
        </p>
        <h1>{t("login.title")}</h1>
        <p className="muted">{t("login.intro")}</p>
        <Form method="post" {...getFormProps(form)} className="stack">
          <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? "/"} />
          <div id={form.errorId} role="alert" aria-live="polite">
            <FieldErrors errors={form.errors} />
          </div>
          <div className="field">
            <label htmlFor={fields.username.id}>{t("login.username")}</label>
            <input
              {...getInputProps(fields.username, { type: "text" })}
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
            />
            <FieldErrors id={fields.username.errorId} errors={fields.username.errors} />
          </div>
          <div className="field">
            <label htmlFor={fields.password.id}>{t("login.password")}</label>
            <input
              ref={passwordRef}
              {...getInputProps(fields.password, { type: "password" })}
              autoComplete="current-password"
            />
            <FieldErrors id={fields.password.errorId} errors={fields.password.errors} />
          </div>
          <button type="submit" className="button button-primary" disabled={submitting}>
            {submitting ? t("login.submitting") : t("login.submit")}
          </button>
        </Form>
        {demo ? <p className="muted small">{t("login.demoHint")}</p> : null}
      </div>
    </main>
  );
}
