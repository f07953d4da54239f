import { teamRulesOn } from "~/models/county-rules.server";
import { wipLimitsOf } from "~/utils/team-rules";
import type { BoardColumn } from "../../db/schema";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { BoardView, type Lanes } from "~/components/board";
import { FilterSelect } from "~/components/filter-select";
import { useT } from "~/i18n";
import { listBoard } from "~/models/card.server";
import { listTownshipOptions } from "~/models/township.server";
import { getViewerCadre } from "~/models/user.server";
import { parseBoardFilters } from "~/utils/board-filters.server";
import { BOARD_KINDS, BOARD_SEGMENTS, boardFromSegment } from "~/utils/boards";
import { pageTitle } from "~/utils/meta";
import type { Board } from "../../db/schema";

export const meta: MetaFunction = (args) =>
  pageTitle(args, args.params.board === "cases" ? "board.title.case" : "board.title.project");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const board = boardFromSegment(params.board) ?? notFound();
  const url = new URL(request.url);
  const filters = parseBoardFilters(url.searchParams);
  const cadreId = filters.mine ? await getViewerCadre(viewer) : undefined;
  const [cards, townships] = await Promise.all([
    listBoard(viewer, board, {
      townshipId: filters.township,
      villageId: filters.village,
      kind: filters.kind && BOARD_KINDS[board].includes(filters.kind) ? filters.kind : undefined,
      assigneeId: filters.mine ? (cadreId ?? "\u0000none") : filters.assignee,
      overdue: Boolean(filters.overdue),
    }),
    listTownshipOptions(viewer),
  ]);
  // Assignees to filter by: the people on the cards the viewer can see (or on the filtered ones).
  const assignees = [
    ...new Map(cards.flatMap((c) => c.assignees).map((a) => [a.id, a.name])).entries(),
  ]
    .map(([id, name]) => ({ id, name }))
    .sort((a, b) => a.name.localeCompare(b.name, "zh-CN"));
  const villages = [...new Map(cards.map((c) => [c.villageId, c.villageName])).entries()].map(
    ([id, name]) => ({ id, name }),
  );
  const rules = await teamRulesOn();
  return {
    board,
    wipLimits: wipLimitsOf(rules)[board] as Partial<Record<BoardColumn, number>>,
    cards,
    filters,
    townships,
    villages,
    assignees,
    hasCadre: viewer.role === "team_member",
  };
}

export default function AggregateBoard() {
  const t = useT();
  const { board, cards, filters, townships, villages, assignees, hasCadre, wipLimits } =
    useLoaderData<typeof loader>();
  const location = useLocation();
  const other: Board = board === "project" ? "case" : "project";
  const kindPrefix = board === "project" ? "measure" : "caseKind";
  const overdue = cards.filter((c) => c.overdue).length;
  const expandParams = new URLSearchParams(location.search);
  expandParams.set("all", "1");
  return (
    <div className="stack-lg">
      <div className="page-head-row">
        <h1>{t(`board.title.${board}`)}</h1>
        <nav className="view-switch" aria-label={t("board.switch")}>
          <Link to={`/boards/${BOARD_SEGMENTS[board]}`} aria-current="page">
            {t(`board.title.${board}`)}
          </Link>
          <Link to={`/boards/${BOARD_SEGMENTS[other]}`}>{t(`board.title.${other}`)}</Link>
        </nav>
      </div>
      <Form method="get" className="filters" role="search" aria-label={t("board.filters")}>
        {townships.length > 1 && !hasCadre ? (
          <FilterSelect
            name="township"
            label={t("villages.filter.township")}
            value={filters.township}
            options={townships.map((tw) => ({ value: tw.id, label: tw.name }))}
          />
        ) : null}
        <FilterSelect
          name="village"
          label={t("board.filter.village")}
          value={filters.village}
          options={villages.map((v) => ({ value: v.id, label: v.name }))}
        />
        <FilterSelect
          name="kind"
          label={t("card.kind")}
          value={filters.kind}
          options={BOARD_KINDS[board].map((k) => ({
            value: k,
            label: t(`${kindPrefix}.${k}` as "measure.industry"),
          }))}
        />
        <FilterSelect
          name="assignee"
          label={t("board.filter.assignee")}
          value={filters.assignee}
          options={assignees.map((a) => ({ value: a.id, label: a.name }))}
        />
        <FilterSelect
          name="lanes"
          label={t("board.lanes")}
          value={filters.lanes}
          allLabel={t("board.lanes.none")}
          options={[
            { value: "township", label: t("board.lanes.township") },
            { value: "village", label: t("board.lanes.village") },
          ]}
        />
        <label className="checkbox">
          <input
            type="checkbox"
            name="overdue"
            value="1"
            defaultChecked={Boolean(filters.overdue)}
          />{" "}
          {t("board.filter.overdue")}
        </label>
        {hasCadre ? (
          <label className="checkbox">
            <input type="checkbox" name="mine" value="1" defaultChecked={Boolean(filters.mine)} />{" "}
            {t("board.filter.mine")}
          </label>
        ) : null}
        <div className="filter-actions">
          <button type="submit" className="button">
            {t("villages.filter.apply")}
          </button>
        </div>
      </Form>
      <p role="status" className="muted">
        {t("board.summary", { count: cards.length, overdue })}
      </p>
      <BoardView
        board={board}
        cards={cards}
        wipLimits={wipLimits}
        lanes={(filters.lanes ?? "none") as Lanes}
        showVillage
        expanded={Boolean(filters.all)}
        expandHref={`?${expandParams.toString()}`}
      />
    </div>
  );
}
