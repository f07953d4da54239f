/**
 * The audit log's filters from a URL (the viewer page and its exports share them). Days are China
 * days: `from=2026-12-01` means from midnight in Shanghai.
 */
import type { AuditFilter } from "~/models/audit.server";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function chinaMidnight(day: string, plusDays = 0): string | undefined {
  if (!DAY.test(day)) return undefined;
  const at = new Date(`${day}T00:00:00+08:00`);
  if (Number.isNaN(at.getTime())) return undefined;
  return new Date(at.getTime() + plusDays * 86_400_000).toISOString();
}

export interface AuditQuery {
  filter: AuditFilter;
  /** The form's values as typed (bounded), to show them back. */
  form: {
    actor: string;
    action: string;
    village: string;
    target: string;
    from: string;
    to: string;
    outcome: string;
  };
  before?: number;
}

export function auditQuery(url: URL): AuditQuery {
  const get = (name: string, max = 80) => (url.searchParams.get(name) ?? "").trim().slice(0, max);
  const form = {
    actor: get("actor"),
    action: get("action", 40),
    village: get("village", 40),
    target: get("target"),
    from: get("from", 10),
    to: get("to", 10),
    outcome: get("outcome", 10),
  };
  const before = Number(url.searchParams.get("before"));
  return {
    form,
    before: Number.isInteger(before) && before > 0 ? before : undefined,
    filter: {
      actor: form.actor || undefined,
      action: form.action || undefined,
      villageId: form.village || undefined,
      target: form.target || undefined,
      from: chinaMidnight(form.from),
      to: chinaMidnight(form.to, 1),
      outcome: form.outcome === "ok" || form.outcome === "refused" ? form.outcome : undefined,
    },
  };
}
