import { afterAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { listBoard } from "~/models/card.server";
import { isFinished } from "~/utils/boards";
import {
  clockOffset,
  DEMO_START_DATE,
  demoOffset,
  now,
  realNow,
  setClockOffset,
} from "~/utils/clock";
import { today } from "~/utils/dates";
import { demoClock, demoClockOffset } from "~/utils/demo-clock.server";
import { seedDemo } from "../../db/seed/seed-demo";
import { viewerFor } from "./helpers";

afterAll(() => setClockOffset(0));

describe("the one clock", () => {
  it("runs a demo's calendar from its first day in real time; real time stays real", () => {
    const seededAt = "2026-12-01T06:00:00.000Z";
    const offset = demoOffset({ date: "2018-11-15", seededAt });
    // Seeded at that instant: the business clock reads 2018-11-15 09:00 China time.
    expect(new Date(Date.parse(seededAt) + offset).toISOString()).toBe("2018-11-15T01:00:00.000Z");
    setClockOffset(offset);
    const real = Date.now();
    expect(Math.abs(now().getTime() - (real + offset))).toBeLessThan(1000);
    expect(Math.abs(realNow().getTime() - real)).toBeLessThan(1000);
    // A day later in real time is a day later in the demo.
    expect(today(new Date(Date.parse(seededAt) + offset + 86_400_000))).toBe("2018-11-16");
    setClockOffset(0);
    expect(today()).toBe(today(new Date()));
  });

  it("seeds the demo in November 2018, its records told from that day", async () => {
    await seedDemo(db);
    const clock = await demoClock(db);
    expect(clock?.date).toBe(DEMO_START_DATE);
    expect(clockOffset()).toBe(await demoClockOffset(db));
    expect(today()).toBe(DEMO_START_DATE);

    // Nothing is dated after the demo's today.
    const checkIns = await db
      .selectFrom("check_ins")
      .select((eb) => eb.fn.max("day").as("day"))
      .executeTakeFirstOrThrow();
    // The teams checked in up to the demo's last days, not after.
    expect(checkIns.day! <= DEMO_START_DATE && checkIns.day! >= "2018-11-08").toBe(true);
    const logs = await db
      .selectFrom("work_logs")
      .select((eb) => eb.fn.max("logged_on").as("day"))
      .executeTakeFirstOrThrow();
    expect(logs.day! <= DEMO_START_DATE).toBe(true);
    const exits = await db
      .selectFrom("villages")
      .select((eb) => eb.fn.max("exit_year").as("year"))
      .executeTakeFirstOrThrow();
    expect(exits.year).toBeLessThanOrEqual(2018);
    const steps = await db
      .selectFrom("village_exit_steps")
      .select((eb) => eb.fn.max("done_on").as("day"))
      .executeTakeFirstOrThrow();
    expect(steps.day! <= DEMO_START_DATE).toBe(true);

    // The boards are not mostly overdue, and every card's history reaches its column.
    const county = await viewerFor("county");
    for (const board of ["project", "case"] as const) {
      const open = (await listBoard(county, board, {})).filter((c) => !isFinished(board, c.column));
      const overdue = open.filter((c) => c.dueOn !== null && c.dueOn < DEMO_START_DATE);
      expect(open.length).toBeGreaterThan(20);
      expect(overdue.length / open.length).toBeLessThan(0.4);
    }
    const cards = await db.selectFrom("cards").select(["id", "column_key", "board"]).execute();
    const events = await db
      .selectFrom("card_events")
      .select(["card_id", "action", "changes", "at"])
      .orderBy("at")
      .execute();
    for (const card of cards) {
      let column: string | undefined;
      for (const e of events.filter((x) => x.card_id === card.id)) {
        const change = JSON.parse(e.changes) as { column?: string; to?: string };
        if (e.action === "create") column = change.column;
        if (e.action === "move" && change.to) column = change.to;
      }
      expect([card.id, column]).toEqual([card.id, card.column_key]);
    }
  });
});
