import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { archiveAudit, archiveText, auditEntries, verifyAuditChain } from "~/models/audit.server";
import { getHousehold, revealHouseholdIdentity, updateHousehold } from "~/models/household.server";
import { lockedKeys, signIn, unlock } from "~/models/login.server";
import { updateIndicator } from "~/models/plan.server";
import { runWithRequestContext, type RequestContext } from "~/server/request-context.server";
import { maskIdNumber, maskPhone, isValidIdNumber } from "~/utils/mask";
import { DEMO_PASSWORD } from "../../db/seed/seed-demo";
import { TEST_ENGINE } from "./engine";
import { seedOnce, viewerFor, villageId } from "./helpers";

const from = (ip: string, extra: Partial<RequestContext> = {}): RequestContext => ({
  ip,
  userAgent: "test",
  method: "POST",
  path: "/login",
  ...extra,
});

async function lastEntry(action?: string) {
  const [entry] = await auditEntries(db, action ? { action } : {}, { limit: 1 });
  return entry!;
}

describe("sign-in resists guessing", () => {
  beforeAll(async () => {
    await seedOnce();
  });

  it("locks an account after 5 wrong passwords: even the right one is refused until the lock ends", async () => {
    await runWithRequestContext(from("203.0.113.1"), async () => {
      for (let i = 0; i < 4; i++) {
        expect(await signIn("viewer", `wrong-${i}`)).toEqual({ ok: false, reason: "invalid" });
      }
      const fifth = await signIn("viewer", "wrong-5");
      expect(fifth).toMatchObject({ ok: false, reason: "locked" });
      expect(await signIn("viewer", DEMO_PASSWORD)).toMatchObject({ ok: false, reason: "locked" });
    });
    // From another address too: the lock is the account's.
    await runWithRequestContext(from("198.51.100.7"), async () => {
      expect(await signIn("viewer", DEMO_PASSWORD)).toMatchObject({ ok: false, reason: "locked" });
    });
    expect(await lockedKeys()).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: "account", name: "viewer" })]),
    );
    const lockout = await lastEntry("auth.lockout");
    expect(lockout).toMatchObject({
      target_type: "account",
      target_id: "viewer",
      outcome: "refused",
    });
    // After the lock (15 minutes), the right password works again and clears the count.
    const later = new Date(Date.now() + 16 * 60_000);
    await runWithRequestContext(from("203.0.113.1"), async () => {
      expect(await signIn("viewer", DEMO_PASSWORD, later)).toMatchObject({ ok: true });
    });
  });

  it("treats an unknown account the same way (no hint that it does not exist)", async () => {
    await runWithRequestContext(from("203.0.113.2"), async () => {
      const results = [];
      for (let i = 0; i < 5; i++) results.push(await signIn("no-such-person", "x"));
      expect(results.slice(0, 4).every((r) => !r.ok && r.reason === "invalid")).toBe(true);
      expect(results[4]).toMatchObject({ ok: false, reason: "locked" });
    });
  });

  it("locks an address that guesses across many accounts, and the county admin can unlock", async () => {
    await runWithRequestContext(from("203.0.113.3"), async () => {
      const results = [];
      for (let i = 0; i < 30; i++) results.push(await signIn(`someone-${i}`, "guess"));
      expect(results.at(-1)).toMatchObject({ ok: false, reason: "locked" });
      expect(await signIn("zuzhibu", DEMO_PASSWORD)).toMatchObject({ ok: false, reason: "locked" });
    });
    // Another address is not affected.
    await runWithRequestContext(from("203.0.113.4"), async () => {
      expect(await signIn("zuzhibu", DEMO_PASSWORD)).toMatchObject({ ok: true });
    });
    expect(await unlock("address", "203.0.113.3")).toBe(true);
    await runWithRequestContext(from("203.0.113.3"), async () => {
      expect(await signIn("zuzhibu", DEMO_PASSWORD)).toMatchObject({ ok: true });
    });
  });

  it("records every sign-in, successful or not, with who and from where", async () => {
    await runWithRequestContext(from("192.0.2.10"), () => signIn("county", DEMO_PASSWORD));
    const ok = await lastEntry("auth.login");
    expect(ok).toMatchObject({ actor_name: "county", outcome: "ok", ip: "192.0.2.10" });
    await runWithRequestContext(from("192.0.2.10"), () => signIn("county\nforged line", "x"));
    const refused = await lastEntry("auth.login");
    expect(refused).toMatchObject({ outcome: "refused", target_id: "county\nforged line" });
    expect(JSON.parse(refused.details)).toEqual({ reason: "unknown-account" });
  });
});

describe("the audit log", () => {
  beforeAll(async () => {
    await seedOnce();
  });

  it("records a write with who, from where, and before → after", async () => {
    const weijia = await viewerFor("weijia");
    const village = await villageId("魏家村");
    const indicator = await db
      .selectFrom("plan_indicators")
      .select(["version", "current_value"])
      .where("village_id", "=", village)
      .where("kind", "=", "broadband")
      .executeTakeFirstOrThrow();
    const result = await runWithRequestContext(
      from("10.0.0.9", {
        path: `/villages/${village}/plan`,
        intent: "indicator",
        actor: { id: weijia.id, username: "weijia", role: "team_member", session: "abc" },
      }),
      () =>
        updateIndicator(weijia, village, {
          id: "kind:broadband",
          version: indicator.version,
          current: 0,
          evidence: "光缆断了",
        }),
    );
    expect(result.ok).toBe(true);
    const entry = await lastEntry("write");
    expect(entry).toMatchObject({
      actor_name: "weijia",
      actor_role: "team_member",
      session: "abc",
      ip: "10.0.0.9",
      village_id: village,
    });
    const details = JSON.parse(entry.details) as {
      request: string;
      intent: string;
      changes: {
        table: string;
        op: string;
        before?: Record<string, unknown>;
        after?: Record<string, unknown>;
      }[];
    };
    expect(details.request).toBe(`POST /villages/${village}/plan`);
    expect(details.intent).toBe("indicator");
    const change = details.changes.find((c) => c.table === "plan_indicators")!;
    expect(change.op).toBe("update");
    expect(change.before).toMatchObject({ current_value: indicator.current_value });
    expect(change.after).toMatchObject({ current_value: 0, evidence: "光缆断了" });
  });

  it("keeps nothing of a refused write, and notes a write out of the viewer's reach", async () => {
    const before = (await lastEntry()).seq;
    const xianaling = await viewerFor("xianaling");
    const weijiaVillage = await villageId("魏家村");
    const result = await updateIndicator(xianaling, weijiaVillage, {
      id: "kind:broadband",
      version: 1,
      current: 1,
    });
    expect(result.ok).toBe(false);
    const entries = await auditEntries(db, {}, { limit: 5 });
    expect(entries.filter((e) => e.seq > before)).toEqual([
      expect.objectContaining({ action: "write", outcome: "refused" }),
    ]);
  });

  it("exports at most its limit, the newest first, and says so in the file's name", async () => {
    const { auditExport } = await import("~/utils/audit-export.server");
    const newest = await auditEntries(db, {}, { limit: 4 });
    expect(newest).toHaveLength(4);
    const request = () => new Request("http://localhost/admin/audit.jsonl");
    const cut = await auditExport(request(), "jsonl", 3);
    expect(cut.headers.get("Content-Disposition")).toMatch(/-newest-3\.jsonl"$/);
    const lines = (await cut.text()).trim().split("\n");
    expect(lines.map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual(
      newest.slice(0, 3).map((r) => r.seq),
    );
    expect(JSON.parse((await lastEntry("audit.export")).details)).toMatchObject({
      entries: 3,
      truncated: true,
    });
    const whole = await auditExport(request(), "jsonl", 1_000_000);
    expect(whole.headers.get("Content-Disposition")).not.toMatch(/newest/);
    expect(JSON.parse((await lastEntry("audit.export")).details)).not.toHaveProperty("truncated");
  });

  it("cannot be edited or deleted, and the chain shows any tampering", async () => {
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    const entry = await lastEntry();
    await expect(
      sql`update audit_log set actor_name = 'someone else' where seq = ${entry.seq}`.execute(db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where seq = ${entry.seq}`.execute(db)).rejects.toThrow(
      /archive/,
    );
    // Someone with the file and no triggers: the chain gives them away.
    await (
      TEST_ENGINE === "sqlite"
        ? sql`drop trigger audit_log_no_update`
        : sql`drop trigger audit_log_append_only on audit_log`
    ).execute(db);
    await sql`update audit_log set actor_name = 'someone else' where seq = ${entry.seq}`.execute(
      db,
    );
    expect(await verifyAuditChain(db)).toEqual({ ok: false, brokenAt: entry.seq, reason: "hash" });
    await sql`update audit_log set actor_name = ${entry.actor_name} where seq = ${entry.seq}`.execute(
      db,
    );
    await (
      TEST_ENGINE === "sqlite"
        ? sql`create trigger audit_log_no_update before update on audit_log
      begin select raise(abort, 'audit_log is append-only'); end`
        : sql`create trigger audit_log_append_only before update or delete on audit_log
      for each row execute function audit_append_only()`
    ).execute(db);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });

  it("records who read a household's record and who saw its full ID and phone numbers", async () => {
    const village = await villageId("魏家村");
    const weijia = await viewerFor("weijia");
    const household = await db
      .selectFrom("households")
      .selectAll()
      .where("village_id", "=", village)
      .orderBy("code")
      .executeTakeFirstOrThrow();
    const idNumber = "13072519800101123X";
    expect(isValidIdNumber(idNumber)).toBe(true);
    const loaded = await getHousehold(weijia, village, household.id);
    if (!loaded.ok) throw new Error("not loaded");
    const stored = () =>
      db
        .selectFrom("households")
        .select(["head_id_number", "phone"])
        .where("id", "=", household.id)
        .executeTakeFirst();
    // The record as loaded, saved again with the identity numbers given.
    const save = (version: number, identity: { idNumber?: string; phone?: string }) =>
      updateHousehold(weijia, village, household.id, {
        code: household.code,
        headName: household.head_name,
        members: household.members,
        mainCause: household.main_cause,
        otherCauses: [],
        helpMeasures: [],
        identifiedYear: household.identified_year,
        guarantees: loaded.household.guarantees,
        incomes: Object.fromEntries(loaded.household.incomes.map((i) => [i.year, i.value])),
        version,
        ...identity,
      });
    const saved = await save(household.version, { idNumber, phone: "13812345678" });
    expect(saved.ok).toBe(true);
    const write = await lastEntry("write");
    // The audit log keeps the change, masked: it is not a second copy of the numbers.
    expect(write.details).toContain(maskIdNumber(idNumber));
    expect(write.details).not.toContain(idNumber);

    const read = await runWithRequestContext(
      from("10.0.0.5", {
        method: "GET",
        actor: { id: weijia.id, username: "weijia", role: "team_member", session: "s" },
      }),
      () => getHousehold(weijia, village, household.id),
    );
    expect(read.ok && read.household.idNumber).toBe(maskIdNumber(idNumber));
    expect(read.ok && read.household.phone).toBe(maskPhone("13812345678"));
    expect(await lastEntry("household.read")).toMatchObject({
      actor_name: "weijia",
      target_id: household.id,
      village_id: village,
      ip: "10.0.0.5",
    });

    // The township leader reads the record but may not see the full numbers.
    const leader = await viewerFor("daqinggou");
    expect(await revealHouseholdIdentity(leader, village, household.id)).toEqual({
      ok: false,
      reason: "forbidden",
    });
    expect(await revealHouseholdIdentity(weijia, village, household.id)).toEqual({
      ok: true,
      idNumber,
      phone: "13812345678",
    });
    expect(await lastEntry("household.reveal")).toMatchObject({ target_id: household.id });
    // A masked number sent back (from the form or an export) leaves the stored one alone.
    const again = await save(household.version + 1, { idNumber: undefined, phone: undefined });
    expect(again.ok).toBe(true);
    expect(await stored()).toEqual({ head_id_number: idNumber, phone: "13812345678" });
    // The masks as the form shows them keep the numbers; an edited mask is refused on its field.
    const withMasks = (phone: string) =>
      save(household.version + 2, { idNumber: maskIdNumber(idNumber), phone });
    expect(await withMasks("139****0000")).toMatchObject({
      ok: false,
      field: "phone",
      message: "household.maskedChanged",
    });
    expect((await withMasks(maskPhone("13812345678"))).ok).toBe(true);
    expect(await stored()).toEqual({ head_id_number: idNumber, phone: "13812345678" });
  });

  it("moves entries past the retention period into archives, and the chain goes on", async () => {
    const live = await auditEntries(db, {}, { limit: 1_000_000 });
    expect(live.length).toBeGreaterThan(3);
    // As if a year had passed: everything now is past 180 days.
    const made = await archiveAudit(db, 180, new Date(Date.now() + 365 * 86_400_000));
    expect(made).toBeGreaterThanOrEqual(1);
    expect(await auditEntries(db, {}, { limit: 10 })).toEqual([]);
    const archives = await db.selectFrom("audit_archives").selectAll().execute();
    const lines = archives.flatMap((a) => archiveText(a)!.trim().split("\n"));
    expect(lines).toHaveLength(live.length);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ seq: live[0]!.seq });
    // A tampered archive is recognised.
    expect(archiveText({ ...archives[0]!, sha256: "0".repeat(64) })).toBeNull();
    // New entries chain on from the archive's last hash.
    await runWithRequestContext(from("192.0.2.1"), () => signIn("county", DEMO_PASSWORD));
    expect(await verifyAuditChain(db)).toEqual({ ok: true, entries: 1, lastSeq: live[0]!.seq + 1 });
  });
});
