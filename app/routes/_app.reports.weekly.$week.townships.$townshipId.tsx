import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { WeeklyReport } from "~/components/report-form";
import { TeamReportsTable } from "~/components/report-week";
import { WeekLine } from "~/components/week-line";
import { SavedNotice } from "~/components/saved-notice";
import { useT } from "~/i18n";
import { submitTownshipReport, townshipReport } from "~/models/weekly-report.server";
import { ReportSchema, parseWithZod } from "~/schemas/forms.server";
import { formReply, invalidReply } from "~/utils/form-reply.server";
import { namedPageTitle, pageTitle } from "~/utils/meta";
import { composeTownshipDraft } from "~/utils/report-draft";
import { resolveLocale } from "~/i18n/locale.server";
import { serverTranslator } from "~/i18n/catalogues.server";
import { isWeekStart } from "~/utils/dates";
import { teamRulesOn } from "~/models/county-rules.server";
import { readForm } from "~/utils/form-guard.server";

export const meta: MetaFunction<typeof loader> = (args) =>
  args.data
    ? pageTitle(args, "report.townshipTitle", { township: args.data.page.township.name })
    : namedPageTitle(args, undefined);

/** A township's weekly summary of its teams: read by the county, written by the township. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const week = params.week ?? "";
  if (!isWeekStart(week)) notFound();
  const page = await townshipReport(viewer, params.townshipId ?? "", week, await teamRulesOn(week));
  if (!page) notFound();
  // The draft is written here, in the reader's language: its composer stays out of the page's
  // first-load JavaScript (decision 018).
  const draft = composeTownshipDraft(
    serverTranslator(await resolveLocale(request)),
    page.teams.map((x) => ({ village: x.team.village, status: x.status })),
  );
  return { page, draft };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  const week = params.week ?? "";
  if (!isWeekStart(week)) notFound();
  const submission = parseWithZod(await readForm(request, ReportSchema), { schema: ReportSchema });
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
  const { page, draft } = useLoaderData<typeof loader>();
  return (
    <div className="stack-lg">
      <nav aria-label={t("nav.breadcrumb")} className="breadcrumb">
        <Link to={`/reports/weekly?week=${page.week}`}>{t("report.weeklyTitle")}</Link>
      </nav>
      <header className="page-head">
        <h1>{t("report.townshipTitle", { township: page.township.name })}</h1>
        <WeekLine week={page.week} dueAt={page.dueAt} status={page.status} />
      </header>
      <SavedNotice />
      <WeeklyReport
        report={page.report}
        canSubmit={page.canSubmit}
        draft={draft}
        label={t("report.townshipTitle", { township: page.township.name })}
        missing={<p className="card">{t("report.notSubmitted")}</p>}
      />
      <section className="stack" aria-labelledby="teams-heading">
        <h2 id="teams-heading">{t("report.byTeam")}</h2>
        <TeamReportsTable week={page.week} rows={page.teams} />
      </section>
    </div>
  );
}
