import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { DemoBadge } from "~/components/badges";
import { ReportForm, SubmittedReport } from "~/components/report-form";
import { ReportStatusBadge } from "~/components/report-status";
import { SavedNotice } from "~/components/saved-notice";
import { TableRegion } from "~/components/table-region";
import { formatDate, formatDateTime, useLocale, useT } from "~/i18n";
import { submitTownshipReport, townshipReport } from "~/models/weekly-report.server";
import { ReportSchema } from "~/schemas/teamwork";
import { formReply, invalidReply } from "~/utils/form-reply.server";
import { namedPageTitle, pageTitle } from "~/utils/meta";
import { composeTownshipDraft } from "~/utils/report-draft";
import { addDays, isWeekStart } from "~/utils/team-rules";
import { teamRules } from "~/utils/team-rules.server";

export const meta: MetaFunction<typeof loader> = (args) =>
  args.data
    ? pageTitle(args, "report.townshipTitle", { township: args.data.page.township.name })
    : namedPageTitle(args, undefined);

/** A township's weekly summary of its teams: read by the county, written by the township. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const week = params.week ?? "";
  if (!isWeekStart(week)) notFound();
  const page = await townshipReport(viewer, params.townshipId ?? "", week, teamRules());
  if (!page) notFound();
  return { page };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  const week = params.week ?? "";
  if (!isWeekStart(week)) notFound();
  const submission = parseWithZod(await request.formData(), { schema: ReportSchema });
  if (submission.status !== "success") return invalidReply("report", submission);
  const result = await submitTownshipReport(
    viewer,
    params.townshipId ?? "",
    week,
    submission.value,
  );
  return formReply(
    "report",
    submission,
    result,
    `/reports/weekly/${week}/townships/${params.townshipId}?saved=report`,
  );
}

export default function TownshipWeeklyReport() {
  const t = useT();
  const locale = useLocale();
  const { page } = useLoaderData<typeof loader>();
  const report = page.report;
  const draft = composeTownshipDraft(
    t,
    page.teams.map((x) => ({ village: x.team.village, status: x.status })),
  );
  return (
    <div className="stack-lg">
      <nav aria-label={t("nav.breadcrumb")} className="breadcrumb">
        <Link to={`/reports/weekly?week=${page.week}`}>{t("report.weeklyTitle")}</Link>
      </nav>
      <header className="page-head">
        <h1>{t("report.townshipTitle", { township: page.township.name })}</h1>
        <p>
          {t("report.weekOf", {
            from: formatDate(locale, page.week),
            to: formatDate(locale, addDays(page.week, 6)),
          })}{" "}
          · {t("report.due", { when: formatDateTime(locale, page.dueAt) })} ·{" "}
          <ReportStatusBadge status={page.status} />
        </p>
      </header>
      <SavedNotice />
      {report ? (
        <p className="muted">
          {report.submittedBy
            ? t("report.submittedBy", {
                who: report.submittedBy,
                when: formatDateTime(locale, report.submittedAt),
              })
            : t("report.submittedAt", { when: formatDateTime(locale, report.submittedAt) })}{" "}
          <DemoBadge source={report.nameSource} />
        </p>
      ) : null}
      {page.canSubmit ? (
        <section className="card stack" aria-labelledby="summary-form">
          <h2 id="summary-form">{report ? t("report.correct") : t("report.write")}</h2>
          <ReportForm
            initial={
              report
                ? {
                    done: report.done,
                    problems: report.problems ?? "",
                    nextPlan: report.nextPlan ?? "",
                  }
                : draft
            }
            version={report?.version}
            submitted={Boolean(report)}
          />
        </section>
      ) : report ? (
        <SubmittedReport
          report={{
            done: report.done,
            problems: report.problems ?? "",
            nextPlan: report.nextPlan ?? "",
          }}
          label={t("report.townshipTitle", { township: page.township.name })}
        />
      ) : (
        <p className="card">{t("report.notSubmitted")}</p>
      )}
      <section className="stack" aria-labelledby="teams-heading">
        <h2 id="teams-heading">{t("report.byTeam")}</h2>
        <TableRegion label={t("report.byTeam")}>
          <thead>
            <tr>
              <th scope="col">{t("teams.col.village")}</th>
              <th scope="col">{t("report.col.status")}</th>
              <th scope="col">{t("report.col.submitted")}</th>
            </tr>
          </thead>
          <tbody>
            {page.teams.map((r) => (
              <tr key={r.team.id}>
                <th scope="row">
                  <Link to={`/reports/weekly/${page.week}/teams/${r.team.id}`}>
                    {r.team.village}
                  </Link>
                </th>
                <td>
                  <ReportStatusBadge status={r.status} />
                </td>
                <td>{r.submittedAt ? formatDateTime(locale, r.submittedAt) : "—"}</td>
              </tr>
            ))}
          </tbody>
        </TableRegion>
      </section>
    </div>
  );
}
