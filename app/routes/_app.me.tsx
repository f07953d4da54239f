import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { CheckInForm, CheckInRefusal } from "~/components/check-in-form";
import { lazyComponent } from "~/utils/lazy-component";
import { Suspense } from "react";
import { MonthCalendar } from "~/components/month-calendar";
import { SavedNotice } from "~/components/saved-notice";
import { db } from "~/db.server";
import { formatDate, formatLocalDateTime, useLocale, useT } from "~/i18n";
import { cadreMonth, checkIn } from "~/models/attendance.server";
import { myLeave } from "~/models/leave.server";
import { listNotices } from "~/models/notice.server";
import { membershipOn } from "~/models/team-roster.server";
import { CheckInSchema, LateCheckInSchema, parseWithZod } from "~/schemas/forms.server";
import { today } from "~/utils/dates";
import { formReply, invalidReply } from "~/utils/form-reply.server";
import { pageTitle } from "~/utils/meta";
import { teamRulesOn } from "~/models/county-rules.server";
import { readForm } from "~/utils/form-guard.server";
import { queueableAction, skipRevalidationWhenQueued } from "~/outbox/client-action";

/**
 * The late entry (folded, with Conform): hydrated from its own chunk after the page (decision 018),
 * asked for as soon as the page's code runs, since most who open /me are cadres who see it.
 */
const LateCheckInForm = lazyComponent(
  () => import("~/components/late-check-in-form").then((m) => m.LateCheckInForm),
  { eager: true },
);

export const meta: MetaFunction = (args) => pageTitle(args, "me.title");

/** A cadre's own page: today's check-in, this month's days, notices and leave. Cadres only. */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  if (!viewer.cadreId) notFound();
  const on = today();
  const month = on.slice(0, 7);
  const rules = await teamRulesOn(on);
  const membership = await membershipOn(db, viewer.cadreId, on);
  const [{ checkIns, villageLogDays, record }, notices, leave] = await Promise.all([
    cadreMonth(viewer.cadreId, membership?.teamId ?? null, month, rules, on),
    listNotices(viewer),
    myLeave(viewer),
  ]);
  const leaveDays = leave
    .filter((l) => l.status === "approved")
    .map((l) => ({ from: l.startsOn, to: l.endsOn, returnedOn: l.returnedOn }));
  return {
    today: on,
    month,
    rule: rules.daysPerMonth,
    membership: membership
      ? {
          teamId: membership.teamId,
          villageId: membership.villageId,
          village: membership.villageName,
        }
      : null,
    checkedInToday: checkIns.find((c) => c.day === on) ?? null,
    checkIns,
    villageLogDays,
    leaveDays,
    record,
    unread: notices.received.filter((n) => n.readAt === null).slice(0, 5),
    leave: leave.filter(
      (l) => l.status === "pending" || (l.status === "approved" && !l.returnedOn),
    ),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  const formData = await readForm(request, [CheckInSchema, LateCheckInSchema]);
  if (formData.get("intent") === "late-check-in") {
    const submission = parseWithZod(formData, { schema: LateCheckInSchema });
    if (submission.status !== "success") return invalidReply("late-check-in", submission);
    const result = await checkIn(viewer, submission.value);
    return formReply("late-check-in", submission, result, "/me?saved=late-check-in");
  }
  const submission = parseWithZod(formData, { schema: CheckInSchema });
  if (submission.status !== "success") return invalidReply("check-in", submission);
  const { lat, lon, madeAt, sentAt, requestId } = submission.value;
  // Queued on the phone without signal: only how long the phone held it is taken from its clock.
  const heldMs =
    madeAt && sentAt ? Math.max(0, Date.parse(sentAt) - Date.parse(madeAt)) : undefined;
  const result = await checkIn(viewer, { lat, lon, heldMs, requestId });
  return formReply("check-in", submission, result, "/me?saved=check-in");
}

/** With JavaScript: kept on the phone when there is no connection, sent when it returns (app/outbox). */
export const clientAction = queueableAction({ "check-in": "check-in" });
export const shouldRevalidate = skipRevalidationWhenQueued;

export default function MyWork() {
  const t = useT();
  const locale = useLocale();
  const data = useLoaderData<typeof loader>();
  const record = data.record;
  return (
    <div className="stack-lg">
      <header className="page-head">
        <h1>{t("me.title")}</h1>
        {data.membership ? (
          <p className="muted">
            {t("me.serving", { village: data.membership.village })} ·{" "}
            <Link to={`/villages/${data.membership.villageId}`}>{t("me.villagePage")}</Link> ·{" "}
            <Link to={`/teams/${data.membership.teamId}`}>{t("me.teamPage")}</Link>
          </p>
        ) : (
          <p className="notice">{t("me.notServing")}</p>
        )}
      </header>
      <SavedNotice />

      <section className="card stack" aria-labelledby="check-in-heading">
        <h2 id="check-in-heading">{t("checkIn.title")}</h2>
        <p className="hint">{t("checkIn.optional")}</p>
        {data.checkedInToday ? <CheckInRefusal /> : null}
        {data.checkedInToday ? (
          <p className="saved" role="status">
            {t("checkIn.doneToday", { date: formatDate(locale, data.today) })}
            {data.checkedInToday.distanceM !== null
              ? ` ${t("checkIn.distance", { km: (data.checkedInToday.distanceM / 1000).toFixed(1) })}`
              : ""}
          </p>
        ) : data.membership ? (
          <CheckInForm />
        ) : null}
        {data.membership ? (
          <Suspense
            fallback={
              // Its fold, as drawn, while the chunk comes (a client navigation to /me).
              <details className="disclosure">
                <summary>{t("checkIn.late")}</summary>
                <p className="small muted">{t("form.loadingEditor")}</p>
              </details>
            }
          >
            <LateCheckInForm today={data.today} />
          </Suspense>
        ) : null}
      </section>

      <section className="card stack" aria-labelledby="month-heading">
        <h2 id="month-heading">{t("me.month")}</h2>
        {record ? (
          <p>
            {t("attendance.soFar", {
              days: record.inVillage,
              expected: record.expected,
              rule: data.rule,
            })}
            {record.leaveDays ? ` ${t("attendance.leaveDays", { days: record.leaveDays })}` : ""}
          </p>
        ) : null}
        <MonthCalendar
          month={data.month}
          today={data.today}
          checkIns={data.checkIns.map((c) => c.day)}
          logDays={data.villageLogDays}
          leave={data.leaveDays}
        />
        <p className="small muted">{t("attendance.explain")}</p>
        {data.membership ? (
          <p>
            <Link to={`/teams/${data.membership.teamId}/logs#new-log`} className="button">
              {t("log.write")}
            </Link>
          </p>
        ) : null}
      </section>

      <section className="card stack" aria-labelledby="notices-heading">
        <h2 id="notices-heading">{t("me.unreadNotices")}</h2>
        {data.unread.length ? (
          <ul className="plain-list">
            {data.unread.map((n) => (
              <li key={n.id}>
                <Link to={`/notices/${n.id}`}>{n.title}</Link>{" "}
                <span className="muted small">
                  {t(`notice.kind.${n.kind}`)}
                  {n.meetingAt ? ` · ${formatLocalDateTime(locale, n.meetingAt)}` : ""}
                </span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{t("me.noUnread")}</p>
        )}
        <p>
          <Link to="/notices">{t("notice.all")}</Link>
        </p>
      </section>

      <section className="card stack" aria-labelledby="leave-heading">
        <h2 id="leave-heading">{t("leave.title")}</h2>
        {data.leave.length ? (
          <ul className="plain-list">
            {data.leave.map((l) => (
              <li key={l.id}>
                {formatDate(locale, l.startsOn)} – {formatDate(locale, l.endsOn)} ·{" "}
                {t(`leave.status.${l.status}`)}
              </li>
            ))}
          </ul>
        ) : null}
        <p>
          <Link to="/leave" className="button">
            {t("leave.request")}
          </Link>
        </p>
      </section>
    </div>
  );
}
