import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import {
  addComment,
  boardChoices,
  boardTotals,
  createCard,
  getCard,
  listBoard,
  moveCard,
  setArchived,
  updateCard,
} from "~/models/card.server";
import { containerKey } from "~/utils/boards";
import { formatColumnCounts, parseColumnCounts } from "~/utils/board-more";
import { seedOnce, viewerFor, villageId } from "./helpers";
import { auditEntries } from "~/models/audit.server";

let weijiaId: string;
let xianalingId: string;

beforeAll(async () => {
  await seedOnce();
  weijiaId = await villageId("魏家村");
  xianalingId = await villageId("下纳岭村");
});

const base = { assigneeIds: [], householdIds: [] };

async function column(villageId: string, columnKey: "proposed" | "approved") {
  return db
    .selectFrom("cards")
    .select(["id", "position", "title"])
    .where("board", "=", "project")
    .where("village_id", "=", villageId)
    .where("column_key", "=", columnKey)
    .where("archived_at", "is", null)
    .orderBy("position")
    .execute();
}

async function card(id: string) {
  return db.selectFrom("cards").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

async function newProject(title: string, columnKey: "proposed" | "approved" = "proposed") {
  const result = await createCard(await viewerFor("weijia"), weijiaId, "project", {
    ...base,
    title,
    kind: "industry",
    column: columnKey,
  });
  if (!result.ok) throw new Error(result.reason);
  return result.value;
}

describe("boards", () => {
  it("show a team its own village, a township leader its township, the county everything", async () => {
    const mine = await listBoard(await viewerFor("weijia"), "case");
    expect(new Set(mine.map((c) => c.villageId))).toEqual(new Set([weijiaId]));
    const leader = await viewerFor("daqinggou");
    const township = await listBoard(leader, "case", {}, { lanes: "township" });
    expect(new Set(township.map((c) => c.townshipName))).toEqual(new Set(["大青沟镇"]));
    expect(township.every((c) => !c.canEdit)).toBe(true);
    // The lanes' names are read only for the lanes that show them.
    const plain = await listBoard(leader, "case");
    expect(plain.map((c) => c.id)).toEqual(township.map((c) => c.id));
    expect(plain.every((c) => c.townshipName === null && c.teamLabel === null)).toBe(true);
    const byVillage = await listBoard(leader, "case", {}, { lanes: "village" });
    expect(byVillage.some((c) => c.teamLabel)).toBe(true);
    const county = await listBoard(await viewerFor("viewer"), "case");
    expect(new Set(county.map((c) => c.villageId)).size).toBe(89);
  });

  it("filter by assignee: every card shown has that person, and none with them is left out", async () => {
    const viewer = await viewerFor("county");
    const all = await listBoard(viewer, "case");
    const someone = all.find((c) => c.assignees.length)!.assignees[0]!;
    const theirs = await listBoard(viewer, "case", { assigneeId: someone.id });
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.every((c) => c.assignees.some((a) => a.id === someone.id))).toBe(true);
    expect(theirs.length).toBe(
      all.filter((c) => c.assignees.some((a) => a.id === someone.id)).length,
    );
  });

  it("hold the report's examples", async () => {
    const all = await listBoard(await viewerFor("county"), "project");
    expect(all.find((c) => c.villageName === "魏家村" && c.title.includes("养猪"))).toBeDefined();
    expect(
      all.find((c) => c.villageName === "下纳岭村" && c.title.includes("清华大学")),
    ).toBeDefined();
    const cases = await listBoard(await viewerFor("county"), "case");
    expect(
      cases.find((c) => c.villageName === "北朝碾村" && c.kind === "elder_care"),
    ).toBeDefined();
    expect(cases.find((c) => c.villageName === "大井村" && c.kind === "dispute")).toBeDefined();
  });
});

describe("a board a few cards a column at a time", () => {
  it("sends each lane's column's first cards, in order, and counts every card in SQL", async () => {
    const county = await viewerFor("county");
    const limits = { in_progress: 2, pending: 1 };
    for (const lanes of ["none", "township", "village"] as const) {
      const all = await listBoard(county, "case", {});
      const laneOf = (c: (typeof all)[number]) =>
        lanes === "township" ? c.townshipId : lanes === "village" ? c.villageId : "all";
      const grouped = new Map<string, typeof all>();
      for (const c of all) {
        const key = containerKey(laneOf(c), c.column);
        grouped.set(key, [...(grouped.get(key) ?? []), c]);
      }
      const first = await listBoard(county, "case", {}, { perColumn: 3, lanes });
      for (const [key, cards] of grouped) {
        const sorted = [...cards].sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : 1));
        const shown = first.filter((c) => containerKey(laneOf(c), c.column) === key);
        expect(
          shown.map((c) => c.id),
          `${lanes} ${key}`,
        ).toEqual(sorted.slice(0, 3).map((c) => c.id));
      }
      const {
        totals,
        cards,
        lanes: laneCount,
      } = await boardTotals(county, "case", {}, lanes, limits);
      expect(cards).toBe(all.length);
      expect(laneCount).toBe(new Set(all.map(laneOf)).size);
      for (const [key, cardsHere] of grouped) {
        const perVillage = new Map<string, number>();
        for (const c of cardsHere)
          perVillage.set(c.villageId, (perVillage.get(c.villageId) ?? 0) + 1);
        const limit = limits[cardsHere[0]!.column as keyof typeof limits] ?? 0;
        const over = limit > 0 ? [...perVillage.values()].filter((n) => n > limit).length : 0;
        expect(totals[key], `${lanes} ${key}`).toEqual({
          count: cardsHere.length,
          villagesOver: over,
        });
      }
    }
    // At most so many lanes, the rest said in the totals.
    const lanes2 = await listBoard(
      county,
      "case",
      {},
      { perColumn: 1, lanes: "village", maxLanes: 2 },
    );
    expect(new Set(lanes2.map((c) => c.villageId)).size).toBe(2);
  });

  /** Boards read whole: viewers, boards and filters (a village's filter last). */
  const wholeBoards = async () =>
    [
      ["county", "case", {}],
      ["county", "project", {}],
      ["county", "case", { overdue: true }],
      ["county", "case", { kind: "elder_care" }],
      ["daqinggou", "case", {}],
      ["weijia", "project", {}],
      ["county", "project", { villageId: await villageId("魏家村") }],
    ] as const;

  it("read whole by its filters, a board is the same cards, people and order as ranked", async () => {
    for (const [user, board, filters] of await wholeBoards()) {
      const viewer = await viewerFor(user);
      const ranked = await listBoard(viewer, board, filters, { perColumn: 500, maxLanes: 20 });
      const whole = await listBoard(viewer, board, filters, {
        perColumn: 500,
        maxLanes: 20,
        whole: true,
      });
      expect(ranked.length, `${user} ${board}`).toBeGreaterThan(0);
      // Each card's people in a stable order: the two reads may meet them in different orders.
      const people = (cards: typeof ranked) =>
        cards.map((c) => ({
          ...c,
          assignees: [...c.assignees].sort((a, b) => a.id.localeCompare(b.id)),
        }));
      expect(people(whole), `${user} ${board} ${JSON.stringify(filters)}`).toEqual(people(ranked));
    }
  });

  it("shows a column more cards when asked (“more”), the others their first", async () => {
    const county = await viewerFor("county");
    const all = await listBoard(county, "case", {});
    const perColumn = new Map<string, number>();
    for (const c of all) perColumn.set(c.column, (perColumn.get(c.column) ?? 0) + 1);
    const [fullest] = [...perColumn].sort((a, b) => b[1] - a[1])[0]!;
    const shown = await listBoard(
      county,
      "case",
      {},
      { perColumn: 2, columnCounts: { [fullest]: 5 } },
    );
    for (const [column, n] of perColumn) {
      expect(shown.filter((c) => c.column === column).length, column).toBe(
        Math.min(column === fullest ? 5 : 2, n),
      );
    }
  });

  it("reads “more” from the URL within 20–500 and drops what is not a column", () => {
    expect(parseColumnCounts("case", "in_progress:40,closed:9999,nowhere:60,pending:x,:3")).toEqual(
      { in_progress: 40, closed: 500 },
    );
    expect(parseColumnCounts("case", "in_progress:5")).toEqual({ in_progress: 20 });
    expect(parseColumnCounts("project", "in_progress:40,closed:40")).toEqual({ in_progress: 40 });
    expect(parseColumnCounts("case", null)).toEqual({});
    expect(formatColumnCounts({ in_progress: 40, closed: 20 })).toBe("in_progress:40");
  });

  it("filters overdue cards in SQL exactly as a card says it is overdue", async () => {
    const county = await viewerFor("county");
    const all = await listBoard(county, "case", {});
    const overdue = await listBoard(county, "case", { overdue: true });
    expect(overdue.length).toBeGreaterThan(0);
    expect(overdue.map((c) => c.id).sort()).toEqual(
      all
        .filter((c) => c.overdue)
        .map((c) => c.id)
        .sort(),
    );
    expect((await boardTotals(county, "case", {}, "none", {})).overdue).toBe(overdue.length);
  });

  it("offers the villages and people on the board's cards, or nothing past the limit", async () => {
    const leader = await viewerFor("daqinggou");
    const all = await listBoard(leader, "case", {});
    const choices = await boardChoices(leader, "case", {});
    expect(new Set(choices.villages!.map((v) => v.id))).toEqual(
      new Set(all.map((c) => c.villageId)),
    );
    expect(new Set(choices.assignees!.map((a) => a.id))).toEqual(
      new Set(all.flatMap((c) => c.assignees.map((a) => a.id))),
    );
    const few = await boardChoices(await viewerFor("county"), "case", {}, { max: 5 });
    expect(few).toEqual({ villages: null, assignees: null });
  });

  it("reads a whole board's choices from its cards exactly as from SQL", async () => {
    // A village or assignee filter narrows the cards, not the choices: read from SQL then.
    for (const [user, board, filters] of await wholeBoards()) {
      const viewer = await viewerFor(user);
      const cards = await listBoard(viewer, board, filters, { whole: true });
      const fromSql = await boardChoices(viewer, board, filters);
      expect(fromSql.villages?.length, `${user} ${board}`).toBeGreaterThan(0);
      const fromCards = await boardChoices(viewer, board, filters, { whole: cards });
      expect(fromCards, `${user} ${board} ${JSON.stringify(filters)}`).toEqual(fromSql);
      for (const max of [1, 3]) {
        expect(await boardChoices(viewer, board, filters, { max, whole: cards })).toEqual(
          await boardChoices(viewer, board, filters, { max }),
        );
      }
    }
  });
});

describe("moving cards", () => {
  it("puts a card after a neighbour and records the move", async () => {
    const a = await newProject("A");
    const b = await newProject("B");
    const c = await newProject("C");
    const viewer = await viewerFor("weijia");
    const result = await moveCard(viewer, {
      cardId: c,
      column: "proposed",
      afterId: a,
      version: 1,
    });
    expect(result).toMatchObject({
      ok: true,
      value: { column: "proposed", version: 2, rebalanced: false },
    });
    const proposed = await column(weijiaId, "proposed");
    expect(proposed.map((x) => x.title).filter((t) => "ABC".includes(t))).toEqual(["A", "C", "B"]);
    // The reply says where it is, which the board draws without loading again.
    expect(result.ok && result.value.position).toBe(proposed.find((x) => x.id === c)!.position);
    const page = await getCard(viewer, c);
    expect(page!.events[0]).toMatchObject({
      action: "move",
      changes: { from: "proposed", to: "proposed" },
    });
    void b;
  });

  it("rebalances the column when there is no room, keeping the order", async () => {
    const viewer = await viewerFor("weijia");
    const first = await newProject("R1", "approved");
    const second = await newProject("R2", "approved");
    // Squeeze the two cards together so no integer fits between them.
    await db.updateTable("cards").set({ position: 10 }).where("id", "=", first).execute();
    await db.updateTable("cards").set({ position: 11 }).where("id", "=", second).execute();
    const mover = await newProject("R3", "proposed");
    const before = new Map((await column(weijiaId, "approved")).map((x) => [x.id, x.position]));
    const result = await moveCard(viewer, {
      cardId: mover,
      column: "approved",
      afterId: first,
      version: 1,
    });
    expect(result).toMatchObject({ ok: true, value: { rebalanced: true } });
    const approved = await column(weijiaId, "approved");
    const titles = approved.map((x) => x.title);
    expect(titles.indexOf("R3")).toBe(titles.indexOf("R1") + 1);
    expect(titles.indexOf("R2")).toBe(titles.indexOf("R3") + 1);
    const positions = approved.map((x) => x.position);
    expect([...positions].sort((x, y) => x - y)).toEqual(positions);
    expect(new Set(positions).size).toBe(positions.length);
    // The audit entry: the moved card's own change, and the renumbering said once, not a change a
    // card; and capture is on again for the rest of the transaction (the next write is recorded).
    const [entry] = await auditEntries(db, { action: "write" }, { limit: 1 });
    const details = JSON.parse(entry!.details) as {
      changes: { table: string; key: string[]; after?: Record<string, unknown> }[];
      renumbered?: Record<string, unknown>;
    };
    expect(details.changes.map((c) => [c.table, c.key[0]])).toEqual([["cards", mover]]);
    expect(details.changes[0]!.after).toMatchObject({ column_key: "approved" });
    const moved = approved.filter((x) => before.has(x.id) && before.get(x.id) !== x.position);
    expect(moved.length).toBeGreaterThan(0);
    expect(details.renumbered).toEqual({
      board: "project",
      villageId: weijiaId,
      column: "approved",
      cards: moved.length,
    });
    const after = await moveCard(viewer, { cardId: mover, column: "proposed", version: 2 });
    expect(after).toMatchObject({ ok: true, value: { rebalanced: false } });
    const [next] = await auditEntries(db, { action: "write" }, { limit: 1 });
    expect(next!.seq).toBeGreaterThan(entry!.seq);
    expect(JSON.parse(next!.details)).not.toHaveProperty("renumbered");
  });

  it("refuses a stale version, an unknown column and a neighbour from another village; nothing changes", async () => {
    const viewer = await viewerFor("weijia");
    const id = await newProject("S");
    const before = await card(id);
    expect(await moveCard(viewer, { cardId: id, column: "approved", version: 99 })).toMatchObject({
      ok: false,
      reason: "conflict",
      current: { column: "proposed" },
    });
    expect(
      await moveCard(viewer, { cardId: id, column: "nowhere", version: before.version }),
    ).toMatchObject({
      ok: false,
      reason: "invalid",
      message: "card.unknownColumn",
    });
    const foreign = await db
      .selectFrom("cards")
      .select("id")
      .where("village_id", "=", xianalingId)
      .where("board", "=", "project")
      .executeTakeFirstOrThrow();
    expect(
      await moveCard(viewer, {
        cardId: id,
        column: "approved",
        afterId: foreign.id,
        version: before.version,
      }),
    ).toMatchObject({ ok: false, reason: "invalid", message: "card.badNeighbour" });
    expect(await card(id)).toEqual(before);
  });

  it("is refused to the township (forbidden) and to another team (not found)", async () => {
    const id = await newProject("P");
    const before = await card(id);
    expect(
      await moveCard(await viewerFor("daqinggou"), { cardId: id, column: "approved", version: 1 }),
    ).toEqual({
      ok: false,
      reason: "forbidden",
    });
    expect(
      await moveCard(await viewerFor("xianaling"), { cardId: id, column: "approved", version: 1 }),
    ).toEqual({
      ok: false,
      reason: "not-found",
    });
    expect(await card(id)).toEqual(before);
  });
});

describe("card edits", () => {
  it("validate people and households against the village; archive and restore keep the history", async () => {
    const viewer = await viewerFor("weijia");
    const id = await newProject("E");
    const foreignCadre = await db
      .selectFrom("team_memberships")
      .innerJoin("teams", "teams.id", "team_memberships.team_id")
      .select("team_memberships.cadre_id")
      .where("teams.village_id", "=", xianalingId)
      .executeTakeFirstOrThrow();
    expect(
      await updateCard(viewer, id, {
        ...base,
        title: "E",
        kind: "industry",
        ownerId: foreignCadre.cadre_id,
        version: 1,
      }),
    ).toMatchObject({ ok: false, reason: "invalid", field: "ownerId" });
    // A case kind on a project (a form that claimed the other board) is refused.
    expect(
      await updateCard(viewer, id, { ...base, title: "E", kind: "elder_care", version: 1 }),
    ).toMatchObject({ ok: false, reason: "invalid", field: "kind", message: "card.unknownKind" });

    expect((await setArchived(viewer, id, true, 1)).ok).toBe(true);
    expect(
      (await listBoard(viewer, "project", { villageId: weijiaId })).some((c) => c.id === id),
    ).toBe(false);
    expect(
      (await listBoard(viewer, "project", { villageId: weijiaId, archived: true })).some(
        (c) => c.id === id,
      ),
    ).toBe(true);
    expect(await moveCard(viewer, { cardId: id, column: "approved", version: 2 })).toMatchObject({
      message: "card.archivedNoMove",
    });
    expect((await setArchived(viewer, id, false, 2)).ok).toBe(true);
    await addComment(viewer, id, "已和合作社确认");
    const page = await getCard(viewer, id);
    expect(page!.card.archivedAt).toBeNull();
    expect(page!.comments.map((c) => c.body)).toEqual(["已和合作社确认"]);
    expect(page!.events.map((e) => e.action)).toEqual(["comment", "restore", "archive", "create"]);
  });
});
