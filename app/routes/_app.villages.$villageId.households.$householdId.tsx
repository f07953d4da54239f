import {
  data,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useNavigation,
  useSearchParams,
} from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { DemoBadge } from "~/components/badges";
import { lazyComponent } from "~/utils/lazy-component";
import { Suspense } from "react";
import {
  formatDate,
  formatDateTime,
  formatYuan,
  messageWithParams,
  translateMessage,
  formatList,
  useLocale,
  useT,
} from "~/i18n";
import { getHousehold, recordExitStep, revealHouseholdIdentity } from "~/models/household.server";
import { ExitStepSchema, parseWithZod } from "~/schemas/forms.server";
import { today } from "~/utils/dates";
import { formReply, invalidReply } from "~/utils/form-reply.server";
import { EXIT_STEPS, GUARANTEES } from "../../db/schema";
import { readForm } from "~/utils/form-guard.server";

/** The next exit step's form, with Conform: hydrated from its own chunk (decision 018). */
const StepForm = lazyComponent(() =>
  import("~/components/exit-step-form").then((m) => m.ExitStepForm),
);

export const meta: MetaFunction<typeof loader> = ({ data: page }) => [
  { title: page ? `${page.household.headName} · ${page.village.nameZh}` : "" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const result = await getHousehold(viewer, params.villageId ?? "", params.householdId ?? "");
  if (!result.ok) notFound();
  return { ...result, today: today() };
}

/** Records an exit-workflow step (the roster record itself is edited on …/edit). */
export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  const villageId = params.villageId ?? "";
  const householdId = params.householdId ?? "";
  const formData = await readForm(request, ExitStepSchema);
  if (formData.get("intent") === "reveal") {
    const shown = await revealHouseholdIdentity(viewer, villageId, householdId);
    if (!shown.ok && shown.reason === "not-found") notFound();
    if (!shown.ok) throw data("Forbidden", { status: 403 });
    return { formId: "reveal", idNumber: shown.idNumber, phone: shown.phone };
  }
  if (formData.get("intent") !== "step") throw data("Unknown intent", { status: 400 });
  const submission = parseWithZod(formData, { schema: ExitStepSchema });
  if (submission.status !== "success") return invalidReply("step", submission);
  const result = await recordExitStep(viewer, villageId, householdId, submission.value);
  return formReply(
    "step",
    submission,
    result,
    `/villages/${villageId}/households/${householdId}?saved=step#workflow`,
  );
}

export default function HouseholdPage() {
  const t = useT();
  const locale = useLocale();
  const page = useLoaderData<typeof loader>();
  const { household, steps, round, next, blockers, canEdit, noticeEndsOn, noticeDays } = page;
  const [searchParams] = useSearchParams();
  const currentSteps = steps.filter((s) => s.round === round);
  const earlierSteps = steps.filter((s) => s.round !== round);

  return (
    <div className="stack-lg">
      <p>
        <Link to={`/villages/${household.villageId}/households`}>
          ← {t("household.backToList")}
        </Link>
      </p>
      {searchParams.get("saved") ? (
        <p role="status" className="saved">
          {t("form.savedMessage")}
        </p>
      ) : null}
      <section className="card" aria-labelledby="hh-title">
        <div className="page-head-row">
          <h2 id="hh-title">
            {household.headName} <DemoBadge source={household.nameSource} />{" "}
            <span className={`hh-status hh-${household.status}`}>
              {t(`householdStatus.${household.status}`)}
            </span>
          </h2>
          {canEdit ? (
            <Link to="edit" className="button">
              {t("household.edit")}
            </Link>
          ) : null}
        </div>
        <dl className="facts">
          <div>
            <dt>{t("household.code")}</dt>
            <dd>{household.code}</dd>
          </div>
          <div>
            <dt>{t("household.members")}</dt>
            <dd>{t("village.people", { count: household.members })}</dd>
          </div>
          <div>
            <dt>{t("household.identifiedYear")}</dt>
            <dd>{household.identifiedYear}</dd>
          </div>
          {household.exitYear ? (
            <div>
              <dt>{t("household.exitYear")}</dt>
              <dd>{household.exitYear}</dd>
            </div>
          ) : null}
          <div>
            <dt>{t("household.mainCause")}</dt>
            <dd>{t(`cause.${household.mainCause}`)}</dd>
          </div>
          <div>
            <dt>{t("household.otherCauses")}</dt>
            <dd>
              {formatList(
                locale,
                household.otherCauses.map((c) => t(`cause.${c}`)),
              ) || "—"}
            </dd>
          </div>
          <div>
            <dt>{t("household.helpMeasures")}</dt>
            <dd>
              {formatList(
                locale,
                household.helpMeasures.map((m) => t(`measure.${m}`)),
              ) || "—"}
            </dd>
          </div>
          <div>
            <dt>{t("household.pairedCadre")}</dt>
            <dd>{household.pairedCadre ?? "—"}</dd>
          </div>
        </dl>
        <IdentityFacts
          idNumber={household.idNumber}
          phone={household.phone}
          canReveal={page.canReveal}
        />
      </section>

      <section className="card" aria-labelledby="hh-guarantees">
        <h2 id="hh-guarantees">{t("household.guarantees")}</h2>
        <ul className="guarantee-list">
          {GUARANTEES.map((g) => (
            <li key={g} className={`guarantee-${household.guarantees[g]}`}>
              {household.guarantees[g] === "met"
                ? "✓"
                : household.guarantees[g] === "unmet"
                  ? "✗"
                  : "–"}{" "}
              {t(`guarantee.${g}`)}: {t(`guaranteeResult.${household.guarantees[g]}`)}
            </li>
          ))}
        </ul>
      </section>

      <section className="card" aria-labelledby="hh-incomes">
        <h2 id="hh-incomes">{t("household.incomes")}</h2>
        {household.incomes.length === 0 ? (
          <p className="muted">{t("household.noIncomes")}</p>
        ) : (
          <table className="data-table compact wrap-head">
            <thead>
              <tr>
                <th scope="col">{t("household.year")}</th>
                <th scope="col">{t("household.perCapita")}</th>
                <th scope="col">{t("household.line")}</th>
              </tr>
            </thead>
            <tbody>
              {household.incomes.map((i) => (
                <tr key={i.year}>
                  <th scope="row">{i.year}</th>
                  <td
                    className={`num ${i.line !== null && i.value < i.line ? "over-threshold" : ""}`}
                  >
                    {formatYuan(locale, i.value)}
                    {i.line !== null && i.value < i.line ? (
                      <span className="below-line">✗ {t("household.belowLine")}</span>
                    ) : null}
                  </td>
                  <td className="num">{i.line !== null ? formatYuan(locale, i.line) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p className="muted small">{t("household.lineSource")}</p>
      </section>

      <section className="card" aria-labelledby="workflow-title" id="workflow">
        <h2 id="workflow-title">{t("exit.title")}</h2>
        <ol className="workflow">
          {EXIT_STEPS.map((step) => {
            const done = currentSteps.find((s) => s.step === step);
            const isNext = next === step;
            return (
              <li
                key={step}
                className={done ? "done" : isNext ? "next" : "todo"}
                aria-current={isNext ? "step" : undefined}
              >
                <strong>
                  {done ? "✓" : isNext ? "→" : "○"} {t(`exit.step.${step}`)}
                </strong>
                {done ? (
                  <p className="small">
                    {t(done.by ? "exit.doneLine" : "exit.doneLineUnknown", {
                      date: formatDate(locale, done.doneOn),
                      who: done.by ?? "",
                      when: formatDateTime(locale, done.recordedAt),
                    })}
                    {done.note ? ` — ${done.note}` : ""}
                  </p>
                ) : null}
                {step === "notice" && done && noticeEndsOn ? (
                  <p className="small muted">
                    {t("exit.noticeRuns", {
                      days: noticeDays,
                      date: formatDate(locale, noticeEndsOn),
                    })}
                  </p>
                ) : null}
              </li>
            );
          })}
        </ol>
        {household.status === "exited" || household.status === "monitored" ? (
          <p className="ready-line">
            ✓ {t("exit.completed", { year: String(household.exitYear ?? "") })}
          </p>
        ) : null}
        {blockers.length ? (
          <div className="blockers" role="note">
            <p>
              <strong>{t("exit.blockedTitle")}</strong>
            </p>
            <ul className="checklist">
              {blockers.map((b, i) => (
                <li key={i} className="blocking">
                  ✗ {translateMessage(t, messageWithParams(b.key, b.params))}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {canEdit && next && blockers.length === 0 ? (
          <Suspense fallback={<p className="small muted">{t("form.loadingEditor")}</p>}>
            <StepForm step={next} version={household.version} today={page.today} />
          </Suspense>
        ) : null}
        {canEdit && household.status === "exiting" ? (
          <WithdrawForm version={household.version} today={page.today} />
        ) : null}
        {earlierSteps.length ? (
          <details>
            <summary>{t("exit.earlierRounds")}</summary>
            <ul className="history">
              {earlierSteps.map((s) => (
                <li key={s.id}>
                  {t("exit.roundLine", { round: s.round })} · {t(`exit.step.${s.step}`)} ·{" "}
                  {formatDate(locale, s.doneOn)} · {s.by ?? "—"}
                  {s.note ? ` — ${s.note}` : ""}
                </li>
              ))}
            </ul>
          </details>
        ) : null}
      </section>
    </div>
  );
}

function WithdrawForm({ version, today }: { version: number; today: string }) {
  const t = useT();
  return (
    <details className="edit">
      <summary>{t("exit.withdraw")}</summary>
      <Form method="post" preventScrollReset className="form-grid">
        <input type="hidden" name="intent" value="step" />
        <input type="hidden" name="formId" value="withdraw" />
        <input type="hidden" name="step" value="withdrawn" />
        <input type="hidden" name="version" value={version} />
        <input type="hidden" name="doneOn" value={today} />
        <div className="field wide">
          <label htmlFor="withdraw-note">{t("exit.withdrawReason")}</label>
          <textarea id="withdraw-note" name="note" rows={2} required maxLength={500} />
        </div>
        <div className="wide">
          <button type="submit" className="button">
            {t("exit.withdrawSubmit")}
          </button>
        </div>
      </Form>
    </details>
  );
}

/**
 * The head of household's ID and phone numbers: masked; the full numbers on request, for those
 * who may (the request is a form post, recorded in the audit log).
 */
function IdentityFacts({
  idNumber,
  phone,
  canReveal,
}: {
  idNumber: string | null;
  phone: string | null;
  canReveal: boolean;
}) {
  const t = useT();
  const reply = useActionData<typeof action>();
  const shown = reply && "formId" in reply && reply.formId === "reveal" ? reply : null;
  const busy = useNavigation().state === "submitting";
  return (
    <div className="stack identity-facts" aria-labelledby="hh-identity">
      <h3 id="hh-identity">{t("household.identity")}</h3>
      <p className="muted small">{t("household.identityHint")}</p>
      <dl className="facts">
        <div>
          <dt>{t("roster.col.idNumber")}</dt>
          <dd className="mono">
            {(shown && "idNumber" in shown ? shown.idNumber : idNumber) ??
              t("household.noIdentity")}
          </dd>
        </div>
        <div>
          <dt>{t("roster.col.phone")}</dt>
          <dd className="mono">
            {(shown && "phone" in shown ? shown.phone : phone) ?? t("household.noIdentity")}
          </dd>
        </div>
      </dl>
      {shown ? (
        <p role="status" className="muted small">
          {t("household.revealed")}
        </p>
      ) : canReveal ? (
        <Form method="post">
          <button type="submit" name="intent" value="reveal" className="button" disabled={busy}>
            {t("household.reveal")}
          </button>
        </Form>
      ) : null}
    </div>
  );
}
