import { MATCHES_NOTHING } from "~/permissions";
import { teamRulesOn } from "~/models/county-rules.server";
import { wipLimitsOf } from "~/utils/team-rules";
import type { BoardColumn } from "../../db/schema";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { BoardView, type Lanes } from "~/components/board";
import { FilterSelect } from "~/components/filter-select";
import { useT } from "~/i18n";
import { boardChoices, boardTotals, listBoard, shownCards } from "~/models/card.server";
import { listTownshipOptions } from "~/models/township.server";
import { getViewerCadre } from "~/models/user.server";
import { parseBoardFilters } from "~/utils/board-filters.server";
import {
  BOARD_KINDS,
  BOARD_SEGMENTS,
  COLUMN_ALL,
  COLUMN_FIRST,
  LANE_COLUMN_FIRST,
  MAX_LANES,
  SHOW_ALL_MOST,
  boardFromSegment,
  canShowAll,
} from "~/utils/boards";
import { parseColumnCounts } from "~/utils/board-more";
import { pageTitle } from "~/utils/meta";
import { toTable, useTable } from "~/utils/table";
import type { Board } from "../../db/schema";
import { skipRevalidationWhenQueued } from "~/outbox/client-action";

export const meta: MetaFunction = (args) =>
  pageTitle(args, args.params.board === "cases" ? "board.title.case" : "board.title.project");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const board = boardFromSegment(params.board) ?? notFound();
  const url = new URL(request.url);
  const filters = parseBoardFilters(url.searchParams);
  const cadreId = filters.mine ? await getViewerCadre(viewer) : undefined;
  const cardFilters = {
    townshipId: filters.township,
    villageId: filters.village,
    kind: filters.kind && BOARD_KINDS[board].includes(filters.kind) ? filters.kind : undefined,
    assigneeId: filters.mine ? (cadreId ?? MATCHES_NOTHING) : filters.assignee,
    overdue: Boolean(filters.overdue),
  };
  const lanes = filters.lanes ?? "none";
  const rules = await teamRulesOn();
  const wipLimits = wipLimitsOf(rules)[board] as Partial<Record<BoardColumn, number>>;
  // "Show all" draws a county's board whole, not a province's: the totals, counted first, decide.
  const counted = filters.all
    ? await boardTotals(viewer, board, cardFilters, lanes, wipLimits)
    : undefined;
  const all = counted !== undefined && canShowAll(counted.cards);
  // Columns shown past their first cards ("more", in the URL).
  const columnCounts = all ? {} : parseColumnCounts(board, url.searchParams.get("more"));
  // Shown whole and within every limit: read by the filters, nothing ranked or left out.
  const whole =
    all &&
    counted.lanes <= MAX_LANES &&
    Object.values(counted.totals).every((c) => c.count <= COLUMN_ALL);
  // Each column's first cards (or, shown whole, up to COLUMN_ALL), with every column's totals
  // counted in SQL: a province's board holds 32,000 cards.
  const [cards, summary, townships] = await Promise.all([
    listBoard(viewer, board, cardFilters, {
      perColumn: all ? COLUMN_ALL : lanes === "none" ? COLUMN_FIRST : LANE_COLUMN_FIRST,
      columnCounts,
      lanes,
      maxLanes: MAX_LANES,
      whole,
    }),
    counted ?? boardTotals(viewer, board, cardFilters, lanes, wipLimits),
    listTownshipOptions(viewer),
  ]);
  // The filters' choices: from the cards themselves when they are the whole board.
  const choices = await boardChoices(viewer, board, cardFilters, {
    whole: whole ? cards : undefined,
  });
  return {
    board,
    wipLimits,
    cards: toTable(shownCards(cards, lanes)),
    totals: summary.totals,
    count: summary.cards,
    lanesCount: summary.lanes,
    overdue: summary.overdue,
    filters,
    expanded: all,
    // Asked to show all of a board too large to draw at once.
    allRefused: Boolean(filters.all) && !all,
    townships,
    // Null when too many to list: the township (or village) is chosen first.
    villages: choices.villages && toTable(choices.villages.map(({ id, name }) => ({ id, name }))),
    assignees: choices.assignees && toTable(choices.assignees),
    hasCadre: viewer.role === "team_member",
  };
}

/** A write kept on the phone (no connection) does not reload the page's data. */
export const shouldRevalidate = skipRevalidationWhenQueued;

export default function AggregateBoard() {
  const t = useT();
  const {
    board,
    cards: cardTable,
    totals,
    count,
    lanesCount,
    overdue,
    filters,
    townships,
    villages: villageTable,
    assignees: assigneeTable,
    hasCadre,
    wipLimits,
    expanded,
    allRefused,
  } = useLoaderData<typeof loader>();
  const location = useLocation();
  const cards = useTable(cardTable);
  const villages = useTable(villageTable);
  const assignees = useTable(assigneeTable);
  const other: Board = board === "project" ? "case" : "project";
  const kindPrefix = board === "project" ? "measure" : "caseKind";
  const expandParams = new URLSearchParams(location.search);
  expandParams.set("all", "1");
  expandParams.delete("more");
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
        {villages ? (
          <FilterSelect
            name="village"
            label={t("board.filter.village")}
            value={filters.village}
            options={villages.map((v) => ({ value: v.id, label: v.name }))}
          />
        ) : null}
        <FilterSelect
          name="kind"
          label={t("card.kind")}
          value={filters.kind}
          options={BOARD_KINDS[board].map((k) => ({
            value: k,
            label: t(`${kindPrefix}.${k}` as "measure.industry"),
          }))}
        />
        {assignees ? (
          <FilterSelect
            name="assignee"
            label={t("board.filter.assignee")}
            value={filters.assignee}
            options={assignees.map((a) => ({ value: a.id, label: a.name }))}
          />
        ) : null}
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
        {t("board.summary", { count, overdue })}
        {villages && assignees ? null : ` ${t("board.chooseTownshipFirst")}`}
        {lanesCount > MAX_LANES && filters.lanes
          ? ` ${t("board.firstLanes", { shown: MAX_LANES, count: lanesCount })}`
          : null}
        {allRefused ? ` ${t("board.allTooMany", { most: SHOW_ALL_MOST })}` : null}
      </p>
      <BoardView
        board={board}
        cards={cards}
        totals={totals}
        wipLimits={wipLimits}
        lanes={(filters.lanes ?? "none") as Lanes}
        showVillage
        expanded={expanded}
        expandHref={canShowAll(count) ? `?${expandParams.toString()}` : undefined}
      />
    </div>
  );
}
