/**
 * The audit log as a file: CSV for Excel (UTF-8 with BOM, every field quoted, anything a
 * spreadsheet would run as a formula written as text; times in China time, labels in the
 * reader's language beside the codes) or JSON Lines (one entry a line, as stored, UTC). Either
 * way a field's text — a typed username, a comment — can never start a line of its own.
 */
import { realNowIso } from "~/utils/clock";
import { db } from "~/db.server";
import type { Locale, MessageKey } from "~/i18n";
import { serverTranslator } from "~/i18n/catalogues.server";
import { resolveLocale } from "~/i18n/locale.server";
import { auditEntries, auditLine, recordAudit, type AuditRow } from "~/models/audit.server";
import { auditActionLabel, auditTargetLabel } from "~/utils/audit-actions";
import { auditQuery } from "~/utils/audit-filter.server";
import { safeCell } from "~/utils/spreadsheet.server";

/** An export holds at most this many entries; narrow the dates for more. */
export const MAX_EXPORT_ENTRIES = 100_000;

/** An instant as China time, "2026-12-02 06:34:50" (what the page shows, to the second). */
function chinaTime(iso: string): string {
  const at = new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString();
  return `${at.slice(0, 10)} ${at.slice(11, 19)}`;
}

function csvField(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(safeCell(String(value)));
  return `"${text.replace(/"/g, '""')}"`;
}

/** The CSV's columns in the reader's language: labels for people, codes and hashes for tools. */
function csvRows(rows: (AuditRow & { hash: string })[], locale: Locale): string[][] {
  const t = serverTranslator(locale);
  const label = (key: MessageKey | null, fallback: string | null) =>
    key ? t(key) : (fallback ?? "");
  const header = [
    "seq",
    t("audit.csv.at"),
    t("audit.actor"),
    t("users.role"),
    t("audit.action"),
    "action",
    t("audit.outcome"),
    t("audit.target"),
    "target_id",
    "village_id",
    t("sessions.address"),
    "session",
    t("audit.details"),
    "prev_hash",
    "hash",
  ];
  return [
    header,
    ...rows.map((r) => [
      String(r.seq),
      chinaTime(r.at),
      r.actor_name ?? t("audit.system"),
      r.actor_role && t.has(`role.${r.actor_role}`) ? t(`role.${r.actor_role}` as MessageKey) : "",
      t(auditActionLabel(r.action)),
      r.action,
      t(r.outcome === "ok" ? "audit.outcome.ok" : "audit.outcome.refused"),
      r.target_type ? label(auditTargetLabel(r.target_type), r.target_type) : "",
      r.target_id ?? "",
      r.village_id ?? "",
      r.ip ?? "",
      r.session ?? "",
      r.details,
      r.prev_hash,
      r.hash,
    ]),
  ];
}

export async function auditExport(
  request: Request,
  format: "csv" | "jsonl",
  limit = MAX_EXPORT_ENTRIES,
): Promise<Response> {
  const query = auditQuery(new URL(request.url));
  // One more than the limit tells whether older entries were left out; the page says the limit,
  // and a file that stops at it says so in its name.
  const fetched = await auditEntries(db, query.filter, { limit: limit + 1 });
  const truncated = fetched.length > limit;
  const rows = truncated ? fetched.slice(0, limit) : fetched;
  await recordAudit(db, {
    action: "audit.export",
    details: {
      format,
      filter: query.form,
      entries: rows.length,
      ...(truncated ? { truncated } : {}),
    },
  });
  const stamp = chinaTime(realNowIso()).slice(0, 10) + (truncated ? `-newest-${limit}` : "");
  const body =
    format === "csv"
      ? "\uFEFF" +
        csvRows(rows, await resolveLocale(request))
          .map((row) => row.map(csvField).join(","))
          .join("\r\n") +
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
