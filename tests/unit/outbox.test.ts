/**
 * Writes made without signal (issue 21), on the server's side and in the outbox's reading of its
 * answers: a queued check-in counts the day it was made; a write sent twice applies once (a
 * retried move or milestone edit is not a conflict with itself); a write queued by one user is
 * never applied as another; and each kind of answer means what the outbox takes it to mean.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  createRequestHandler,
  data,
  json,
  redirect,
  type ActionFunction,
  type ServerBuild,
} from "@remix-run/node";
import { db } from "~/db.server";
import { requireViewer } from "~/auth.server";
import { checkIn, LATE_CHECK_IN_DAYS } from "~/models/attendance.server";
import { createCard, moveCard } from "~/models/card.server";
import { updateMilestone } from "~/models/plan.server";
import {
  FIRST_RETRY_MS,
  OUTBOX_USER_HEADER,
  RETRY_MS,
  outcomeOf,
  requestOf,
  retryDelay,
} from "~/outbox/replay";
import type { OutboxEntry } from "~/outbox/store";
import type { Viewer } from "~/permissions";
import { startSession } from "~/session.server";
import { today } from "~/utils/dates";
import { addDays } from "~/utils/team-rules";
import { newId } from "../../db/ids";
import { seedOnce, viewerFor, villageId } from "./helpers";

let xianaling: Viewer;
let weijia: Viewer;
let county: Viewer;
let weijiaVillage: string;

beforeAll(async () => {
  await seedOnce();
  xianaling = await viewerFor("xianaling");
  weijia = await viewerFor("weijia");
  county = await viewerFor("county");
  weijiaVillage = await villageId("魏家村");
});

const DAY = 86_400_000;

describe("a check-in queued on the phone", () => {
  it("counts the day it was made, records when, and counts once when sent again", async () => {
    const cadreId = xianaling.cadreId!;
    // Two days and an hour back is two or three days back (three in China's first hour of a day,
    // which CI once ran in): neither day holds a check-in yet.
    await db
      .deleteFrom("check_ins")
      .where("cadre_id", "=", cadreId)
      .where("day", "in", [addDays(today(), -2), addDays(today(), -3)])
      .execute();
    const requestId = newId();
    // Held two days and an hour by the phone: made two days ago (China time, on the server's clock).
    const heldMs = 2 * DAY + 3_600_000;
    const first = await checkIn(xianaling, { heldMs, requestId });
    expect(first).toMatchObject({ ok: true });
    const row = await db
      .selectFrom("check_ins")
      .selectAll()
      .where("cadre_id", "=", cadreId)
      .where("made_at", "is not", null)
      .orderBy("created_at", "desc")
      .executeTakeFirstOrThrow();
    const expectedDay = today(new Date(Date.parse(row.created_at) - heldMs));
    expect(row.day).toBe(expectedDay);
    expect(row.source).toBe("live");
    expect(row.reason).toBeNull();
    expect(Date.parse(row.created_at) - Date.parse(row.made_at!)).toBe(heldMs);

    // The answer was lost and the phone sends it again: the first one stands, nothing is added.
    const count = async () =>
      (await db.selectFrom("check_ins").select("id").where("cadre_id", "=", cadreId).execute())
        .length;
    const before = await count();
    const again = await checkIn(xianaling, { heldMs: heldMs + 60_000, requestId });
    expect(again).toEqual(first);
    expect(await count()).toBe(before);

    // A new write (another id) for the same day is refused as a second check-in that day.
    expect(await checkIn(xianaling, { heldMs, requestId: newId() })).toMatchObject({
      ok: false,
      reason: "invalid",
      message: "checkIn.already",
    });
  });

  it("is refused when it was made longer ago than a late check-in may be", async () => {
    const result = await checkIn(xianaling, {
      heldMs: (LATE_CHECK_IN_DAYS + 2) * DAY,
      requestId: newId(),
    });
    expect(result).toMatchObject({ ok: false, reason: "invalid", message: "checkIn.tooOld" });
  });
});

describe("a move or a milestone edit sent twice", () => {
  it("moves the card once; the second send is not a conflict", async () => {
    const made = await createCard(
      weijia,
      weijiaVillage,
      "case",
      { title: "离线移动测试", kind: "elder_care", assigneeIds: [], householdIds: [] },
      newId(),
    );
    if (!made.ok) throw new Error(made.reason);
    const cardId = made.value;
    const requestId = newId();
    const move = { cardId, column: "in_progress", version: 1, requestId };
    expect(await moveCard(weijia, move)).toMatchObject({ ok: true, value: { version: 2 } });
    expect(await moveCard(weijia, move)).toMatchObject({ ok: true, value: { version: 2 } });
    const moves = await db
      .selectFrom("card_events")
      .select("id")
      .where("card_id", "=", cardId)
      .where("action", "=", "move")
      .execute();
    expect(moves).toHaveLength(1);
    // Without the id, the same stale version is the conflict it always was.
    expect(await moveCard(weijia, { ...move, requestId: undefined })).toMatchObject({
      ok: false,
      reason: "conflict",
      current: { column: "in_progress" },
    });
  });

  it("edits the milestone once", async () => {
    const before = await db
      .selectFrom("plan_milestones")
      .selectAll()
      .where("village_id", "=", weijiaVillage)
      .orderBy("id")
      .executeTakeFirstOrThrow();
    const status = before.status === "done" ? ("in_progress" as const) : ("done" as const);
    const edit = {
      id: before.id,
      version: before.version,
      title: before.title,
      dueOn: before.due_on,
      ownerId: before.owner_cadre_id ?? undefined,
      status,
      doneOn: status === "done" ? today() : undefined,
      requestId: newId(),
    };
    expect((await updateMilestone(weijia, weijiaVillage, edit)).ok).toBe(true);
    expect((await updateMilestone(weijia, weijiaVillage, edit)).ok).toBe(true);
    const after = await db
      .selectFrom("plan_milestones")
      .select(["version", "status"])
      .where("id", "=", before.id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ version: before.version + 1, status });
  });
});

describe("a queued write names its user", () => {
  it("is refused with 409 when someone else is signed in on the browser", async () => {
    const { cookie } = await startSession(county.id, "device");
    const request = (user: string) =>
      new Request("http://localhost/me", {
        method: "POST",
        headers: { Cookie: cookie.split(";")[0]!, [OUTBOX_USER_HEADER]: user },
      });
    expect((await requireViewer(request(county.id))).id).toBe(county.id);
    const refused = await requireViewer(request(weijia.id)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Response);
    expect((refused as Response).status).toBe(409);
    expect(await (refused as Response).json()).toEqual({ outbox: "other-user" });
  });
});

describe("what an answer means to the outbox", () => {
  // Answers made by Remix's own request handler with single fetch, as the app's server makes
  // them: the outbox posts to `<path>.data` and reads turbo-stream, redirects and thrown responses.
  const answers: Record<string, ActionFunction> = {
    applied: () => redirect("/me?saved=check-in"),
    deactivated: () => {
      throw redirect("/login?redirectTo=%2Fme&ended=deactivated");
    },
    login: () => {
      throw redirect("/login");
    },
    password: () => {
      throw redirect("/account/password?redirectTo=%2Fme");
    },
    ok: () => ({ ok: true }),
    invalid: () =>
      data(
        { formId: "log", result: { error: { body: ["form.required"] } }, conflict: null },
        { status: 400 },
      ),
    stale: () =>
      data(
        {
          ok: false,
          message: "card.stale",
          conflict: { current: { column: "closed" }, version: 4, by: "张三", at: "2018-10-01" },
        },
        { status: 409 },
      ),
    other: () => {
      throw json({ outbox: "other-user" }, { status: 409 });
    },
    gone: () => {
      throw new Response("Not found", { status: 404 });
    },
    forbidden: () => {
      throw new Response("no", { status: 403 });
    },
    broken: () => {
      throw new Error("boom");
    },
  };
  const handler = createRequestHandler(answerBuild(answers), "production");
  const answer = (name: string) =>
    handler(new Request(`http://localhost/a/${name}.data`, { method: "POST", body: "x=1" }));

  it("reads redirects: applied, or the session ended (with why), or a password to change", async () => {
    expect(await outcomeOf(await answer("applied"))).toEqual({ kind: "applied" });
    expect(await outcomeOf(await answer("deactivated"))).toEqual({
      kind: "signed-out",
      ended: "deactivated",
    });
    expect(await outcomeOf(await answer("login"))).toEqual({ kind: "signed-out", ended: null });
    expect(await outcomeOf(await answer("password"))).toMatchObject({ kind: "signed-out" });
    expect(await outcomeOf(await answer("ok"))).toEqual({ kind: "applied" });
  });

  it("keeps refusals and conflicts with the server's words and values", async () => {
    expect(await outcomeOf(await answer("invalid"))).toEqual({
      kind: "refused",
      messages: ["form.required"],
    });
    expect(await outcomeOf(await answer("stale"))).toEqual({
      kind: "conflict",
      messages: ["card.stale"],
      conflict: { current: { column: "closed" }, version: 4, by: "张三", at: "2018-10-01" },
    });
    expect(await outcomeOf(await answer("other"))).toEqual({ kind: "other-user" });
    expect(await outcomeOf(await answer("gone"))).toEqual({
      kind: "refused",
      messages: ["outbox.gone"],
    });
    expect(await outcomeOf(await answer("forbidden"))).toEqual({
      kind: "refused",
      messages: ["form.forbidden"],
    });
  });

  it("waits on no answer, a server error, being asked to slow down, or a page not from the app", async () => {
    expect(await outcomeOf(await answer("broken"))).toEqual({ kind: "unreachable" });
    expect(await outcomeOf(new Response("bad gateway", { status: 502 }))).toEqual({
      kind: "unreachable",
    });
    expect(await outcomeOf(new Response("later", { status: 429 }))).toEqual({
      kind: "unreachable",
    });
    // A captive portal's sign-in page answers 200 with HTML: the write has not reached us.
    const portal = new Response("<html>Wi-Fi</html>", {
      status: 200,
      headers: { "Content-Type": "text/html" },
    });
    expect(await outcomeOf(portal)).toEqual({ kind: "unreachable" });
  });

  it("sends the form as its route's data request, with its own id, its user and (a check-in) when sent", async () => {
    const entry: OutboxEntry = {
      id: "0b6f3c1e-6b9f-4a55-8f0e-1f2a3b4c5d6e",
      seq: 1,
      userId: weijia.id,
      kind: "check-in",
      action: "/me",
      page: "/me",
      fields: [
        ["intent", "check-in"],
        ["formId", "check-in"],
        ["madeAt", "2026-12-03T01:00:00.000Z"],
      ],
      summary: "",
      madeAt: "2026-12-03T01:00:00.000Z",
      state: "waiting",
      tries: 0,
    };
    const sentAt = new Date("2026-12-03T05:00:00.000Z");
    const request = requestOf(entry, sentAt, "http://localhost:3000");
    expect(request.method).toBe("POST");
    expect(request.url).toBe("http://localhost:3000/me.data");
    expect(requestOf({ ...entry, action: "/" }, sentAt, "http://x").url).toBe(
      "http://x/_root.data",
    );
    expect(requestOf({ ...entry, action: "/cards/c1?tab=comments" }, sentAt, "http://x").url).toBe(
      "http://x/cards/c1.data?tab=comments",
    );
    expect(request.headers.get(OUTBOX_USER_HEADER)).toBe(weijia.id);
    const body = new URLSearchParams(await request.text());
    expect(Object.fromEntries(body)).toEqual({
      intent: "check-in",
      formId: "check-in",
      madeAt: "2026-12-03T01:00:00.000Z",
      requestId: entry.id,
      sentAt: "2026-12-03T05:00:00.000Z",
    });
    const log = requestOf({ ...entry, kind: "log", action: "/teams/t1/logs" }, sentAt, "http://x");
    expect(new URLSearchParams(await log.text()).has("sentAt")).toBe(false);
  });
});

/** A Remix build of one route per answer (`/a/<name>`), with single fetch as the app has it. */
function answerBuild(answers: Record<string, ActionFunction>): ServerBuild {
  const routes: ServerBuild["routes"] = {
    root: { id: "root", path: "", module: { default: () => null } },
  };
  for (const [name, action] of Object.entries(answers)) {
    routes[`a-${name}`] = {
      id: `a-${name}`,
      parentId: "root",
      path: `a/${name}`,
      module: { default: () => null, action },
    };
  }
  return {
    mode: "production",
    // A thrown error is logged by the app's own handleError; here it is expected and kept quiet.
    entry: { module: { default: () => new Response("document"), handleError: () => undefined } },
    routes,
    assets: { entry: { imports: [], module: "" }, routes: {}, url: "", version: "1" },
    publicPath: "/build/",
    assetsBuildDirectory: "public/build",
    future: {
      v3_fetcherPersist: true,
      v3_relativeSplatPath: true,
      v3_throwAbortReason: true,
      v3_routeConfig: false,
      v3_singleFetch: true,
      v3_lazyRouteDiscovery: true,
      unstable_optimizeDeps: false,
    },
    isSpaMode: false,
  } as unknown as ServerBuild;
}

describe("when a page sends again while writes wait", () => {
  it("retries soon after a send that got no answer, backing off to the usual interval", () => {
    // Right after the connection returns, the first send often gets no answer: the next one is
    // seconds away, not the 30 s of an answered send.
    expect(retryDelay(0)).toBe(RETRY_MS);
    const delays = [1, 2, 3, 4, 5, 6, 20].map(retryDelay);
    expect(delays[0]).toBe(FIRST_RETRY_MS);
    expect(delays[0]).toBeLessThan(RETRY_MS / 10);
    for (let i = 1; i < delays.length; i++)
      expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]!);
    expect(delays.at(-1)).toBe(RETRY_MS);
    expect(Math.max(...delays)).toBe(RETRY_MS);
  });
});
