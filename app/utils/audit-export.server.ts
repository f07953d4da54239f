/**
 * The audit log as a file: CSV for Excel (UTF-8 with BOM, every field quoted, anything a
 * spreadsheet would run as a formula written as text) or JSON Lines (one entry a line). Either
 * way a field's text — a typed username, a comment — can never start a line of its own.
 */
import { db } from "~/db.server";
import { auditEntries, auditLine, recordAudit } from "~/models/audit.server";
import { auditQuery } from "~/utils/audit-filter.server";
import { safeCell } from "~/utils/spreadsheet.server";

/** An export holds at most this many entries; narrow the dates for more. */
export const MAX_EXPORT_ENTRIES = 100_000;

const COLUMNS = [
  "seq",
  "at",
  "actor_name",
  "actor_id",
  "actor_role",
  "session",
  "ip",
  "action",
  "outcome",
  "target_type",
  "target_id",
  "village_id",
  "details",
  "prev_hash",
  "hash",
] as const;

function csvField(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(safeCell(String(value)));
  return `"${text.replace(/"/g, '""')}"`;
}

export async function auditExport(request: Request, format: "csv" | "jsonl"): Promise<Response> {
  const query = auditQuery(new URL(request.url));
  const rows = await auditEntries(db, query.filter, { limit: MAX_EXPORT_ENTRIES });
  await recordAudit(db, {
    action: "audit.export",
    details: { format, filter: query.form, entries: rows.length },
  });
  const stamp = new Date().toISOString().slice(0, 10);
  const body =
    format === "csv"
      ? "\uFEFF" +
        [COLUMNS.join(","), ...rows.map((r) => COLUMNS.map((c) => csvField(r[c])).join(","))].join(
          "\r\n",
        ) +
        "\r\n"
      : rows.map((r) => auditLine(r)).join("\n") + (rows.length ? "\n" : "");
  return new Response(body, {
    headers: {
      "Content-Type":
        format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
      "Content-Disposition": `attachment; filename="zhucun-audit-${stamp}.${format}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
