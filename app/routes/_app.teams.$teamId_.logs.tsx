import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { DemoBadge } from "~/components/badges";
import {
  InputField,
  SearchableSelectField,
  SelectField,
  TextareaField,
} from "~/components/form-fields";
import { EditForm, useEditForm } from "~/components/form-reply";
import { SavedNotice } from "~/components/saved-notice";
import { db } from "~/db.server";
import { formatDate, useLocale, useT } from "~/i18n";
import { membershipOn, teamTarget } from "~/models/team-roster.server";
import { addLog, logLinkOptions, teamLogs } from "~/models/work-log.server";
import { WorkLogSchema, parseWithZod } from "~/schemas/forms.server";
import { LOG_PLACES } from "../../db/schema";
import { today } from "~/utils/dates";
import { formReply, invalidReply } from "~/utils/form-reply.server";
import { pageTitle } from "~/utils/meta";
import { isMonth, monthRange } from "~/utils/months";
import { readForm } from "~/utils/form-guard.server";
import { newId } from "../../db/ids";
import { queueableAction, skipRevalidationWhenQueued } from "~/outbox/client-action";

export const meta: MetaFunction = (args) => pageTitle(args, "log.title");

/** A team's 民情日记: read by the team, its township and the county; written by its members for themselves. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const teamId = params.teamId ?? "";
  const url = new URL(request.url);
  const on = today();
  const month = isMonth(url.searchParams.get("month"))
    ? url.searchParams.get("month")!
    : on.slice(0, 7);
  const { first, last } = monthRange(month);
  const logs = await teamLogs(viewer, teamId, { from: first, to: last });
  if (!logs) notFound();
  const team = (await teamTarget(db, teamId))!;
  const own = viewer.cadreId ? await membershipOn(db, viewer.cadreId, on) : null;
  const canWrite = own?.teamId === teamId;
  return {
    team,
    month,
    today: on,
    logs,
    canWrite,
    links: canWrite ? await logLinkOptions(team.villageId) : null,
    requestId: newId(),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  const submission = parseWithZod(await readForm(request, WorkLogSchema), {
    schema: WorkLogSchema,
  });
  if (submission.status !== "success") return invalidReply("log", submission);
  const result = await addLog(viewer, params.teamId ?? "", submission.value);
  const month = submission.value.loggedOn.slice(0, 7);
  return formReply(
    "log",
    submission,
    result,
    `/teams/${params.teamId}/logs?month=${month}&saved=log`,
  );
}

/** With JavaScript: kept on the phone when there is no connection, sent when it returns (app/outbox). */
export const clientAction = queueableAction({ log: "log" });
export const shouldRevalidate = skipRevalidationWhenQueued;

export default function TeamLogs() {
  const t = useT();
  const locale = useLocale();
  const data = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <div className="stack-lg">
      <nav aria-label={t("nav.breadcrumb")} className="breadcrumb">
        <Link to={`/teams/${data.team.teamId}`}>
          {t("team.title", { village: data.team.villageName })}
        </Link>
      </nav>
      <header className="page-head">
        <h1>{t("log.titleFor", { village: data.team.villageName })}</h1>
      </header>
      <SavedNotice />
      {data.canWrite && data.links ? (
        <section className="card stack" aria-labelledby="new-log">
          <h2 id="new-log">{t("log.write")}</h2>
          <LogForm today={data.today} links={data.links} requestId={data.requestId} />
        </section>
      ) : null}
      <Form method="get" className="filters" aria-label={t("log.filter")}>
        <div className="field">
          <label htmlFor="log-month">{t("log.month")}</label>
          <input
            id="log-month"
            type="month"
            name="month"
            defaultValue={params.get("month") ?? data.month}
          />
        </div>
        <button type="submit" className="button">
          {t("villages.filter.apply")}
        </button>
      </Form>
      <section aria-labelledby="entries" className="stack">
        <h2 id="entries">{t("log.entries", { count: data.logs.length })}</h2>
        {data.logs.length ? (
          <ol className="log-list">
            {data.logs.map((l) => (
              <li key={l.id} className="card">
                <p className="log-meta">
                  <strong>{formatDate(locale, l.loggedOn)}</strong> ·{" "}
                  <Link to={`/cadres/${l.cadre.id}`}>{l.cadre.name}</Link>{" "}
                  <DemoBadge source={l.cadre.nameSource} /> · {t(`log.place.${l.place}`)}{" "}
                  <DemoBadge source={l.nameSource} />
                </p>
                <p className="log-body">{l.body}</p>
                {l.household || l.card ? (
                  <p className="small">
                    {l.household ? (
                      <Link to={`/villages/${l.villageId}/households/${l.household.id}`}>
                        {t("log.household", { name: `${l.household.code} ${l.household.head}` })}
                      </Link>
                    ) : null}
                    {l.household && l.card ? " · " : null}
                    {l.card ? (
                      <Link to={`/cards/${l.card.id}`}>
                        {t(`log.card.${l.card.board}`, { title: l.card.title })}
                      </Link>
                    ) : null}
                  </p>
                ) : null}
              </li>
            ))}
          </ol>
        ) : (
          <p className="muted">{t("log.none")}</p>
        )}
      </section>
    </div>
  );
}

function LogForm({
  today,
  links,
  requestId,
}: {
  today: string;
  requestId: string;
  links: NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["links"]>;
}) {
  const t = useT();
  const { form, fields, reply } = useEditForm(
    "log",
    () => import("~/schemas/forms").then((m) => m.WorkLogSchema),
    {
      loggedOn: today,
      place: "village",
    },
  );
  return (
    <EditForm
      form={form}
      formId="log"
      intent="log"
      hidden={{ requestId }}
      reply={reply}
      stayInPlace={false}
      clearOnSuccess
      submitLabel={t("log.save")}
    >
      <InputField field={fields.loggedOn} type="date" label={t("log.date")} max={today} />
      <SelectField
        field={fields.place}
        label={t("log.placeLabel")}
        options={LOG_PLACES.map((p) => ({ value: p, label: t(`log.place.${p}`) }))}
        hint={t("log.placeHint")}
      />
      <TextareaField field={fields.body} label={t("log.body")} className="wide" rows={4} />
      <SearchableSelectField
        field={fields.householdId}
        label={t("log.linkHousehold")}
        options={links.households.map((h) => ({ value: h.id, label: h.label, search: h.search }))}
        empty={t("log.noLink")}
        searchLabel={t("picker.searchHousehold")}
        matchesLabel={(count) => t("picker.matches", { count })}
      />
      <SelectField
        field={fields.cardId}
        label={t("log.linkCard")}
        options={links.cards.map((c) => ({
          value: c.id,
          label: `${t(`log.cardKind.${c.board}`)} · ${c.title}`,
        }))}
        empty={t("log.noLink")}
      />
    </EditForm>
  );
}
