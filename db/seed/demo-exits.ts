/**
 * The village exit procedure in the demo (issue 19): every exited village went through it in its
 * exit year (with a later spot check for some), and the villages marked "in the procedure" wait at
 * each step, dated relative to the seed's today — one just proposed, one reviewed, one in notice,
 * one whose notice has run out, and one that had an objection and proposed again.
 */
import { createHash } from "node:crypto";
import type { Insertable } from "kysely";
import type { DB, VillageExitRecord } from "../schema";
import { stableId } from "../ids";
import { addDays } from "../../app/utils/exit-rules";
import type { DemoData } from "./demo-data";

type StepRow = Insertable<DB["village_exit_steps"]>;
type FileRow = Insertable<DB["village_exit_files"]>;

/**
 * A one-page PDF saying it is demo evidence (what a team would scan: its self-check against the
 * exit standards). Written by hand so the seed needs no PDF library; byte offsets are computed.
 */
export function demoPdf(line: string): Uint8Array {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    (() => {
      const text = `BT /F1 14 Tf 60 780 Td (${line.replace(/[()\\]/g, "")}) Tj ET`;
      return `<< /Length ${text.length} >>\nstream\n${text}\nendstream`;
    })(),
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, "0")} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(body);
}

interface Recorders {
  team: (villageId: string) => string | null;
  township: (townshipId: string) => string | null;
  county: string | null;
}

/**
 * The steps, each village's procedure columns set to its last step, and a demo PDF (the team's
 * self-check) on the proposal of every village now in the procedure.
 */
export function buildExitSteps(
  data: DemoData,
  recorders: Recorders,
  today: string,
): { steps: StepRow[]; files: FileRow[] } {
  const rows: StepRow[] = [];
  const files: FileRow[] = [];
  let waiting = 0;
  let consolidating = 0;
  for (const village of data.villages) {
    const steps: [VillageExitRecord, string, number, string | null][] = [];
    const by = (step: VillageExitRecord) =>
      step === "proposal"
        ? (recorders.team(village.id!) ?? recorders.county)
        : step === "township_review" || step === "notice" || step === "objection"
          ? recorders.township(village.township_id!)
          : recorders.county;
    if (
      (village.exit_status === "exited" || village.exit_status === "consolidating") &&
      village.exit_year
    ) {
      const y = village.exit_year;
      steps.push(
        ["proposal", `${y}-10-12`, 1, "村两委和驻村工作队对照出列标准自查后申请"],
        ["township_review", `${y}-10-20`, 1, "乡镇逐项核实"],
        ["notice", `${y}-10-24`, 1, "在乡镇政府公示栏和各村公示"],
        ["announcement", `${y}-11-06`, 1, "县扶贫开发领导小组审定，公告出列"],
      );
      // Every other village in consolidation has had its spot check.
      if (village.exit_status === "consolidating" && consolidating++ % 2 === 0) {
        steps.push(["county_check", `${y + 1}-06-15`, 1, "市级抽查：出列数据属实"]);
      }
    } else if (village.exit_status === "exit_ready") {
      const stage = waiting % 5;
      waiting += 1;
      const d = (days: number) => addDays(today, -days);
      if (stage === 0) steps.push(["proposal", d(6), 1, null]);
      if (stage === 1) {
        steps.push(["proposal", d(20), 1, null], ["township_review", d(9), 1, null]);
      }
      if (stage === 2 || stage === 3) {
        const start = stage === 2 ? 0 : 9;
        steps.push(
          ["proposal", d(start + 18), 1, null],
          ["township_review", d(start + 10), 1, null],
          ["notice", d(start + 3), 1, "在乡镇政府公示栏公示"],
        );
      }
      if (stage === 4) {
        steps.push(
          ["proposal", d(60), 1, null],
          ["township_review", d(50), 1, null],
          ["notice", d(45), 1, "在乡镇政府公示栏公示"],
          ["objection", d(41), 1, "有村民反映一户脱贫户收入核算有误，需重新核实"],
          ["proposal", d(4), 2, "收入重新核实后再次申请"],
        );
      }
    }
    steps.forEach(([step, doneOn, round, note], i) => {
      rows.push({
        id: stableId("village-exit-step", `${village.id}:${i}`),
        village_id: village.id!,
        round,
        step,
        done_on: doneOn,
        note,
        override_reason: null,
        overridden: null,
        recorded_by: by(step),
        // Recorded at noon China time on the day.
        recorded_at: `${doneOn}T04:00:00.000Z`,
        undone_at: null,
        undone_by: null,
        undo_reason: null,
      });
    });
    const last = steps.at(-1);
    village.exit_step = last?.[0] ?? null;
    village.exit_step_on = last?.[1] ?? null;
    if (village.exit_status === "exit_ready") {
      const proposal = steps.findLastIndex(([step]) => step === "proposal");
      const stepId = stableId("village-exit-step", `${village.id}:${proposal}`);
      const content = demoPdf(`Demo evidence: exit self-check of village ${village.code}`);
      files.push({
        id: stableId("village-exit-file", stepId),
        step_id: stepId,
        village_id: village.id!,
        file_name: "出列自查表（演示）.pdf",
        content_type: "application/pdf",
        size: content.byteLength,
        sha256: createHash("sha256").update(content).digest("hex"),
        content,
        thumbnail: null,
        uploaded_by: recorders.team(village.id!) ?? recorders.county,
        uploaded_at: `${steps[proposal]![1]}T04:00:00.000Z`,
      });
    }
  }
  return { steps: rows, files };
}
