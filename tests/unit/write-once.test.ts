import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { addComment, createCard } from "~/models/card.server";
import { requestLeave } from "~/models/leave.server";
import { listNotices, NOTICE_CONFIRM_TEAMS, sendNotice } from "~/models/notice.server";
import { addLog } from "~/models/work-log.server";
import { REQUEST_ID_DAYS } from "~/models/write-once.server";
import type { Viewer } from "~/permissions";
import { today } from "~/utils/dates";
import { addDays, DEFAULT_TEAM_RULES } from "~/utils/team-rules";
import { newId } from "../../db/ids";
import { seedOnce, viewerFor, villageId } from "./helpers";

let weijia: Viewer;
let county: Viewer;
let daqinggou: Viewer;
let weijiaVillage: string;
let weijiaTeam: string;

beforeAll(async () => {
  await seedOnce();
  weijia = await viewerFor("weijia");
  county = await viewerFor("county");
  daqinggou = await viewerFor("daqinggou");
  weijiaVillage = await villageId("魏家村");
  weijiaTeam = (await db
    .selectFrom("teams")
    .select("id")
    .where("village_id", "=", weijiaVillage)
    .executeTakeFirstOrThrow())!.id;
});

const count = async (
  table: "cards" | "card_comments" | "leave_requests" | "work_logs" | "notices",
) =>
  Number(
    (
      await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe("a create sent twice with the same request id", () => {
  it("makes one card, and both sends get its id", async () => {
    const requestId = newId();
    const input = { title: "重复提交测试", kind: "industry", assigneeIds: [], householdIds: [] };
    const before = await count("cards");
    const first = await createCard(weijia, weijiaVillage, "project", input, requestId);
    const second = await createCard(weijia, weijiaVillage, "project", input, requestId);
    expect(first.ok && second.ok).toBe(true);
    expect(second).toEqual(first);
    expect(await count("cards")).toBe(before + 1);
    // Another request id is another card.
    expect((await createCard(weijia, weijiaVillage, "project", input, newId())).ok).toBe(true);
    expect(await count("cards")).toBe(before + 2);
  });

  it("posts one comment", async () => {
    const card = await createCard(
      weijia,
      weijiaVillage,
      "case",
      { title: "评论测试", kind: "elder_care", assigneeIds: [], householdIds: [] },
      newId(),
    );
    if (!card.ok) throw new Error(card.reason);
    const requestId = newId();
    const before = await count("card_comments");
    await addComment(weijia, card.value, "已上门", requestId);
    await addComment(weijia, card.value, "已上门", requestId);
    expect(await count("card_comments")).toBe(before + 1);
    // Without a request id (an old page), each send counts.
    await addComment(weijia, card.value, "已上门");
    expect(await count("card_comments")).toBe(before + 2);
  });

  it("makes one leave request, not a second refused as overlapping the first", async () => {
    const requestId = newId();
    const start = addDays(today(), 40);
    const input = { startsOn: start, endsOn: start, reason: "家中有事", requestId };
    const first = await requestLeave(weijia, input, DEFAULT_TEAM_RULES);
    const second = await requestLeave(weijia, input, DEFAULT_TEAM_RULES);
    expect(first.ok).toBe(true);
    expect(second).toEqual(first);
  });

  it("makes one log entry; a refused one claims nothing, so the corrected form goes through", async () => {
    const requestId = newId();
    const refused = await addLog(weijia, weijiaTeam, {
      loggedOn: addDays(today(), 1),
      place: "village",
      body: "走访",
      requestId,
    });
    expect(refused).toMatchObject({ ok: false, message: "form.dateInFuture" });
    const before = await count("work_logs");
    const input = { loggedOn: today(), place: "village" as const, body: "走访", requestId };
    const first = await addLog(weijia, weijiaTeam, input);
    const second = await addLog(weijia, weijiaTeam, input);
    expect(first.ok).toBe(true);
    expect(second).toEqual(first);
    expect(await count("work_logs")).toBe(before + 1);
  });

  it("is one person's: another person's request with the same id is theirs", async () => {
    const requestId = newId();
    const input = {
      kind: "announcement" as const,
      title: "同号不同人",
      body: "x",
      audience: "township" as const,
      teamIds: [],
      requestId,
    };
    const township = await sendNotice(daqinggou, input);
    const countyOne = await sendNotice(county, { ...input, townshipId: daqinggou.townshipId! });
    expect(township.ok && countyOne.ok).toBe(true);
    expect(countyOne).not.toEqual(township);
  });

  it("is forgotten after a week, and the table does not grow", async () => {
    const old = new Date(Date.now() - (REQUEST_ID_DAYS + 1) * 86_400_000).toISOString();
    await db
      .insertInto("write_requests")
      .values({
        user_id: weijia.id,
        form: "log",
        request_id: "x".repeat(16),
        result_id: "y",
        created_at: old,
      })
      .execute();
    await addLog(weijia, weijiaTeam, {
      loggedOn: today(),
      place: "village",
      body: "x",
      requestId: newId(),
    });
    const left = await db
      .selectFrom("write_requests")
      .select("request_id")
      .where("created_at", "<", addDays(today(), -REQUEST_ID_DAYS))
      .execute();
    expect(left).toEqual([]);
  });
});

describe("a notice to many teams", () => {
  const notice = {
    kind: "announcement" as const,
    title: "全县通知",
    body: "请各工作队周五前报送材料。",
    audience: "all" as const,
    teamIds: [],
  };

  it("is sent only once the sender confirms how many teams it goes to", async () => {
    const before = await count("notices");
    const asked = await sendNotice(county, notice);
    expect(asked).toMatchObject({
      ok: false,
      reason: "invalid",
      field: "confirmed",
      message: "notice.confirmSend",
      params: { teams: 89 },
    });
    expect(await count("notices")).toBe(before);
    expect((await sendNotice(county, { ...notice, confirmed: true })).ok).toBe(true);
    expect(await count("notices")).toBe(before + 1);
  });

  it(`asks nothing of a township's few teams (under ${NOTICE_CONFIRM_TEAMS})`, async () => {
    const sent = await sendNotice(daqinggou, { ...notice, audience: "township" });
    expect(sent.ok).toBe(true);
  });

  it("is listed as the county's own only when the county sent it", async () => {
    const lists = await listNotices(county);
    expect(lists.sent.length).toBeGreaterThan(0);
    expect(lists.sent.every((n) => n.senderTownship === null)).toBe(true);
    expect(lists.fromTownships.length).toBeGreaterThan(0);
    expect(lists.fromTownships.every((n) => n.senderTownship === "大青沟镇")).toBe(true);
  });
});

describe("the plan's create forms sent twice with the same request id", () => {
  it("add one indicator, one milestone and one opinion", async () => {
    const { addIndicator, addMilestone, addOpinion } = await import("~/models/plan.server");
    const rows = async (table: "plan_indicators" | "plan_milestones" | "plan_opinions") =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as("n"))
            .where("village_id", "=", weijiaVillage)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = [
      await rows("plan_indicators"),
      await rows("plan_milestones"),
      await rows("plan_opinions"),
    ];
    const indicator = {
      name: "冷库容量",
      unit: "吨",
      comparison: "at_least" as const,
      threshold: 50,
      requestId: newId(),
    };
    const milestone = {
      title: "冷库建成",
      status: "planned" as const,
      dueOn: addDays(today(), 90),
      requestId: newId(),
    };
    const opinion = {
      gatheredOn: today(),
      source: "村民代表会",
      content: "希望冷库尽快建成",
      requestId: newId(),
    };
    for (let i = 0; i < 2; i++) {
      expect((await addIndicator(weijia, weijiaVillage, indicator)).ok).toBe(true);
      expect((await addMilestone(weijia, weijiaVillage, milestone)).ok).toBe(true);
      expect((await addOpinion(weijia, weijiaVillage, opinion)).ok).toBe(true);
    }
    expect([
      await rows("plan_indicators"),
      await rows("plan_milestones"),
      await rows("plan_opinions"),
    ]).toEqual(before.map((n) => n + 1));
  });
});
