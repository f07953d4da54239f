import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { Pager } from "~/components/pager";
import { ReportStatusBadge } from "~/components/report-status";
import { TeamReportsTable } from "~/components/report-week";
import { WeekLine } from "~/components/week-line";
import { TableRegion } from "~/components/table-region";
import { db } from "~/db.server";
import { useT } from "~/i18n";
import { membershipOn } from "~/models/team-roster.server";
import { weekOverview } from "~/models/weekly-report.server";
import { hasAnywhere } from "~/permissions";
import { today } from "~/utils/dates";
import { pageTitle } from "~/utils/meta";
import { pageFigures, pageHref, pageOf } from "~/utils/paging";
import { addDays, isWeekStart, weekOf } from "~/utils/team-rules";
import { teamRulesOn } from "~/models/county-rules.server";

export const meta: MetaFunction = (args) => pageTitle(args, "report.weeklyTitle");

/** Who has reported this week, on time or late, and who has not; a cadre goes to their team's report. */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const url = new URL(request.url);
  const current = weekOf(today());
  const asked = url.searchParams.get("week");
  const week = isWeekStart(asked) && asked <= current ? asked : current;
  if (viewer.role === "team_member") {
    const own = viewer.cadreId ? await membershipOn(db, viewer.cadreId, today()) : null;
    if (!own) notFound();
    throw redirect(`/reports/weekly/${week}/teams/${own.teamId}`);
  }
  if (!hasAnywhere(viewer, "read:weekly-report")) notFound();
  const overview = await weekOverview(viewer, week, await teamRulesOn(week));
  // Counted over every team; the teams' table shows a page of them (a province has thousands).
  const count = (status: string) => overview.teams.filter((r) => r.status === status).length;
  const teams = pageOf(overview.teams, url.searchParams.get("page"));
  // The townships' table too is a page (a province has 170).
  const townships = pageOf(overview.townships, url.searchParams.get("townships"));
  return {
    ...overview,
    townships: townships.rows,
    townshipsPage: pageFigures(townships),
    counts: {
      on_time: count("on_time"),
      late: count("late"),
      missing: count("missing"),
      not_due: count("not_due"),
    },
    teams: teams.rows,
    teamsPage: pageFigures(teams),
    previous: addDays(week, -7),
    next: week < current ? addDays(week, 7) : null,
    townshipLeader: viewer.role === "township_leader" ? viewer.townshipId : null,
  };
}

export default function WeeklyReports() {
  const t = useT();
  const data = useLoaderData<typeof loader>();
  const { counts } = data;
  const [params] = useSearchParams();
  return (
    <div className="stack-lg">
      <header className="page-head">
        <h1>{t("report.weeklyTitle")}</h1>
        <WeekLine week={data.week} dueAt={data.dueAt} />
        <nav className="button-row" aria-label={t("report.weekNav")}>
          <Link to={`?week=${data.previous}`} className="button">
            ← {t("report.previousWeek")}
          </Link>
          {data.next ? (
            <Link to={`?week=${data.next}`} className="button">
              {t("report.nextWeek")} →
            </Link>
          ) : null}
          <Link to="/reports/monthly" className="button">
            {t("bulletin.title")}
          </Link>
        </nav>
      </header>
      <p className="figures">
        {(["on_time", "late", "missing", "not_due"] as const).map((s) => (
          <span key={s} className="figure">
            <ReportStatusBadge status={s} /> <strong>{counts[s]}</strong>
          </span>
        ))}
      </p>
      {data.townshipLeader ? (
        <p>
          <Link
            to={`/reports/weekly/${data.week}/townships/${data.townshipLeader}`}
            className="button button-primary"
          >
            {t("report.townshipSummary")}
          </Link>
        </p>
      ) : null}
      {data.townshipsPage.range.total > 1 ? (
        <section className="stack" aria-labelledby="by-township">
          <h2 id="by-township">{t("report.byTownship")}</h2>
          <TableRegion label={t("report.byTownship")}>
            <thead>
              <tr>
                <th scope="col">{t("villages.filter.township")}</th>
                <th scope="col" className="num">
                  {t("report.teams")}
                </th>
                <th scope="col" className="num">
                  {t("report.status.on_time")}
                </th>
                <th scope="col" className="num">
                  {t("report.status.late")}
                </th>
                <th scope="col" className="num">
                  {t("report.status.missing")}
                </th>
                <th scope="col">{t("report.townshipSummary")}</th>
              </tr>
            </thead>
            <tbody>
              {data.townships.map((tw) => (
                <tr key={tw.id}>
                  <th scope="row">{tw.name}</th>
                  <td className="num" data-label={t("report.teams")}>
                    {tw.teams}
                  </td>
                  <td className="num" data-label={t("report.status.on_time")}>
                    {tw.onTime}
                  </td>
                  <td className="num" data-label={t("report.status.late")}>
                    {tw.late}
                  </td>
                  <td className="num" data-label={t("report.status.missing")}>
                    {tw.missing}
                  </td>
                  <td data-label={t("report.townshipSummary")}>
                    <Link to={`/reports/weekly/${data.week}/townships/${tw.id}`}>
                      <ReportStatusBadge status={tw.summaryStatus} />
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </TableRegion>
          <Pager
            {...data.townshipsPage}
            href={(n) => `${pageHref(params, n, "townships")}#by-township`}
          />
        </section>
      ) : null}
      <section className="stack" aria-labelledby="by-team">
        <h2 id="by-team">{t("report.byTeam")}</h2>
        <TeamReportsTable week={data.week} rows={data.teams} showTownship />
        <Pager {...data.teamsPage} href={(n) => pageHref(params, n)} />
      </section>
    </div>
  );
}
