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

/** One audit entry's details as the viewer shows them: bounded, and readable without JSON. */
export interface DetailsView {
  request?: string;
  intent?: string;
  changes: {
    table: string;
    key: string;
    op: "insert" | "update" | "delete";
    fields: { name: string; before: string; after: string }[];
  }[];
  /** Changes (of a big import) not shown on the page; the exports hold them all. */
  more: number;
  other: [string, string][];
}

const SHOWN_CHANGES = 20;
const SHOWN_FIELDS = 30;
const shown = (value: unknown) => {
  if (value === undefined) return "";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
};

export function detailsView(json: string): DetailsView {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return { changes: [], more: 0, other: [["details", shown(json)]] };
  }
  const { request, intent, changes, ...rest } = parsed;
  const list = Array.isArray(changes) ? (changes as Record<string, unknown>[]) : [];
  return {
    request: typeof request === "string" ? request : undefined,
    intent: typeof intent === "string" ? intent : undefined,
    changes: list.slice(0, SHOWN_CHANGES).map((c) => {
      const before = (c.before ?? {}) as Record<string, unknown>;
      const after = (c.after ?? {}) as Record<string, unknown>;
      const names = [...new Set([...Object.keys(before), ...Object.keys(after)])];
      return {
        table: String(c.table ?? ""),
        key: Array.isArray(c.key) ? c.key.map(String).join("/") : "",
        op: c.op === "insert" || c.op === "delete" ? c.op : "update",
        fields: names
          .slice(0, SHOWN_FIELDS)
          .map((name) => ({ name, before: shown(before[name]), after: shown(after[name]) })),
      };
    }),
    more: Math.max(0, list.length - SHOWN_CHANGES),
    other: Object.entries(rest).map(([k, v]) => [k, shown(v)]),
  };
}
