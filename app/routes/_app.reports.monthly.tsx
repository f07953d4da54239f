import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { DemoBadge } from "~/components/badges";
import { Pager } from "~/components/pager";
import { TableRegion } from "~/components/table-region";
import { formatMonth, useLocale, useT } from "~/i18n";
import { bulletinMonth, monthlyBulletin } from "~/models/bulletin.server";
import { hasAnywhere } from "~/permissions";
import { BULLETIN_COLUMNS } from "~/utils/bulletin-columns";
import { today } from "~/utils/dates";
import { pageTitle } from "~/utils/meta";
import { pageFigures, pageHref, pageOf } from "~/utils/paging";
import { nextMonth, previousMonth, ruleDayOfMonth } from "~/utils/team-rules";
import { teamRulesOn } from "~/models/county-rules.server";

export const meta: MetaFunction = (args) => pageTitle(args, "bulletin.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  if (!hasAnywhere(viewer, "read:bulletin")) notFound();
  const month = bulletinMonth(new URL(request.url));
  const on = today();
  const bulletin = await monthlyBulletin(
    viewer,
    month,
    await teamRulesOn(ruleDayOfMonth(month, on)),
  );
  const current = on.slice(0, 7);
  // The page shows a page of the teams, of those to follow up (a province has thousands) and of
  // the townships (170); the totals and the spreadsheet keep everything.
  const url = new URL(request.url);
  const teams = pageOf(bulletin.teams, url.searchParams.get("page"));
  const followUp = pageOf(bulletin.followUp, url.searchParams.get("follow"));
  const townships = pageOf(bulletin.townships, url.searchParams.get("townships"));
  return {
    bulletin: {
      ...bulletin,
      teams: teams.rows,
      followUp: followUp.rows,
      townships: townships.rows,
    },
    teamsPage: pageFigures(teams),
    followPage: pageFigures(followUp),
    townshipsPage: pageFigures(townships),
    previous: previousMonth(month),
    next: month < current ? nextMonth(month) : null,
  };
}

export default function MonthlyBulletin() {
  const t = useT();
  const locale = useLocale();
  const { bulletin, previous, next, teamsPage, followPage, townshipsPage } =
    useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const complete = bulletin.complete;
  const headers = BULLETIN_COLUMNS.map((c) => (
    <th scope="col" key={c.key} className="num">
      {t(c.header, { rule: bulletin.rule })}
    </th>
  ));
  const cells = (row: Parameters<(typeof BULLETIN_COLUMNS)[number]["value"]>[0]) =>
    BULLETIN_COLUMNS.map((c) => (
      <td key={c.key} className="num" data-label={t(c.header, { rule: bulletin.rule })}>
        {c.value(row, complete)}
      </td>
    ));
  return (
    <article className="stack-lg bulletin">
      <header className="page-head">
        <h1>{t("bulletin.heading", { month: formatMonth(locale, bulletin.month, "long") })}</h1>
        <p className="muted">
          {complete ? t("bulletin.rule", { rule: bulletin.rule }) : t("bulletin.incomplete")}
        </p>
        <p className="small muted">{t("bulletin.noRanking")}</p>
        <div className="button-row no-print">
          <Link to={`?month=${previous}`} className="button">
            ← {t("bulletin.previous")}
          </Link>
          {next ? (
            <Link to={`?month=${next}`} className="button">
              {t("bulletin.next")} →
            </Link>
          ) : null}
          <Form method="get" className="inline-form">
            <label htmlFor="bulletin-month">{t("bulletin.month")}</label>{" "}
            <input id="bulletin-month" type="month" name="month" defaultValue={bulletin.month} />{" "}
            <button type="submit" className="button">
              {t("villages.filter.apply")}
            </button>
          </Form>
          <a href={`/reports/monthly.xlsx?month=${bulletin.month}`} className="button" download>
            {t("bulletin.export")}
          </a>
          <button type="button" className="button js-only" onClick={() => window.print()}>
            {t("bulletin.print")}
          </button>
        </div>
      </header>

      <section className="stack" aria-labelledby="follow-up">
        <h2 id="follow-up">{t("bulletin.followUp")}</h2>
        {!complete ? (
          <p className="muted">{t("bulletin.followUpLater")}</p>
        ) : bulletin.followUp.length ? (
          <ul className="plain-list">
            {bulletin.followUp.map((team) => (
              <li key={team.id}>
                <Link to={`/teams/${team.id}`}>{team.village.name}</Link> ({team.township.name}) —{" "}
                {t("bulletin.belowCount", {
                  below: team.attendance.below,
                  members: team.attendance.members,
                  rule: bulletin.rule,
                })}
              </li>
            ))}
          </ul>
        ) : (
          <p>{t("bulletin.allMeet")}</p>
        )}
        <Pager {...followPage} href={(n) => pageHref(params, n, "follow")} />
      </section>

      {townshipsPage.range.total > 1 ? (
        <section className="stack" aria-labelledby="by-township">
          <h2 id="by-township">{t("bulletin.byTownship")}</h2>
          <TableRegion label={t("bulletin.byTownship")}>
            <thead>
              <tr>
                <th scope="col">{t("villages.filter.township")}</th>
                <th scope="col" className="num">
                  {t("report.teams")}
                </th>
                {headers}
              </tr>
            </thead>
            <tbody>
              {bulletin.townships.map((tw) => (
                <tr key={tw.id}>
                  <th scope="row">{tw.name}</th>
                  <td className="num" data-label={t("report.teams")}>
                    {tw.teams}
                  </td>
                  {cells(tw)}
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t("bulletin.total")}</th>
                <td className="num" data-label={t("report.teams")}>
                  {bulletin.total.teams}
                </td>
                {cells(bulletin.total)}
              </tr>
            </tfoot>
          </TableRegion>
          <Pager
            {...townshipsPage}
            href={(n) => `${pageHref(params, n, "townships")}#by-township`}
          />
        </section>
      ) : null}

      <section className="stack" aria-labelledby="by-team">
        <h2 id="by-team">{t("bulletin.byTeam")}</h2>
        <TableRegion label={t("bulletin.byTeam")}>
          <thead>
            <tr>
              <th scope="col">{t("teams.col.village")}</th>
              <th scope="col">{t("villages.filter.township")}</th>
              {headers}
            </tr>
          </thead>
          <tbody>
            {bulletin.teams.map((team) => (
              <tr key={team.id}>
                <th scope="row">
                  <Link to={`/teams/${team.id}`}>{team.village.name}</Link>{" "}
                  <DemoBadge source={team.village.nameSource} />
                </th>
                <td data-label={t("villages.filter.township")}>{team.township.name}</td>
                {cells(team)}
              </tr>
            ))}
          </tbody>
        </TableRegion>
        <Pager {...teamsPage} href={(n) => pageHref(params, n)} />
      </section>
      <p className="small muted">{t("teams.daysExplain")}</p>
    </article>
  );
}
