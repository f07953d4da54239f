import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { logout, requireViewer } from "~/auth.server";
import { SessionList } from "~/components/session-list";
import { useT } from "~/i18n";
import { endOwnSession, endSessionsRecorded, openSessions } from "~/session.server";
import { readForm } from "~/utils/form-guard.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "sessions.title");

/** Where the viewer is signed in: every open session of their account, this one marked. */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  return { sessions: await openSessions(viewer.id, viewer.sessionId) };
}

/** Ends one of the viewer's sessions, or every one but this. */
export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  const form = await readForm(request, ["id"]);
  const intent = form.get("intent");
  if (intent === "end-others") {
    const ended = await endSessionsRecorded(
      { userId: viewer.id, except: viewer.sessionId },
      "user",
      viewer.id,
      { action: "session.end", account: viewer.username, details: { others: true } },
    );
    return redirect(`/account/sessions?ended=${ended}`);
  }
  if (intent === "end") {
    const id = String(form.get("id") ?? "");
    if (id === viewer.sessionId) return logout(request);
    if (!(await endOwnSession(viewer.id, viewer.username, id))) {
      return data({ error: true }, { status: 404 });
    }
    return redirect("/account/sessions?ended=1");
  }
  return data({ error: true }, { status: 400 });
}

export default function MySessions() {
  const t = useT();
  const { sessions } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const ended = Number(params.get("ended") ?? "");
  const busy = useNavigation().state === "submitting";
  return (
    <article className="stack-lg">
      <header className="page-head">
        <h1>{t("sessions.title")}</h1>
        <p className="muted">{t("sessions.intro")}</p>
      </header>
      {Number.isInteger(ended) && ended > 0 ? (
        <p className="notice" role="status">
          {t("sessions.ended", { count: ended })}
        </p>
      ) : null}
      <SessionList sessions={sessions} label={t("sessions.title")} intent="end" />
      {sessions.length > 1 ? (
        <Form method="post">
          <button
            type="submit"
            name="intent"
            value="end-others"
            className="button button-primary"
            disabled={busy}
          >
            {t("sessions.endOthers")}
          </button>
        </Form>
      ) : null}
    </article>
  );
}
