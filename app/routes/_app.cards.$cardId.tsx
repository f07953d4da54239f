import {
  data,
  redirect,
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
import { Suspense, useCallback, useRef } from "react";
import { notFound, requireViewer, safeRedirect } from "~/auth.server";
import { DemoBadge } from "~/components/badges";
import type { MoveReply } from "~/components/board";
import { FieldErrors } from "~/components/field-errors";
import { MoveFields } from "~/components/move-fields";
import { useClearOnSuccess } from "~/components/field-errors";
import {
  formatDate,
  formatDateTime,
  formatList,
  formatYuan,
  messageWithParams,
  translateMessage,
  useLocale,
  useT,
  type Locale,
  type Translate,
} from "~/i18n";
import {
  addComment,
  cardOptions,
  getCard,
  moveCard,
  setArchived,
  updateCard,
} from "~/models/card.server";
import {
  ArchiveSchema,
  CardSchema,
  CommentSchema,
  MoveSchema,
  cardInput,
  parseWithZod,
} from "~/schemas/forms.server";
import { BOARD_SEGMENTS } from "~/utils/boards";
import { formReply, invalidReply } from "~/utils/form-reply.server";
import { readForm } from "~/utils/form-guard.server";
import { newId } from "../../db/ids";
import { queueableAction, skipRevalidationWhenQueued } from "~/outbox/client-action";
import { lazyComponent } from "~/utils/lazy-component";

/**
 * The edit form, with Conform, folded under "编辑" and used by few readers: the server draws it and
 * the browser hydrates it from its own chunk, out of the page's first load (decision 018).
 */
const CardForm = lazyComponent(() => import("~/components/card-form").then((m) => m.CardForm));

export const meta: MetaFunction<typeof loader> = ({ data: d }) => [
  { title: d ? `${d.card.title} · ${d.card.villageName}` : "" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const result = await getCard(viewer, params.cardId ?? "");
  if (!result) notFound();
  const options =
    result.canEdit && !result.card.archivedAt ? await cardOptions(result.card.villageId) : null;
  // Where the move form returns: the board the card's "move to…" link was followed from, if any.
  const from = sameOriginReferer(request);
  const returnTo = from && BOARD_PAGE.test(from.split("?")[0]!) ? from : null;
  // A fresh request id with every render: the same comment sent twice is posted once.
  return { ...result, options, returnTo, requestId: newId() };
}

/** A board's page: the county's or township's board, or a village's. */
const BOARD_PAGE = /^\/(boards|villages\/[^/]+)\/(projects|cases)$/;

const MOVE_MESSAGES: Record<string, string> = {
  conflict: "card.stale",
  forbidden: "form.forbidden",
};

/** Every write to a card: move (board fetchers and the "move to…" form), edit, archive, restore, comment. */
export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  const cardId = params.cardId ?? "";
  const formData = await readForm(request, [
    MoveSchema,
    CardSchema,
    ArchiveSchema,
    CommentSchema,
    "cardId",
  ]);
  const intent = formData.get("intent");
  const back = `/cards/${cardId}`;

  if (intent === "move") {
    const submission = parseWithZod(formData, { schema: MoveSchema });
    if (submission.status !== "success") {
      return data<MoveReply>({ ok: false, message: "card.unknownColumn" }, { status: 400 });
    }
    const result = await moveCard(viewer, { cardId, ...submission.value });
    // A plain form (the card page's, or an old page's "move to…") goes back where it says: the
    // board it was sent from ("back"), the board the card page was opened from, or the card.
    const redirectTo = formData.get("redirectTo");
    if (redirectTo && result.ok) {
      return redirect(
        redirectTo === "back"
          ? (sameOriginReferer(request) ?? back)
          : safeRedirect(redirectTo, `${back}?saved=move`),
      );
    }
    // A board's fetcher: where the card is now, which the board draws without loading again
    // (utils/board-moves.ts); after a renumbered column the board reloads.
    if (result.ok) {
      const { column, position, version, rebalanced } = result.value;
      return data<MoveReply>(
        rebalanced ? { ok: true } : { ok: true, placed: { id: cardId, column, position, version } },
      );
    }
    if (result.reason === "not-found") notFound();
    const status = result.reason === "conflict" ? 409 : result.reason === "forbidden" ? 403 : 400;
    const message = result.reason === "invalid" ? result.message : MOVE_MESSAGES[result.reason]!;
    // A conflict says where the card is now (a move queued offline shows it beside its own).
    const conflict =
      result.reason === "conflict"
        ? { current: result.current, version: result.version, by: result.by, at: result.at }
        : undefined;
    return data<MoveReply>({ ok: false, message, conflict }, { status });
  }
  if (intent === "edit") {
    const submission = parseWithZod(formData, { schema: CardSchema });
    if (submission.status !== "success" || submission.value.version === undefined) {
      return invalidReply("card-edit", submission);
    }
    const result = await updateCard(viewer, cardId, {
      ...cardInput(submission.value),
      version: submission.value.version,
    });
    return formReply("card-edit", submission, result, `${back}?saved=1`);
  }
  if (intent === "archive" || intent === "restore") {
    const submission = parseWithZod(formData, { schema: ArchiveSchema });
    if (submission.status !== "success") return invalidReply("archive", submission);
    const result = await setArchived(
      viewer,
      cardId,
      intent === "archive",
      submission.value.version,
    );
    return formReply("archive", submission, result, `${back}?saved=${intent}`);
  }
  if (intent === "comment") {
    const submission = parseWithZod(formData, { schema: CommentSchema });
    if (submission.status !== "success") return invalidReply("comment", submission);
    const result = await addComment(
      viewer,
      cardId,
      submission.value.body,
      submission.value.requestId,
    );
    return formReply("comment", submission, result, `${back}#comments`);
  }
  throw data("Unknown intent", { status: 400 });
}

/** The page a plain form was posted from, if it is one of ours (a missing or foreign Referer is not). */
function sameOriginReferer(request: Request): string | null {
  const referer = request.headers.get("Referer");
  if (!referer || !URL.canParse(referer)) return null;
  const from = new URL(referer);
  if (from.origin !== new URL(request.url).origin) return null;
  return safeRedirect(from.pathname + from.search);
}

function eventText(
  t: Translate,
  locale: Locale,
  board: string,
  event: { action: string; changes: Record<string, unknown> },
) {
  const column = (c: unknown) =>
    t(`board.column.${board}.${String(c)}` as "board.column.project.proposed");
  switch (event.action) {
    case "move":
      return t("card.event.move", {
        from: column(event.changes.from),
        to: column(event.changes.to),
      });
    case "create":
      return t("card.event.create", { column: column(event.changes.column) });
    case "edit": {
      const fields = Object.keys(event.changes).map((f) =>
        t.has(`field.${f}`) ? t(`field.${f}` as "field.title") : f,
      );
      return t("card.event.edit", { fields: formatList(locale, fields) || "—" });
    }
    default:
      return t(`card.event.${event.action}` as "card.event.archive");
  }
}

/** With JavaScript: kept on the phone when there is no connection, sent when it returns (app/outbox). */
export const clientAction = queueableAction({
  comment: "comment",
  move: "move",
});
export const shouldRevalidate = skipRevalidationWhenQueued;

export default function CardPage() {
  const t = useT();
  const locale = useLocale();
  const { card, comments, events, canEdit, options, returnTo, requestId } =
    useLoaderData<typeof loader>();
  const reply = useActionData<
    | {
        formId: string;
        result: { error?: Record<string, string[]>; initialValue?: Record<string, unknown> };
      }
    | MoveReply
  >();
  const actionData = reply && "formId" in reply ? reply : undefined;
  const moveRefused = reply && "ok" in reply && !reply.ok ? reply : undefined;
  const [searchParams] = useSearchParams();
  const kindKey = card.board === "project" ? `measure.${card.kind}` : `caseKind.${card.kind}`;
  const boardHref = `/villages/${card.villageId}/${BOARD_SEGMENTS[card.board]}`;
  const commentErrors =
    actionData?.formId === "comment" ? actionData.result.error?.body : undefined;
  const archiveErrors =
    actionData?.formId === "archive"
      ? Object.values(actionData.result.error ?? {}).flat()
      : undefined;

  return (
    <article className="stack-lg">
      <nav aria-label={t("nav.breadcrumb")} className="breadcrumb">
        <Link to={`/villages/${card.villageId}`}>{card.villageName}</Link> ›{" "}
        <Link to={boardHref}>{t(`board.title.${card.board}`)}</Link>
      </nav>
      <header className="page-head">
        <h1>
          {card.title} <DemoBadge source={card.nameSource} />
        </h1>
        <p>
          <span className="badge">
            {t(`board.column.${card.board}.${card.column}` as "board.column.project.proposed")}
          </span>{" "}
          {card.archivedAt ? (
            <span className="badge badge-unknown">{t("card.archived")}</span>
          ) : null}{" "}
          {card.overdue ? (
            <span className="badge badge-overdue">! {t("board.overdue")}</span>
          ) : null}
        </p>
      </header>
      {searchParams.get("saved") ? (
        <p role="status" className="saved">
          {t("form.savedMessage")}
        </p>
      ) : null}

      <section className="card" aria-labelledby="card-facts">
        <h2 id="card-facts">{t("card.details")}</h2>
        <dl className="facts">
          <div>
            <dt>{t("card.kind")}</dt>
            <dd>{t.has(kindKey) ? t(kindKey) : card.kind}</dd>
          </div>
          {card.board === "project" ? (
            <>
              <div>
                <dt>{t("card.owner")}</dt>
                <dd>{card.ownerName ?? "—"}</dd>
              </div>
              <div>
                <dt>{t("card.budget")}</dt>
                <dd>{card.budget !== null ? formatYuan(locale, card.budget) : "—"}</dd>
              </div>
              <div>
                <dt>{t("card.fundingSource")}</dt>
                <dd>{card.fundingSource ?? "—"}</dd>
              </div>
              <div>
                <dt>{t("card.milestone")}</dt>
                <dd>
                  {card.milestoneTitle ? (
                    <Link to={`/villages/${card.villageId}/plan#milestones`}>
                      {card.milestoneTitle}
                    </Link>
                  ) : (
                    "—"
                  )}
                </dd>
              </div>
              <div>
                <dt>{t("card.startOn")}</dt>
                <dd>{card.startOn ? formatDate(locale, card.startOn) : "—"}</dd>
              </div>
            </>
          ) : (
            <>
              <div>
                <dt>{t("card.household")}</dt>
                <dd>
                  {card.householdId ? (
                    <Link to={`/villages/${card.villageId}/households/${card.householdId}`}>
                      {card.householdName}
                    </Link>
                  ) : (
                    (card.person ?? "—")
                  )}
                </dd>
              </div>
              <div>
                <dt>{t("card.urgency")}</dt>
                <dd>{card.urgency ? t(`urgency.${card.urgency}`) : "—"}</dd>
              </div>
              <div>
                <dt>{t("card.assignees")}</dt>
                <dd>
                  {formatList(
                    locale,
                    card.assignees.map((a) => a.name),
                  ) || "—"}
                </dd>
              </div>
              <div>
                <dt>{t("card.followUpOn")}</dt>
                <dd>{card.followUpOn ? formatDate(locale, card.followUpOn) : "—"}</dd>
              </div>
            </>
          )}
          <div>
            <dt>{t("card.dueOn")}</dt>
            <dd>{card.dueOn ? formatDate(locale, card.dueOn) : "—"}</dd>
          </div>
        </dl>
        {card.board === "project" && card.beneficiaries.length ? (
          <p>
            <strong>{t("common.labelColon", { label: t("card.beneficiaries") })}</strong>
            {card.beneficiaries.map((b, i) => (
              <span key={b.id}>
                {i ? t("common.listSeparator") : ""}
                <Link to={`/villages/${card.villageId}/households/${b.id}`}>{b.name}</Link>
              </span>
            ))}
          </p>
        ) : null}
        {card.notes ? (
          <p className="narrative">
            <strong>
              {t("common.labelColon", {
                label: card.board === "project" ? t("card.progressNotes") : t("card.resolution"),
              })}
            </strong>
            {card.notes}
          </p>
        ) : null}
      </section>

      {canEdit && options ? (
        <details className="card">
          <summary>{t("card.edit")}</summary>
          <Suspense fallback={<p className="small muted">{t("form.loadingEditor")}</p>}>
            <CardForm
              key={card.version}
              board={card.board}
              values={{
                ...card,
                assigneeIds: card.assignees.map((a) => a.id),
                householdIds: card.beneficiaries.map((b) => b.id),
              }}
              options={options}
              submitLabel={t("form.save")}
            />
          </Suspense>
        </details>
      ) : null}

      {canEdit && !card.archivedAt ? (
        <section className="card" aria-labelledby="move-title" id="move">
          <h2 id="move-title">{t("card.move")}</h2>
          {moveRefused ? (
            <p className="error-box" role="alert">
              {translateMessage(t, messageWithParams(moveRefused.message, moveRefused.params))}
            </p>
          ) : null}
          <Form method="post" className="move-to-form" key={card.version}>
            <MoveFields
              id="move"
              cardId={card.id}
              board={card.board}
              column={card.column}
              version={card.version}
            />
            <input
              type="hidden"
              name="redirectTo"
              value={returnTo ?? `/cards/${card.id}?saved=move`}
            />
          </Form>
        </section>
      ) : null}

      {canEdit ? (
        <Form method="post" className="archive-form">
          <input type="hidden" name="version" value={card.version} />
          <input type="hidden" name="formId" value="archive" />
          <FieldErrors errors={archiveErrors} />
          {card.archivedAt ? (
            <button type="submit" name="intent" value="restore" className="button">
              {t("card.restore")}
            </button>
          ) : (
            <button type="submit" name="intent" value="archive" className="button">
              {t("card.archive")}
            </button>
          )}
        </Form>
      ) : null}

      <section className="card" aria-labelledby="comments-title" id="comments">
        <h2 id="comments-title">{t("card.comments")}</h2>
        {comments.length === 0 ? <p className="muted">{t("card.noComments")}</p> : null}
        <ul className="opinions">
          {comments.map((c) => (
            <li key={c.id}>
              <p className="small muted">
                {c.by ?? "—"} · {formatDateTime(locale, c.at)}
              </p>
              <p className="narrative">{c.body}</p>
            </li>
          ))}
        </ul>
        {canEdit ? (
          <CommentForm
            requestId={requestId}
            errors={commentErrors}
            typed={
              actionData?.formId === "comment"
                ? String(actionData.result.initialValue?.body ?? "")
                : undefined
            }
          />
        ) : null}
      </section>

      <section className="card" aria-labelledby="history">
        <h2 id="history">{t("card.history")}</h2>
        <ol className="activity">
          {events.map((e) => (
            <li key={e.id} className="activity-entry">
              <strong>{e.by ?? t("activity.system")}</strong> {eventText(t, locale, card.board, e)}{" "}
              <time dateTime={e.at} className="muted small">
                {formatDateTime(locale, e.at)}
              </time>
            </li>
          ))}
        </ol>
      </section>
    </article>
  );
}

/**
 * Adding a comment: the button is disabled while it is sent, the box empties once it is saved (a
 * refusal keeps the text, with or without JavaScript), and the request id makes a second send of
 * the same comment — a double click, a resend without JavaScript — post it once.
 */
function CommentForm({
  requestId,
  errors,
  typed,
}: {
  requestId: string;
  errors: string[] | undefined;
  typed: string | undefined;
}) {
  const t = useT();
  const navigation = useNavigation();
  const formRef = useRef<HTMLFormElement>(null);
  const sending = navigation.state !== "idle" && navigation.formData?.get("formId") === "comment";
  const reset = useCallback(() => formRef.current?.reset(), []);
  useClearOnSuccess("comment", errors !== undefined, reset);
  return (
    <Form method="post" className="stack" ref={formRef} preventScrollReset>
      <input type="hidden" name="intent" value="comment" />
      <input type="hidden" name="formId" value="comment" />
      <input type="hidden" name="requestId" value={requestId} />
      <div className="field">
        <label htmlFor="comment-body">{t("card.addComment")}</label>
        <textarea
          id="comment-body"
          name="body"
          rows={3}
          maxLength={2000}
          defaultValue={typed}
          aria-invalid={errors ? true : undefined}
        />
        <FieldErrors errors={errors} />
      </div>
      <button type="submit" className="button" disabled={sending}>
        {sending ? t("form.saving") : t("card.addCommentSubmit")}
      </button>
    </Form>
  );
}
