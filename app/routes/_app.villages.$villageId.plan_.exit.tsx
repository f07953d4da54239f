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
  formatDate,
  formatDateTime,
  messageWithParams,
  translateMessage,
  useLocale,
  useT,
} from "~/i18n";
import {
  getVillageExit,
  recordVillageExitStep,
  undoVillageExitStep,
  type ExitStepView,
} from "~/models/village-exit.server";
import { VillageExitStepSchema, VillageExitUndoSchema, parseWithZod } from "~/schemas/forms.server";
import { today } from "~/utils/dates";
import { readEvidence } from "~/utils/evidence.server";
import { formReply, invalidReply } from "~/utils/form-reply.server";
import { replyOf } from "~/utils/form-guard.server";
import { villageTabTitle } from "~/utils/meta";
import { readUploadForm } from "~/utils/upload.server";
import { EVIDENCE_MAX_BYTES } from "~/utils/village-exit";
import { lazyComponent } from "~/utils/lazy-component";
import { Suspense, type ReactNode } from "react";
import { VILLAGE_EXIT_STEPS } from "../../db/schema";

/** The step and undo forms, with Conform: hydrated from their own chunk (decision 018). */
const exitForms = () => import("~/components/village-exit-forms");
const StepForm = lazyComponent(() => exitForms().then((m) => m.StepForm));
const UndoForm = lazyComponent(() => exitForms().then((m) => m.UndoForm));

/** Where a form is drawn while its chunk comes (a client navigation to the page). */
function FormSlot({ children }: { children: ReactNode }) {
  const t = useT();
  return (
    <Suspense fallback={<p className="small muted">{t("form.loadingEditor")}</p>}>
      {children}
    </Suspense>
  );
}

export const meta: MetaFunction = (args) => villageTabTitle(args, "villageExit.title");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const villageId = params.villageId ?? "";
  const page = await getVillageExit(viewer, villageId);
  if (!page.ok) notFound();
  return { ...page, villageId, today: today() };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  const villageId = params.villageId ?? "";
  const upload = await readUploadForm(request, EVIDENCE_MAX_BYTES, [
    VillageExitStepSchema,
    VillageExitUndoSchema,
  ]);
  if (!upload.ok) {
    // The body could not be read to the end (a file over 10 MB), so which form sent it is not
    // known either: the page says why above the procedure.
    const key = upload.reason === "too-large" ? "villageExit.file.tooLarge" : "form.invalid";
    return data(
      { formId: "upload", uploadError: messageWithParams(key, { max: 10 }) },
      { status: upload.reason === "too-large" ? 413 : 400 },
    );
  }
  const form = upload.form;
  const back = `/villages/${villageId}/plan/exit?saved=1#procedure`;
  if (form.get("intent") === "undo") {
    const submission = parseWithZod(form, { schema: VillageExitUndoSchema });
    if (submission.status !== "success") return invalidReply("undo", submission);
    return formReply(
      "undo",
      submission,
      await undoVillageExitStep(viewer, villageId, submission.value),
      back,
    );
  }
  if (form.get("intent") !== "step") throw data("Unknown intent", { status: 400 });
  const formId = String(form.get("formId") ?? "step").slice(0, 40);
  const submission = parseWithZod(form, { schema: VillageExitStepSchema });
  if (submission.status !== "success") return invalidReply(formId, submission);
  const evidence = await readEvidence(form.getAll("files"));
  if (!evidence.ok) {
    return data(
      {
        formId,
        result: replyOf(submission, {
          fieldErrors: { files: [messageWithParams(evidence.key, evidence.params)] },
        }),
        conflict: null,
      },
      { status: 400 },
    );
  }
  const { files: _files, ...value } = submission.value;
  return formReply(
    formId,
    submission,
    await recordVillageExitStep(viewer, villageId, value, evidence.files),
    back,
  );
}

type Page = ReturnType<typeof useLoaderData<typeof loader>>;

export default function VillageExitPage() {
  const t = useT();
  const locale = useLocale();
  const page = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const { steps, state, status } = page;
  const uploadError = useActionData<{ uploadError?: string }>()?.uploadError;
  const kept = steps.filter((s) => !s.undone);
  const round = state.last && state.last.step !== "objection" ? state.last.round : null;
  const current = round === null ? [] : kept.filter((s) => s.round === round);
  const checks = kept.filter((s) => s.step === "county_check");
  const earlier = steps.filter((s) => s.undone || (s.round !== round && s.step !== "county_check"));

  return (
    <div className="stack-lg">
      <p>
        <Link to={`/villages/${page.villageId}/plan`}>← {t("villageExit.backToPlan")}</Link>
      </p>
      {searchParams.get("saved") ? (
        <p role="status" className="saved">
          {t("form.savedMessage")}
        </p>
      ) : null}
      {uploadError ? (
        <p role="alert" className="error-box">
          {translateMessage(t, uploadError)}
        </p>
      ) : null}
      <section className="card" aria-labelledby="procedure-title" id="procedure">
        <h2 id="procedure-title">
          {t("villageExit.title")} <ExitStatusBadge status={status} />
        </h2>
        <p className="muted small">{t("villageExit.intro", { days: page.noticeDays })}</p>
        {page.exitYear && (status === "exited" || status === "consolidating") ? (
          <p className="ready-line">
            ✓ {t("villageExit.exitedIn", { year: String(page.exitYear) })}
          </p>
        ) : null}
        <ol className="workflow">
          {VILLAGE_EXIT_STEPS.map((step) => {
            const made = current.find((s) => s.step === step);
            const isNext = !made && state.next.includes(step);
            return (
              <li
                key={step}
                className={made ? "done" : isNext ? "next" : "todo"}
                aria-current={isNext ? "step" : undefined}
              >
                <strong>
                  {made ? "✓" : isNext ? "→" : "○"} {t(`villageExit.step.${step}`)}
                </strong>
                {made ? <StepFacts step={made} villageId={page.villageId} /> : null}
                {step === "notice" && made && page.noticeEndsOn ? (
                  <p className="small muted">
                    {t("villageExit.noticeRuns", {
                      days: page.noticeDays,
                      date: formatDate(locale, page.noticeEndsOn),
                    })}
                  </p>
                ) : null}
              </li>
            );
          })}
        </ol>
        {checks.length ? (
          <>
            <h3>{t("villageExit.step.county_check")}</h3>
            <ul className="history">
              {checks.map((s) => (
                <li key={s.id}>
                  <StepFacts step={s} villageId={page.villageId} />
                </li>
              ))}
            </ul>
          </>
        ) : null}
        <Actions page={page} />
        {earlier.length ? (
          <details>
            <summary>{t("villageExit.earlier", { count: earlier.length })}</summary>
            <ul className="history">
              {earlier.map((s) => (
                <li key={s.id}>
                  {t("villageExit.roundLine", { round: s.round })} ·{" "}
                  <strong>{t(`villageExit.step.${s.step}`)}</strong>
                  <StepFacts step={s} villageId={page.villageId} />
                </li>
              ))}
            </ul>
          </details>
        ) : null}
      </section>
    </div>
  );
}

/** Who recorded a step and when, its note, the override it carried, its files, and any undo. */
function StepFacts({ step, villageId }: { step: ExitStepView; villageId: string }) {
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <p className="small">
        {t(step.by ? "villageExit.doneLine" : "villageExit.doneLineUnknown", {
          date: formatDate(locale, step.doneOn),
          who: step.by ?? "",
          when: formatDateTime(locale, step.recordedAt),
        })}
        {step.note ? ` — ${step.note}` : ""}
      </p>
      {step.overrideReason ? (
        <div className="blockers" role="note">
          <p className="small">
            <strong>{t("villageExit.overridden")}</strong> {step.overrideReason}
          </p>
          <ul className="checklist small">
            {step.overridden.map((item, i) => (
              <li key={i} className="blocking">
                ✗ {translateMessage(t, messageWithParams(item.key, item.params))}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {step.files.length ? (
        <ul className="evidence-files">
          {step.files.map((f) => {
            const href = `/villages/${villageId}/exit-files/${f.id}`;
            return (
              <li key={f.id}>
                <a href={href} download={f.name}>
                  {f.thumbnail ? (
                    <img
                      src={`${href}?thumbnail=1`}
                      alt={f.name}
                      width={96}
                      height={96}
                      loading="lazy"
                    />
                  ) : (
                    <span className="file-icon" aria-hidden="true">
                      PDF
                    </span>
                  )}
                  <span className="small">
                    {f.name} · {Math.max(1, Math.round(f.size / 1024))} KB
                  </span>
                </a>
              </li>
            );
          })}
        </ul>
      ) : null}
      {step.undone ? (
        <p className="small muted">
          {t("villageExit.undoneLine", {
            who: step.undone.by ?? "—",
            when: formatDateTime(locale, step.undone.at),
            reason: step.undone.reason,
          })}
        </p>
      ) : null}
    </>
  );
}

/** What this viewer may do now: the next step (or the objection), and taking back the last one. */
function Actions({ page }: { page: Page }) {
  const t = useT();
  const after = page.state.last?.id ?? "none";
  const proposing = page.mayRecord.includes("proposal");
  const blocked = proposing && page.blocking.length > 0;
  const waitingFor = page.state.next.filter((s) => !page.mayRecord.includes(s));
  return (
    <div className="stack">
      {blocked ? (
        <div className="blockers" role="note">
          <p>
            <strong>{t("villageExit.blockedTitle")}</strong>
          </p>
          <ul className="checklist">
            {page.blocking.map((b, i) => (
              <li key={i} className="blocking">
                ✗ {translateMessage(t, messageWithParams(b.key, b.params))}
              </li>
            ))}
          </ul>
          <p className="small">
            {page.mayOverride ? t("villageExit.overrideHint") : t("villageExit.blockedHint")}
          </p>
        </div>
      ) : null}
      {page.mayRecord
        .filter((s) => s !== "objection")
        .filter((s) => s !== "proposal" || !blocked || page.mayOverride)
        .map((step) => (
          <FormSlot key={`${step}:${after}`}>
            <StepForm
              step={step}
              after={after}
              today={page.today}
              override={step === "proposal" && blocked}
            />
          </FormSlot>
        ))}
      {page.mayRecord.includes("objection") ? (
        <details className="edit">
          <summary>{t("villageExit.objection")}</summary>
          <FormSlot key={`objection:${after}`}>
            <StepForm step="objection" after={after} today={page.today} />
          </FormSlot>
        </details>
      ) : null}
      {page.mayRecord.length === 0 && waitingFor.length ? (
        <p className="muted small">
          {t("villageExit.waitingFor", { step: t(`villageExit.step.${waitingFor[0]!}`) })}
        </p>
      ) : null}
      {page.mayUndo && page.state.last ? (
        <FormSlot>
          <UndoForm stepId={page.mayUndo} step={page.state.last.step} />
        </FormSlot>
      ) : null}
    </div>
  );
}
