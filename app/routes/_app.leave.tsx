import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Fragment } from "react";
import { notFound, requireViewer } from "~/auth.server";
import { DemoBadge } from "~/components/badges";
import { FieldErrors } from "~/components/field-errors";
import { InputField, TextareaField } from "~/components/form-fields";
import { EditForm, useEditForm, type FormReply } from "~/components/form-reply";
import { SavedNotice } from "~/components/saved-notice";
import { TableRegion } from "~/components/table-region";
import { formatDate, formatDateTime, useLocale, useT } from "~/i18n";
import {
  cancelLeave,
  decideLeave,
  leaveOverview,
  myLeave,
  reportBack,
  requestLeave,
  type LeaveRecord,
} from "~/models/leave.server";
import { hasAnywhere } from "~/permissions";
import {
  LeaveCancelSchema,
  LeaveDecisionSchema,
  LeaveRequestSchema,
  LeaveReturnSchema,
  parseWithZod,
} from "~/schemas/forms.server";
import { today } from "~/utils/dates";
import { formReply, invalidReply } from "~/utils/form-reply.server";
import { pageTitle } from "~/utils/meta";
import { teamRulesOn } from "~/models/county-rules.server";
import { readForm } from "~/utils/form-guard.server";
import { newId } from "../../db/ids";

export const meta: MetaFunction = (args) => pageTitle(args, "leave.title");

/** A cadre's own leave, and for townships and the county the requests they oversee and decide. */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const oversees = hasAnywhere(viewer, "approve:leave") || hasAnywhere(viewer, "read:attendance");
  if (!viewer.cadreId && !oversees) notFound();
  const rules = await teamRulesOn();
  const [mine, overview] = await Promise.all([myLeave(viewer), leaveOverview(viewer)]);
  return {
    today: today(),
    // A fresh id with every render of the form: the same request sent twice makes one leave request.
    requestId: newId(),
    isCadre: viewer.cadreId !== null,
    // A read-only overseer (the county viewer) follows leave but decides none.
    decides: hasAnywhere(viewer, "approve:leave"),
    townshipMax: rules.townshipLeaveMaxDays,
    mine,
    overview,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  const formData = await readForm(request, [
    LeaveRequestSchema,
    LeaveDecisionSchema,
    LeaveCancelSchema,
    LeaveReturnSchema,
  ]);
  const intent = formData.get("intent");
  if (intent === "request") {
    const submission = parseWithZod(formData, { schema: LeaveRequestSchema });
    if (submission.status !== "success") return invalidReply("leave", submission);
    const result = await requestLeave(viewer, submission.value, await teamRulesOn());
    return formReply("leave", submission, result, "/leave?saved=leave-requested");
  }
  if (intent === "approve" || intent === "reject") {
    const submission = parseWithZod(formData, { schema: LeaveDecisionSchema });
    const formId = `decide-${String(formData.get("id"))}`;
    if (submission.status !== "success") return invalidReply(formId, submission);
    const result = await decideLeave(viewer, submission.value.id, {
      decision: submission.value.intent,
      note: submission.value.note,
      version: submission.value.version,
    });
    return formReply(formId, submission, result, `/leave?saved=leave-${submission.value.intent}`);
  }
  if (intent === "cancel") {
    const submission = parseWithZod(formData, { schema: LeaveCancelSchema });
    if (submission.status !== "success") return invalidReply("cancel", submission);
    const result = await cancelLeave(viewer, submission.value.id);
    return formReply(
      `cancel-${submission.value.id}`,
      submission,
      result,
      "/leave?saved=leave-cancelled",
    );
  }
  if (intent === "report-back") {
    const submission = parseWithZod(formData, { schema: LeaveReturnSchema });
    const formId = `back-${String(formData.get("id"))}`;
    if (submission.status !== "success") return invalidReply(formId, submission);
    const result = await reportBack(viewer, submission.value.id, submission.value.returnedOn);
    return formReply(formId, submission, result, "/leave?saved=leave-back");
  }
  throw new Response("Unknown intent", { status: 400 });
}

export default function LeavePage() {
  const t = useT();
  const data = useLoaderData<typeof loader>();
  const reply = useActionData<FormReply>();
  const cancelErrors = reply?.formId.startsWith("cancel-")
    ? Object.values(reply.result.error ?? {}).flatMap((e) => e ?? [])
    : [];
  const deciding = data.overview.pending.filter((p) => p.canDecide);
  const waiting = data.overview.pending.filter((p) => !p.canDecide);
  return (
    <div className="stack-lg">
      <header className="page-head">
        <h1>{t("leave.title")}</h1>
        <p className="muted">{t("leave.rule", { days: data.townshipMax })}</p>
      </header>
      <SavedNotice />
      <div role="alert">
        <FieldErrors errors={cancelErrors} />
      </div>
      {data.isCadre ? (
        <>
          <section className="card stack" aria-labelledby="request-heading">
            <h2 id="request-heading">{t("leave.request")}</h2>
            <LeaveRequestForm today={data.today} requestId={data.requestId} />
          </section>
          <section className="stack" aria-labelledby="mine-heading">
            <h2 id="mine-heading">{t("leave.mine")}</h2>
            {data.mine.length ? (
              <LeaveTable rows={data.mine} today={data.today} own />
            ) : (
              <p className="muted">{t("leave.none")}</p>
            )}
          </section>
        </>
      ) : null}
      {!data.isCadre ? (
        <>
          {data.decides ? (
            <section className="stack" aria-labelledby="decide-heading">
              <h2 id="decide-heading">{t("leave.toDecide", { count: deciding.length })}</h2>
              {deciding.length ? (
                <LeaveTable rows={deciding} today={data.today} />
              ) : (
                <p className="muted">{t("leave.nothingToDecide")}</p>
              )}
            </section>
          ) : (
            <section className="stack" aria-labelledby="pending-heading">
              <h2 id="pending-heading">{t("leave.pending", { count: waiting.length })}</h2>
              {waiting.length ? (
                <LeaveTable rows={waiting} today={data.today} />
              ) : (
                <p className="muted">{t("leave.nonePending")}</p>
              )}
            </section>
          )}
          {data.decides && waiting.length ? (
            <section className="stack" aria-labelledby="waiting-heading">
              <h2 id="waiting-heading">{t("leave.waitingElsewhere")}</h2>
              <LeaveTable rows={waiting} today={data.today} />
            </section>
          ) : null}
          <section className="stack" aria-labelledby="recent-heading">
            <h2 id="recent-heading">{t("leave.recent")}</h2>
            <LeaveTable rows={data.overview.recent} today={data.today} />
          </section>
        </>
      ) : null}
    </div>
  );
}

function LeaveRequestForm({ today, requestId }: { today: string; requestId: string }) {
  const t = useT();
  const { form, fields, reply } = useEditForm("leave", () =>
    import("~/schemas/forms").then((m) => m.LeaveRequestSchema),
  );
  return (
    <EditForm
      form={form}
      formId="leave"
      intent="request"
      hidden={{ requestId }}
      reply={reply}
      stayInPlace={false}
      clearOnSuccess
      submitLabel={t("leave.submit")}
    >
      <InputField field={fields.startsOn} type="date" label={t("leave.startsOn")} min={today} />
      <InputField field={fields.endsOn} type="date" label={t("leave.endsOn")} min={today} />
      <TextareaField field={fields.reason} label={t("leave.reason")} className="wide" rows={2} />
    </EditForm>
  );
}

function LeaveTable({
  rows,
  today,
  own = false,
}: {
  rows: LeaveRecord[];
  today: string;
  own?: boolean;
}) {
  const t = useT();
  const locale = useLocale();
  return (
    <TableRegion label={t("leave.title")}>
      <thead>
        <tr>
          {own ? null : <th scope="col">{t("leave.col.cadre")}</th>}
          <th scope="col">{t("leave.col.dates")}</th>
          <th scope="col">{t("leave.reason")}</th>
          <th scope="col">{t("leave.col.route")}</th>
          <th scope="col">{t("leave.col.status")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((l) => {
          const cancel = own && l.status === "pending";
          const back = own && l.status === "approved" && !l.returnedOn && l.startsOn < today;
          return (
            <Fragment key={l.id}>
              <tr id={`leave-${l.id}`}>
                {own ? null : (
                  <th scope="row">
                    <Link to={`/cadres/${l.cadre.id}`}>{l.cadre.name}</Link>{" "}
                    <DemoBadge source={l.cadre.nameSource} />
                    <br />
                    <span className="small muted">
                      {l.team.township} · <Link to={`/teams/${l.team.id}`}>{l.team.village}</Link>
                    </span>
                  </th>
                )}
                <td data-label={t("leave.col.dates")}>
                  {formatDate(locale, l.startsOn)} – {formatDate(locale, l.endsOn)}
                  <br />
                  <span className="small muted">{t("leave.days", { days: l.days })}</span>
                </td>
                <td data-label={t("leave.reason")}>{l.reason}</td>
                <td data-label={t("leave.col.route")}>{t(`leave.route.${l.route}`)}</td>
                <td data-label={t("leave.col.status")}>
                  {t(`leave.status.${l.status}`)}
                  {l.decidedBy ? (
                    <span className="small muted">
                      <br />
                      {l.decidedBy}
                      {l.decidedAt ? ` · ${formatDateTime(locale, l.decidedAt)}` : ""}
                    </span>
                  ) : null}
                  {l.decisionNote ? (
                    <span className="small">
                      <br />
                      {l.decisionNote}
                    </span>
                  ) : null}
                  {l.returnedOn ? (
                    <span className="small">
                      <br />
                      {t("leave.returnedOn", { date: formatDate(locale, l.returnedOn) })}
                    </span>
                  ) : null}
                </td>
              </tr>
              {l.canDecide || cancel || back ? (
                // Actions on their own full-width row: on a phone the table scrolls sideways, and the
                // decision must not sit off-screen at the far right.
                <tr className="row-actions">
                  <td colSpan={own ? 4 : 5}>
                    <span className="visually-hidden">
                      {own ? "" : `${l.cadre.name} `}
                      {formatDate(locale, l.startsOn)} – {formatDate(locale, l.endsOn)}
                    </span>
                    {l.canDecide ? <DecisionForm leave={l} /> : null}
                    {cancel ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="cancel" />
                        <input type="hidden" name="formId" value={`cancel-${l.id}`} />
                        <input type="hidden" name="id" value={l.id} />
                        <button type="submit" className="button">
                          {t("leave.cancel")}
                        </button>
                      </Form>
                    ) : null}
                    {back ? <ReportBackForm leave={l} today={today} /> : null}
                  </td>
                </tr>
              ) : null}
            </Fragment>
          );
        })}
      </tbody>
    </TableRegion>
  );
}

function DecisionForm({ leave }: { leave: LeaveRecord }) {
  const t = useT();
  const formId = `decide-${leave.id}`;
  const { form, fields, reply } = useEditForm(formId, () =>
    import("~/schemas/forms").then((m) => m.LeaveDecisionSchema),
  );
  return (
    <Form method="post" id={form.id} noValidate className="stack decision-form">
      <input type="hidden" name="formId" value={formId} />
      <input type="hidden" name="id" value={leave.id} />
      <input type="hidden" name="version" value={reply?.conflict?.version ?? leave.version} />
      <InputField field={fields.note} label={t("leave.note")} hint={t("leave.noteHint")} />
      <div role="alert">
        <FieldErrors
          errors={Object.entries(reply?.result.error ?? {})
            .filter(([field]) => field !== "note")
            .flatMap(([, errors]) => errors ?? [])}
        />
      </div>
      <div className="button-row">
        <button type="submit" name="intent" value="approve" className="button button-primary">
          {t("leave.approve")}
        </button>
        <button type="submit" name="intent" value="reject" className="button">
          {t("leave.reject")}
        </button>
      </div>
    </Form>
  );
}

function ReportBackForm({ leave, today }: { leave: LeaveRecord; today: string }) {
  const t = useT();
  const formId = `back-${leave.id}`;
  const { form, fields, reply } = useEditForm(formId, () =>
    import("~/schemas/forms").then((m) => m.LeaveReturnSchema),
  );
  return (
    <EditForm
      form={form}
      formId={formId}
      intent="report-back"
      reply={reply}
      hidden={{ id: leave.id }}
      className="stack"
      submitLabel={t("leave.reportBack")}
    >
      <InputField
        field={fields.returnedOn}
        type="date"
        label={t("leave.returnedOnLabel")}
        max={today}
        min={leave.startsOn}
      />
    </EditForm>
  );
}
