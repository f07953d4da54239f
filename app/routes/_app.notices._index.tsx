import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useFetcher, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import { requireViewer } from "~/auth.server";
import { DemoBadge } from "~/components/badges";
import { FieldErrors } from "~/components/field-errors";
import { InputField, SelectField, TextareaField } from "~/components/form-fields";
import { EditForm, useEditForm, useFormReply } from "~/components/form-reply";
import { SavedNotice } from "~/components/saved-notice";
import { formatDateTime, formatLocalDateTime, useLocale, useT } from "~/i18n";
import {
  addressableCounts,
  addressableTeams,
  listNotices,
  sendNotice,
  type NoticeSummary,
} from "~/models/notice.server";
import { listTownshipOptions } from "~/models/township.server";
import { hasAnywhere, hasCountyWide } from "~/permissions";
import { NoticeSchema, parseWithZod } from "~/schemas/forms.server";
import { NOTICE_KINDS } from "../../db/schema";
import { formReply, invalidReply } from "~/utils/form-reply.server";
import { pageTitle } from "~/utils/meta";
import { readForm } from "~/utils/form-guard.server";
import { newId } from "../../db/ids";

export const meta: MetaFunction = (args) => pageTitle(args, "notice.title");

/** Teams listed as checkboxes at once; past this, a township's at a time. */
const TEAMS_IN_ONE_LIST = 200;

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const canPost = hasAnywhere(viewer, "post:notice");
  const county = hasCountyWide(viewer, "post:notice");
  const [notices, counts, townships] = await Promise.all([
    listNotices(viewer),
    canPost ? addressableCounts(viewer) : Promise.resolve<Record<string, number>>({}),
    county ? listTownshipOptions(viewer) : [],
  ]);
  // A county's teams are one list of checkboxes; a province's thousands are picked a township at
  // a time (`?pick=`; with JavaScript the form asks for them without leaving the page).
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  const oneList = total <= TEAMS_IN_ONE_LIST;
  // An id is at most 64 characters: a longer value is no township, and is not sent back.
  const pick = (new URL(request.url).searchParams.get("pick") ?? "").slice(0, 64);
  const teams = !canPost
    ? []
    : oneList
      ? await addressableTeams(viewer)
      : pick
        ? await addressableTeams(viewer, pick)
        : [];
  return {
    ...notices,
    canPost,
    county,
    teams,
    oneList,
    pick,
    counts,
    total,
    townships,
    requestId: newId(),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  const submission = parseWithZod(await readForm(request, NoticeSchema), { schema: NoticeSchema });
  if (submission.status !== "success") return invalidReply("notice", submission);
  const result = await sendNotice(viewer, submission.value);
  return formReply(
    "notice",
    submission,
    result,
    result.ok ? `/notices/${result.value}?saved=notice` : "",
  );
}

export default function NoticesPage() {
  const t = useT();
  const data = useLoaderData<typeof loader>();
  const composeReply = useFormReply("notice");
  return (
    <div className="stack-lg">
      <header className="page-head">
        <h1>{t("notice.title")}</h1>
      </header>
      <SavedNotice />
      {data.received.length || !data.canPost ? (
        <section className="stack" aria-labelledby="received">
          <h2 id="received">{t("notice.received")}</h2>
          <NoticeList notices={data.received} showRead />
        </section>
      ) : null}
      {data.canPost ? (
        <details className="card disclosure" id="compose" open={Boolean(composeReply)}>
          <summary>{t("notice.compose")}</summary>
          <ComposeForm
            county={data.county}
            teams={data.teams}
            oneList={data.oneList}
            pick={data.pick}
            counts={data.counts}
            total={data.total}
            townships={data.townships}
            requestId={data.requestId}
          />
        </details>
      ) : null}
      {data.canPost || data.sent.length ? (
        <section className="stack" aria-labelledby="sent">
          <h2 id="sent">{data.county ? t("notice.sentCounty") : t("notice.sentTownship")}</h2>
          <NoticeList notices={data.sent} />
        </section>
      ) : null}
      {data.fromTownships.length ? (
        <section className="stack" aria-labelledby="from-townships">
          <h2 id="from-townships">{t("notice.fromTownships")}</h2>
          <NoticeList notices={data.fromTownships} />
        </section>
      ) : null}
    </div>
  );
}

function NoticeList({
  notices,
  showRead = false,
}: {
  notices: NoticeSummary[];
  showRead?: boolean;
}) {
  const t = useT();
  const locale = useLocale();
  if (!notices.length) return <p className="muted">{t("notice.none")}</p>;
  return (
    <ul className="notice-list">
      {notices.map((n) => (
        <li key={n.id} className={`card${showRead && !n.readAt ? " unread" : ""}`}>
          <p>
            {showRead && !n.readAt ? (
              <span className="badge badge-unmet">{t("notice.unread")}</span>
            ) : null}{" "}
            <span className="badge">{t(`notice.kind.${n.kind}`)}</span>{" "}
            <Link to={`/notices/${n.id}`}>
              <strong>{n.title}</strong>
            </Link>{" "}
            <DemoBadge source={n.nameSource} />
          </p>
          <p className="small muted">
            {n.senderTownship ?? t("notice.fromCounty")}
            {n.sender ? ` · ${n.sender}` : ""} · {formatDateTime(locale, n.createdAt)}
            {n.meetingAt
              ? ` · ${t("notice.meetingAt", { when: formatLocalDateTime(locale, n.meetingAt) })}`
              : ""}
            {n.place ? ` · ${n.place}` : ""}
            {n.teams !== undefined
              ? ` · ${t("notice.readBy", { read: n.teamsRead ?? 0, teams: n.teams })}`
              : ""}
          </p>
        </li>
      ))}
    </ul>
  );
}

function ComposeForm({
  county,
  teams: firstTeams,
  oneList,
  pick,
  counts,
  total,
  townships,
  requestId,
}: {
  county: boolean;
  teams: { id: string; village: string; township_id: string; township: string }[];
  /** Whether `teams` are all the sender's teams, or those of the township `pick`. */
  oneList: boolean;
  pick: string;
  counts: Record<string, number>;
  total: number;
  townships: { id: string; name: string }[];
  requestId: string;
}) {
  const t = useT();
  // A province's picker: the township's teams, asked for without leaving the form (typed text
  // stays); without JavaScript, a link per township reloads the page with them.
  const picker = useFetcher<typeof loader>();
  const teams = picker.data?.teams ?? firstTeams;
  const pickedTownship = picker.data?.pick ?? pick;
  const initialAudience = county ? "all" : "township";
  // A plain announcement is the everyday notice; a meeting asks for its time and place.
  const { form, fields, reply } = useEditForm(
    "notice",
    () => import("~/schemas/forms").then((m) => m.NoticeSchema),
    {
      kind: "announcement",
      audience: initialAudience,
    },
  );
  const [kind, setKind] = useState<string>(String(fields.kind.initialValue ?? "announcement"));
  const [audience, setAudience] = useState<string>(
    String(fields.audience.initialValue ?? initialAudience),
  );
  const [township, setTownship] = useState<string>(String(fields.townshipId.initialValue ?? ""));
  const [picked, setPicked] = useState<number>(0);
  const byTownship = new Map<string, typeof teams>();
  for (const team of teams) {
    const list = byTownship.get(team.township) ?? [];
    list.push(team);
    byTownship.set(team.township, list);
  }
  const audiences = county
    ? (["all", "township", "teams"] as const)
    : (["township", "teams"] as const);
  // How many teams it goes to, as the sender chooses (the server counts again when it is sent).
  const goesTo =
    audience === "all"
      ? total
      : audience === "township"
        ? county
          ? (counts[township] ?? 0)
          : total
        : picked;
  // The server's question stays until the next send (live validation would clear it on a click).
  const confirmQuestion = reply?.result.error?.confirmed ?? undefined;
  return (
    <EditForm
      form={form}
      formId="notice"
      intent="send"
      hidden={{ requestId }}
      reply={reply}
      stayInPlace={false}
      clearOnSuccess
      submitLabel={t("notice.send")}
    >
      <SelectField
        field={fields.kind}
        label={t("notice.kindLabel")}
        options={NOTICE_KINDS.map((k) => ({ value: k, label: t(`notice.kind.${k}`) }))}
        onChange={(e) => setKind(e.currentTarget.value)}
      />
      <InputField field={fields.title} label={t("notice.titleLabel")} className="wide" />
      <TextareaField field={fields.body} label={t("notice.body")} className="wide" rows={5} />
      {/* Without JavaScript both show, with the hint saying when they are needed. */}
      <InputField
        field={fields.meetingAt}
        type="datetime-local"
        label={t("notice.meetingAtLabel")}
        hint={t("notice.meetingHint")}
        className={kind === "meeting" ? undefined : "js-collapsed"}
      />
      <InputField
        field={fields.place}
        label={t("notice.place")}
        className={kind === "meeting" ? undefined : "js-collapsed"}
      />
      <fieldset className="field wide">
        <legend>{t("notice.audience")}</legend>
        {audiences.map((a) => (
          <label key={a} className="checkbox">
            <input
              type="radio"
              name={fields.audience.name}
              value={a}
              defaultChecked={a === (fields.audience.initialValue ?? initialAudience)}
              onChange={() => setAudience(a)}
            />{" "}
            {t(`notice.audience.${a}`)}
          </label>
        ))}
        <FieldErrors errors={fields.audience.errors} />
      </fieldset>
      {county ? (
        <SelectField
          field={fields.townshipId}
          label={t("notice.audienceTownship")}
          options={townships.map((o) => ({ value: o.id, label: o.name }))}
          empty=""
          hint={t("notice.audienceTownshipHint")}
          className={audience === "township" ? undefined : "js-collapsed"}
          onChange={(e) => setTownship(e.currentTarget.value)}
        />
      ) : null}
      <fieldset
        className={`field wide team-picker${audience === "teams" ? "" : " js-collapsed"}`}
        onChange={(e) =>
          setPicked(
            e.currentTarget.querySelectorAll<HTMLInputElement>("input[type=checkbox]:checked")
              .length,
          )
        }
      >
        <legend>{t("notice.audienceTeams")}</legend>
        <p className="hint">
          {t("notice.audienceTeamsHint")}
          {oneList ? null : ` ${t("notice.pickTownshipHint")}`}
        </p>
        {oneList ? null : (
          <nav className="township-picker" aria-label={t("notice.pickTownship")}>
            {townships.map((tw) => (
              <Link
                key={tw.id}
                to={`?pick=${tw.id}#compose`}
                aria-current={tw.id === pickedTownship ? "true" : undefined}
                preventScrollReset
                onClick={(event) => {
                  event.preventDefault();
                  setPicked(0);
                  picker.load(`/notices?index&pick=${encodeURIComponent(tw.id)}`);
                }}
              >
                {tw.name} ({counts[tw.id] ?? 0})
              </Link>
            ))}
          </nav>
        )}
        {[...byTownship.entries()].map(([name, list]) => (
          <div key={name} className="team-group">
            <p className="small-heading">{name}</p>
            {list.map((team) => (
              <label key={team.id} className="checkbox">
                <input
                  type="checkbox"
                  name={fields.teamIds.name}
                  value={team.id}
                  defaultChecked={
                    Array.isArray(fields.teamIds.initialValue)
                      ? fields.teamIds.initialValue.includes(team.id)
                      : fields.teamIds.initialValue === team.id
                  }
                />{" "}
                {team.village}
              </label>
            ))}
          </div>
        ))}
        <FieldErrors errors={fields.teamIds.errors} />
      </fieldset>
      <p className="wide js-only" aria-live="polite">
        <strong>{t("notice.goesTo", { teams: goesTo })}</strong>
      </p>
      {confirmQuestion?.length ? (
        <div className="wide notice" role="alert">
          <FieldErrors errors={confirmQuestion} />
          <label className="checkbox">
            <input type="checkbox" name={fields.confirmed.name} value="on" />{" "}
            {t("notice.confirmLabel")}
          </label>
        </div>
      ) : null}
    </EditForm>
  );
}
