import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { DemoBadge, LevelBadge } from "~/components/badges";
import { TableRegion } from "~/components/table-region";
import { MembershipHistoryTable } from "~/components/team-members";
import { formatMonth, useLocale, useT } from "~/i18n";
import { cadreMonths } from "~/models/attendance.server";
import { getCadre } from "~/models/team-roster.server";
import { today } from "~/utils/dates";
import { namedPageTitle } from "~/utils/meta";
import { previousMonth, ruleDayOfMonth } from "~/utils/team-rules";
import { teamRulesOn } from "~/models/county-rules.server";

export const meta: MetaFunction<typeof loader> = (args) =>
  namedPageTitle(args, args.data?.cadre.name);

/** A cadre's record: teams served with dates and why each ended, and recent months in the village. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const cadre = await getCadre(viewer, params.cadreId ?? "");
  if (!cadre) notFound();
  const on = today();
  const rules = await teamRulesOn(on);
  const current = on.slice(0, 7);
  const months = await cadreMonths(
    viewer,
    cadre,
    [current, previousMonth(current), previousMonth(previousMonth(current))],
    (month) => teamRulesOn(ruleDayOfMonth(month, on)),
    on,
  );
  return { cadre, months, rule: rules.daysPerMonth };
}

export default function CadrePage() {
  const t = useT();
  const locale = useLocale();
  const { cadre, months, rule } = useLoaderData<typeof loader>();
  return (
    <article className="stack-lg">
      <header className="page-head">
        <h1>
          <span lang="zh-CN">{cadre.name}</span> <DemoBadge source={cadre.nameSource} />
        </h1>
        <p className="muted">
          {cadre.current
            ? t("cadre.serving", {
                village: cadre.current.village.name,
                role: t(`membershipRole.${cadre.current.role}`),
              })
            : t("cadre.notServing")}
        </p>
      </header>
      <section className="card">
        <dl className="facts">
          <div>
            <dt>{t("team.col.specialty")}</dt>
            <dd>{t(`specialty.${cadre.specialty}`)}</dd>
          </div>
          <div>
            <dt>{t("team.unit")}</dt>
            <dd>
              {cadre.unit.name} <LevelBadge level={cadre.unit.level} />{" "}
              <DemoBadge source={cadre.unit.nameSource} />
            </dd>
          </div>
          {cadre.phone ? (
            <div>
              <dt>{t("cadre.phone")}</dt>
              <dd>
                <a href={`tel:${cadre.phone}`}>{cadre.phone}</a>
              </dd>
            </div>
          ) : null}
        </dl>
      </section>
      <section className="stack" aria-labelledby="served-heading">
        <h2 id="served-heading">{t("cadre.teamsServed")}</h2>
        <MembershipHistoryTable
          rows={cadre.memberships}
          show="team"
          label={t("cadre.teamsServed")}
        />
      </section>
      {months.length ? (
        <section className="stack" aria-labelledby="days-heading">
          <h2 id="days-heading">{t("cadre.days", { rule })}</h2>
          <TableRegion label={t("cadre.days", { rule })}>
            <thead>
              <tr>
                <th scope="col">{t("bulletin.month")}</th>
                <th scope="col">{t("cadre.inVillage")}</th>
                <th scope="col">{t("cadre.expected")}</th>
                <th scope="col">{t("cadre.leave")}</th>
              </tr>
            </thead>
            <tbody>
              {months.map((m) => (
                <tr key={m.month}>
                  <th scope="row">
                    {formatMonth(locale, m.month, "long")}
                    {m.complete ? "" : ` (${t("bulletin.soFar")})`}
                  </th>
                  <td className="num" data-label={t("cadre.inVillage")}>
                    {m.inVillage}
                  </td>
                  <td className="num" data-label={t("cadre.expected")}>
                    {m.expected}
                  </td>
                  <td className="num" data-label={t("cadre.leave")}>
                    {m.leaveDays}
                  </td>
                </tr>
              ))}
            </tbody>
          </TableRegion>
          <p className="small muted">{t("teams.daysExplain")}</p>
        </section>
      ) : null}
    </article>
  );
}
