import { toTable, useTable } from "~/utils/table";
import { teamRulesOn } from "~/models/county-rules.server";
import { wipLimitsOf } from "~/utils/team-rules";
import type { BoardColumn } from "../../db/schema";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { BoardView } from "~/components/board";
import { db } from "~/db.server";
import { useT } from "~/i18n";
import { authorizeVillage } from "~/models/access.server";
import { boardTotals, listBoard, shownCards } from "~/models/card.server";
import { can } from "~/permissions";
import { BOARD_SEGMENTS, COLUMN_ALL, COLUMN_FIRST, boardFromSegment } from "~/utils/boards";
import { parseColumnCounts } from "~/utils/board-more";
import { villageTabTitle } from "~/utils/meta";
import { skipRevalidationWhenQueued } from "~/outbox/client-action";

export const meta: MetaFunction = (args) =>
  villageTabTitle(
    args,
    args.params.board === "cases" ? "village.tab.cases" : "village.tab.projects",
  );

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const board = boardFromSegment(params.board) ?? notFound();
  const villageId = params.villageId ?? "";
  const auth = await authorizeVillage(db, viewer, villageId, "read:village");
  if (!auth.ok) notFound();
  const url = new URL(request.url);
  const archived = url.searchParams.get("archived") === "1";
  const expanded = url.searchParams.get("all") === "1";
  const canEdit = can(viewer, "update:village", { townshipId: auth.village.townshipId, villageId });
  const rules = await teamRulesOn();
  const wipLimits = wipLimitsOf(rules)[board] as Partial<Record<BoardColumn, number>>;
  // The archived cards are a list; the board shows each column's first cards, with its totals.
  const [cards, summary] = await Promise.all([
    listBoard(
      viewer,
      board,
      { villageId, archived },
      {
        perColumn: archived ? undefined : expanded ? COLUMN_ALL : COLUMN_FIRST,
        columnCounts: expanded ? {} : parseColumnCounts(board, url.searchParams.get("more")),
      },
    ),
    archived ? null : boardTotals(viewer, board, { villageId }, "none", wipLimits),
  ]);
  return {
    board,
    wipLimits,
    villageId,
    cards: toTable(shownCards(cards)),
    totals: summary?.totals,
    archived,
    canEdit,
    expanded,
  };
}

/** A write kept on the phone (no connection) does not reload the page's data. */
export const shouldRevalidate = skipRevalidationWhenQueued;

export default function VillageBoard() {
  const t = useT();
  const {
    board,
    villageId,
    cards: cardTable,
    totals,
    archived,
    canEdit,
    expanded,
    wipLimits,
  } = useLoaderData<typeof loader>();
  const cards = useTable(cardTable);
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
          {canEdit && !archived ? (
            <Link to={`${base}/new`} className="button button-primary">
              {t(`card.new.${board}`)}
            </Link>
          ) : null}
          <Link to={archived ? base : `${base}?archived=1`} className="button">
            {archived ? t("board.backToBoard") : t("board.showArchived")}
          </Link>
        </div>
      </div>
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
        <BoardView
          board={board}
          cards={cards}
          totals={totals}
          wipLimits={wipLimits}
          expanded={expanded}
          expandHref={`${base}?all=1`}
        />
      )}
    </div>
  );
}
