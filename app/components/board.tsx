/**
 * A kanban board (projects or cases): columns of cards, optionally in swimlanes. Server-rendered
 * and usable without JavaScript (each card has a "move to…" link to its move form); with
 * JavaScript, cards move at once, derived from pending fetchers, until the server confirms or
 * refuses. Dragging (mouse, touch, keyboard) arrives after hydration: board-dnd.client.tsx binds
 * dnd-kit to the cards drawn here, so neither the server nor hydration runs it.
 */
import {
  Link,
  useFetcher,
  useFetchers,
  useLocation,
  useNavigate,
  useRevalidator,
  useSubmit,
} from "@remix-run/react";
import {
  createContext,
  memo,
  useCallback,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  startTransition,
  useRef,
  useState,
  type ComponentType,
} from "react";
import type { Board, BoardColumn } from "../../db/schema";
import {
  formatDate,
  formatList,
  messageWithParams,
  translateMessage,
  useLocale,
  useT,
  type Locale,
  type Translate,
} from "~/i18n";
import type { BoardTotals, ShownCard } from "~/models/card.server";
import {
  BOARD_COLUMNS,
  COLUMN_ALL,
  COLUMN_FIRST,
  COLUMN_PAGE,
  LANE_COLUMN_FIRST,
  columnOfContainer,
  containerKey,
} from "~/utils/boards";
import { formatColumnCounts, parseColumnCounts } from "~/utils/board-more";
import { applyPlacedMoves, type PlacedMove } from "~/utils/board-moves";
import type { Containers, Dragging } from "~/components/use-board-dnd";
import type { BoardDndProps } from "~/components/board-dnd.client";
import { BoardNodes } from "~/components/board-nodes";
import { useNearViewport } from "~/components/use-near-viewport";
import { MoveFields } from "~/components/move-fields";
import type { ConflictInfo } from "~/utils/form-reply.server";

export type Lanes = "none" | "township" | "village";

/** What a move reply says: ok, or a message key (and parameters) explaining the refusal. */
export type MoveReply =
  | {
      ok: true;
      /** Where the card is now, when only it moved (not after its column was renumbered). */
      placed?: PlacedMove;
    }
  | {
      ok: false;
      message: string;
      params?: Record<string, string | number>;
      /** A stale move: where the card is now (shown by the outbox beside a queued move). */
      conflict?: ConflictInfo;
    };

interface Lane {
  key: string;
  label: string;
  villages: number;
}

function laneOf(card: ShownCard, lanes: Lanes) {
  if (lanes === "township") return { key: card.townshipId!, label: card.townshipName! };
  if (lanes === "village")
    return {
      key: card.villageId,
      label: `${card.villageName}${card.teamLabel ? ` · ${card.teamLabel}` : ""}`,
    };
  return { key: "all", label: "" };
}

/** Cards into lanes and "<lane>::<column>" containers, each in position order, in one pass. */
function groupCards(cards: ShownCard[], lanes: Lanes, columns: readonly BoardColumn[]) {
  const byId = new Map(cards.map((c) => [c.id, c]));
  const laneMap = new Map<string, { label: string; villages: Set<string> }>();
  const grouped: Containers = {};
  for (const card of cards) {
    const lane = laneOf(card, lanes);
    const entry = laneMap.get(lane.key) ?? { label: lane.label, villages: new Set<string>() };
    entry.villages.add(card.villageId);
    laneMap.set(lane.key, entry);
    (grouped[containerKey(lane.key, card.column)] ??= []).push(card.id);
  }
  const laneList: Lane[] = [...laneMap].map(([key, { label, villages }]) => ({
    key,
    label,
    villages: villages.size || 1,
  }));
  if (laneList.length === 0) laneList.push({ key: "all", label: "", villages: 1 });
  for (const lane of laneList) {
    for (const column of columns) grouped[containerKey(lane.key, column)] ??= [];
  }
  for (const ids of Object.values(grouped)) {
    ids.sort((a, b) => byId.get(a)!.position - byId.get(b)!.position);
  }
  return { byId, laneList, grouped };
}

/** A card moved from the phone's move sheet: said above the board, since the card leaves the column in view. */
interface Moved {
  title: string;
  column: BoardColumn;
}
const MovedContext = createContext<(moved: Moved | null) => void>(() => {});

/** A column's element id (a link target: the phone's switcher, "more"). */
const columnDomId = (container: string) => `col-${container.replace(/[^\w-]/g, "_")}`;

/** The app's phone layout (one board column at a time, the bottom tab bar): below 720 px. */
const PHONE_QUERY = "(max-width: 719px)";
function isPhoneScreen() {
  return typeof window !== "undefined" && window.matchMedia(PHONE_QUERY).matches;
}

/**
 * One lane's columns. On a phone (below 720 px) they show one at a time: the scroller snaps to each
 * column (swipe), a switcher above names them with their counts, and the board opens on the team's
 * "in progress" column if it holds cards, else on the first that does. The switcher is a row of
 * links to the columns, so it works without JavaScript too; wider screens hide it.
 */
function LaneBoard({
  board,
  lane,
  counts,
  children,
}: {
  board: Board;
  lane: string;
  counts: number[];
  children: React.ReactNode;
}) {
  const t = useT();
  const columns = BOARD_COLUMNS[board];
  const ref = useRef<HTMLDivElement>(null);
  const [current, setCurrent] = useState<number | null>(null);
  const opened = useRef(false);
  const columnId = (column: BoardColumn) => columnDomId(containerKey(lane, column));
  const columnAt = (index: number) =>
    ref.current?.querySelectorAll<HTMLElement>(":scope > .board-column")[index];

  // Before the first paint after hydration: open on the column worth seeing first.
  useLayoutEffect(() => {
    const scroller = ref.current;
    if (opened.current || !scroller || !isPhoneScreen()) return;
    opened.current = true;
    const working = columns.indexOf("in_progress");
    const start =
      working >= 0 && counts[working]! > 0
        ? working
        : Math.max(
            0,
            counts.findIndex((n) => n > 0),
          );
    scroller.scrollLeft = columnAt(start)?.offsetLeft ?? 0;
    setCurrent(start);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, when the board first shows
  }, []);

  useEffect(() => {
    const scroller = ref.current;
    if (!scroller) return;
    const onScroll = () => {
      const list = scroller.querySelectorAll<HTMLElement>(":scope > .board-column");
      let best = 0;
      list.forEach((el, i) => {
        if (
          Math.abs(el.offsetLeft - scroller.scrollLeft) <
          Math.abs(list[best]!.offsetLeft - scroller.scrollLeft)
        )
          best = i;
      });
      setCurrent(best);
    };
    scroller.addEventListener("scroll", onScroll, { passive: true });
    return () => scroller.removeEventListener("scroll", onScroll);
  }, []);

  const show = (index: number) => (event: React.MouseEvent) => {
    const scroller = ref.current;
    const column = columnAt(index);
    if (!scroller || !column) return;
    event.preventDefault();
    const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    scroller.scrollTo({ left: column.offsetLeft, behavior: still ? "auto" : "smooth" });
    setCurrent(index);
  };

  return (
    <>
      <nav className="board-switcher" aria-label={t("board.columns")}>
        {columns.map((column, index) => (
          <a
            key={column}
            href={`#${columnId(column)}`}
            onClick={show(index)}
            aria-current={current === index ? "true" : undefined}
          >
            {t(`board.column.${board}.${column}` as "board.column.project.proposed")}
            <span className="switcher-count">{counts[index]}</span>
          </a>
        ))}
      </nav>
      <div className="board" ref={ref}>
        {children}
      </div>
    </>
  );
}

interface PendingMove {
  cardId: string;
  column: string;
  afterId?: string;
  beforeId?: string;
  place?: string;
}

interface Refusal {
  title: string;
  message: string;
  params?: Record<string, string | number>;
}

/**
 * Watches one card's move fetcher from a stable place in the tree. A refused card goes back to its
 * column — a remount of the card, which would drop the reply — so the board hears about refusals
 * here, shows why, and reloads to show what the server holds (e.g. someone moved it meanwhile).
 */
function MoveWatcher({
  cardId,
  title,
  onRefused,
  onPlaced,
}: {
  cardId: string;
  title: string;
  onRefused: (r: Refusal) => void;
  onPlaced: (placed: PlacedMove) => void;
}) {
  const fetcher = useFetcher<MoveReply>({ key: `move-${cardId}` });
  const revalidator = useRevalidator();
  const reply = fetcher.state === "idle" ? fetcher.data : undefined;
  // Answered in place (nothing is loaded again): the card stays where the pending move drew it,
  // before the browser paints the board without that pending move.
  useLayoutEffect(() => {
    if (reply?.ok && reply.placed) onPlaced(reply.placed);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per reply
  }, [reply]);
  useEffect(() => {
    if (!reply || reply.ok) return;
    onRefused({ title, message: reply.message, params: reply.params });
    if (revalidator.state === "idle") revalidator.revalidate();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per reply
  }, [reply]);
  return null;
}

/** Pending moves (optimistic UI): every in-flight move fetcher's form data. */
function usePendingMoves(): PendingMove[] {
  return useFetchers()
    .filter((f) => f.key.startsWith("move-") && f.formData?.get("intent") === "move")
    .map((f) => ({
      cardId: String(f.formData!.get("cardId")),
      column: String(f.formData!.get("column")),
      afterId: (f.formData!.get("afterId") as string | null) || undefined,
      beforeId: (f.formData!.get("beforeId") as string | null) || undefined,
      place: (f.formData!.get("place") as string | null) || undefined,
    }));
}

function applyMove(containers: Containers, lane: string, move: PendingMove) {
  const from = Object.keys(containers).find((c) => containers[c]!.includes(move.cardId));
  if (!from) return;
  containers[from] = containers[from]!.filter((id) => id !== move.cardId);
  const to = containerKey(lane, move.column);
  const list = [...(containers[to] ?? [])];
  let index = list.length;
  if (move.afterId && list.includes(move.afterId)) index = list.indexOf(move.afterId) + 1;
  else if (move.beforeId && list.includes(move.beforeId)) index = list.indexOf(move.beforeId);
  else if (move.place === "top") index = 0;
  list.splice(index, 0, move.cardId);
  containers[to] = list;
}

export function BoardView({
  board,
  cards,
  lanes = "none",
  showVillage = false,
  expanded = false,
  expandHref,
  wipLimits,
  totals,
}: {
  board: Board;
  cards: ShownCard[];
  /**
   * Per container, every card the filters keep and the villages over the WIP limit, when the
   * board was given only each column's first cards (see listBoard); else counted from `cards`.
   */
  totals?: BoardTotals;
  /** The county's work-in-progress limits per column (a county rule). */
  wipLimits: Partial<Record<BoardColumn, number>>;
  lanes?: Lanes;
  showVillage?: boolean;
  expanded?: boolean;
  expandHref?: string;
}) {
  const t = useT();
  const submit = useSubmit();
  const pending = usePendingMoves();
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [moved, setMoved] = useState<Moved | null>(null);
  const [dragging, setDragging] = useState<Dragging | null>(null);
  // The one card whose "move to…" is open: in place under it, or (phone) as a bottom sheet.
  const [moving, setMoving] = useState<{ cardId: string; sheet: boolean } | null>(null);
  const columns = BOARD_COLUMNS[board];
  // Moves the server answered in place, laid over the loaded cards until data loaded since holds
  // them (utils/board-moves.ts).
  const [placed, setPlaced] = useState<ReadonlyMap<string, PlacedMove>>(() => new Map());
  const onPlaced = useCallback(
    (move: PlacedMove) => setPlaced((now) => new Map(now).set(move.id, move)),
    [],
  );
  const shown = useMemo(() => applyPlacedMoves(cards, placed), [cards, placed]);
  // Grouping is done once per loader result (or answered move), not on every render of a drag.
  const { byId, laneList, grouped } = useMemo(
    () => groupCards(shown, lanes, BOARD_COLUMNS[board]),
    [shown, lanes, board],
  );
  // Each container's cards as loaded, which the server's totals count.
  const loadedCounts = useMemo(() => {
    const counts: Record<string, number> = {};
    for (const card of cards) {
      const key = containerKey(laneOf(card, lanes).key, card.column);
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }, [cards, lanes]);
  // The cards where they are, pending moves applied: the same object until a move starts or ends,
  // so the drag layer's bindings are not redone on every render of the board.
  const pendingKey = JSON.stringify(pending);
  const containers: Containers = useMemo(() => {
    const result = Object.fromEntries(Object.entries(grouped).map(([key, ids]) => [key, [...ids]]));
    for (const move of pending) {
      const card = byId.get(move.cardId);
      if (card) applyMove(result, laneOf(card, lanes).key, move);
    }
    return result;
    // eslint-disable-next-line react-hooks/exhaustive-deps -- pendingKey stands for pending
  }, [grouped, byId, lanes, pendingKey]);
  const items = dragging?.items ?? containers;
  // Shown whole ("show all"), the page draws each column's first cards, as the board does
  // unexpanded, and the browser draws the rest as soon as it runs (from the cards the page already
  // holds), in a transition that yields to input. A county's 462 cases drawn in the page cost the
  // server three times a bare page, and the phone a larger page to fetch before anything shows.
  // Otherwise the server sent each column's first cards (or its "more"): all are drawn, and a card
  // moved into a column is drawn there too.
  const [drawnWhole, setDrawnWhole] = useState(!expanded);
  useEffect(() => {
    if (!drawnWhole) startTransition(() => setDrawnWhole(true));
  }, [drawnWhole]);
  const visible = useMemo(() => {
    if (drawnWhole) return items;
    const first = lanes === "none" ? COLUMN_FIRST : LANE_COLUMN_FIRST;
    return Object.fromEntries(
      Object.entries(items).map(([key, ids]) => [key, ids.slice(0, first)]),
    ) as Containers;
  }, [items, drawnWhole, lanes]);
  const drawing = Object.entries(visible).some(([key, ids]) => ids.length < items[key]!.length);
  // "More" for a column: its count in the URL (`more`), the other columns' kept. It leaves "show
  // all" (which draws every card and reads no `more`): without JavaScript, the way past a whole
  // board's first cards.
  const location = useLocation();
  const moreHref = (column: BoardColumn, shown: number, container: string) => {
    const params = new URLSearchParams(location.search);
    params.delete("all");
    const counts = parseColumnCounts(board, params.get("more"));
    counts[column] = Math.min(COLUMN_ALL, shown + COLUMN_PAGE);
    params.set("more", formatColumnCounts(counts));
    return `?${params.toString()}#${columnDomId(container)}`;
  };
  const [nodes] = useState(() => new BoardNodes());
  const boardRef = useRef<HTMLDivElement>(null);
  const { Layer: DragLayer, load: loadDragLayer } = useDragLayer(boardRef);
  useCardLinks(boardRef, setMoving);
  const movingCard = moving ? byId.get(moving.cardId) : undefined;

  const columnName = (container: string) =>
    t(
      `board.column.${board}.${columnOfContainer(container) as "proposed"}` as "board.column.project.proposed",
    );
  const describe: BoardDndProps["describe"] = {
    title: (id) => byId.get(id)?.title ?? "",
    column: columnName,
    pickedUp: (p) => t("board.dnd.pickedUp", p),
    over: (p) => t("board.dnd.over", p),
    dropped: (p) => t("board.dnd.dropped", p),
    cancelled: (p) => t("board.dnd.cancelled", p),
    instructions: t("board.dnd.instructions"),
  };
  const onDrop: BoardDndProps["onDrop"] = ({ cardId, container, order }) => {
    const card = byId.get(cardId);
    if (!card) return;
    // Positions are per village: the neighbours sent are the nearest cards of the same village.
    const index = order.indexOf(cardId);
    const same = (id: string) => byId.get(id)?.villageId === card.villageId;
    const afterId = order.slice(0, index).reverse().find(same);
    const beforeId = afterId ? undefined : order.slice(index + 1).find(same);
    const form = new FormData();
    form.set("intent", "move");
    form.set("cardId", cardId);
    form.set("column", columnOfContainer(container)!);
    if (afterId) form.set("afterId", afterId);
    if (beforeId) form.set("beforeId", beforeId);
    form.set("version", String(card.version));
    submit(form, {
      method: "post",
      action: `/cards/${cardId}`,
      navigate: false,
      fetcherKey: `move-${cardId}`,
    });
  };

  // A column's count: all its cards (the server's total, or those given), with the moves not yet
  // answered added and taken away.
  const countOf = (container: string) => {
    const loaded = loadedCounts[container] ?? 0;
    const now = items[container]?.length ?? 0;
    return (totals ? (totals[container]?.count ?? 0) : loaded) + now - loaded;
  };

  // A move's reply is heard by a watcher mounted when the move is sent (its fetcher pending) and
  // kept while the board is open: one per card moved, not one per card on the board.
  const [sent, setSent] = useState<string[]>([]);
  const fresh = pending.map((m) => m.cardId).filter((id) => !sent.includes(id));
  if (fresh.length) setSent([...sent, ...new Set(fresh)]);
  const watched = [...new Set([...sent, ...fresh])].filter((id) => byId.has(id));

  return (
    <MovedContext.Provider value={setMoved}>
      <div role="status" className="move-done-region">
        {moved ? (
          <p className="saved move-done">
            {t("board.movedTo", {
              title: moved.title,
              column: t(`board.column.${board}.${moved.column}` as "board.column.project.proposed"),
            })}
          </p>
        ) : null}
      </div>
      <div role="alert" className="move-error-region">
        {refusal ? (
          <p className="error-box move-error">
            {t("board.moveRefused", { title: refusal.title })}
            {translateMessage(t, messageWithParams(refusal.message, refusal.params))}{" "}
            <button type="button" className="button-link" onClick={() => setRefusal(null)}>
              {t("board.dismiss")}
            </button>
          </p>
        ) : null}
      </div>
      {watched.map((id) => (
        <MoveWatcher
          key={id}
          cardId={id}
          title={byId.get(id)!.title}
          onRefused={setRefusal}
          onPlaced={onPlaced}
        />
      ))}
      <div
        className="board-lanes"
        ref={boardRef}
        // Cards still to be drawn (see drawnWhole): the browser bench waits for them.
        data-drawing={drawing || undefined}
        onPointerDownCapture={loadDragLayer}
        onKeyDownCapture={loadDragLayer}
        onFocusCapture={loadDragLayer}
      >
        {laneList.map((lane) => (
          <section
            key={lane.key}
            className="board-lane"
            aria-label={lane.label || t(`board.title.${board}`)}
          >
            {lane.label ? <h2 className="lane-title">{lane.label}</h2> : null}
            <LaneBoard
              board={board}
              lane={lane.key}
              counts={columns.map((column) => countOf(containerKey(lane.key, column)))}
            >
              {columns.map((column) => {
                const container = containerKey(lane.key, column);
                return (
                  <Column
                    key={container}
                    board={board}
                    column={column}
                    container={container}
                    ids={items[container] ?? []}
                    shown={visible[container] ?? []}
                    nodes={nodes}
                    count={countOf(container)}
                    villagesOverLimit={totals?.[container]?.villagesOver}
                    byId={byId}
                    wipLimit={wipLimits[column] ?? 0}
                    villages={lane.villages}
                    showVillage={showVillage}
                    // Until drawn whole, a column of "show all" offers "more" (for a page without
                    // JavaScript), not "show all" again.
                    expanded={expanded && !drawing}
                    expandHref={drawing ? undefined : expandHref}
                    moreHref={moreHref}
                    movingInline={moving && !moving.sheet ? moving.cardId : null}
                  />
                );
              })}
            </LaneBoard>
          </section>
        ))}
      </div>
      {movingCard && moving?.sheet ? (
        <MoveSheet board={board} card={movingCard} onClose={() => setMoving(null)} />
      ) : null}
      {DragLayer ? (
        <DragLayer
          containers={containers}
          visible={visible}
          dragging={dragging}
          setDragging={setDragging}
          describe={describe}
          onDrop={onDrop}
          nodes={nodes}
          canMove={(id) => byId.get(id)?.canEdit ?? false}
          handleLabel={(id) => t("board.dragHandle", { title: byId.get(id)?.title ?? "" })}
        />
      ) : null}
    </MovedContext.Provider>
  );
}

/**
 * The cards' links are plain anchors (a router Link is a dozen hooks, and a board draws hundreds of
 * cards on the server and hydrates them): one listener on the board follows a card's title in the
 * page, as a Link would, and opens a card's "move to…" — under the card, or on a phone as a bottom
 * sheet. A new tab or window still opens the link's page; without JavaScript the links lead there.
 */
function useCardLinks(
  ref: React.RefObject<HTMLElement | null>,
  setMoving: (moving: { cardId: string; sheet: boolean } | null) => void,
) {
  const navigate = useNavigate();
  useEffect(() => {
    const board = ref.current;
    if (!board) return;
    const follow = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0) return;
      if (event.metaKey || event.altKey || event.ctrlKey || event.shiftKey) return;
      const link =
        event.target instanceof Element && event.target.closest("a.card-title, a.move-to-toggle");
      if (!(link instanceof HTMLAnchorElement)) return;
      // "/cards/<id>" (and "#move"): the card's id is its link's.
      const cardId = cardIdOf(link);
      if (!cardId) return;
      event.preventDefault();
      if (link.classList.contains("move-to-toggle")) {
        const open = link.getAttribute("aria-expanded") === "true";
        setMoving(open ? null : { cardId, sheet: isPhoneScreen() });
      } else {
        const url = new URL(link.href);
        void navigate(url.pathname + url.search + url.hash);
      }
    };
    board.addEventListener("click", follow);
    return () => board.removeEventListener("click", follow);
  }, [ref, navigate, setMoving]);
}

/** The card a board's link leads to ("/cards/<id>", "/cards/<id>#move"). */
function cardIdOf(link: HTMLAnchorElement) {
  const [, first, id] = link.pathname.split("/");
  return first === "cards" && id ? decodeURIComponent(id) : null;
}

/** The drag layer's module, asked for once per page load (again if it failed). */
let dragLayerModule: Promise<ComponentType<BoardDndProps>> | null = null;

/**
 * The drag layer (dnd-kit), loaded once the board (`ref`) is near the screen and the browser is
 * idle after hydration, or at once by `load` (the first pointer, key or focus on the board).
 */
function useDragLayer(ref: React.RefObject<HTMLElement | null>) {
  const near = useNearViewport(ref);
  const [Layer, setLayer] = useState<ComponentType<BoardDndProps> | null>(null);
  const load = () => {
    dragLayerModule ??= import("~/components/board-dnd.client").then(
      (module) => module.default,
      (error: unknown) => {
        // Not loaded (offline, a new build): the board works by its "move to…" links meanwhile.
        dragLayerModule = null;
        throw error;
      },
    );
    dragLayerModule.then(
      (component) => setLayer(() => component),
      () => {},
    );
  };
  useEffect(() => {
    if (!near) return;
    if ("requestIdleCallback" in window) {
      const idle = requestIdleCallback(load, { timeout: 2_000 });
      return () => cancelIdleCallback(idle);
    }
    const timer = setTimeout(load, 200);
    return () => clearTimeout(timer);
  }, [near]);
  return { Layer, load };
}

function Column({
  board,
  column,
  container,
  ids,
  shown,
  nodes,
  count,
  villagesOverLimit,
  byId,
  wipLimit,
  villages,
  showVillage,
  expanded,
  expandHref,
  moreHref,
  movingInline,
}: {
  board: Board;
  column: BoardColumn;
  container: string;
  ids: string[];
  /** Those of `ids` drawn. */
  shown: string[];
  nodes: BoardNodes;
  /** All the column's cards, of which `ids` are the first. */
  count: number;
  /** The villages over the limit, when the server counted them over every card. */
  villagesOverLimit?: number;
  byId: Map<string, ShownCard>;
  /** Cards in progress a village's team may hold in this column (0: no limit). */
  wipLimit: number;
  /** Villages in the lane: a lane of several holds each to its own limit. */
  villages: number;
  showVillage: boolean;
  expanded: boolean;
  expandHref?: string;
  moreHref: (column: BoardColumn, shown: number, container: string) => string;
  /** The card whose "move to…" form is open under it, if any. */
  movingInline: string | null;
}) {
  const t = useT();
  const name = t(`board.column.${board}.${column}` as "board.column.project.proposed");
  // The limit is each village's: a lane of many villages counts those over theirs.
  const villagesOver = (() => {
    if (wipLimit <= 0) return 0;
    if (villagesOverLimit !== undefined) return villagesOverLimit;
    const perVillage = new Map<string, number>();
    for (const id of ids) {
      const village = byId.get(id)?.villageId ?? "";
      perVillage.set(village, (perVillage.get(village) ?? 0) + 1);
    }
    return [...perVillage.values()].filter((n) => n > wipLimit).length;
  })();
  const over = villagesOver > 0;
  const columnId = columnDomId(container);
  const headingId = `${columnId}-title`;
  return (
    <section
      id={columnId}
      className={`board-column ${over ? "over-wip" : ""}`}
      aria-labelledby={headingId}
    >
      <h3 id={headingId} className="column-title">
        {name}{" "}
        <span className="column-count">
          {wipLimit <= 0
            ? count
            : t(villages > 1 ? "board.countWithVillageLimit" : "board.countWithLimit", {
                count,
                limit: wipLimit,
              })}
        </span>
      </h3>
      {over ? (
        <p className="wip-warning" role="note">
          !{" "}
          {villages > 1
            ? t("board.villagesOverWip", { limit: wipLimit, villages: villagesOver })
            : t("board.overWip", { limit: wipLimit })}
        </p>
      ) : null}
      <ol ref={nodes.ref(container)} className="card-list">
        {shown.map((id) => (
          <CardItem
            key={id}
            board={board}
            card={byId.get(id)!}
            showVillage={showVillage}
            nodes={nodes}
            moving={movingInline === id}
          />
        ))}
      </ol>
      {shown.length < count && !expanded && shown.length < COLUMN_ALL ? (
        <p className="small column-more">
          <Link to={moreHref(column, shown.length, container)} preventScrollReset>
            {t("board.showMore", { count: Math.min(COLUMN_PAGE, count - shown.length) })}
          </Link>
          {expandHref ? (
            <>
              {" · "}
              <Link to={expandHref}>
                {count > COLUMN_ALL
                  ? t("board.showFirst", { shown: COLUMN_ALL, count })
                  : t("board.showAll", { count })}
              </Link>
            </>
          ) : null}
        </p>
      ) : shown.length < count ? (
        <p className="small muted">{t("board.showingFirst", { shown: shown.length, count })}</p>
      ) : null}
    </section>
  );
}

/**
 * "Due <date>" per locale, written once per date: a board draws hundreds of cards, most of them
 * due on the same few dozen days. Bounded: cleared when it holds a few thousand.
 */
const dueTexts = new Map<string, string>();
function dueText(t: Translate, locale: Locale, isoDate: string) {
  const key = locale + isoDate;
  let text = dueTexts.get(key);
  if (text === undefined) {
    if (dueTexts.size >= 4096) dueTexts.clear();
    text = t("board.due", { date: formatDate(locale, isoDate) });
    dueTexts.set(key, text);
  }
  return text;
}

/** Memoised: a pick-up re-renders the board, and unchanged cards should not redo their work. */
const CardItem = memo(function CardItem({
  board,
  card,
  showVillage,
  nodes,
  moving,
}: {
  board: Board;
  card: ShownCard;
  showVillage: boolean;
  nodes: BoardNodes;
  /** Its "move to…" form is open. */
  moving: boolean;
}) {
  const t = useT();
  const locale = useLocale();
  const kindKey = board === "project" ? `measure.${card.kind}` : `caseKind.${card.kind}`;
  // Each line one string (not a span and text node per part): a board draws hundreds of cards on
  // the server, and every element, attribute and text node is work there and in hydration.
  let meta = t.has(kindKey) ? t(kindKey) : card.kind;
  if (showVillage) meta += ` · ${card.villageName}`;
  if (card.who) meta += ` · ${card.who}`;
  if (card.assignees.length) meta += ` · ${formatList(locale, card.assignees)}`;
  const pressing = card.urgency === "urgent" || card.urgency === "high";
  const due = card.dueOn ? dueText(t, locale, card.dueOn) : null;
  const overdue =
    due && card.overdue ? (
      <span className="overdue-text">{`! ${t("board.overdue")} · ${due}`}</span>
    ) : null;
  // Few elements per card: the handle's slot and the title are the first line (a wrapping flex
  // row), each line after is a whole line; the "move to…" link, when its form opens, has the form
  // after it.
  return (
    <li
      ref={nodes.ref(card.id)}
      className={`board-card${card.overdue ? " is-overdue" : ""} urgency-${card.urgency ?? "none"}`}
    >
      {/* The drag handle's place (with JavaScript): the drag layer puts the handle here. */}
      {card.canEdit ? <span className="drag-slot" /> : null}
      <a href={`/cards/${card.id}`} className="card-title">
        {card.title}
      </a>
      {/* One paragraph: what the card is about, then (a line break, white-space: pre-line) how
          urgent and when due. Text nodes side by side would be written with a comment between. */}
      <p className="card-meta">
        {pressing ? (
          <>
            {`${meta}\n`}
            <span className={`badge urgency urgency-${card.urgency}`}>
              {t(`urgency.${card.urgency as "urgent" | "high"}`)}
            </span>
            {overdue ? <> {overdue}</> : due ? ` ${due}` : null}
          </>
        ) : overdue ? (
          <>
            {`${meta}\n`}
            {overdue}
          </>
        ) : due ? (
          `${meta}\n${due}`
        ) : (
          meta
        )}
      </p>
      {card.canEdit ? moveTo(board, card, moving, t("board.moveTo")) : null}
    </li>
  );
});

/**
 * "Move to…" without dragging (WCAG 2.2 2.5.7). In the page it is a link to the card's own move
 * form (the card page's #move section), so it works without JavaScript and the board carries no
 * form per card: 2,000 closed forms with two selects each took Chromium six seconds to lay out.
 * With JavaScript the link opens the form in place under the card, or on a phone the bottom sheet;
 * both are built only when opened.
 */
function moveTo(board: Board, card: ShownCard, open: boolean, label: string) {
  const formId = `move-${card.id}`;
  return (
    <>
      <a
        href={`/cards/${card.id}#move`}
        className="move-to-toggle"
        aria-expanded={open || undefined}
        aria-controls={open ? `${formId}-form` : undefined}
        // Which card: its name says so, beginning with the words shown (WCAG 2.5.3).
        aria-label={`${label} ${card.title}`}
      >
        {label}
      </a>
      {open ? <MoveInline board={board} card={card} id={formId} /> : null}
    </>
  );
}

/** The desktop's "move to…" form, opened under the card: column and place, sent by the card's move fetcher. */
function MoveInline({ board, card, id }: { board: Board; card: ShownCard; id: string }) {
  const fetcher = useFetcher<MoveReply>({ key: `move-${card.id}` });
  const ref = useRef<HTMLFormElement>(null);
  // Opened on request: its first field takes the focus.
  useEffect(() => ref.current?.querySelector("select")?.focus(), []);
  return (
    <fetcher.Form
      ref={ref}
      id={`${id}-form`}
      method="post"
      action={`/cards/${card.id}`}
      className="move-to-form"
    >
      <MoveFields
        id={id}
        cardId={card.id}
        board={board}
        column={card.column}
        version={card.version}
      />
    </fetcher.Form>
  );
}

/**
 * The phone's way to move a card: a bottom sheet (a modal dialog) with one large button per column,
 * the card's own column marked and disabled. A tap moves the card to the end of that column at
 * once (the same fetcher as the desktop form, so it shows before the server answers), closes the
 * sheet and says where the card went.
 */
function MoveSheet({
  board,
  card,
  onClose,
}: {
  board: Board;
  card: ShownCard;
  onClose: () => void;
}) {
  const t = useT();
  const fetcher = useFetcher<MoveReply>({ key: `move-${card.id}` });
  const announce = useContext(MovedContext);
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = `move-sheet-${card.id}`;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    // A tap on the backdrop (outside the sheet's box) closes it, as on every phone; Escape too.
    const onBackdrop = (event: MouseEvent) => {
      if (event.target === dialog) dialog.close();
    };
    dialog.addEventListener("click", onBackdrop);
    return () => dialog.removeEventListener("click", onBackdrop);
  }, []);
  return (
    <dialog ref={ref} className="sheet" aria-labelledby={titleId} onClose={onClose}>
      <h2 id={titleId} className="sheet-title">
        {t("board.moveSheetTitle", { title: card.title })}
      </h2>
      <fetcher.Form
        method="post"
        action={`/cards/${card.id}`}
        className="sheet-options"
        onSubmit={(event) => {
          const submitter = (event.nativeEvent as SubmitEvent)
            .submitter as HTMLButtonElement | null;
          const column = submitter?.value as BoardColumn | undefined;
          if (column) announce({ title: card.title, column });
          ref.current?.close();
        }}
      >
        <input type="hidden" name="intent" value="move" />
        <input type="hidden" name="cardId" value={card.id} />
        <input type="hidden" name="version" value={card.version} />
        <input type="hidden" name="place" value="bottom" />
        {BOARD_COLUMNS[board].map((column) => {
          const here = column === card.column;
          return (
            <button
              key={column}
              type="submit"
              name="column"
              value={column}
              className="sheet-option"
              disabled={here}
              aria-current={here ? "true" : undefined}
            >
              {t(`board.column.${board}.${column}` as "board.column.project.proposed")}
              {here ? <span className="muted small"> {t("board.currentColumn")}</span> : null}
            </button>
          );
        })}
      </fetcher.Form>
      <button type="button" className="button sheet-cancel" onClick={() => ref.current?.close()}>
        {t("board.closeSheet")}
      </button>
    </dialog>
  );
}
