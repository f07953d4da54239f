import {
  data,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { ExitStatusBadge } from "~/components/badges";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import {
  IndicatorItem,
  MilestoneItem,
  NewIndicatorForm,
  NewMilestoneForm,
  OpinionForm,
  PlanSummaryForm,
  ReadinessChecklist,
  usePlanEditors,
} from "~/components/plan-items";
import { formatDate, formatDateTime, formatPercent, useLocale, useT } from "~/i18n";
import {
  addIndicator,
  addMilestone,
  addOpinion,
  getPlanPage,
  updateIndicator,
  updateMilestone,
  updatePlan,
} from "~/models/plan.server";
import { getVillageExit } from "~/models/village-exit.server";
import { PLAN_SCHEMAS, type PlanIntent, parseWithZod } from "~/schemas/forms.server";
import { INCIDENCE_THRESHOLD } from "~/utils/exit-rules";
import { formReply, invalidReply } from "~/utils/form-reply.server";
import { villageTabTitle } from "~/utils/meta";
import { readForm } from "~/utils/form-guard.server";
import { newId } from "../../db/ids";
import { queueableAction, skipRevalidationWhenQueued } from "~/outbox/client-action";

export const meta: MetaFunction = (args) => villageTabTitle(args, "village.tab.plan");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const [page, exit] = await Promise.all([
    getPlanPage(viewer, params.villageId ?? ""),
    getVillageExit(viewer, params.villageId ?? ""),
  ]);
  if (!page.ok || !exit.ok) notFound();
  // Where the exit procedure stands, and whether this viewer has a step to record.
  const exitSummary = {
    status: exit.status,
    last: exit.state.last,
    canAct: exit.mayRecord.length > 0,
  };
  // A fresh request id with every render: a create form sent twice adds one item.
  return { ...page, exitSummary, villageId: params.villageId ?? "", requestId: newId() };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  const villageId = params.villageId ?? "";
  const formData = await readForm(request, Object.values(PLAN_SCHEMAS));
  const intent = String(formData.get("intent"));
  if (!Object.hasOwn(PLAN_SCHEMAS, intent)) throw data("Unknown intent", { status: 400 });
  const formId = String(formData.get("formId") ?? intent).slice(0, 80);
  const schema = PLAN_SCHEMAS[intent as PlanIntent];
  const submission = parseWithZod(formData, { schema });
  if (submission.status !== "success") return invalidReply(formId, submission);

  const back = (anchor: string) => `/villages/${villageId}/plan?saved=${anchor}#${anchor}`;
  const value = submission.value;
  switch (value.intent) {
    case "plan":
      return formReply(
        formId,
        submission,
        await updatePlan(viewer, villageId, value),
        back("plan"),
      );
    case "indicator":
      return formReply(
        formId,
        submission,
        await updateIndicator(viewer, villageId, value),
        back(formId),
      );
    case "add-indicator": {
      const result = await addIndicator(viewer, villageId, value);
      return formReply(
        formId,
        submission,
        result,
        back(result.ok ? `indicator-${result.value}` : "indicators"),
      );
    }
    case "milestone":
      return formReply(
        formId,
        submission,
        await updateMilestone(viewer, villageId, value),
        back(formId),
      );
    case "add-milestone": {
      const result = await addMilestone(viewer, villageId, value);
      return formReply(
        formId,
        submission,
        result,
        back(result.ok ? `milestone-${result.value}` : "milestones"),
      );
    }
    case "opinion":
      return formReply(
        formId,
        submission,
        await addOpinion(viewer, villageId, value),
        back("opinions"),
      );
  }
}

/** With JavaScript: kept on the phone when there is no connection, sent when it returns (app/outbox). */
export const clientAction = queueableAction({ milestone: "milestone" });
export const shouldRevalidate = skipRevalidationWhenQueued;

export default function PlanTab() {
  const t = useT();
  const locale = useLocale();
  const {
    villageId,
    plan,
    figures,
    indicators,
    milestones,
    opinions,
    readiness,
    owners,
    canEdit,
    requestId,
    exitSummary,
  } = useLoaderData<typeof loader>();
  usePlanEditors(canEdit);
  const [searchParams] = useSearchParams();
  const reply = useActionData<{ formId?: string }>();
  const saved = searchParams.get("saved");
  // An indicator or a milestone says "saved" itself, where the person is looking.
  const savedInItem = saved !== null && /^(indicator|milestone)-/.test(saved);
  // The items to show unfolded: just saved, asked to edit (`?edit=`, without JavaScript), or
  // answered with errors.
  const inView = [saved, searchParams.get("edit"), reply?.formId];
  const officialCount = indicators.filter((i) => i.kind !== "custom").length;
  // The county's incidence standard, as the incidence indicator carries it.
  const incidenceThreshold =
    indicators.find((i) => i.kind === "poverty_incidence")?.threshold ?? INCIDENCE_THRESHOLD;
  // What is still to do comes first (in due order); what is done folds beneath it.
  const openMilestones = milestones.filter((m) => m.status !== "done");
  const doneMilestones = milestones.filter((m) => m.status === "done");
  const milestoneItem = (m: (typeof milestones)[number]) => (
    <MilestoneItem
      key={`${m.id}:${m.version}`}
      milestone={m}
      owners={owners}
      canEdit={canEdit}
      saved={saved === `milestone-${m.id}`}
    />
  );

  return (
    <div className="stack-lg plan">
      {saved && !savedInItem ? (
        <p role="status" className="saved">
          {t("form.savedMessage")}
        </p>
      ) : null}
      {!canEdit ? <p className="notice">{t("plan.readOnly")}</p> : null}

      {/* A team's daily work first (what is due, what is missing), then the plan and its details. */}
      <section aria-labelledby="milestones-title" className="card" id="milestones">
        <h2 id="milestones-title">{t("milestone.heading")}</h2>
        {milestones.length === 0 ? <p className="muted">{t("milestone.none")}</p> : null}
        {openMilestones.length ? (
          <ul className="indicator-list">{openMilestones.map(milestoneItem)}</ul>
        ) : milestones.length ? (
          <p className="muted">{t("milestone.allDone")}</p>
        ) : null}
        {doneMilestones.length ? (
          <details
            className="disclosure done-milestones"
            open={doneMilestones.some((m) => inView.includes(`milestone-${m.id}`))}
          >
            <summary>{t("milestone.doneFolded", { count: doneMilestones.length })}</summary>
            <ul className="indicator-list">{doneMilestones.map(milestoneItem)}</ul>
          </details>
        ) : null}
        {canEdit ? (
          <NewMilestoneForm key={milestones.length} owners={owners} requestId={requestId} />
        ) : null}
      </section>

      <section aria-labelledby="exit-title" className="card" id="exit">
        <h2 id="exit-title">
          {t("villageExit.planCard")} <ExitStatusBadge status={exitSummary.status} />
        </h2>
        <p>
          {exitSummary.last
            ? t(`villageExit.stage.${exitSummary.last.step}`, {
                date: formatDate(locale, exitSummary.last.doneOn),
              })
            : t("villageExit.stage.none")}
        </p>
        <p>
          <Link
            to={`/villages/${villageId}/plan/exit`}
            className={exitSummary.canAct ? "button button-primary" : "button"}
          >
            {t(exitSummary.canAct ? "villageExit.planCardOpen" : "villageExit.planCardView")}
          </Link>
        </p>
      </section>

      <ReadinessChecklist items={readiness} />

      <section aria-labelledby="plan" className="card" id="plan">
        <h2>
          <span id="plan-title">{t("plan.title")}</span>
        </h2>
        <dl className="facts">
          <div>
            <dt>{t("plan.targetExitYear")}</dt>
            <dd className="big">{plan.targetExitYear}</dd>
          </div>
          <div>
            <dt>{t("plan.programme")}</dt>
            <dd>
              {t("plan.programmeValue", {
                // Years are labels, not quantities: no digit grouping.
                start: String(plan.startYear),
                attackEnd: String(plan.attackEndYear),
                consolidateStart: String(plan.attackEndYear + 1),
                end: String(plan.endYear),
              })}
            </dd>
          </div>
          {figures ? (
            <div>
              <dt>{t("village.incidence")}</dt>
              <dd
                className={
                  figures.incidence >= incidenceThreshold ? "over-threshold" : "under-threshold"
                }
              >
                {formatPercent(locale, figures.incidence)}{" "}
                <span className="muted small">
                  {t("plan.incidenceFrom", {
                    people: figures.poorPeople,
                    households: figures.poorHouseholds,
                    population: figures.agriculturalPopulation,
                  })}
                </span>
              </dd>
            </div>
          ) : null}
        </dl>
        {plan.narrative ? <p className="narrative">{plan.narrative}</p> : null}
        {plan.updatedAt && plan.updatedBy ? (
          <p className="muted small">
            {t("common.lastChange", {
              who: plan.updatedBy ?? "—",
              when: formatDateTime(locale, plan.updatedAt),
            })}
          </p>
        ) : null}
        <PlanSummaryForm key={plan.version} plan={plan} canEdit={canEdit} />
      </section>

      {/* Items are keyed by version: after a save the form closes and starts from the saved values. */}
      <section aria-labelledby="indicators-title" className="card" id="indicators">
        <h2 id="indicators-title">{t("indicator.title")}</h2>
        <p className="muted small">{t("indicator.intro", { count: officialCount })}</p>
        <ul className="indicator-list">
          {indicators.map((indicator) => (
            <IndicatorItem
              key={`${indicator.id}:${indicator.version}`}
              indicator={indicator}
              canEdit={canEdit}
              saved={saved === `indicator-${indicator.id}`}
            />
          ))}
        </ul>
        {canEdit ? <NewIndicatorForm key={indicators.length} requestId={requestId} /> : null}
      </section>

      <section aria-labelledby="opinions-title" className="card" id="opinions">
        <h2 id="opinions-title">{t("opinion.title")}</h2>
        {opinions.length === 0 ? <p className="muted">{t("opinion.none")}</p> : null}
        <ul className="opinions">
          {opinions.map((o) => (
            <li key={o.id}>
              <p className="small muted">
                {formatDate(locale, o.gatheredOn)} · {o.source}
                {o.by ? ` · ${t("opinion.recordedBy", { name: o.by })}` : ""}
              </p>
              <p>{o.content}</p>
            </li>
          ))}
        </ul>
        {canEdit ? <OpinionForm key={opinions.length} requestId={requestId} /> : null}
      </section>

      <p>
        <Link to={`/villages/${villageId}/plan.xlsx`} reloadDocument className="button">
          {t("plan.export")}
        </Link>
      </p>
    </div>
  );
}
