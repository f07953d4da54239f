import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { BoardView } from "~/components/board";
import { CardForm } from "~/components/card-form";
import { db } from "~/db.server";
import { useT } from "~/i18n";
import { authorizeVillage } from "~/models/access.server";
import { cardOptions, createCard, listBoard } from "~/models/card.server";
import { can } from "~/permissions";
import { CardSchema, cardInput } from "~/schemas/card";
import { BOARD_SEGMENTS, isColumnOf } from "~/utils/boards";
import { formReply, invalidReply } from "~/utils/form-reply.server";
import { villageTabTitle } from "~/utils/meta";
import type { Board } from "../../db/schema";

export const meta: MetaFunction = (args) =>
  villageTabTitle(
    args,
    args.params.board === "cases" ? "village.tab.cases" : "village.tab.projects",
  );

function boardOf(segment: string | undefined): Board {
  if (segment === "projects") return "project";
  if (segment === "cases") return "case";
  notFound();
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const board = boardOf(params.board);
  const villageId = params.villageId ?? "";
  const auth = await authorizeVillage(db, viewer, villageId, "read:village");
  if (!auth.ok) notFound();
  const url = new URL(request.url);
  const archived = url.searchParams.get("archived") === "1";
  const cards = await listBoard(viewer, board, { villageId, archived });
  const canEdit = can(viewer, "update:village", { townshipId: auth.village.townshipId, villageId });
  return {
    board,
    villageId,
    cards,
    archived,
    canEdit,
    options: canEdit && !archived ? await cardOptions(villageId) : null,
    expanded: url.searchParams.get("all") === "1",
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  const board = boardOf(params.board);
  const villageId = params.villageId ?? "";
  const submission = parseWithZod(await request.formData(), { schema: CardSchema });
  if (submission.status !== "success") return invalidReply("card-create", submission);
  if (submission.value.board !== board || submission.value.intent !== "create") {
    return invalidReply("card-create", submission);
  }
  const column = submission.value.column;
  const result = await createCard(viewer, villageId, board, {
    ...cardInput(submission.value),
    column: column && isColumnOf(board, column) ? column : undefined,
  });
  return formReply(
    "card-create",
    submission,
    result,
    `/villages/${villageId}/${BOARD_SEGMENTS[board]}?created=1`,
  );
}

export default function VillageBoard() {
  const t = useT();
  const { board, villageId, cards, archived, canEdit, options, expanded } =
    useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const base = `/villages/${villageId}/${BOARD_SEGMENTS[board]}`;
  return (
    <div className="stack-lg">
      {searchParams.get("created") ? (
        <p role="status" className="saved">
          {t("card.created")}
        </p>
      ) : null}
      <div className="page-head-row">
        <h2>{archived ? t("board.archivedTitle") : t(`board.title.${board}`)}</h2>
        <div className="actions">
          <Link to={archived ? base : `${base}?archived=1`} className="button">
            {archived ? t("board.backToBoard") : t("board.showArchived")}
          </Link>
        </div>
      </div>
      {canEdit && options ? (
        <details className="card new-card">
          <summary>{t(`card.new.${board}`)}</summary>
          <CardForm
            board={board}
            values={null}
            options={options}
            submitLabel={t(`card.new.${board}`)}
          />
        </details>
      ) : null}
      {archived ? (
        cards.length === 0 ? (
          <p className="empty">{t("board.noArchived")}</p>
        ) : (
          <ul className="archived-list">
            {cards.map((c) => (
              <li key={c.id}>
                <Link to={`/cards/${c.id}`}>{c.title}</Link>{" "}
                <span className="muted small">
                  {t(`board.column.${board}.${c.column}` as "board.column.project.proposed")}
                </span>
              </li>
            ))}
          </ul>
        )
      ) : (
        <BoardView board={board} cards={cards} expanded={expanded} expandHref={`${base}?all=1`} />
      )}
    </div>
  );
}
