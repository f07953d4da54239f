/**
 * The Plan tab's pieces: indicators, milestones, opinions and the readiness checklist. Each edit
 * form is a plain Remix <Form> (works without JavaScript), folded on the item it changes
 * (FoldedForm: drawn by React only once opened). The forms themselves are in plan-editors.tsx,
 * loaded (with Conform) when a fold is first opened, or when the browser is idle for those who
 * may edit (usePlanEditors): a reader of the plan never loads them.
 */
import { useEffect, useRef } from "react";
import { FoldedForm } from "~/components/folded-form";
import { formatIndicatorValue, indicatorName } from "~/utils/indicators";
import { formatDate, translateMessage, useLocale, useT, type Locale, type Translate } from "~/i18n";
import type { IndicatorView, MilestoneView, PlanPage } from "~/models/plan.server";
import { readinessMessage, type ReadinessItem } from "~/utils/exit-rules";
import { lazyComponent } from "~/utils/lazy-component";

const editors = () => import("~/components/plan-editors");
const PlanEditor = lazyComponent(() => editors().then((m) => m.PlanEditor));
const IndicatorEditor = lazyComponent(() => editors().then((m) => m.IndicatorEditor));
const NewIndicatorEditor = lazyComponent(() => editors().then((m) => m.NewIndicatorEditor));
const MilestoneEditor = lazyComponent(() => editors().then((m) => m.MilestoneEditor));
const NewMilestoneEditor = lazyComponent(() => editors().then((m) => m.NewMilestoneEditor));
const OpinionEditor = lazyComponent(() => editors().then((m) => m.OpinionEditor));

/**
 * For those who may edit: the forms are loaded once the page is idle after hydration, so that a
 * fold opens at once, also later without a connection (a milestone marked done offline waits in
 * the outbox, app/outbox).
 */
export function usePlanEditors(canEdit: boolean) {
  useEffect(() => {
    if (!canEdit) return;
    const load = () => {
      for (const editor of [
        PlanEditor,
        IndicatorEditor,
        NewIndicatorEditor,
        MilestoneEditor,
        NewMilestoneEditor,
        OpinionEditor,
      ])
        editor.preload().catch(() => undefined); // not loaded: a fold loads it when opened
    };
    if ("requestIdleCallback" in window) {
      const id = requestIdleCallback(load, { timeout: 5_000 });
      return () => cancelIdleCallback(id);
    }
    const id = setTimeout(load, 1_000);
    return () => clearTimeout(id);
  }, [canEdit]);
}

type Indicator = Omit<IndicatorView, "kind"> & { kind: string };
type Milestone = MilestoneView;

/** "Saved", said in the item that was saved (the page keeps its scroll position after a save). */
function SavedNote() {
  const t = useT();
  const ref = useRef<HTMLParagraphElement>(null);
  // A saved item may have moved (a milestone done goes among the done ones): bring it into view.
  useEffect(() => {
    ref.current?.scrollIntoView({ block: "nearest" });
  }, []);
  return (
    <p role="status" className="saved saved-inline" ref={ref}>
      {t("form.savedMessage")}
    </p>
  );
}

function MetBadge({ met }: { met: boolean | null }) {
  const t = useT();
  if (met === null)
    return <span className="badge badge-unknown">? {t("indicator.notMeasured")}</span>;
  return met ? (
    <span className="badge badge-met">✓ {t("indicator.met")}</span>
  ) : (
    <span className="badge badge-unmet">✗ {t("indicator.notMet")}</span>
  );
}

export function ReadinessChecklist({ items }: { items: ReadinessItem[] }) {
  const t = useT();
  const blocking = items.filter((i) => i.blocking);
  const open = items.filter((i) => !i.blocking);
  const text = (item: ReadinessItem) => translateMessage(t, readinessMessage(item));
  return (
    <section
      aria-labelledby="readiness"
      className={`card readiness ${blocking.length ? "not-ready" : "ready"}`}
    >
      <h2 id="readiness">{t("readiness.title")}</h2>
      {blocking.length === 0 ? (
        <p className="ready-line">✓ {t("readiness.ready")}</p>
      ) : (
        <>
          <p>{t("readiness.blockedBy", { count: blocking.length })}</p>
          <ul className="checklist">
            {blocking.map((item, i) => (
              <li key={i} className="blocking">
                ✗ {text(item)}
              </li>
            ))}
          </ul>
        </>
      )}
      {open.length ? (
        <>
          <h3>{t("readiness.alsoOpen")}</h3>
          <ul className="checklist">
            {open.map((item, i) => (
              <li key={i}>• {text(item)}</li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

type PlanValues = Omit<PlanPage["plan"], "updatedAt" | "updatedBy">;

export function PlanSummaryForm({ plan, canEdit }: { plan: PlanValues; canEdit: boolean }) {
  const t = useT();
  if (!canEdit) return null;
  return (
    <FoldedForm formId="plan" summary={t("plan.edit")}>
      <PlanEditor plan={plan} />
    </FoldedForm>
  );
}

export function IndicatorItem({
  indicator,
  canEdit,
  saved = false,
}: {
  indicator: Indicator;
  canEdit: boolean;
  /** Just saved: the item says so where the person is looking. */
  saved?: boolean;
}) {
  const t = useT();
  const locale = useLocale();
  const formId = `indicator-${indicator.id}`;
  const name = indicatorName(t, indicator);
  const value = (v: number | null) => formatIndicatorValue(t, locale, indicator, v);
  return (
    <li className={`indicator ${indicator.met === false ? "is-unmet" : ""}`} id={formId}>
      <div className="indicator-head">
        <h3>{name}</h3>
        <MetBadge met={indicator.met} />
      </div>
      {/* One line each: where the village stands and the standard. The rest folds. */}
      <p className="indicator-line small">
        {t("indicator.currentLine", {
          current: value(indicator.current),
          threshold: thresholdText(t, locale, indicator),
        })}
        {indicator.computed ? <span className="muted"> {t("indicator.computed")}</span> : null}
      </p>
      {saved ? <SavedNote /> : null}
      <details className="indicator-more">
        <summary>
          {t("indicator.more")}
          <span className="visually-hidden"> {name}</span>
        </summary>
        <dl className="indicator-values">
          <div>
            <dt>{t("indicator.baseline")}</dt>
            <dd>{value(indicator.baseline)}</dd>
          </div>
          <div>
            <dt>{t("indicator.target")}</dt>
            <dd>{value(indicator.target)}</dd>
          </div>
          {indicator.measuredOn && !indicator.computed ? (
            <div>
              <dt>{t("indicator.measuredOn")}</dt>
              <dd>{formatDate(locale, indicator.measuredOn)}</dd>
            </div>
          ) : null}
        </dl>
        {indicator.evidence ? (
          <p className="evidence">
            <span className="muted">
              {t("common.labelColon", { label: t("indicator.evidence") })}
            </span>
            {indicator.evidence}
          </p>
        ) : null}
      </details>
      {canEdit ? (
        <FoldedForm
          formId={formId}
          summary={
            <>
              {t("form.edit")}
              <span className="visually-hidden"> {name}</span>
            </>
          }
        >
          <IndicatorEditor indicator={indicator} />
        </FoldedForm>
      ) : null}
    </li>
  );
}

function thresholdText(t: Translate, locale: Locale, indicator: Indicator) {
  if (indicator.comparison === "yes") return t("indicator.mustBeYes");
  const v = formatIndicatorValue(t, locale, indicator, indicator.threshold);
  const text =
    indicator.comparison === "below"
      ? t("indicator.below", { value: v })
      : t("indicator.atLeast", { value: v });
  return indicator.countySet ? `${text} ${t("indicator.countySet")}` : text;
}

export function NewIndicatorForm({ requestId }: { requestId: string }) {
  const t = useT();
  return (
    <FoldedForm formId="add-indicator" summary={t("indicator.add")}>
      <NewIndicatorEditor requestId={requestId} />
    </FoldedForm>
  );
}

export function MilestoneItem({
  milestone,
  owners,
  canEdit,
  saved = false,
}: {
  milestone: Milestone;
  owners: { id: string; name: string }[];
  canEdit: boolean;
  /** Just saved: the item says so where the person is looking. */
  saved?: boolean;
}) {
  const t = useT();
  const locale = useLocale();
  const formId = `milestone-${milestone.id}`;
  return (
    <li
      className={`milestone status-${milestone.status} ${milestone.overdue ? "is-overdue" : ""}`}
      id={formId}
    >
      <div className="indicator-head">
        <h3>{milestone.title}</h3>
        <span className={`badge milestone-badge milestone-${milestone.status}`}>
          {t(`milestone.status.${milestone.status}`)}
        </span>
        {milestone.overdue ? (
          <span className="badge badge-overdue">! {t("milestone.overdue")}</span>
        ) : null}
      </div>
      <p className="small">
        {t("milestone.dueLine", { date: formatDate(locale, milestone.dueOn) })}
        {milestone.ownerName ? ` · ${t("milestone.ownerLine", { name: milestone.ownerName })}` : ""}
        {milestone.doneOn
          ? ` · ${t("milestone.doneLine", { date: formatDate(locale, milestone.doneOn) })}`
          : ""}
      </p>
      {milestone.evidence ? (
        <p className="evidence">
          <span className="muted">
            {t("common.labelColon", { label: t("milestone.evidence") })}
          </span>
          {milestone.evidence}
        </p>
      ) : null}
      {saved ? <SavedNote /> : null}
      {canEdit ? (
        <FoldedForm
          formId={formId}
          summary={
            <>
              {t("form.edit")}
              <span className="visually-hidden"> {milestone.title}</span>
            </>
          }
        >
          <MilestoneEditor milestone={milestone} owners={owners} />
        </FoldedForm>
      ) : null}
    </li>
  );
}

export function NewMilestoneForm({
  owners,
  requestId,
}: {
  owners: { id: string; name: string }[];
  requestId: string;
}) {
  const t = useT();
  return (
    <FoldedForm formId="add-milestone" summary={t("milestone.add")}>
      <NewMilestoneEditor owners={owners} requestId={requestId} />
    </FoldedForm>
  );
}

export function OpinionForm({ requestId }: { requestId: string }) {
  const t = useT();
  return (
    <FoldedForm formId="opinion" summary={t("opinion.add")}>
      <OpinionEditor requestId={requestId} />
    </FoldedForm>
  );
}
