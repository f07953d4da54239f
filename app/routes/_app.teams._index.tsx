import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireViewer } from "~/auth.server";
import { DemoBadge, LevelBadge } from "~/components/badges";
import { FilterSelect } from "~/components/filter-select";
import { Pager } from "~/components/pager";
import { TableRegion } from "~/components/table-region";
import { db } from "~/db.server";
import { useT } from "~/i18n";
import { attendanceForTeams, summariseTeamMonth } from "~/models/attendance.server";
import { listTeams } from "~/models/team-roster.server";
import { listTownshipOptions } from "~/models/township.server";
import { can, hasCountyWide } from "~/permissions";
import { UNIT_LEVELS, type UnitLevel } from "../../db/schema";
import { today } from "~/utils/dates";
import { groupBy } from "~/utils/group";
import { pageHref } from "~/utils/paging";
import { pageTitle } from "~/utils/meta";
import { teamRulesOn } from "~/models/county-rules.server";

export const meta: MetaFunction = (args) => pageTitle(args, "teams.title");

/** Teams a page: a county's 89 fit on one; a province's 8,000 are 80 pages, not 9 MB of HTML. */
const PAGE_SIZE = 100;

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const url = new URL(request.url);
  const level = url.searchParams.get("level");
  const townshipId = url.searchParams.get("township") || undefined;
  const mismatchOnly = url.searchParams.get("mismatch") === "1";
  const on = today();
  const rules = await teamRulesOn(on);
  const month = on.slice(0, 7);
  // The matching rule concerns the county: village types are not shown to everyone.
  const showMatching = hasCountyWide(viewer, "read:team");
  const {
    rows: teams,
    total,
    page,
    pages,
  } = await listTeams(
    viewer,
    {
      townshipId,
      level: (UNIT_LEVELS as readonly string[]).includes(level ?? "")
        ? (level as UnitLevel)
        : undefined,
      mismatchOnly: showMatching && mismatchOnly,
    },
    url.searchParams.get("page"),
    PAGE_SIZE,
  );
  const attendance = await attendanceForTeams(
    db,
    teams.map((t) => t.id),
    month,
    rules,
    on,
  );
  // Grouped once: filtering every team's days out of all of them was teams × days (8,000 × 24,000
  // at province scale, 8 s).
  const daysByTeam = groupBy(attendance, (a) => a.teamId);
  const rows = teams.map((team) => {
    const month = summariseTeamMonth(daysByTeam.get(team.id) ?? []);
    const canSeeDays = can(viewer, "read:attendance", {
      townshipId: team.township.id,
      villageId: team.village.id,
    });
    return {
      ...team,
      mismatch: showMatching ? team.mismatch : false,
      averageDays: canSeeDays ? month.averageDays : null,
    };
  });
  return {
    rows,
    total,
    page,
    pages,
    showMatching,
    rule: rules.daysPerMonth,
    month,
    townships: viewer.role === "team_member" ? [] : await listTownshipOptions(viewer),
  };
}

export default function TeamsPage() {
  const t = useT();
  const data = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <div className="stack-lg">
      <header className="page-head">
        <h1>{t("teams.title")}</h1>
        <p className="muted">{t("teams.count", { count: data.total })}</p>
      </header>
      {data.townships.length ? (
        <Form method="get" className="filters" aria-label={t("teams.filters")}>
          {data.townships.length > 1 ? (
            <FilterSelect
              name="township"
              label={t("villages.filter.township")}
              value={params.get("township") ?? ""}
              options={data.townships.map((o) => ({ value: o.id, label: o.name }))}
            />
          ) : null}
          <FilterSelect
            name="level"
            label={t("team.level")}
            value={params.get("level") ?? ""}
            options={UNIT_LEVELS.map((l) => ({ value: l, label: t(`level.${l}`) }))}
          />
          {data.showMatching ? (
            <label className="checkbox">
              <input
                type="checkbox"
                name="mismatch"
                value="1"
                defaultChecked={params.get("mismatch") === "1"}
              />{" "}
              {t("teams.mismatchOnly")}
            </label>
          ) : null}
          <button type="submit" className="button">
            {t("villages.filter.apply")}
          </button>
        </Form>
      ) : null}
      <TableRegion label={t("teams.title")}>
        <thead>
          <tr>
            <th scope="col">{t("teams.col.village")}</th>
            <th scope="col">{t("teams.col.township")}</th>
            <th scope="col">{t("team.level")}</th>
            <th scope="col">{t("team.unit")}</th>
            <th scope="col">{t("teams.col.leader")}</th>
            <th scope="col">{t("teams.col.secretary")}</th>
            <th scope="col" className="num">
              {t("teams.col.members")}
            </th>
            <th scope="col" className="num">
              {t("teams.col.days", { rule: data.rule })}
            </th>
            {data.showMatching ? <th scope="col">{t("teams.col.matching")}</th> : null}
          </tr>
        </thead>
        <tbody>
          {data.rows.map((r) => (
            <tr key={r.id}>
              <th scope="row">
                <Link to={`/teams/${r.id}`}>{r.village.name}</Link>{" "}
                <DemoBadge source={r.village.nameSource} />
              </th>
              <td data-label={t("teams.col.township")}>{r.township.name}</td>
              <td data-label={t("team.level")}>
                <LevelBadge level={r.level} />
              </td>
              <td data-label={t("team.unit")}>
                {r.unit} <DemoBadge source={r.unitSource} />
              </td>
              <td data-label={t("teams.col.leader")}>{r.leader ?? "—"}</td>
              <td data-label={t("teams.col.secretary")}>{r.firstSecretary ?? "—"}</td>
              <td className="num" data-label={t("teams.col.members")}>
                {r.memberCount}
              </td>
              <td className="num" data-label={t("teams.col.days", { rule: data.rule })}>
                {r.averageDays ?? "—"}
              </td>
              {data.showMatching ? (
                <td data-label={t("teams.col.matching")}>
                  {r.mismatch ? (
                    <span className="badge badge-unmet">{t("teams.mismatch")}</span>
                  ) : (
                    t("teams.matches")
                  )}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </TableRegion>
      <Pager
        page={data.page}
        pages={data.pages}
        href={(page) => pageHref(params, page)}
        summary={t("users.page", { page: data.page, pages: data.pages })}
      />
      <p className="small muted">{t("teams.daysExplain")}</p>
    </div>
  );
}
