import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { WeeklyReport } from "~/components/report-form";
import { WeekLine } from "~/components/week-line";
import { SavedNotice } from "~/components/saved-notice";
import { useT } from "~/i18n";
import { submitTeamReport, teamReport } from "~/models/weekly-report.server";
import { ReportSchema, parseWithZod } from "~/schemas/forms.server";
import { formReply, invalidReply } from "~/utils/form-reply.server";
import { namedPageTitle, pageTitle } from "~/utils/meta";
import { composeDraft } from "~/utils/report-draft";
import { resolveLocale } from "~/i18n/locale.server";
import { serverTranslator } from "~/i18n/catalogues.server";
import { addDays, isWeekStart } from "~/utils/dates";
import { teamRulesOn } from "~/models/county-rules.server";
import { readForm } from "~/utils/form-guard.server";

export const meta: MetaFunction<typeof loader> = (args) =>
  args.data
    ? pageTitle(args, "report.teamTitle", { village: args.data.page.team.village })
    : namedPageTitle(args, undefined);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const week = params.week ?? "";
  if (!isWeekStart(week)) notFound();
  const page = await teamReport(viewer, params.teamId ?? "", week, await teamRulesOn(week));
  if (!page) notFound();
  // The draft is written here, in the reader's language: its composer stays out of the page's
  // first-load JavaScript (decision 018).
  const locale = await resolveLocale(request);
  return { page, draft: composeDraft(serverTranslator(locale), locale, page.facts) };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  const week = params.week ?? "";
  if (!isWeekStart(week)) notFound();
  const submission = parseWithZod(await readForm(request, ReportSchema), { schema: ReportSchema });
  if (submission.status !== "success") return invalidReply("report", submission);
  const result = await submitTeamReport(viewer, params.teamId ?? "", week, submission.value);
  return formReply(
    "report",
    submission,
    result,
    `/reports/weekly/${week}/teams/${params.teamId}?saved=report`,
  );
}

export default function TeamWeeklyReport() {
  const t = useT();
  const { page, draft } = useLoaderData<typeof loader>();
  return (
    <div className="stack-lg">
      <nav aria-label={t("nav.breadcrumb")} className="breadcrumb">
        <Link to={`/teams/${page.team.id}`}>{t("team.title", { village: page.team.village })}</Link>{" "}
        › <Link to={`/reports/weekly?week=${page.week}`}>{t("report.weeklyTitle")}</Link>
      </nav>
      <header className="page-head">
        <h1>{t("report.teamTitle", { village: page.team.village })}</h1>
        <WeekLine week={page.week} dueAt={page.dueAt} status={page.status} />
        <nav className="button-row" aria-label={t("report.weekNav")}>
          <Link
            to={`/reports/weekly/${addDays(page.week, -7)}/teams/${page.team.id}`}
            className="button"
          >
            ← {t("report.previousWeek")}
          </Link>
        </nav>
      </header>
      <SavedNotice />
      <WeeklyReport
        report={page.report}
        canSubmit={page.canSubmit}
        draft={draft}
        draftHint={t("report.draftHint")}
        label={t("report.teamTitle", { village: page.team.village })}
        missing={
          <section className="card stack">
            <p>{t("report.notSubmitted")}</p>
            <details className="disclosure">
              <summary>{t("report.recordedThisWeek")}</summary>
              <p className="pre">{draft.done}</p>
            </details>
          </section>
        }
      />
    </div>
  );
}
