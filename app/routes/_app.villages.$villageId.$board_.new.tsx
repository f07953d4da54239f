import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { CardForm } from "~/components/card-form";
import { db } from "~/db.server";
import { useT } from "~/i18n";
import { authorizeVillage } from "~/models/access.server";
import { cardOptions, createCard } from "~/models/card.server";
import { CardSchema, cardInput, parseWithZod } from "~/schemas/forms.server";
import { BOARD_SEGMENTS, boardFromSegment } from "~/utils/boards";
import { formReply, invalidReply } from "~/utils/form-reply.server";
import { villageTabTitle } from "~/utils/meta";
import { readForm } from "~/utils/form-guard.server";
import { newId } from "../../db/ids";
import { queueableAction, skipRevalidationWhenQueued } from "~/outbox/client-action";

export const meta: MetaFunction = (args) =>
  villageTabTitle(args, args.params.board === "cases" ? "card.new.case" : "card.new.project");

/** A new project or case: its own page, so the board itself loads no form code. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const board = boardFromSegment(params.board) ?? notFound();
  const villageId = params.villageId ?? "";
  const auth = await authorizeVillage(db, viewer, villageId, "update:village");
  if (!auth.ok) notFound();
  return { board, villageId, options: await cardOptions(villageId), requestId: newId() };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  const board = boardFromSegment(params.board) ?? notFound();
  const villageId = params.villageId ?? "";
  const submission = parseWithZod(await readForm(request, CardSchema), { schema: CardSchema });
  if (submission.status !== "success") return invalidReply("card-create", submission);
  if (submission.value.board !== board || submission.value.intent !== "create") {
    return invalidReply("card-create", submission);
  }
  const result = await createCard(
    viewer,
    villageId,
    board,
    cardInput(submission.value),
    submission.value.requestId,
  );
  return formReply(
    "card-create",
    submission,
    result,
    `/villages/${villageId}/${BOARD_SEGMENTS[board]}?created=1`,
  );
}

/** With JavaScript: kept on the phone when there is no connection, sent when it returns (app/outbox). */
export const clientAction = queueableAction({ create: "case" });
export const shouldRevalidate = skipRevalidationWhenQueued;

export default function NewCard() {
  const t = useT();
  const { board, villageId, options, requestId } = useLoaderData<typeof loader>();
  return (
    <div className="stack-lg">
      <p>
        <Link to={`/villages/${villageId}/${BOARD_SEGMENTS[board]}`}>
          ← {t(`board.title.${board}`)}
        </Link>
      </p>
      <h2>{t(`card.new.${board}`)}</h2>
      <div className="card">
        <CardForm
          board={board}
          values={null}
          options={options}
          requestId={requestId}
          submitLabel={t(`card.new.${board}`)}
        />
      </div>
    </div>
  );
}
