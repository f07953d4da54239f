/**
 * The county admin's screens over the registry: lists, one record's form, deactivation. A form
 * posts the same cells a spreadsheet row holds and is checked by the same row check as the import
 * (`registry.server.ts`), so the two can never disagree about what is valid.
 *
 * Deactivating never deletes: a township, village, unit or cadre gets `deactivated_at` and drops
 * out of the choices for new records; a team ends today, and its members leave with it. Past
 * teams, logs, cards and plan changes keep pointing at them.
 */
import { sql } from "kysely";
import { nowIso } from "~/utils/clock";
import { compareChinese } from "~/utils/chinese-order";
import { db } from "~/db.server";
import { serverTranslator } from "~/i18n/catalogues.server";
import type { Locale } from "~/i18n";
import type { Refusal } from "~/models/access.server";
import {
  checkRow,
  loadRegistry,
  sheetRecords,
  writeRows,
  SHEETS,
  type Cells,
  type Registry,
  type RegistryPart,
} from "~/models/registry.server";
import { refuse, transact } from "~/models/write.server";
import { endSessions } from "~/session.server";
import { hasCountyWide, type Viewer } from "~/permissions";
import { activeOn } from "~/models/periods.server";
import { today } from "~/utils/dates";
import { addDays } from "~/utils/team-rules";
import { SHEET_COLUMNS, type AdminKind, type RowIssue } from "~/utils/registry-sheets";
import { normalise } from "~/utils/labels.server";

const allowed = (viewer: Viewer) => hasCountyWide(viewer, "manage:registry");

function isActive(kind: AdminKind, record: Record<string, unknown>, on: string) {
  if (kind === "teams") return record.endedOn === null || String(record.endedOn) >= on;
  return record.deactivatedAt === null;
}

export interface AdminRow {
  id: string;
  /** How the record is named ("魏家村 · 2024-03-01" for a team). */
  label: string;
  cells: Record<string, string | number>;
  active: boolean;
}

/** What a list's cells read: its own records and the names they refer to. */
const LIST_PARTS: Record<AdminKind, RegistryPart[]> = {
  townships: ["townships"],
  units: ["units"],
  villages: ["villages", "townships"],
  cadres: ["cadres", "units"],
  teams: ["teams", "villages", "units"],
};

export async function adminList(
  viewer: Viewer,
  kind: AdminKind,
  locale: Locale,
  { q = "", inactive = false }: { q?: string; inactive?: boolean } = {},
): Promise<{ rows: AdminRow[]; total: number } | null> {
  if (!allowed(viewer)) return null;
  const registry = await loadRegistry(db, LIST_PARTS[kind]);
  const on = today();
  const query = normalise(q);
  const all = sheetRecords(kind, registry, serverTranslator(locale)).map(({ record, cells }) => ({
    id: (record as { id: string }).id,
    label: SHEETS[kind].label(record, registry),
    cells,
    active: isActive(kind, record as Record<string, unknown>, on),
  }));
  const rows = all.filter(
    (r) =>
      (inactive || r.active) &&
      (!query || Object.values(r.cells).some((c) => normalise(String(c)).includes(query))),
  );
  return { rows, total: all.length };
}

/** What the selects of the forms offer: the active townships, units and villages. */
function formOptions(registry: Registry) {
  const byName = (a: { label: string }, b: { label: string }) => compareChinese(a.label, b.label);
  const townships = [...registry.townships.byId.values()].filter((t) => !t.deactivatedAt);
  return {
    townships: townships.map((t) => ({ value: t.name, label: t.name })).sort(byName),
    units: [...registry.units.byId.values()]
      .filter((u) => !u.deactivatedAt)
      .map((u) => ({ value: u.name, label: u.name }))
      .sort(byName),
    villages: [...registry.villages.byId.values()]
      .filter((v) => !v.deactivatedAt)
      .map((v) => ({
        value: v.code,
        label: `${v.name} · ${registry.townships.byId.get(v.townshipId)?.name ?? ""}`,
      }))
      .sort(byName),
  };
}

/**
 * A record's form (id null: a new one), with the selects' options, from one read of the
 * registry; null when the viewer may not, or the record does not exist.
 */
export async function adminForm(viewer: Viewer, kind: AdminKind, id: string | null) {
  if (!allowed(viewer)) return null;
  const registry = await loadRegistry(db);
  const options = formOptions(registry);
  if (id === null) {
    return { options, cells: {} as Record<string, string>, locked: [] as string[], label: null };
  }
  const def = SHEETS[kind];
  const record = def.store(registry).byId.get(id) as Record<string, unknown> | undefined;
  if (!record) return null;
  // Keys, not labels: the form's selects post keys ("county", not "县派").
  const cells = def.cells(record, registry, null);
  return {
    options,
    cells: Object.fromEntries(SHEET_COLUMNS[kind].map((c) => [c.key, String(cells[c.key] ?? "")])),
    /** Columns the form shows but cannot change: a rostered village's poor figures. */
    locked: record.hasRoster === true ? ["poorHouseholds", "poorPeople"] : [],
    label: def.label(record, registry) as string | null,
  };
}

export type SaveResult =
  { ok: true; id: string } | { ok: false; reason: "invalid"; issues: RowIssue[] } | Refusal;

/** Creates (id null) or edits a record from its cells, in one transaction. */
export async function saveRecord(
  viewer: Viewer,
  kind: AdminKind,
  id: string | null,
  cells: Cells,
): Promise<SaveResult> {
  if (!allowed(viewer)) return refuse.forbidden();
  return transact(async (trx) => {
    const registry = await loadRegistry(trx);
    if (id && !SHEETS[kind].store(registry).byId.has(id)) return refuse.notFound();
    const outcome = checkRow(kind, cells, registry, id ? { id } : {});
    if (outcome.action === "error") {
      return { ok: false as const, reason: "invalid" as const, issues: outcome.issues };
    }
    await writeRows(trx, [{ kind, outcome }], {
      registry,
      now: nowIso(),
      viewerId: viewer.id,
    });
    return { ok: true as const, id: (outcome.record as { id: string }).id };
  });
}

export type ActiveResult =
  | { ok: true }
  | { ok: false; reason: "invalid"; message: string; params?: Record<string, string | number> }
  | Refusal;

const activeTeams = (registry: Registry, on: string) =>
  [...registry.teams.byId.values()].filter((t) => t.endedOn === null || t.endedOn >= on);

/**
 * Deactivates (or reactivates) a record; a team "deactivated" ends today. Refused, with the
 * reason, while something current still depends on the record.
 */
export async function setActive(
  viewer: Viewer,
  kind: AdminKind,
  id: string,
  active: boolean,
): Promise<ActiveResult> {
  if (!allowed(viewer)) return refuse.forbidden();
  return transact(async (trx): Promise<ActiveResult> => {
    const registry = await loadRegistry(trx);
    if (!SHEETS[kind].store(registry).byId.has(id)) return refuse.notFound();
    const on = today();
    const now = nowIso();
    const stamp = active ? null : now;
    const invalid = (message: string, params?: Record<string, string | number>) => ({
      ok: false as const,
      reason: "invalid" as const,
      message,
      params,
    });
    switch (kind) {
      case "townships": {
        const villages = [...registry.villages.byId.values()].filter(
          (v) => v.townshipId === id && !v.deactivatedAt,
        );
        if (!active && villages.length) {
          return invalid("registry.deactivate.townshipHasVillages", { count: villages.length });
        }
        await trx
          .updateTable("townships")
          .set({ deactivated_at: stamp })
          .where("id", "=", id)
          .execute();
        break;
      }
      case "villages": {
        if (!active && activeTeams(registry, on).some((t) => t.villageId === id)) {
          return invalid("registry.deactivate.villageHasTeam");
        }
        await trx
          .updateTable("villages")
          .set({ deactivated_at: stamp })
          .where("id", "=", id)
          .execute();
        break;
      }
      case "units": {
        const teams = activeTeams(registry, on).filter((t) => t.unitId === id);
        if (!active && teams.length) {
          return invalid("registry.deactivate.unitHasTeams", { count: teams.length });
        }
        await trx
          .updateTable("sending_units")
          .set({ deactivated_at: stamp })
          .where("id", "=", id)
          .execute();
        break;
      }
      case "cadres": {
        const current = registry.memberships
          .inGroup(`cadre:${id}`)
          .find((m) => m.startedOn <= on && (m.endedOn === null || m.endedOn >= on));
        if (!active && current) {
          const team = registry.teams.byId.get(current.teamId);
          return invalid("registry.deactivate.cadreInTeam", {
            village: (team && registry.villages.byId.get(team.villageId)?.name) ?? "",
          });
        }
        await trx
          .updateTable("cadres")
          .set({ deactivated_at: stamp })
          .where("id", "=", id)
          .execute();
        // Their account goes (and comes back) with them; going, its sessions end at once.
        const accounts = await trx
          .updateTable("users")
          .set({ deactivated_at: stamp })
          .where("cadre_id", "=", id)
          .returning("id")
          .execute();
        if (!active) {
          for (const account of accounts) {
            await endSessions({ userId: account.id }, "deactivated", viewer.id, new Date(now), trx);
          }
        }
        break;
      }
      case "teams": {
        if (active) return invalid("form.invalid");
        const team = registry.teams.byId.get(id)!;
        // From today it is no longer in force: its last day is yesterday (or its first day, for
        // a team that starts today or later), and so is each current member's.
        const lastDay = addDays(on, -1);
        const endedOn = team.startedOn > lastDay ? team.startedOn : lastDay;
        await trx.updateTable("teams").set({ ended_on: endedOn }).where("id", "=", id).execute();
        await trx
          .updateTable("team_memberships")
          .set((eb) => ({
            ended_on: eb
              .case()
              .when("started_on", ">", endedOn)
              .then(eb.ref("started_on"))
              .else(endedOn)
              .end(),
            end_reason: "rotated",
          }))
          .where("team_id", "=", id)
          .where((eb) => eb.or([eb("ended_on", "is", null), eb("ended_on", ">", endedOn)]))
          .execute();
        break;
      }
    }
    return { ok: true };
  });
}

/** Per kind: how many records, and how many are active. */
export async function adminSummary(viewer: Viewer) {
  if (!allowed(viewer)) return null;
  const on = today();
  // The register's cadres include a reserve and those who have left a team: say how many serve.
  const serving = await db
    .selectFrom("team_memberships as m")
    .innerJoin("teams as t", "t.id", "m.team_id")
    .where(activeOn("m", on))
    .where(activeOn("t", on))
    .select((eb) => eb.fn.count<number>("m.cadre_id").distinct().as("n"))
    .executeTakeFirstOrThrow();
  // Counted where they are stored (the same rule as isActive): not a province's registry read.
  const deactivatable = async (table: "townships" | "villages" | "sending_units" | "cadres") =>
    db
      .selectFrom(table)
      .select((eb) => [
        eb.fn.countAll<number>().as("total"),
        eb.fn.count<number>(sql`case when deactivated_at is null then 1 end`).as("active"),
      ])
      .executeTakeFirstOrThrow();
  const [townships, villages, units, cadres, teams] = await Promise.all([
    deactivatable("townships"),
    deactivatable("villages"),
    deactivatable("sending_units"),
    deactivatable("cadres"),
    db
      .selectFrom("teams")
      .select((eb) => [
        eb.fn.countAll<number>().as("total"),
        eb.fn
          .count<number>(sql`case when ended_on is null or ended_on >= ${on} then 1 end`)
          .as("active"),
      ])
      .executeTakeFirstOrThrow(),
  ]);
  const count = (kind: AdminKind, row: { total: number | string; active: number | string }) => ({
    kind,
    total: Number(row.total),
    active: Number(row.active),
    serving: kind === "cadres" ? Number(serving.n) : null,
  });
  return [
    count("townships", townships),
    count("villages", villages),
    count("units", units),
    count("teams", teams),
    count("cadres", cadres),
  ];
}
