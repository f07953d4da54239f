import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { SavedNotice } from "~/components/saved-notice";
import { SessionList } from "~/components/session-list";
import { db } from "~/db.server";
import { formatDateTime, translateMessage, useLocale, useT } from "~/i18n";
import { accountDetail, resetPassword, setAccountActive } from "~/models/account.server";
import { auditEntries } from "~/models/audit.server";
import { unlock } from "~/models/login.server";
import { hasCountyWide } from "~/permissions";
import { endSessionsRecorded, openSessions } from "~/session.server";
import { readForm } from "~/utils/form-guard.server";
import { auditActionLabel } from "~/utils/audit-actions";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "users.title");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const account = await accountDetail(viewer, params.userId ?? "");
  if (!account) notFound();
  const [sessions, signIns] = await Promise.all([
    openSessions(account.id),
    auditEntries(db, { actor: account.id, action: "auth." }, { limit: 20 }),
  ]);
  return {
    account,
    sessions,
    signIns: signIns.map((e) => ({
      seq: e.seq,
      at: e.at,
      action: e.action,
      outcome: e.outcome,
      ip: e.ip,
    })),
  };
}

type Reply = { credential: { username: string; password: string } } | { error: string };

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  if (!hasCountyWide(viewer, "manage:account")) notFound();
  const account = await accountDetail(viewer, params.userId ?? "");
  if (!account) notFound();
  const form = await readForm(request, ["id"]);
  const back = `/admin/users/${account.id}`;
  switch (form.get("intent")) {
    case "end-session":
    case "end-all": {
      const one = form.get("intent") === "end-session";
      await endSessionsRecorded(
        one ? { ids: [String(form.get("id") ?? "")], userId: account.id } : { userId: account.id },
        "admin",
        viewer.id,
        { action: "session.end", account: account.username },
      );
      return redirect(`${back}?saved=sessionsEnded`);
    }
    case "reset": {
      const result = await resetPassword(viewer, account.id);
      if (result.ok) return data<Reply>({ credential: result.value });
      if (result.reason === "invalid")
        return data<Reply>({ error: result.message }, { status: 409 });
      notFound();
      break;
    }
    case "deactivate":
    case "reactivate": {
      const result = await setAccountActive(
        viewer,
        account.id,
        form.get("intent") === "reactivate",
      );
      if (result.ok) return redirect(`${back}?saved=admin`);
      if (result.reason === "invalid")
        return data<Reply>({ error: result.message }, { status: 409 });
      notFound();
      break;
    }
    case "unlock": {
      await unlock("account", account.username);
      return redirect(`${back}?saved=unlocked`);
    }
  }
  return data<Reply>({ error: "form.invalid" }, { status: 400 });
}

export default function UserPage() {
  const t = useT();
  const locale = useLocale();
  const { account, sessions, signIns } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const button = (intent: string, label: string, primary = false) => (
    <Form method="post">
      <button
        type="submit"
        name="intent"
        value={intent}
        className={primary ? "button button-primary" : "button"}
        disabled={busy}
      >
        {label}
      </button>
    </Form>
  );
  // What cannot be undone with one more click (a new password, an account off, every session
  // ended) asks for one more: a disclosure that says what will happen, then the button.
  const confirmed = (intent: string, label: string, confirm: string) => (
    <details className="disclosure">
      <summary>{label}</summary>
      {button(intent, confirm, true)}
    </details>
  );
  return (
    <article className="stack-lg">
      <p>
        <Link to="/admin/users">← {t("users.title")}</Link>
      </p>
      <header className="page-head">
        <h1>
          {account.displayName} <span className="muted">({account.username})</span>
        </h1>
        <p>
          {t(`role.${account.role}`)}
          {account.township ? ` · ${account.township}` : null} ·{" "}
          {t(account.active ? "admin.status.active" : "admin.status.inactive")}
        </p>
      </header>
      <SavedNotice />
      {reply && "error" in reply ? (
        <p role="alert" className="error-box">
          {translateMessage(t, reply.error)}
        </p>
      ) : null}
      {reply && "credential" in reply ? (
        <section className="card stack" aria-labelledby="reset-title">
          <h2 id="reset-title">{t("users.resetDone")}</h2>
          <p className="conflict" role="alert">
            {t("account.admin.shownOnce")}
          </p>
          <p>
            {t("login.username")}: <strong>{reply.credential.username}</strong>
            <br />
            {t("account.admin.oneTime")}:{" "}
            <strong className="mono">{reply.credential.password}</strong>
          </p>
        </section>
      ) : null}

      {account.lockedUntil ? (
        <section className="card stack" aria-labelledby="lock-title">
          <h2 id="lock-title">{t("users.locked")}</h2>
          <p>{t("users.lockedUntil", { time: formatDateTime(locale, account.lockedUntil) })}</p>
          {button("unlock", t("users.unlock"), true)}
        </section>
      ) : null}

      <section className="stack" aria-labelledby="sessions-title">
        <h2 id="sessions-title">{t("users.openSessions", { count: sessions.length })}</h2>
        {sessions.length ? (
          <>
            <SessionList
              sessions={sessions}
              label={t("users.openSessions", { count: sessions.length })}
              intent="end-session"
            />
            {confirmed(
              "end-all",
              t("users.endAll"),
              t("users.confirm", { action: t("users.endAll") }),
            )}
          </>
        ) : (
          <p className="muted">{t("users.noSessions")}</p>
        )}
      </section>

      <section className="card stack" aria-labelledby="manage-title">
        <h2 id="manage-title">{t("users.manage")}</h2>
        {account.active ? (
          <>
            <p className="muted small">{t("users.resetHint")}</p>
            {confirmed("reset", t("users.reset"), t("users.confirm", { action: t("users.reset") }))}
          </>
        ) : null}
        {account.isSelf ? null : account.cadreId ? (
          <p className="muted small">{t("users.cadreAccount")}</p>
        ) : (
          <>
            <p className="muted small">
              {t(account.active ? "users.deactivateHint" : "users.reactivateHint")}
            </p>
            {account.active
              ? confirmed(
                  "deactivate",
                  t("admin.deactivate"),
                  t("users.confirm", { action: t("admin.deactivate") }),
                )
              : button("reactivate", t("admin.reactivate"))}
          </>
        )}
      </section>

      <section className="stack" aria-labelledby="signins-title">
        <h2 id="signins-title">{t("users.signIns")}</h2>
        <p>
          <Link to={`/admin/audit?actor=${encodeURIComponent(account.username)}`}>
            {t("users.fullAudit")}
          </Link>
        </p>
        {signIns.length ? (
          <ul className="plain-list">
            {signIns.map((e) => (
              <li key={e.seq}>
                {formatDateTime(locale, e.at)} · {t(auditActionLabel(e.action))}
                {e.outcome === "refused" ? ` · ${t("audit.outcome.refused")}` : null} ·{" "}
                {e.ip ?? "—"}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{t("users.noSignIns")}</p>
        )}
      </section>
    </article>
  );
}
