/**
 * Project and case cards: boards (a village's, a township's, the county's), card pages, and every
 * write — create, edit, move, archive, restore, comment — as one transaction that checks the
 * card's village, its version, and records the event in the card's history.
 */
import { sql, type Kysely, type SqlBool, type Transaction } from "kysely";
import type { Board, BoardColumn, DB, Urgency } from "../../db/schema";
import { newId } from "../../db/ids";
import { db } from "~/db.server";
import { compareChinese } from "~/utils/chinese-order";
import { insertionOrder, setIntegersById } from "../../db/dialect";
import { authorizeVillage } from "~/models/access.server";
import { activeOn } from "~/models/periods.server";
import { teamCadres } from "~/models/team.server";
import { withoutRowCapture } from "~/models/audit.server";
import { idFilter } from "~/models/id-list.server";
import { staleConflict, villageWrite, type WriteResult } from "~/models/write.server";
import { claimRequest } from "~/models/write-once.server";
import { can, MATCHES_NOTHING, villageListScope, type Viewer } from "~/permissions";
import {
  BOARD_COLUMNS,
  BOARD_KINDS,
  containerKey,
  isCardOverdue,
  isColumnOf,
  isFinished,
} from "~/utils/boards";
import { chinaDayRange, today } from "~/utils/dates";
import { makeRoom, positionBetween, targetIndex } from "~/utils/positions";

export interface BoardCard {
  id: string;
  board: Board;
  column: BoardColumn;
  position: number;
  title: string;
  kind: string;
  villageId: string;
  villageName: string;
  /** The village's code (the order of a list of villages). */
  villageCode: string;
  townshipId: string;
  /** The township's name: read for a board in lanes of townships only, else null. */
  townshipName: string | null;
  /** The team's sending unit: read for a board in lanes of villages only, else null. */
  teamLabel: string | null;
  assignees: { id: string; name: string }[];
  household: string | null;
  person: string | null;
  urgency: Urgency | null;
  dueOn: string | null;
  overdue: boolean;
  version: number;
  canEdit: boolean;
}

/**
 * A card as a board draws it, which the page also sends to hydrate: without what the board knows
 * already (which board), the assignees' names only, and the township and team only when the board
 * is drawn in lanes of them. A county's board drawn whole is 462 cards, each in the page's HTML
 * and again in its data, sent as a table (utils/table.ts).
 */
export type ShownCard = Omit<
  BoardCard,
  | "board"
  | "assignees"
  | "villageCode"
  | "townshipId"
  | "townshipName"
  | "teamLabel"
  | "household"
  | "person"
> & {
  assignees: string[];
  /** The household's head, else the person the card is about (a board shows one of them). */
  who: string | null;
  townshipId?: string;
  townshipName?: string | null;
  teamLabel?: string | null;
};

export function shownCards(cards: BoardCard[], lanes: BoardLanes = "none"): ShownCard[] {
  return cards.map((c) => {
    const card: ShownCard = {
      id: c.id,
      column: c.column,
      position: c.position,
      title: c.title,
      kind: c.kind,
      villageId: c.villageId,
      villageName: c.villageName,
      assignees: c.assignees.map((a) => a.name),
      who: c.household || c.person,
      urgency: c.urgency,
      dueOn: c.dueOn,
      overdue: c.overdue,
      version: c.version,
      canEdit: c.canEdit,
    };
    if (lanes === "township") {
      card.townshipId = c.townshipId;
      card.townshipName = c.townshipName;
    } else if (lanes === "village") {
      card.teamLabel = c.teamLabel;
    }
    return card;
  });
}

export interface BoardFilters {
  townshipId?: string;
  villageId?: string;
  kind?: string;
  assigneeId?: string;
  overdue?: boolean;
  archived?: boolean;
}

/** How a board groups its cards into lanes (rows of columns). */
export type BoardLanes = "none" | "township" | "village";

/** What a board shows per container when it shows only its first cards: how many there are. */
export type BoardTotals = Record<string, { count: number; villagesOver: number }>;

/**
 * The board's cards as SQL sees them, with the viewer's jurisdiction and the filters applied
 * (overdue included), for the list, its totals and its filters' choices alike. A team member sees
 * their own village(s), a township leader their township, the county all.
 */
function boardBase(viewer: Viewer, board: Board, filters: BoardFilters, on: string) {
  let query = db
    .selectFrom("cards")
    .innerJoin("villages", "villages.id", "cards.village_id")
    .where("cards.board", "=", board)
    .where("cards.archived_at", filters.archived ? "is not" : "is", null);
  if (viewer.role === "team_member")
    query = query.where("cards.village_id", "in", [...viewer.villageIds, MATCHES_NOTHING]);
  const scope = villageListScope(viewer);
  if (scope.townshipId) query = query.where("villages.township_id", "=", scope.townshipId);
  if (filters.townshipId) query = query.where("villages.township_id", "=", filters.townshipId);
  if (filters.villageId) query = query.where("cards.village_id", "=", filters.villageId);
  if (filters.kind) query = query.where("cards.kind", "=", filters.kind);
  if (filters.assigneeId) {
    const assignee = filters.assigneeId;
    query = query.where((eb) =>
      eb.or([
        eb("cards.owner_cadre_id", "=", assignee),
        eb.exists(
          eb
            .selectFrom("card_assignees")
            .select("card_assignees.card_id")
            .whereRef("card_assignees.card_id", "=", "cards.id")
            .where("card_assignees.cadre_id", "=", assignee),
        ),
      ]),
    );
  }
  if (filters.overdue) {
    // isCardOverdue in SQL: due before today and not in a finished column.
    const finished = BOARD_COLUMNS[board].filter((c) => isFinished(board, c));
    query = query
      .where("cards.due_on", "is not", null)
      .where("cards.due_on", "<", on)
      .$if(finished.length > 0, (q) => q.where("cards.column_key", "not in", finished));
  }
  return query;
}

/** The lane a card falls in, as SQL. */
function laneExpression(lanes: BoardLanes) {
  return lanes === "township"
    ? sql<string>`villages.township_id`
    : lanes === "village"
      ? sql<string>`cards.village_id`
      : sql<string>`'all'`;
}

/**
 * The cards of a board the viewer may read, in position order: all of them, or (`perColumn`) the
 * first of each lane's column — a province's board holds 32,000 cards and shows a few hundred.
 * Jurisdiction is applied in SQL, then checked per village.
 */
export async function listBoard(
  viewer: Viewer,
  board: Board,
  filters: BoardFilters = {},
  options: {
    perColumn?: number;
    /** Columns that show more than `perColumn` ("more"): their own count. */
    columnCounts?: Partial<Record<BoardColumn, number>>;
    lanes?: BoardLanes;
    maxLanes?: number;
    /**
     * Every card the filters keep: the caller has counted them (boardTotals) and each container
     * holds no more than perColumn, and the lanes no more than maxLanes. Then no card is ranked
     * to be left out: the cards are read by the filters alone, in one query (a county's case board
     * shown whole, 462 cards: the window function over every card was ~1 of listBoard's 6 ms on
     * SQLite, and reading the ids first, then the cards by id, another 0.5).
     */
    whole?: boolean;
  } = {},
) {
  const on = today();
  const lane = laneExpression(options.lanes ?? "none");
  const more = Object.entries(options.columnCounts ?? {}).filter(([, n]) => n !== undefined);
  // Each column's own count, else perColumn. The counts are whole numbers the URL parser checked:
  // written as literals, so PostgreSQL compares integers with integers (a bound parameter would
  // arrive as text in a CASE).
  const count = (n: number) => sql.lit(Math.max(0, Math.trunc(n)));
  const shownOf = more.length
    ? sql<number>`case ${sql.join(
        more.map(([column, n]) => sql`when ranked.column_key = ${column} then ${count(n!)}`),
        sql` `,
      )} else ${count(options.perColumn ?? 0)} end`
    : undefined;
  // A lane's rank only when there are lanes to limit: it is a second sort of every card (province
  // /boards/cases: 120 → 70 ms of SQLite's time without it); with no lanes every card is in one.
  const laneRanked = options.maxLanes !== undefined && (options.lanes ?? "none") !== "none";
  const ranked = boardBase(viewer, board, filters, on).select([
    "cards.id",
    "cards.column_key",
    sql<number>`row_number() over (partition by ${lane}, cards.column_key order by cards.position, cards.id)`.as(
      "rank",
    ),
    laneRanked
      ? sql<number>`dense_rank() over (order by ${lane})`.as("lane_rank")
      : sql<number>`1`.as("lane_rank"),
  ]);
  // The first of each lane's column, when the board shows only those: their ids first, then their
  // details by id. In one query PostgreSQL cannot tell that the rank filter keeps a few hundred of
  // 32,000 cards, and hashed every village, team and 96,000 households to find them (province
  // /boards/cases: 346 ms of server CPU against SQLite's 198).
  const limited = options.perColumn !== undefined || options.maxLanes !== undefined;
  const shownIds = options.whole
    ? null
    : limited
      ? (
          await db
            .selectFrom(ranked.as("ranked"))
            .select("ranked.id")
            .$if(options.perColumn !== undefined, (q) =>
              shownOf
                ? q.where("ranked.rank", "<=", shownOf)
                : q.where("ranked.rank", "<=", options.perColumn!),
            )
            .$if(laneRanked, (q) => q.where("ranked.lane_rank", "<=", options.maxLanes!))
            .execute()
        ).map((r) => r.id)
      : null;
  // Shown whole, the cards are read by the filters themselves; else by the ids chosen above.
  const source = options.whole
    ? boardBase(viewer, board, filters, on)
    : db
        .selectFrom("cards")
        .innerJoin("villages", "villages.id", "cards.village_id")
        .$if(shownIds === null, (q) =>
          q.where("cards.id", "in", boardBase(viewer, board, filters, on).select("cards.id")),
        )
        .$if(shownIds !== null, (q) =>
          shownIds!.length ? q.where("cards.id", "in", shownIds!) : q.where(sql<SqlBool>`0 = 1`),
        );
  // The team's sending unit names a village's lane only: not joined for a board without them
  // (county cases, 462 cards: 3.1 → 2.6 ms of SQLite).
  const teamLabels = options.lanes === "village";
  const rows = await source
    .leftJoin("households", "households.id", "cards.household_id")
    .leftJoin("cadres as owner", "owner.id", "cards.owner_cadre_id")
    .select([
      "cards.id",
      "cards.column_key",
      "cards.position",
      "cards.title",
      "cards.kind",
      "cards.village_id",
      "cards.person",
      "cards.urgency",
      "cards.due_on",
      "cards.version",
      "villages.name_zh as village_name",
      "villages.code as village_code",
      "villages.township_id",
      "households.head_name",
      "cards.owner_cadre_id",
      "owner.name_zh as owner_name",
    ])
    // The township's name heads a township's lane only.
    .$if(options.lanes === "township", (q) =>
      q
        .innerJoin("townships", "townships.id", "villages.township_id")
        .select("townships.name_zh as township_name"),
    )
    .$if(teamLabels, (q) =>
      q
        .leftJoin("teams", (j) =>
          j.onRef("teams.village_id", "=", "villages.id").on(activeOn("teams", on)),
        )
        .leftJoin("sending_units", "sending_units.id", "teams.sending_unit_id")
        .select("sending_units.name_zh as unit_name"),
    )
    .orderBy("cards.column_key")
    .orderBy("cards.position")
    .orderBy("cards.id")
    .execute();

  // The card's people: its owner (read with the card) and its assignees, in chunks: SQLite caps
  // bound parameters per statement. (One UNION of both took 1.6 ms for 462 cards, this 1.0.)
  const ids = rows.map((r) => r.id);
  const people = new Map<string, { id: string; name: string }[]>();
  for (let i = 0; i < ids.length; i += 500) {
    const assigned = await db
      .selectFrom("card_assignees")
      .innerJoin("cadres", "cadres.id", "card_assignees.cadre_id")
      .select(["card_assignees.card_id", "cadres.id", "cadres.name_zh"])
      .where("card_assignees.card_id", "in", ids.slice(i, i + 500))
      .execute();
    for (const a of assigned) {
      const list = people.get(a.card_id);
      if (list) list.push({ id: a.id, name: a.name_zh });
      else people.set(a.card_id, [{ id: a.id, name: a.name_zh }]);
    }
  }
  /** Owner and assignees, each once, in one order on either engine (by id). */
  const peopleOf = (r: (typeof rows)[number]) => {
    const list = people.get(r.id) ?? [];
    if (r.owner_cadre_id && r.owner_name !== null && !list.some((p) => p.id === r.owner_cadre_id))
      list.push({ id: r.owner_cadre_id, name: r.owner_name });
    return list.length > 1 ? list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) : list;
  };

  const editable = new Map<string, boolean>();
  const cards: BoardCard[] = [];
  for (const r of rows) {
    const target = { townshipId: r.township_id, villageId: r.village_id };
    if (!can(viewer, "read:village", target)) continue;
    if (!editable.has(r.village_id))
      editable.set(r.village_id, can(viewer, "update:village", target));
    const card: BoardCard = {
      id: r.id,
      board,
      column: r.column_key,
      position: r.position,
      title: r.title,
      kind: r.kind,
      villageId: r.village_id,
      villageName: r.village_name,
      villageCode: r.village_code,
      townshipId: r.township_id,
      townshipName: r.township_name ?? null,
      teamLabel: r.unit_name ?? null,
      assignees: peopleOf(r),
      household: r.head_name,
      person: r.person,
      urgency: r.urgency,
      dueOn: r.due_on,
      overdue: false,
      version: r.version,
      canEdit: editable.get(r.village_id)!,
    };
    card.overdue = isCardOverdue(card, on);
    cards.push(card);
  }
  return cards;
}

/**
 * Per container (lane and column) of a board: its cards, and how many villages hold more cards
 * there than the column's work-in-progress limit — counted in SQL over every card the filters
 * keep, not over the cards shown. Also the number of overdue cards.
 */
export async function boardTotals(
  viewer: Viewer,
  board: Board,
  filters: BoardFilters,
  lanes: BoardLanes,
  wipLimits: Partial<Record<BoardColumn, number>>,
) {
  const on = today();
  const lane = laneExpression(lanes);
  const perVillage = boardBase(viewer, board, filters, on)
    .select([
      lane.as("lane"),
      "cards.column_key",
      (eb) => eb.fn.countAll<number>().as("n"),
      sql<number>`sum(case when cards.due_on < ${on} then 1 else 0 end)`.as("late"),
    ])
    // PostgreSQL refuses a constant in GROUP BY: with no lanes, the lane is the same for all.
    .groupBy(
      lanes === "none"
        ? ["cards.column_key", "cards.village_id"]
        : [lane, "cards.column_key", "cards.village_id"],
    );
  const limit = sql<number>`case ${sql.join(
    BOARD_COLUMNS[board].map((c) => sql`when column_key = ${c} then ${wipLimits[c] ?? 0}`),
    sql` `,
  )} else 0 end`;
  const rows = await db
    .selectFrom(perVillage.as("v"))
    .select((eb) => [
      "v.lane",
      "v.column_key",
      eb.fn.sum<number>("v.n").as("count"),
      eb.fn.sum<number>("v.late").as("late"),
      sql<number>`sum(case when ${limit} > 0 and v.n > ${limit} then 1 else 0 end)`.as("over"),
    ])
    .groupBy(["v.lane", "v.column_key"])
    .execute();
  const totals: BoardTotals = {};
  let cards = 0;
  let overdue = 0;
  const laneKeys = new Set<string>();
  for (const r of rows) {
    laneKeys.add(r.lane);
    totals[containerKey(r.lane, r.column_key)] = {
      count: Number(r.count),
      villagesOver: Number(r.over),
    };
    cards += Number(r.count);
    if (!isFinished(board, r.column_key)) overdue += Number(r.late ?? 0);
  }
  return { totals, cards, overdue, lanes: laneKeys.size };
}

/**
 * What a board's filters offer: the villages and the people on its cards (within the township
 * chosen, if any), when there are few enough to list (`max`); otherwise null, and the board asks
 * for a township (or a village) first.
 */
export async function boardChoices(
  viewer: Viewer,
  board: Board,
  filters: BoardFilters,
  options: {
    max?: number;
    /**
     * Every card the filters keep (a board read whole, listBoard's `whole`). Without a village or
     * assignee filter those are the cards the choices come from: read from them, not from SQL
     * again (county cases, 462 cards: 1.2 ms of SQLite).
     */
    whole?: BoardCard[];
  } = {},
) {
  const max = options.max ?? 300;
  if (options.whole && !filters.villageId && !filters.assigneeId)
    return choicesOf(options.whole, max);
  const on = today();
  const base = boardBase(
    viewer,
    board,
    { ...filters, villageId: undefined, assigneeId: undefined },
    on,
  );
  const villages = await base
    .select(["cards.village_id as id", "villages.name_zh as name", "villages.code"])
    .distinct()
    .orderBy("villages.code")
    .limit(max + 1)
    .execute();
  const scoped = boardBase(viewer, board, { ...filters, assigneeId: undefined }, on);
  const people = await db
    .selectFrom("cadres")
    .select(["cadres.id", "cadres.name_zh as name"])
    .where((eb) =>
      eb.or([
        eb(
          "cadres.id",
          "in",
          scoped
            .select("cards.owner_cadre_id")
            .where("cards.owner_cadre_id", "is not", null)
            .$narrowType<{ owner_cadre_id: string }>(),
        ),
        eb(
          "cadres.id",
          "in",
          scoped
            .innerJoin("card_assignees", "card_assignees.card_id", "cards.id")
            .select("card_assignees.cadre_id"),
        ),
      ]),
    )
    .limit(max + 1)
    .execute();
  return {
    villages: villages.length > max ? null : villages,
    assignees: people.length > max ? null : people.sort((a, b) => compareChinese(a.name, b.name)),
  };
}

/** boardChoices from the cards themselves: their villages in code order, their people by name. */
function choicesOf(cards: BoardCard[], max: number) {
  const villages = new Map<string, { id: string; name: string; code: string }>();
  const people = new Map<string, { id: string; name: string }>();
  for (const card of cards) {
    if (!villages.has(card.villageId))
      villages.set(card.villageId, {
        id: card.villageId,
        name: card.villageName,
        code: card.villageCode,
      });
    for (const person of card.assignees) people.set(person.id, person);
  }
  const byCode = [...villages.values()].sort((a, b) =>
    a.code < b.code ? -1 : a.code > b.code ? 1 : 0,
  );
  return {
    villages: byCode.length > max ? null : byCode,
    assignees:
      people.size > max
        ? null
        : [...people.values()].sort((a, b) => compareChinese(a.name, b.name)),
  };
}

export interface CardInput {
  title: string;
  kind: string;
  ownerId?: string;
  assigneeIds: string[];
  householdId?: string;
  householdIds: string[];
  person?: string;
  urgency?: Urgency;
  budget?: number;
  fundingSource?: string;
  milestoneId?: string;
  startOn?: string;
  dueOn?: string;
  followUpOn?: string;
  notes?: string;
}

/** The choices a card form offers for a village: its team, households and milestones. */
export async function cardOptions(villageId: string) {
  const [cadres, households, milestones] = await Promise.all([
    teamCadres(db, villageId),
    db
      .selectFrom("households")
      .select(["id", "code", "head_name as name"])
      .where("village_id", "=", villageId)
      .orderBy("code")
      .execute(),
    db
      .selectFrom("plan_milestones")
      .select(["id", "title"])
      .where("village_id", "=", villageId)
      .orderBy("due_on")
      .execute(),
  ]);
  return { cadres, households, milestones };
}

/** What only the database can check: the kind belongs to the card's board, people and households to the village. */
async function checkReferences(
  trx: Transaction<DB>,
  villageId: string,
  board: Board,
  input: CardInput,
) {
  const invalid = (field: string, message: string) =>
    ({ ok: false, reason: "invalid", field, message }) as const;
  // The form says which board it edits; the card's own board decides.
  if (!BOARD_KINDS[board].includes(input.kind)) return invalid("kind", "card.unknownKind");
  const cadres = new Set((await teamCadres(trx, villageId)).map((c) => c.id));
  if (input.ownerId && !cadres.has(input.ownerId)) return invalid("ownerId", "card.notInTeam");
  if (input.assigneeIds.some((id) => !cadres.has(id)))
    return invalid("assigneeIds", "card.notInTeam");
  const householdIds = [...input.householdIds, ...(input.householdId ? [input.householdId] : [])];
  if (householdIds.length) {
    const found = await trx
      .selectFrom("households")
      .select("id")
      .where("village_id", "=", villageId)
      .where("id", "in", householdIds)
      .execute();
    if (found.length !== new Set(householdIds).size) {
      return invalid(
        input.householdId ? "householdId" : "householdIds",
        "card.householdNotInVillage",
      );
    }
  }
  if (input.milestoneId) {
    const milestone = await trx
      .selectFrom("plan_milestones")
      .select("id")
      .where("id", "=", input.milestoneId)
      .where("village_id", "=", villageId)
      .executeTakeFirst();
    if (!milestone) return invalid("milestoneId", "form.invalid");
  }
  return null;
}

function columns(input: CardInput) {
  return {
    title: input.title,
    kind: input.kind,
    owner_cadre_id: input.ownerId ?? null,
    household_id: input.householdId ?? null,
    person: input.person ?? null,
    urgency: input.urgency ?? null,
    budget: input.budget ?? null,
    funding_source: input.fundingSource ?? null,
    milestone_id: input.milestoneId ?? null,
    start_on: input.startOn ?? null,
    due_on: input.dueOn ?? null,
    follow_up_on: input.followUpOn ?? null,
    notes: input.notes ?? null,
  };
}

async function recordEvent(
  trx: Transaction<DB>,
  cardId: string,
  action: DB["card_events"]["action"],
  changes: Record<string, unknown>,
  actorId: string,
  at: string,
) {
  await trx
    .insertInto("card_events")
    .values({
      id: newId(),
      card_id: cardId,
      action,
      changes: JSON.stringify(changes),
      actor_id: actorId,
      at,
    })
    .execute();
}

async function setLinks(trx: Transaction<DB>, cardId: string, input: CardInput) {
  await trx.deleteFrom("card_assignees").where("card_id", "=", cardId).execute();
  await trx.deleteFrom("card_households").where("card_id", "=", cardId).execute();
  const assignees = [...new Set(input.assigneeIds)].map((cadre_id) => ({
    card_id: cardId,
    cadre_id,
  }));
  if (assignees.length) await trx.insertInto("card_assignees").values(assignees).execute();
  const households = [...new Set(input.householdIds)].map((household_id) => ({
    card_id: cardId,
    household_id,
  }));
  if (households.length) await trx.insertInto("card_households").values(households).execute();
}

export async function createCard(
  viewer: Viewer,
  villageId: string,
  board: Board,
  input: CardInput & { column?: BoardColumn },
  requestId?: string,
): Promise<WriteResult<string>> {
  return villageWrite(viewer, villageId, "update:village", async (trx, _village, now) => {
    const id = newId();
    const earlier = await claimRequest(trx, viewer.id, "card", requestId, id, now);
    if (earlier) return { ok: true, value: earlier };
    const column = input.column ?? BOARD_COLUMNS[board][0]!;
    if (!isColumnOf(board, column))
      return { ok: false, reason: "invalid", field: "column", message: "card.unknownColumn" };
    const invalid = await checkReferences(trx, villageId, board, input);
    if (invalid) return invalid;
    const last = await trx
      .selectFrom("cards")
      .select((eb) => eb.fn.max("position").as("max"))
      .where("board", "=", board)
      .where("village_id", "=", villageId)
      .where("column_key", "=", column)
      .where("archived_at", "is", null)
      .executeTakeFirst();
    await trx
      .insertInto("cards")
      .values({
        id,
        board,
        village_id: villageId,
        column_key: column,
        position: positionBetween(last?.max == null ? null : Number(last.max), null)!,
        ...columns(input),
        name_source: "imported",
        archived_at: null,
        version: 1,
        created_at: now,
        created_by: viewer.id,
        updated_at: now,
      })
      .execute();
    await setLinks(trx, id, input);
    await recordEvent(trx, id, "create", { column, title: input.title }, viewer.id, now);
    return { ok: true, value: id };
  });
}

/** The card's village, read before the write so the write can check jurisdiction against it. */
async function cardVillage(cardId: string) {
  const row = await db
    .selectFrom("cards")
    .select(["village_id"])
    .where("id", "=", cardId)
    .executeTakeFirst();
  return row?.village_id ?? null;
}

async function loadForWrite(trx: Transaction<DB>, cardId: string, villageId: string) {
  return trx
    .selectFrom("cards")
    .selectAll("cards")
    .where("cards.id", "=", cardId)
    .where("cards.village_id", "=", villageId)
    .executeTakeFirst();
}

async function lastEditor(trx: Transaction<DB>, cardId: string) {
  const row = await trx
    .selectFrom("card_events")
    .leftJoin("users", "users.id", "card_events.actor_id")
    .select(["users.display_name", "card_events.at"])
    .where("card_id", "=", cardId)
    .orderBy("at", "desc")
    .executeTakeFirst();
  return { by: row?.display_name ?? null, at: row?.at ?? "" };
}

async function cardWrite<T>(
  viewer: Viewer,
  cardId: string,
  change: (
    trx: Transaction<DB>,
    card: NonNullable<Awaited<ReturnType<typeof loadForWrite>>>,
    now: string,
  ) => Promise<WriteResult<T>>,
): Promise<WriteResult<T>> {
  const villageId = await cardVillage(cardId);
  if (!villageId) return { ok: false, reason: "not-found" };
  return villageWrite(viewer, villageId, "update:village", async (trx, _village, now) => {
    const card = await loadForWrite(trx, cardId, villageId);
    if (!card) return { ok: false, reason: "not-found" };
    return change(trx, card, now);
  });
}

/** A stale card: the conflict naming who last changed it; null when the version is current. */
async function staleCard(
  trx: Transaction<DB>,
  card: { id: string; version: number; column_key: string; title: string },
  expectedVersion: number,
) {
  if (card.version === expectedVersion) return null;
  const { by, at } = await lastEditor(trx, card.id);
  return staleConflict(
    { version: card.version, current: { column: card.column_key, title: card.title }, by, at },
    expectedVersion,
  );
}

/** Where a move put the card; `rebalanced`: other cards of its column were renumbered too. */
export interface MovedCard {
  column: BoardColumn;
  position: number;
  version: number;
  rebalanced: boolean;
}

/**
 * New positions for the cards spread out around a move's spot (`makeRoom`), in one statement, not
 * one per card: on PostgreSQL each statement is a round trip (one per card took a 404-card
 * column's renumbering to 228 ms; the budget is 20 ms); how each engine does it:
 * `setIntegersById`. The renumbering is the move's mechanical consequence: the audit entry says
 * how many cards of which column were renumbered, not each card's new number (`withoutRowCapture`).
 */
function setPositions(
  trx: Transaction<DB>,
  column: { board: Board; villageId: string; column: string },
  cards: { id: string; position: number }[],
) {
  return withoutRowCapture(trx, { renumbered: { ...column, cards: cards.length } }, () =>
    setIntegersById(
      trx,
      "cards",
      "position",
      cards.map((c) => ({ id: c.id, value: c.position })),
    ),
  );
}

/**
 * Moves a card: "put card X after Y (or before Z) in column C". The neighbours must be live cards
 * of the same board, village and column; positions are computed here, and the column renumbered
 * when there is no room, in the same transaction.
 */
export async function moveCard(
  viewer: Viewer,
  move: {
    cardId: string;
    column: string;
    afterId?: string;
    beforeId?: string;
    /** Without neighbours: the top or (default) the bottom of the column. */
    place?: "top" | "bottom";
    version: number;
    /** A move queued on a phone carries its id: sent again, it is not a conflict with itself. */
    requestId?: string;
  },
): Promise<WriteResult<MovedCard>> {
  return cardWrite(viewer, move.cardId, async (trx, card, now) => {
    if (await claimRequest(trx, viewer.id, "move", move.requestId, card.id, now)) {
      // Sent again: where the first send put it (it may have moved since; the board reloads).
      return {
        ok: true,
        value: {
          column: card.column_key,
          position: card.position,
          version: card.version,
          rebalanced: true,
        },
      };
    }
    if (card.archived_at)
      return { ok: false, reason: "invalid", field: "cardId", message: "card.archivedNoMove" };
    if (!isColumnOf(card.board, move.column)) {
      return { ok: false, reason: "invalid", field: "column", message: "card.unknownColumn" };
    }
    const stale = await staleCard(trx, card, move.version);
    if (stale) return stale;
    const siblings = await trx
      .selectFrom("cards")
      .select(["id", "position"])
      .where("board", "=", card.board)
      .where("village_id", "=", card.village_id)
      .where("column_key", "=", move.column)
      .where("archived_at", "is", null)
      .where("id", "!=", card.id)
      .orderBy("position")
      .orderBy("id")
      .execute();
    const index =
      !move.afterId && !move.beforeId && move.place === "top"
        ? 0
        : targetIndex(
            siblings.map((s) => s.id),
            move,
          );
    if (index === null)
      return { ok: false, reason: "invalid", field: "column", message: "card.badNeighbour" };
    let position = positionBetween(
      siblings[index - 1]?.position ?? null,
      siblings[index]?.position ?? null,
    );
    const needsRebalance = position === null;
    if (needsRebalance) {
      const room = makeRoom(
        siblings.map((s) => s.position),
        index,
      );
      position = room.position;
      await setPositions(
        trx,
        { board: card.board, villageId: card.village_id, column: move.column },
        room.renumbered
          .map((r) => ({ id: siblings[r.index]!.id, position: r.position }))
          .filter((r, i) => r.position !== siblings[room.renumbered[i]!.index]!.position),
      );
    }
    await trx
      .updateTable("cards")
      .set({
        column_key: move.column as BoardColumn,
        position: position!,
        version: card.version + 1,
        updated_at: now,
      })
      .where("id", "=", card.id)
      .execute();
    await recordEvent(
      trx,
      card.id,
      "move",
      { from: card.column_key, to: move.column, index, of: siblings.length + 1 },
      viewer.id,
      now,
    );
    return {
      ok: true,
      value: {
        column: move.column as BoardColumn,
        position: position!,
        version: card.version + 1,
        rebalanced: needsRebalance,
      },
    };
  });
}

const EDIT_FIELDS = [
  "title",
  "kind",
  "owner_cadre_id",
  "household_id",
  "person",
  "urgency",
  "budget",
  "funding_source",
  "milestone_id",
  "start_on",
  "due_on",
  "follow_up_on",
  "notes",
] as const;

export async function updateCard(
  viewer: Viewer,
  cardId: string,
  input: CardInput & { version: number },
) {
  return cardWrite(viewer, cardId, async (trx, card, now) => {
    const stale = await staleCard(trx, card, input.version);
    if (stale) return stale;
    const invalid = await checkReferences(trx, card.village_id, card.board, input);
    if (invalid) return invalid;
    const after = columns(input);
    const changes: Record<string, [unknown, unknown]> = {};
    for (const field of EDIT_FIELDS) {
      if ((card[field] ?? null) !== (after[field] ?? null))
        changes[field] = [card[field], after[field]];
    }
    await trx
      .updateTable("cards")
      .set({ ...after, version: card.version + 1, updated_at: now })
      .where("id", "=", card.id)
      .execute();
    await setLinks(trx, card.id, input);
    await recordEvent(trx, card.id, "edit", changes, viewer.id, now);
    return { ok: true, value: undefined };
  });
}

export async function setArchived(
  viewer: Viewer,
  cardId: string,
  archived: boolean,
  version: number,
) {
  return cardWrite(viewer, cardId, async (trx, card, now) => {
    const stale = await staleCard(trx, card, version);
    if (stale) return stale;
    if (Boolean(card.archived_at) === archived) return { ok: true, value: undefined };
    let position = card.position;
    if (!archived) {
      // A restored card goes to the end of its column.
      const last = await trx
        .selectFrom("cards")
        .select((eb) => eb.fn.max("position").as("max"))
        .where("board", "=", card.board)
        .where("village_id", "=", card.village_id)
        .where("column_key", "=", card.column_key)
        .where("archived_at", "is", null)
        .executeTakeFirst();
      position = positionBetween(last?.max == null ? null : Number(last.max), null)!;
    }
    await trx
      .updateTable("cards")
      .set({
        archived_at: archived ? now : null,
        position,
        version: card.version + 1,
        updated_at: now,
      })
      .where("id", "=", card.id)
      .execute();
    await recordEvent(trx, card.id, archived ? "archive" : "restore", {}, viewer.id, now);
    return { ok: true, value: undefined };
  });
}

export async function addComment(viewer: Viewer, cardId: string, body: string, requestId?: string) {
  return cardWrite(viewer, cardId, async (trx, card, now) => {
    const id = newId();
    if (await claimRequest(trx, viewer.id, "comment", requestId, id, now)) {
      return { ok: true, value: undefined };
    }
    await trx
      .insertInto("card_comments")
      .values({ id, card_id: card.id, body, author_id: viewer.id, created_at: now })
      .execute();
    await recordEvent(trx, card.id, "comment", { length: body.length }, viewer.id, now);
    return { ok: true, value: undefined };
  });
}

export async function getCard(viewer: Viewer, cardId: string) {
  const row = await db
    .selectFrom("cards")
    .innerJoin("villages", "villages.id", "cards.village_id")
    .leftJoin("households", "households.id", "cards.household_id")
    .leftJoin("cadres as owner", "owner.id", "cards.owner_cadre_id")
    .leftJoin("plan_milestones", "plan_milestones.id", "cards.milestone_id")
    .selectAll("cards")
    .select([
      "villages.name_zh as village_name",
      "households.head_name",
      "owner.name_zh as owner_name",
      "plan_milestones.title as milestone_title",
    ])
    .where("cards.id", "=", cardId)
    .executeTakeFirst();
  if (!row) return null;
  const auth = await authorizeVillage(db, viewer, row.village_id, "read:village");
  if (!auth.ok) return null;
  const [assignees, beneficiaries, comments, events] = await Promise.all([
    db
      .selectFrom("card_assignees")
      .innerJoin("cadres", "cadres.id", "card_assignees.cadre_id")
      .select(["cadres.id", "cadres.name_zh as name"])
      .where("card_id", "=", cardId)
      .execute(),
    db
      .selectFrom("card_households")
      .innerJoin("households", "households.id", "card_households.household_id")
      .select(["households.id", "households.head_name as name", "households.code"])
      .where("card_id", "=", cardId)
      .orderBy("households.code")
      .execute(),
    db
      .selectFrom("card_comments")
      .leftJoin("users", "users.id", "card_comments.author_id")
      .select([
        "card_comments.id",
        "card_comments.body",
        "card_comments.created_at as at",
        "users.display_name as by",
      ])
      .where("card_id", "=", cardId)
      .orderBy("card_comments.created_at")
      .execute(),
    db
      .selectFrom("card_events")
      .leftJoin("users", "users.id", "card_events.actor_id")
      .select([
        "card_events.id",
        "card_events.action",
        "card_events.changes",
        "card_events.at",
        "users.display_name as by",
      ])
      .where("card_id", "=", cardId)
      .orderBy("card_events.at", "desc")
      // Events in the same millisecond: the later insert first.
      .orderBy(insertionOrder(db, "card_events"), "desc")
      .execute(),
  ]);
  return {
    card: {
      id: row.id,
      board: row.board,
      villageId: row.village_id,
      villageName: row.village_name,
      column: row.column_key,
      title: row.title,
      kind: row.kind,
      ownerId: row.owner_cadre_id,
      ownerName: row.owner_name,
      householdId: row.household_id,
      householdName: row.head_name,
      person: row.person,
      urgency: row.urgency,
      budget: row.budget,
      fundingSource: row.funding_source,
      milestoneId: row.milestone_id,
      milestoneTitle: row.milestone_title,
      startOn: row.start_on,
      dueOn: row.due_on,
      followUpOn: row.follow_up_on,
      notes: row.notes,
      nameSource: row.name_source,
      archivedAt: row.archived_at,
      version: row.version,
      overdue: isCardOverdue(
        { board: row.board, column: row.column_key, dueOn: row.due_on },
        today(),
      ),
      assignees,
      beneficiaries,
    },
    comments,
    events: events.map((e) => ({
      ...e,
      changes: JSON.parse(e.changes) as Record<string, unknown>,
    })),
    canEdit: can(viewer, "update:village", {
      townshipId: auth.village.townshipId,
      villageId: row.village_id,
    }),
  };
}

export interface CardMove {
  cardId: string;
  villageId: string;
  title: string;
  board: Board;
  from: BoardColumn;
  to: BoardColumn;
}

/**
 * The cards moved to another column within a China-time day range, from the card history, in
 * order: what weekly-report drafts and the monthly bulletin count. The event's JSON is read here,
 * not in SQL, so the same code runs on PostgreSQL.
 */
export async function cardMoves(
  executor: Kysely<DB> | Transaction<DB>,
  villageIds: readonly string[],
  from: string,
  to: string,
): Promise<CardMove[]> {
  if (villageIds.length === 0) return [];
  const { start, end } = chinaDayRange(from, to);
  const villages = idFilter(villageIds);
  const events = villages.keep(
    await executor
      .selectFrom("card_events as e")
      .innerJoin("cards as k", "k.id", "e.card_id")
      .select(["k.id", "k.village_id", "k.title", "k.board", "e.changes"])
      .$if(villages.inList !== null, (q) => q.where("k.village_id", "in", villages.inList!))
      .where("e.action", "=", "move")
      .where("e.at", ">=", start)
      .where("e.at", "<", end)
      .orderBy("e.at")
      .execute(),
    (e) => e.village_id,
  );
  return events.flatMap((e) => {
    const change = JSON.parse(e.changes) as { from?: BoardColumn; to?: BoardColumn };
    if (!change.from || !change.to || change.from === change.to) return [];
    return [
      {
        cardId: e.id,
        villageId: e.village_id,
        title: e.title,
        board: e.board,
        from: change.from,
        to: change.to,
      },
    ];
  });
}

/** A case moved from an open column into a finished one (已解决 / 回访 / 办结): resolved. */
export function resolvesCase(move: CardMove) {
  return move.board === "case" && isFinished("case", move.to) && !isFinished("case", move.from);
}
