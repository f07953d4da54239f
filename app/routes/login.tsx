import { realMs } from "~/utils/clock";
import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import {
  data,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import {
  Form,
  useActionData,
  useLoaderData,
  useLocation,
  useNavigation,
  useRouteLoaderData,
  useSearchParams,
} from "@remix-run/react";
import { DEMO_ACCOUNTS } from "../../db/seed/demo-accounts";
import { createUserSession, getOptionalViewer, isEndReason, safeRedirect } from "~/auth.server";
import { FieldErrors } from "~/components/field-errors";
import { useClientValidation } from "~/components/form-reply";
import { formatDateTime, formatList, messageWithParams, useLocale, useT } from "~/i18n";
import { resolveLocale } from "~/i18n/locale.server";
import { signIn } from "~/models/login.server";
import { getSettings } from "~/models/settings.server";
import type { loader as rootLoader } from "~/root";
import { LoginSchema, parseWithZod } from "~/schemas/forms.server";
import { useEffect, useRef } from "react";
import type { z } from "zod";
import { pageTitle } from "~/utils/meta";
import { secureCookieDropped } from "~/utils/cookie-security";
import { secureCookies } from "~/session.server";
import { readForm, replyOf } from "~/utils/form-guard.server";

export const meta: MetaFunction = (args) => pageTitle(args, "login.title");

/** A refused sign-in's Retry-After (locked, busy) reaches a plain form post too, not only fetches. */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retry = actionHeaders.get("Retry-After");
  return retry ? { "Retry-After": retry } : new Headers();
};

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getOptionalViewer(request)) throw redirect("/");
  const ended = new URL(request.url).searchParams.get("ended");
  const settings = await getSettings();
  return {
    ended: isEndReason(ended) && ended !== "logout" ? ended : null,
    // Over plain HTTP at a LAN address the browser would drop the session cookie: say so now.
    insecure: secureCookieDropped(new URL(request.url), secureCookies),
    limits: {
      sharedIdleMinutes: settings["session.shared.idleMinutes"],
      deviceIdleDays: settings["session.device.idleDays"],
      deviceMaxDays: settings["session.device.maxDays"],
    },
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const formData = await readForm(request, LoginSchema);
  const submission = parseWithZod(formData, { schema: LoginSchema });
  if (submission.status !== "success") {
    return data(replyOf(submission, { hideFields: ["password"] }), { status: 400 });
  }
  if (secureCookieDropped(new URL(request.url), secureCookies)) {
    // Checking the password would only sign in to a cookie the browser throws away.
    return data(
      replyOf(submission, { formErrors: ["login.insecureHttp"], hideFields: ["password"] }),
      {
        status: 400,
      },
    );
  }
  const { username, password, redirectTo, device } = submission.value;
  const result = await signIn(username, password);
  if (result.ok) {
    return createUserSession(
      request,
      result.user,
      safeRedirect(redirectTo),
      device ? "device" : "shared",
    );
  }
  const locale = await resolveLocale(request);
  // One message for an unknown user and a wrong password alike; a lock names when it ends.
  const [message, status, retryAfter] =
    result.reason === "locked"
      ? [
          messageWithParams("login.locked", { time: formatDateTime(locale, result.until) }),
          429,
          Math.max(1, Math.ceil((Date.parse(result.until) - realMs()) / 1000)),
        ]
      : result.reason === "busy"
        ? ["login.busy", 503, 5]
        : ["login.failed", 400, null];
  return data(replyOf(submission, { formErrors: [message], hideFields: ["password"] }), {
    status,
    headers: retryAfter ? { "Retry-After": String(retryAfter) } : undefined,
  });
}

export default function Login() {
  const t = useT();
  const locale = useLocale();
  const demo = useRouteLoaderData<typeof rootLoader>("root")?.demo;
  const lastResult = useActionData<typeof action>();
  const { ended, insecure, limits } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const location = useLocation();
  const navigation = useNavigation();
  const validation = useClientValidation(() =>
    import("~/schemas/forms").then((m) => m.LoginSchema),
  );
  const [form, fields] = useForm<z.input<typeof LoginSchema>>({
    id: "login",
    lastResult,
    ...validation,
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
        <Form method="post" action="/locale" className="login-language" reloadDocument>
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
        {insecure ? (
          <p className="error-box" role="alert">
            {t("login.insecureHttp")}
          </p>
        ) : null}
        {ended ? (
          <p className="notice" role="status">
            {t(`login.ended.${ended}`)}
          </p>
        ) : null}
        <Form method="post" {...getFormProps(form)} className="stack">
          <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? "/"} />
          <div id={form.errorId} role="alert" aria-live="polite">
            {/* The page already says why signing in cannot work here: not twice. */}
            <FieldErrors
              errors={
                insecure ? form.errors?.filter((e) => e !== "login.insecureHttp") : form.errors
              }
            />
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
          <div className="field">
            <label className="checkbox">
              <input
                {...getInputProps(fields.device, { type: "checkbox", value: "on" })}
                aria-describedby={`${fields.device.id}-help`}
              />
              {t("login.device")}
            </label>
            <p id={`${fields.device.id}-help`} className="muted small">
              {t("login.deviceHelp", limits)}
            </p>
          </div>
          <button type="submit" className="button button-primary" disabled={submitting}>
            {submitting ? t("login.submitting") : t("login.submit")}
          </button>
        </Form>
        {demo ? (
          <p className="muted small">
            {t("login.demoHint", {
              accounts: formatList(
                locale,
                DEMO_ACCOUNTS.map((a) => a.username),
              ),
            })}
          </p>
        ) : null}
      </div>
    </main>
  );
}
