import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { getOptionalViewer } from "~/auth.server";
import { changePassword, resetPassword, setAccountActive } from "~/models/account.server";
import { forgetSettings, saveSettings } from "~/models/settings.server";
import { runWithRequestContext } from "~/server/request-context.server";
import {
  endOwnSession,
  endSessions,
  endSessionsRecorded,
  openSessions,
  readSession,
  startSession,
} from "~/session.server";
import { DEMO_PASSWORD } from "../../db/seed/seed-demo";
import { seedOnce, verifyLogin, viewerFor } from "./helpers";

/** A request carrying the cookie a Set-Cookie header would leave in the browser. */
function requestWith(setCookie: string) {
  return new Request("http://localhost/", { headers: { Cookie: setCookie.split(";")[0]! } });
}

async function userId(username: string) {
  const row = await db
    .selectFrom("users")
    .select("id")
    .where("username", "=", username)
    .executeTakeFirstOrThrow();
  return row.id;
}

const minutes = (n: number) => n * 60_000;

describe("sessions kept on the server", () => {
  beforeAll(async () => {
    await seedOnce();
  });

  it("gives a new random token at every sign-in and stores only its hash", async () => {
    const id = await userId("viewer");
    const a = await startSession(id, "shared");
    const b = await startSession(id, "shared");
    expect(a.cookie).not.toBe(b.cookie);
    const token = decodeURIComponent(a.cookie.split(";")[0]!.split("=")[1]!);
    const rows = await db.selectFrom("sessions").select("id").where("user_id", "=", id).execute();
    expect(rows.some((r) => r.id === a.id)).toBe(true);
    expect(rows.every((r) => !token.includes(r.id) && r.id !== token)).toBe(true);
    expect(await readSession(requestWith(a.cookie))).toMatchObject({ state: "open" });
    // A shared computer's cookie ends with the browser; a personal device's lasts.
    expect(a.cookie).not.toMatch(/Max-Age/i);
    expect((await startSession(id, "device")).cookie).toMatch(/Max-Age=2592000/);
  });

  it("ends after the idle time and after the absolute lifetime of its profile", async () => {
    const id = await userId("viewer");
    const start = new Date();
    const shared = await startSession(id, "shared", start);
    const at = (ms: number) => new Date(start.getTime() + ms);
    expect(await readSession(requestWith(shared.cookie), at(minutes(29)))).toMatchObject({
      state: "open",
    });
    // Used at 29 minutes: idle counts from then.
    expect(await readSession(requestWith(shared.cookie), at(minutes(58)))).toMatchObject({
      state: "open",
    });
    expect(await readSession(requestWith(shared.cookie), at(minutes(90)))).toEqual({
      state: "ended",
      reason: "idle",
    });
    // Once ended it stays ended, even if the clock is turned back.
    expect(await readSession(requestWith(shared.cookie), at(minutes(1)))).toEqual({
      state: "ended",
      reason: "idle",
    });

    const device = await startSession(id, "device", start);
    for (let day = 1; day <= 30; day += 6) {
      expect(await readSession(requestWith(device.cookie), at(day * 86_400_000))).toMatchObject({
        state: "open",
      });
    }
    expect(await readSession(requestWith(device.cookie), at(31 * 86_400_000))).toEqual({
      state: "ended",
      reason: "expired",
    });
  });

  it("follows the county's settings", async () => {
    const county = await viewerFor("county");
    const id = await userId("viewer");
    const start = new Date();
    const session = await startSession(id, "shared", start);
    expect(await saveSettings(county, { "session.shared.idleMinutes": "10" })).toEqual({
      ok: true,
      changed: ["session.shared.idleMinutes"],
    });
    expect(
      await readSession(requestWith(session.cookie), new Date(start.getTime() + minutes(11))),
    ).toEqual({
      state: "ended",
      reason: "idle",
    });
    expect(await saveSettings(county, { "session.shared.idleMinutes": "1" })).toMatchObject({
      ok: false,
      fields: ["session.shared.idleMinutes"],
    });
    expect(
      await saveSettings(await viewerFor("viewer"), { "session.shared.idleMinutes": "60" }),
    ).toEqual({
      ok: false,
      reason: "forbidden",
    });
    await saveSettings(county, { "session.shared.idleMinutes": "30" });
    forgetSettings();
  });

  it("refuses a cookie whose session is not in this database", async () => {
    const id = await userId("county");
    const session = await startSession(id, "shared");
    await db.deleteFrom("sessions").where("id", "=", session.id).execute();
    expect(await readSession(requestWith(session.cookie))).toEqual({ state: "none" });
    expect(await getOptionalViewer(requestWith(session.cookie))).toBeNull();
  });

  it("ends at sign-out, and the same cookie never works again", async () => {
    const id = await userId("weijia");
    const session = await startSession(id, "device");
    expect(await getOptionalViewer(requestWith(session.cookie))).toMatchObject({
      username: "weijia",
    });
    await endSessions({ ids: [session.id] }, "logout", id);
    expect(await getOptionalViewer(requestWith(session.cookie))).toBeNull();
    expect(await readSession(requestWith(session.cookie))).toEqual({
      state: "ended",
      reason: "logout",
    });
  });

  it("ends a session by id only for the person a form is about", async () => {
    const weijia = await userId("weijia");
    const other = await startSession(await userId("xianaling"), "shared");
    // An id of someone else's session, posted on weijia's page, ends nothing.
    expect(await endSessions({ ids: [other.id], userId: weijia }, "admin", weijia)).toBe(0);
    expect(await endOwnSession(weijia, "weijia", other.id)).toBe(false);
    expect(await readSession(requestWith(other.cookie))).toMatchObject({ state: "open" });
    const own = await startSession(weijia, "shared");
    expect(await endOwnSession(weijia, "weijia", own.id)).toBe(true);
    expect(await endOwnSession(weijia, "weijia", own.id)).toBe(false);
    await endSessions({ ids: [other.id] }, "logout", null);
  });

  it("records who ended sessions in the same transaction as the ending", async () => {
    const weijia = await userId("weijia");
    const sessions = [await startSession(weijia, "shared"), await startSession(weijia, "device")];
    const lastSeq = async () =>
      Number(
        (
          await db
            .selectFrom("audit_log")
            .select((eb) => eb.fn.max("seq").as("seq"))
            .executeTakeFirstOrThrow()
        ).seq ?? 0,
      );
    const before = await lastSeq();
    const ended = await endSessionsRecorded({ userId: weijia }, "admin", weijia, {
      action: "session.end",
      account: "weijia",
    });
    expect(ended).toBeGreaterThanOrEqual(2);
    const entries = await db
      .selectFrom("audit_log")
      .select(["action", "target_id", "details"])
      .where("seq", ">", before)
      .execute();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: "session.end", target_id: "weijia" });
    expect(JSON.parse(String(entries[0]!.details))).toMatchObject({ sessions: ended });
    for (const s of sessions) {
      expect(await readSession(requestWith(s.cookie))).toEqual({ state: "ended", reason: "admin" });
    }
    // A failure writing the entry leaves the sessions open: nothing half-done.
    const open = await startSession(weijia, "shared");
    await expect(
      endSessionsRecorded({ ids: [open.id] }, "user", weijia, {
        action: "session.end",
        account: "weijia",
        details: {
          cyclic: (() => {
            const o: Record<string, unknown> = {};
            o.self = o;
            return o;
          })(),
        },
      }),
    ).rejects.toThrow();
    expect(await readSession(requestWith(open.cookie))).toMatchObject({ state: "open" });
  });

  it("a password change ends every other session; a reset and a deactivation end them all", async () => {
    const id = await userId("xianaling");
    const here = await startSession(id, "shared");
    const phone = await startSession(id, "device");
    const viewer = { ...(await viewerFor("xianaling")), sessionId: here.id };
    expect(await changePassword(viewer, DEMO_PASSWORD, "a-new-password-1")).toEqual({
      ok: true,
      value: undefined,
    });
    expect(await readSession(requestWith(here.cookie))).toMatchObject({ state: "open" });
    expect(await readSession(requestWith(phone.cookie))).toEqual({
      state: "ended",
      reason: "password",
    });
    expect(await verifyLogin("xianaling", "a-new-password-1")).not.toBeNull();

    const county = await viewerFor("county");
    const reset = await resetPassword(county, id);
    expect(reset.ok).toBe(true);
    expect(await readSession(requestWith(here.cookie))).toEqual({
      state: "ended",
      reason: "reset",
    });

    const again = await startSession(id, "shared");
    expect(await setAccountActive(county, await userId("daqinggou"), false)).toEqual({
      ok: true,
      value: undefined,
    });
    const leader = await startSession(await userId("daqinggou"), "shared");
    expect(await getOptionalViewer(requestWith(leader.cookie))).toBeNull();
    expect(await readSession(requestWith(again.cookie))).toMatchObject({ state: "open" });
    await setAccountActive(county, await userId("daqinggou"), true);
    expect(await setAccountActive(county, county.id, false)).toMatchObject({
      ok: false,
      message: "account.admin.notSelf",
    });
  });

  it("lists a person's open sessions with where they came from", async () => {
    const id = await userId("zuzhibu");
    const session = await runWithRequestContext(
      {
        ip: "10.1.2.3",
        userAgent: "Mozilla/5.0 (Linux; Android 12) Chrome/120.0 Mobile",
        method: "POST",
        path: "/login",
      },
      () => startSession(id, "device"),
    );
    const list = await openSessions(id, session.id);
    expect(list[0]).toMatchObject({
      ip: "10.1.2.3",
      device: "Chrome · Android",
      current: true,
      profile: "device",
    });
  });
});
