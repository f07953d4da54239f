import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { namedPageTitle, pageTitle } from "~/utils/meta";
import { DemoBadge, LevelBadge } from "~/components/badges";
import { TeamMembersTable } from "~/components/team-members";
import { formatDate, useLocale, useT } from "~/i18n";
import { getTeam } from "~/models/team.server";

export const meta: MetaFunction<typeof loader> = (args) =>
  args.data
    ? pageTitle(args, "team.title", { village: args.data.team.village.name })
    : namedPageTitle(args, undefined);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const team = await getTeam(viewer, params.teamId ?? "");
  if (!team) notFound();
  return { team };
}

export default function TeamPage() {
  const t = useT();
  const locale = useLocale();
  const { team } = useLoaderData<typeof loader>();
  return (
    <article className="stack-lg">
      <nav aria-label={t("nav.breadcrumb")} className="breadcrumb">
        <Link to={`/townships/${team.township.id}`}>{team.township.name}</Link> ›{" "}
        <Link to={`/villages/${team.village.id}`}>{team.village.name}</Link>
      </nav>
      <header className="page-head">
        <h1>{t("team.title", { village: team.village.name })}</h1>
      </header>
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
      </section>
      {team.access === "full" ? (
        <section aria-labelledby="members" className="card">
          <h2 id="members">{t("team.members")}</h2>
          <TeamMembersTable members={team.members} />
        </section>
      ) : null}
    </article>
  );
}
