import { deflateSync } from "node:zlib";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { dashboard } from "~/models/dashboard.server";
import { teamRulesOn } from "~/models/county-rules.server";
import {
  evidenceFile,
  getVillageExit,
  recordVillageExitStep,
  undoVillageExitStep,
} from "~/models/village-exit.server";
import { today as chinaToday } from "~/utils/dates";
import { readEvidence } from "~/utils/evidence.server";
import { addDays } from "~/utils/exit-rules";
import {
  exitState,
  exitStepRefusal,
  sniffEvidenceType,
  statusAfter,
  waitingStage,
} from "~/utils/village-exit";
import { seedOnce, viewerFor, villageId } from "./helpers";

const TODAY = chinaToday();

/** A copy a File can take (Node's Buffers may sit on a shared pool). */
const bytes = (b: Uint8Array) => new Uint8Array(b);

/** A greyscale PNG of one colour, written by hand so its size as sent stays tiny. */
function pngOf(width: number, height: number): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Uint8Array) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Uint8Array) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, "ascii");
    Buffer.from(data).copy(out, 8);
    out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const pixels = deflateSync(Buffer.alloc((width + 1) * height), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", pixels),
    chunk("IEND", new Uint8Array()),
  ]);
}
const ago = (days: number) => addDays(TODAY, -days);

describe("the village exit rules", () => {
  const step = (id: string, s: Parameters<typeof statusAfter>[0], doneOn: string, round = 1) => ({
    id,
    round,
    step: s!,
    doneOn,
  });

  it("allows the steps in order only, an objection ending the round", () => {
    expect(exitState([], "not_exited").next).toEqual(["proposal"]);
    expect(exitState([], "exited").next).toEqual(["county_check"]);
    const proposed = [step("a", "proposal", "2018-10-01")];
    expect(exitState(proposed, "exit_ready").next).toEqual(["township_review"]);
    const notice = [
      ...proposed,
      step("b", "township_review", "2018-10-05"),
      step("c", "notice", "2018-10-06"),
    ];
    const state = exitState(notice, "exit_ready");
    expect(state.next).toEqual(["announcement", "objection"]);
    expect(state.notice?.id).toBe("c");
    const objected = exitState([...notice, step("d", "objection", "2018-10-08")], "not_exited");
    expect(objected).toMatchObject({ round: 2, next: ["proposal"], notice: null });
  });

  it("refuses a step out of order, in the future, before the last one, or before the notice ends", () => {
    const state = exitState(
      [
        step("a", "proposal", "2018-10-01"),
        step("b", "township_review", "2018-10-05"),
        step("c", "notice", "2018-10-06"),
      ],
      "exit_ready",
    );
    const refusal = (s: Parameters<typeof exitStepRefusal>[1], on: string) =>
      exitStepRefusal(state, s, on, "2018-11-01", 7)?.key ?? null;
    expect(refusal("proposal", "2018-10-20")).toBe("villageExit.refused.outOfOrder");
    expect(refusal("announcement", "2018-11-02")).toBe("villageExit.refused.future");
    expect(refusal("objection", "2018-10-05")).toBe("villageExit.refused.beforePrevious");
    expect(refusal("announcement", "2018-10-12")).toBe("villageExit.refused.noticeRunning");
    expect(refusal("announcement", "2018-10-13")).toBeNull();
    expect(refusal("objection", "2018-10-07")).toBeNull();
  });

  it("gives the status each step leads to", () => {
    expect(statusAfter("proposal", "not_exited")).toBe("exit_ready");
    expect(statusAfter("notice", "exit_ready")).toBe("exit_ready");
    expect(statusAfter("announcement", "exit_ready")).toBe("exited");
    expect(statusAfter("objection", "exit_ready")).toBe("not_exited");
    expect(statusAfter(null, "exit_ready")).toBe("not_exited");
    expect(statusAfter(null, "consolidating")).toBe("consolidating");
    expect(statusAfter("county_check", "consolidating")).toBe("consolidating");
  });

  it("says where a village waits, the notice split by its length", () => {
    expect(waitingStage("proposal", "2018-10-01", "2018-10-02", 7)).toBe("township_review");
    expect(waitingStage("township_review", "2018-10-01", "2018-10-02", 7)).toBe("notice");
    expect(waitingStage("notice", "2018-10-01", "2018-10-07", 7)).toBe("notice_running");
    expect(waitingStage("notice", "2018-10-01", "2018-10-08", 7)).toBe("decision");
    expect(waitingStage("announcement", "2018-10-01", "2018-10-08", 7)).toBeNull();
  });

  it("knows a file by its bytes, not its name", () => {
    expect(sniffEvidenceType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe("image/jpeg");
    expect(sniffEvidenceType(new TextEncoder().encode("%PDF-1.7\n"))).toBe("application/pdf");
    expect(sniffEvidenceType(new TextEncoder().encode("<html><script>"))).toBeNull();
  });
});

describe("evidence files", () => {
  it("makes a thumbnail of an image and refuses what is not an image or a PDF", async () => {
    const png = await sharp({
      create: { width: 1200, height: 800, channels: 3, background: "#c33" },
    })
      .png()
      .toBuffer();
    const ok = await readEvidence([
      new File([bytes(png)], "../../公示照片.png", { type: "image/png" }),
      new File([new TextEncoder().encode("%PDF-1.4\n%…")], "会议记录.pdf"),
      new File([], ""),
    ]);
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    expect(ok.files.map((f) => [f.fileName, f.contentType])).toEqual([
      ["公示照片.png", "image/png"],
      ["会议记录.pdf", "application/pdf"],
    ]);
    const meta = await sharp(ok.files[0]!.thumbnail!).metadata();
    expect(meta.format).toBe("webp");
    expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(240);
    expect(ok.files[1]!.thumbnail).toBeNull();

    const html = await readEvidence([new File(["<html>"], "photo.jpg", { type: "image/jpeg" })]);
    expect(html).toMatchObject({ ok: false, key: "villageExit.file.type" });
    const many = await readEvidence(
      Array.from({ length: 4 }, () => new File([bytes(png)], "a.png")),
    );
    expect(many).toMatchObject({ ok: false, key: "villageExit.file.tooMany" });
  });

  it("refuses an image that would decode to more pixels than allowed", async () => {
    // A 48-megapixel black PNG: about 50 KB as sent, 48 MB once decoded.
    const bomb = pngOf(8000, 6000);
    expect(bomb.byteLength).toBeLessThan(200 * 1024);
    const result = await readEvidence([new File([bytes(bomb)], "bomb.png")]);
    expect(result).toMatchObject({ ok: false, key: "villageExit.file.unreadable" });
    // The same kind of file within the limit is fine.
    expect((await readEvidence([new File([bytes(pngOf(800, 600))], "ok.png")])).ok).toBe(true);
  });
});

describe("a village's exit procedure", () => {
  let xianaling: string;
  let beichaonian: string;

  beforeAll(async () => {
    await seedOnce();
    xianaling = await villageId("下纳岭村");
    beichaonian = await villageId("北朝碾村");
  });

  const village = (id: string) =>
    db
      .selectFrom("villages")
      .select(["exit_status", "exit_year", "exit_step", "exit_overridden"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();

  it("seeds exited villages with their procedure and others waiting at each step", async () => {
    const rows = await db
      .selectFrom("villages")
      .select(["exit_status", "exit_step"])
      .where("exit_status", "!=", "not_exited")
      .execute();
    for (const r of rows) {
      if (r.exit_status === "exit_ready") {
        expect(["proposal", "township_review", "notice"]).toContain(r.exit_step);
      } else {
        expect(["announcement", "county_check"]).toContain(r.exit_step);
      }
    }
    expect(new Set(rows.map((r) => r.exit_step)).size).toBe(5);
  });

  it("runs from the team's proposal to the county's announcement, each role in turn", async () => {
    const team = await viewerFor("xianaling");
    const county = await viewerFor("county");
    const leader = await viewerFor("xiaosuangou");
    const otherLeader = await viewerFor("daqinggou");
    const page = await getVillageExit(team, xianaling);
    expect(page.ok).toBe(true);
    if (!page.ok) return;
    expect(page.mayRecord).toEqual(["proposal"]);
    // 下纳岭村's incidence is above 2 %: the team cannot propose, the county only with a reason.
    expect(page.blocking.length).toBeGreaterThan(0);
    const propose = { step: "proposal" as const, doneOn: ago(20), after: "none" };
    expect(await recordVillageExitStep(team, xianaling, propose, [], TODAY)).toMatchObject({
      ok: false,
      reason: "invalid",
      message: "villageExit.refused.notReady",
    });
    expect(await recordVillageExitStep(county, xianaling, propose, [], TODAY)).toMatchObject({
      ok: false,
      field: "overrideReason",
    });
    const proposal = await recordVillageExitStep(
      county,
      xianaling,
      { ...propose, overrideReason: "两户因病返贫已纳入监测，县里研究同意先行申请" },
      [],
      TODAY,
    );
    expect(proposal.ok).toBe(true);
    if (!proposal.ok) return;
    expect(await village(xianaling)).toMatchObject({
      exit_status: "exit_ready",
      exit_step: "proposal",
      exit_overridden: 1,
    });

    // Out of role, out of order, out of township, or from a stale page: refused.
    const review = { step: "township_review" as const, doneOn: ago(15), after: proposal.value };
    expect(await recordVillageExitStep(team, xianaling, review, [], TODAY)).toMatchObject({
      reason: "forbidden",
    });
    expect(await recordVillageExitStep(county, xianaling, review, [], TODAY)).toMatchObject({
      reason: "forbidden",
    });
    expect(await recordVillageExitStep(otherLeader, xianaling, review, [], TODAY)).toMatchObject({
      reason: "not-found",
    });
    expect(
      await recordVillageExitStep(leader, xianaling, { ...review, step: "notice" }, [], TODAY),
    ).toMatchObject({ reason: "invalid", message: "villageExit.refused.outOfOrder" });
    expect(
      await recordVillageExitStep(leader, xianaling, { ...review, after: "none" }, [], TODAY),
    ).toMatchObject({ reason: "conflict" });

    const reviewed = await recordVillageExitStep(leader, xianaling, review, [], TODAY);
    expect(reviewed.ok).toBe(true);
    if (!reviewed.ok) return;
    const noticeDays = (await teamRulesOn(ago(14))).villageNoticeDays;
    const photo = await sharp({
      create: { width: 64, height: 64, channels: 3, background: "#fff" },
    })
      .jpeg()
      .toBuffer();
    const evidence = await readEvidence([new File([bytes(photo)], "公示.jpg")]);
    if (!evidence.ok) throw new Error("evidence refused");
    const notice = await recordVillageExitStep(
      leader,
      xianaling,
      { step: "notice", doneOn: ago(14), after: reviewed.value, note: "乡镇公示栏" },
      evidence.files,
      TODAY,
    );
    expect(notice.ok).toBe(true);
    if (!notice.ok) return;

    // The dashboard counts the village in its notice, or waiting for the county once it has run.
    const board = await dashboard(county, {}, {}, await teamRulesOn());
    const stage = 14 >= noticeDays ? "decision" : "notice_running";
    expect(board!.exits[stage].villages).toBeGreaterThanOrEqual(1);
    expect(board!.exits.overridden).toBeGreaterThanOrEqual(1);

    const early = await recordVillageExitStep(
      county,
      xianaling,
      { step: "announcement", doneOn: addDays(ago(14), noticeDays - 1), after: notice.value },
      [],
      TODAY,
    );
    expect(early).toMatchObject({
      reason: "invalid",
      message: "villageExit.refused.noticeRunning",
    });
    const announced = await recordVillageExitStep(
      county,
      xianaling,
      { step: "announcement", doneOn: addDays(ago(14), noticeDays), after: notice.value },
      [],
      TODAY,
    );
    expect(announced.ok).toBe(true);
    expect(await village(xianaling)).toMatchObject({
      exit_status: "exited",
      exit_year: Number(addDays(ago(14), noticeDays).slice(0, 4)),
      exit_step: "announcement",
    });
    const history = await db
      .selectFrom("village_history")
      .select(["exit_status"])
      .where("village_id", "=", xianaling)
      .where("day", "=", TODAY)
      .executeTakeFirst();
    expect(history?.exit_status).toBe("exited");

    // The evidence: readable by whoever may read the village, by no one else.
    const after = await getVillageExit(county, xianaling);
    if (!after.ok) throw new Error("not found");
    const file = after.steps.find((s) => s.step === "notice")!.files[0]!;
    expect(file).toMatchObject({ name: "公示.jpg", type: "image/jpeg", thumbnail: true });
    expect((await evidenceFile(leader, xianaling, file.id, false))?.content.byteLength).toBe(
      photo.byteLength,
    );
    expect((await evidenceFile(county, xianaling, file.id, true))?.type).toBe("image/webp");
    expect(await evidenceFile(otherLeader, xianaling, file.id, false)).toBeNull();
    expect(await evidenceFile(await viewerFor("weijia"), xianaling, file.id, false)).toBeNull();

    // Undone only by the role that made it, before the next step; the record keeps both.
    expect(
      await undoVillageExitStep(leader, xianaling, { stepId: notice.value, reason: "x" }),
    ).toMatchObject({ reason: "invalid", message: "villageExit.refused.notLast" });
    expect(
      await undoVillageExitStep(leader, xianaling, {
        stepId: announced.ok ? announced.value : "",
        reason: "x",
      }),
    ).toMatchObject({ reason: "forbidden" });
    const undone = await undoVillageExitStep(county, xianaling, {
      stepId: announced.ok ? announced.value : "",
      reason: "公告日期填错，重新办理",
    });
    expect(undone.ok).toBe(true);
    expect(await village(xianaling)).toMatchObject({
      exit_status: "exit_ready",
      exit_year: null,
      exit_step: "notice",
    });
    const kept = await getVillageExit(county, xianaling);
    if (!kept.ok) throw new Error("not found");
    expect(kept.steps.find((s) => s.step === "announcement")?.undone).toMatchObject({
      reason: "公告日期填错，重新办理",
    });
    expect(kept.mayRecord).toEqual(["announcement", "objection"]);
  });

  it("ends a round on an objection with its reason; the team can propose again", async () => {
    const county = await viewerFor("county");
    const leader = await viewerFor("xiaosuangou");
    const steps = [
      ["proposal", 30, county],
      ["township_review", 28, leader],
      ["notice", 27, leader],
    ] as const;
    let after = "none";
    for (const [step, days, who] of steps) {
      const r = await recordVillageExitStep(
        who,
        beichaonian,
        { step, doneOn: ago(days), after, overrideReason: "县里研究同意" },
        [],
        TODAY,
      );
      expect(r.ok).toBe(true);
      if (r.ok) after = r.value;
    }
    expect(
      await recordVillageExitStep(
        leader,
        beichaonian,
        { step: "objection", doneOn: ago(25), after },
        [],
        TODAY,
      ),
    ).toMatchObject({ reason: "invalid", field: "note" });
    const objection = await recordVillageExitStep(
      leader,
      beichaonian,
      { step: "objection", doneOn: ago(25), after, note: "村民反映一户收入未核实" },
      [],
      TODAY,
    );
    expect(objection.ok).toBe(true);
    expect(await village(beichaonian)).toMatchObject({
      exit_status: "not_exited",
      exit_step: "objection",
    });
    const page = await getVillageExit(county, beichaonian);
    if (!page.ok) throw new Error("not found");
    expect(page.state).toMatchObject({ round: 2, next: ["proposal"] });
  });
});
