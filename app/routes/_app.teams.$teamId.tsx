import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Suspense } from "react";
import { notFound, requireViewer } from "~/auth.server";
import { DemoBadge, LevelBadge } from "~/components/badges";
import { SavedNotice } from "~/components/saved-notice";
import { MembershipHistoryTable, TeamMembersTable } from "~/components/team-members";
import { db } from "~/db.server";
import { formatDate, useLocale, useT } from "~/i18n";
import { attendanceForTeams } from "~/models/attendance.server";
import { getTeam } from "~/models/team.server";
import {
  assignCadre,
  availableCadres,
  endMembership,
  replaceCadre,
  teamHistory,
} from "~/models/team-roster.server";
import { can } from "~/permissions";
import {
  AssignSchema,
  EndMembershipSchema,
  ReplaceSchema,
  parseWithZod,
} from "~/schemas/forms.server";
import { today } from "~/utils/dates";
import { formReply, invalidReply } from "~/utils/form-reply.server";
import { namedPageTitle, pageTitle } from "~/utils/meta";
import { weekOf } from "~/utils/team-rules";
import { lazyComponent } from "~/utils/lazy-component";
import { teamRulesOn } from "~/models/county-rules.server";
import { readForm } from "~/utils/form-guard.server";

/**
 * The county admin's rotation forms, with Conform: loaded for those who manage the team, not
 * with the page (the team's own members and the township's leaders read it; decision 018). For an
 * admin the server draws them and the browser hydrates them when their chunk has come.
 */
const rotationForms = () => import("~/components/rotation-forms");
const RotationForms = lazyComponent(() => rotationForms().then((m) => m.RotationForms));
const AssignForm = lazyComponent(() => rotationForms().then((m) => m.AssignForm));

export const meta: MetaFunction<typeof loader> = (args) =>
  args.data
    ? pageTitle(args, "team.title", { village: args.data.team.village.name })
    : namedPageTitle(args, undefined);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const team = await getTeam(viewer, params.teamId ?? "");
  if (!team) notFound();
  const target = { townshipId: team.township.id, villageId: team.village.id };
  const full = team.access === "full";
  const on = today();
  const month = on.slice(0, 7);
  const rules = await teamRulesOn(on);
  const manage = can(viewer, "manage:team-roster", target) && team.endedOn === null;
  const [attendance, history, reserve] = await Promise.all([
    full && can(viewer, "read:attendance", target)
      ? attendanceForTeams(db, [team.id], month, rules, on)
      : null,
    full ? teamHistory(team.id) : [],
    manage ? availableCadres() : [],
  ]);
  return {
    team,
    today: on,
    week: weekOf(on),
    rule: rules.daysPerMonth,
    attendance: attendance ? Object.fromEntries(attendance.map((a) => [a.cadreId, a])) : null,
    history,
    manage,
    reserve,
    canReadLogs: full && can(viewer, "read:work-log", target),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  const teamId = params.teamId ?? "";
  const formData = await readForm(request, [AssignSchema, EndMembershipSchema, ReplaceSchema]);
  const intent = formData.get("intent");
  const back = `/teams/${teamId}`;
  if (intent === "assign") {
    const submission = parseWithZod(formData, { schema: AssignSchema });
    if (submission.status !== "success") return invalidReply("assign", submission);
    const result = await assignCadre(viewer, teamId, submission.value);
    return formReply("assign", submission, result, `${back}?saved=assigned`);
  }
  if (intent === "end") {
    const submission = parseWithZod(formData, { schema: EndMembershipSchema });
    const formId = `end-${String(formData.get("membershipId"))}`;
    if (submission.status !== "success") return invalidReply(formId, submission);
    const result = await endMembership(viewer, submission.value.membershipId, submission.value);
    return formReply(formId, submission, result, `${back}?saved=recalled`);
  }
  if (intent === "replace") {
    const submission = parseWithZod(formData, { schema: ReplaceSchema });
    const formId = `replace-${String(formData.get("membershipId"))}`;
    if (submission.status !== "success") return invalidReply(formId, submission);
    const result = await replaceCadre(viewer, submission.value.membershipId, submission.value);
    return formReply(formId, submission, result, `${back}?saved=replaced`);
  }
  throw new Response("Unknown intent", { status: 400 });
}

export default function TeamPage() {
  const t = useT();
  const locale = useLocale();
  const data = useLoaderData<typeof loader>();
  const { team } = data;
  return (
    <article className="stack-lg">
      <nav aria-label={t("nav.breadcrumb")} className="breadcrumb">
        <Link to={`/townships/${team.township.id}`}>{team.township.name}</Link> ›{" "}
        <Link to={`/villages/${team.village.id}`}>{team.village.name}</Link>
      </nav>
      <header className="page-head">
        <h1>{t("team.title", { village: team.village.name })}</h1>
      </header>
      <SavedNotice />
      {team.access === "summary" ? <p className="notice">{t("team.summaryNotice")}</p> : null}
      <section className="card" aria-label={t("village.team")}>
        <dl className="facts">
          <div>
            <dt>{t("team.village")}</dt>
            <dd>
              <Link to={`/villages/${team.village.id}`}>{team.village.name}</Link>{" "}
              <DemoBadge source={team.village.nameSource} />
            </dd>
          </div>
          <div>
            <dt>{t("team.level")}</dt>
            <dd>
              <LevelBadge level={team.level} />
            </dd>
          </div>
          <div>
            <dt>{t("team.unit")}</dt>
            <dd>
              {team.sendingUnit.name} <DemoBadge source={team.sendingUnit.nameSource} />
            </dd>
          </div>
          <div>
            <dt>{t("team.since")}</dt>
            <dd>{formatDate(locale, team.startedOn)}</dd>
          </div>
        </dl>
        {team.matching ? (
          <p className={team.matching.matches ? "match-ok" : "match-warn"}>
            {team.matching.matches
              ? t("team.match")
              : t("team.mismatch", {
                  specialty: t(`specialty.${team.matching.leaderSpecialty}`),
                  type: team.village.type ? t(`villageType.${team.village.type}`) : "",
                })}
          </p>
        ) : null}
        {team.access === "full" ? (
          <p className="button-row">
            {data.canReadLogs ? (
              <Link to={`/teams/${team.id}/logs`} className="button">
                {t("log.title")}
              </Link>
            ) : null}
            <Link to={`/reports/weekly/${data.week}/teams/${team.id}`} className="button">
              {t("report.thisWeek")}
            </Link>
          </p>
        ) : null}
      </section>
      {team.access === "full" ? (
        <section aria-labelledby="members" className="card stack">
          <h2 id="members">{t("team.members")}</h2>
          <TeamMembersTable members={team.members} attendance={data.attendance} rule={data.rule} />
          {data.attendance ? <p className="small muted">{t("teams.daysExplain")}</p> : null}
          {data.manage ? (
            <Suspense fallback={<p className="small muted">{t("form.loadingEditor")}</p>}>
              <RotationForms members={team.members} reserve={data.reserve} today={data.today} />
            </Suspense>
          ) : null}
        </section>
      ) : null}
      {data.manage ? (
        <section aria-labelledby="assign-heading" className="card stack">
          <h2 id="assign-heading">{t("rotation.assign")}</h2>
          <Suspense fallback={<p className="small muted">{t("form.loadingEditor")}</p>}>
            <AssignForm reserve={data.reserve} today={data.today} />
          </Suspense>
        </section>
      ) : null}
      {team.access === "full" ? (
        <section aria-labelledby="history-heading" className="stack">
          <h2 id="history-heading">{t("team.history")}</h2>
          {data.history.length ? (
            <MembershipHistoryTable rows={data.history} show="cadre" label={t("team.history")} />
          ) : (
            <p className="muted">{t("team.noHistory")}</p>
          )}
        </section>
      ) : null}
    </article>
  );
}
