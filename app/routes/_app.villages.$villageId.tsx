import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { namedPageTitle } from "~/utils/meta";
import { DemoBadge, ExitStatusBadge, LevelBadge } from "~/components/badges";
import { TeamMembersTable } from "~/components/team-members";
import { formatDate, formatPercent, isMessageKey, useLocale, useT } from "~/i18n";
import { listActiveMembers } from "~/models/team.server";
import { getVillage } from "~/models/village.server";

export const meta: MetaFunction<typeof loader> = (args) =>
  namedPageTitle(args, args.data?.village.nameZh);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const village = await getVillage(viewer, params.villageId ?? "");
  if (!village) notFound();
  const members =
    village.access === "full" && village.team
      ? ((await listActiveMembers([village.team.id])).get(village.team.id) ?? [])
      : [];
  return { village, members, own: viewer.villageIds.includes(village.id) };
}

export default function VillagePage() {
  const t = useT();
  const locale = useLocale();
  const { village, members, own } = useLoaderData<typeof loader>();
  const full = village.access === "full" ? village : null;

  return (
    <article className="stack-lg">
      <nav aria-label="breadcrumb" className="breadcrumb">
        <Link to="/villages">{t("nav.villages")}</Link> ›{" "}
        <Link to={`/townships/${village.townshipId}`}>{village.townshipName}</Link>
      </nav>
      <header className="page-head">
        <h1>
          <span lang="zh-CN">{village.nameZh}</span> <DemoBadge source={village.nameSource} />
          {own ? <span className="badge badge-own">{t("villages.mine")}</span> : null}
        </h1>
        <p className="pinyin">{village.namePinyin}</p>
        <p>
          <ExitStatusBadge status={village.exitStatus} />
          {village.exitYear ? (
            <span className="muted">
              {" "}
              · {t("village.exitYear")} {village.exitYear}
            </span>
          ) : null}
        </p>
      </header>

      {!full ? <p className="notice">{t("village.summaryNotice")}</p> : null}

      <section aria-labelledby="facts" className="card">
        <h2 id="facts" className="visually-hidden">
          {t("village.figures")}
        </h2>
        <dl className="facts">
          <div>
            <dt>{t("village.township")}</dt>
            <dd>
              <Link to={`/townships/${village.townshipId}`}>{village.townshipName}</Link>{" "}
              {full ? <DemoBadge source={full.townshipSource} /> : null}
            </dd>
          </div>
          {full ? (
            <>
              <div>
                <dt>{t("village.type")}</dt>
                <dd>{t(`villageType.${full.type}`)}</dd>
              </div>
              <div>
                <dt>{t("village.code")}</dt>
                <dd>
                  {full.code} <DemoBadge source={full.codeSource} />
                </dd>
              </div>
            </>
          ) : null}
          <div>
            <dt>{t("village.position")}</dt>
            <dd>
              {t("village.positionValue", {
                lat: village.lat.toFixed(4),
                lon: village.lon.toFixed(4),
                source: t(`positionSource.${village.positionSource}`),
              })}{" "}
              <DemoBadge source={village.positionSource} />
            </dd>
          </div>
          {full?.nameNote ? (
            <div>
              <dt>{t("village.source")}</dt>
              <dd>{isMessageKey(full.nameNote) ? t(full.nameNote) : full.nameNote}</dd>
            </div>
          ) : null}
        </dl>
      </section>

      {full ? (
        <section aria-labelledby="figures" className="card">
          <h2 id="figures">{t("village.figures")}</h2>
          <dl className="stats">
            <div>
              <dt>{t("village.population")}</dt>
              <dd>{t("village.people", { count: full.agriculturalPopulation })}</dd>
            </div>
            <div>
              <dt>{t("village.households")}</dt>
              <dd>{t("village.householdsCount", { count: full.households })}</dd>
            </div>
            <div>
              <dt>{t("village.poorHouseholds")}</dt>
              <dd>{t("village.householdsCount", { count: full.poorHouseholds })}</dd>
            </div>
            <div>
              <dt>{t("village.poorPeople")}</dt>
              <dd>{t("village.people", { count: full.poorPeople })}</dd>
            </div>
            <div>
              <dt>{t("village.incidence")}</dt>
              <dd className={full.incidence >= 0.02 ? "over-threshold" : "under-threshold"}>
                {formatPercent(locale, full.incidence)}
              </dd>
            </div>
          </dl>
          <p className="muted small">{t("village.incidenceHint")}</p>
        </section>
      ) : null}

      <section aria-labelledby="team" className="card">
        <h2 id="team">{t("village.team")}</h2>
        {village.team ? (
          <>
            <dl className="facts">
              <div>
                <dt>{t("team.level")}</dt>
                <dd>
                  <LevelBadge level={village.team.level} />
                </dd>
              </div>
              <div>
                <dt>{t("team.unit")}</dt>
                <dd>
                  {village.team.sendingUnit} <DemoBadge source={village.team.sendingUnitSource} />
                </dd>
              </div>
              {full && members[0] ? (
                <div>
                  <dt>{t("team.since")}</dt>
                  <dd>{formatDate(locale, members[0].startedOn)}</dd>
                </div>
              ) : null}
              <div>
                <dt>{t("team.members")}</dt>
                <dd>{t("team.memberCount", { count: village.team.cadreCount })}</dd>
              </div>
            </dl>
            {full ? <TeamMembersTable members={members} /> : null}
            <p>
              <Link to={`/teams/${village.team.id}`}>{t("team.view")}</Link>
            </p>
          </>
        ) : (
          <p>{t("village.noTeam")}</p>
        )}
      </section>
    </article>
  );
}
