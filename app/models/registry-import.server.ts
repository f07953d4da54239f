/**
 * Importing and exporting the registry as a workbook. Upload → each sheet recognised (by its name,
 * else by its headers) and its columns mapped (the mapping last confirmed for the same header row,
 * else by header labels in either language) → every row checked → confirm. The confirm re-reads the
 * registry and re-checks every row inside its transaction, never trusting the preview.
 */
import { nowIso } from "~/utils/clock";
import { db } from "~/db.server";
import type { Locale } from "~/i18n";
import { catalogues, serverTranslator } from "~/i18n/catalogues.server";
import type { Refusal } from "~/models/access.server";
import {
  checkRow,
  loadRegistry,
  sheetCellBatches,
  writeRows,
  type Cells,
  type Registry,
  type RowOutcome,
} from "~/models/registry.server";
import { refuse, transact } from "~/models/write.server";
import { hasCountyWide, type Viewer } from "~/permissions";
import { normalise } from "~/utils/labels.server";
import {
  SHEET_COLUMNS,
  SHEET_KINDS,
  columnLabelKey,
  isSheetKind,
  sheetLabelKey,
  type RowAction,
  type SheetKind,
  type SheetPreview,
} from "~/utils/registry-sheets";
import type { SheetSpec, StreamedSheet, Table } from "~/utils/spreadsheet.server";

export type ColumnMapping = Record<string, number>;

export interface SheetInput {
  table: Table;
  /** null: not recognised, or set aside by the user. */
  kind: SheetKind | null;
  mapping: ColumnMapping;
}

const labelsOf = (key: string) =>
  [catalogues["zh-CN"], catalogues.en].map((c) => (c as Record<string, string>)[key] ?? "");

/** The kind a sheet holds: by its name in either language, else by the headers it has. */
export function recogniseKind(table: Table): SheetKind | null {
  const name = normalise(table.sheet.replace(/\.csv$/i, ""));
  for (const kind of SHEET_KINDS) {
    if ([kind, ...labelsOf(sheetLabelKey(kind))].some((l) => l && normalise(l) === name)) {
      return kind;
    }
  }
  // Every required column present, and the most columns recognised; a tie is left to the user.
  const scored = SHEET_KINDS.map((kind) => {
    const mapping = guessColumns(kind, table.headers);
    const complete = SHEET_COLUMNS[kind].every((c) => !c.required || mapping[c.key] !== undefined);
    return { kind, complete, score: Object.keys(mapping).length };
  })
    .filter((s) => s.complete)
    .sort((a, b) => b.score - a.score);
  if (!scored.length || (scored[1] && scored[1].score === scored[0]!.score)) return null;
  return scored[0]!.kind;
}

/** Each column of the kind to the index of the header naming it (label in either language, or key). */
export function guessColumns(kind: SheetKind, headers: readonly string[]): ColumnMapping {
  const mapping: ColumnMapping = {};
  const normalised = headers.map(normalise);
  for (const column of SHEET_COLUMNS[kind]) {
    const names = [column.key, ...labelsOf(columnLabelKey(kind, column.key))]
      .filter(Boolean)
      .map(normalise);
    const index = normalised.findIndex((h) => h && names.includes(h));
    if (index !== -1 && !Object.values(mapping).includes(index)) mapping[column.key] = index;
  }
  return mapping;
}

const headersKey = (headers: readonly string[]) => headers.map(normalise).join("|");

/** The sheets of an uploaded file, each with its kind and the mapping to use first. */
export async function proposeSheets(tables: Table[]): Promise<SheetInput[]> {
  const remembered = await db.selectFrom("import_mappings").selectAll().execute();
  return tables.map((table) => {
    const key = headersKey(table.headers);
    // A header row confirmed before says what the sheet holds, even under a name like "Sheet1".
    const before = remembered.find((m) => m.headers_key === key)?.sheet;
    const kind = recogniseKind(table) ?? (isSheetKind(before) ? before : null);
    if (!kind) return { table, kind, mapping: {} };
    const stored = remembered.find((m) => m.sheet === kind && m.headers_key === key);
    const mapping = stored
      ? (JSON.parse(stored.mapping) as ColumnMapping)
      : guessColumns(kind, table.headers);
    return { table, kind, mapping };
  });
}

/**
 * Reads `kind.<sheet>` and `map.<sheet>.<column>` form fields (kept only if they make sense); a
 * sheet whose kind was just chosen gets the columns its headers name.
 */
export function sheetsFromForm(form: FormData, tables: Table[]): SheetInput[] {
  return tables.map((table, index) => {
    const raw = form.get(`kind.${index}`);
    const kind = isSheetKind(raw) ? raw : null;
    const mapping: ColumnMapping = {};
    if (kind) {
      for (const column of SHEET_COLUMNS[kind]) {
        const value = form.get(`map.${index}.${column.key}`);
        if (value === null || value === "") continue;
        const n = Number(value);
        if (Number.isInteger(n) && n >= 0 && n < table.headers.length) mapping[column.key] = n;
      }
    }
    // A kind just chosen for a sheet has no mapping yet: start from the headers.
    return {
      table,
      kind,
      mapping: kind && !Object.keys(mapping).length ? guessColumns(kind, table.headers) : mapping,
    };
  });
}

interface Analysis {
  previews: SheetPreview[];
  outcomes: { kind: SheetKind; outcome: RowOutcome }[];
  rejected: boolean;
}

function analyse(registry: Registry, sheets: SheetInput[], locale: Locale): Analysis {
  const t = serverTranslator(locale);
  const outcomes: Analysis["outcomes"] = [];
  const previews: SheetPreview[] = sheets.map((s, index) => ({
    index,
    name: s.table.sheet,
    kind: s.kind,
    headers: s.table.headers,
    mapping: s.mapping,
    missing: [],
    rows: [],
    counts: { new: 0, update: 0, unchanged: 0, error: 0 },
  }));
  // Sheets are checked in dependency order, whatever their order in the file.
  const order = sheets
    .map((s, index) => ({ ...s, index }))
    .filter((s) => s.kind !== null)
    .sort((a, b) => SHEET_KINDS.indexOf(a.kind!) - SHEET_KINDS.indexOf(b.kind!));
  for (const sheet of order) {
    const kind = sheet.kind!;
    const preview = previews[sheet.index]!;
    const columns = SHEET_COLUMNS[kind];
    preview.missing = columns
      .filter((c) => c.required && sheet.mapping[c.key] === undefined)
      .map((c) => c.key);
    if (preview.missing.length) continue;
    const header = (key: string) => {
      const index = sheet.mapping[key];
      return (index !== undefined && sheet.table.headers[index]) || t(columnLabelKey(kind, key));
    };
    const seen = new Map<string, number>();
    sheet.table.rows.forEach((cellsInFile, i) => {
      const row = sheet.table.rowNumbers?.[i] ?? i + 2;
      const cells: Cells = {};
      for (const column of columns) {
        const index = sheet.mapping[column.key];
        cells[column.key] = index === undefined ? "" : (cellsInFile[index] ?? "");
      }
      const outcome = checkRow(kind, cells, registry);
      const key = outcome.key;
      if (outcome.record && key !== null) {
        const first = seen.get(key);
        if (first !== undefined) {
          outcome.action = "error";
          outcome.issues.push({
            column: columns[0]!.key,
            message: "registry.duplicateRow",
            params: { row: first },
          });
        } else {
          seen.set(key, row);
        }
      }
      outcomes.push({ kind, outcome });
      preview.counts[outcome.action]++;
      preview.rows.push({
        row,
        action: outcome.action,
        label: outcome.label,
        issues: outcome.issues.map((issue) => ({ ...issue, column: header(issue.column) })),
      });
    });
  }
  const rejected = previews.some((p) => p.counts.error > 0 || p.missing.length > 0);
  return { previews, outcomes, rejected };
}

function registryRefusal(viewer: Viewer): Refusal | null {
  return hasCountyWide(viewer, "manage:registry") ? null : refuse.forbidden();
}

export async function previewWorkbook(
  viewer: Viewer,
  sheets: SheetInput[],
  locale: Locale,
): Promise<{ ok: true; previews: SheetPreview[] } | Refusal> {
  const refusal = registryRefusal(viewer);
  if (refusal) return refusal;
  const { previews } = analyse(await loadRegistry(db), sheets, locale);
  return { ok: true, previews };
}

export type CommitResult =
  | { ok: true; previews: SheetPreview[]; counts: Record<RowAction, number> }
  | { ok: false; reason: "rejected"; previews: SheetPreview[] }
  | Refusal;

/** All or nothing: every sheet re-checked inside one transaction, written only if every row passes. */
export async function commitWorkbook(
  viewer: Viewer,
  sheets: SheetInput[],
  locale: Locale,
): Promise<CommitResult> {
  const refusal = registryRefusal(viewer);
  if (refusal) return refusal;
  return transact(async (trx) => {
    const registry = await loadRegistry(trx);
    const { previews, outcomes, rejected } = analyse(registry, sheets, locale);
    if (rejected) return { ok: false as const, reason: "rejected" as const, previews };
    const now = nowIso();
    await writeRows(trx, outcomes, { registry, now, viewerId: viewer.id });
    for (const sheet of sheets) {
      if (!sheet.kind) continue;
      await trx
        .insertInto("import_mappings")
        .values({
          sheet: sheet.kind,
          headers_key: headersKey(sheet.table.headers),
          mapping: JSON.stringify(sheet.mapping),
          updated_by: viewer.id,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.columns(["sheet", "headers_key"]).doUpdateSet({
            mapping: JSON.stringify(sheet.mapping),
            updated_by: viewer.id,
            updated_at: now,
          }),
        )
        .execute();
    }
    const counts: Record<RowAction, number> = { new: 0, update: 0, unchanged: 0, error: 0 };
    for (const p of previews)
      for (const a of Object.keys(counts) as RowAction[]) counts[a] += p.counts[a];
    return { ok: true as const, previews, counts };
  });
}

/**
 * The registry as a workbook in the import's own columns (a round trip changes nothing), or blank
 * templates with the headers only. `kinds` narrows it to some sheets. Each sheet's rows are read
 * from the database a batch at a time as the workbook is written (sheetCellBatches); null when the
 * viewer may not export the registry (decided here, before anything is read or sent).
 */
export async function registrySheets(
  viewer: Viewer,
  locale: Locale,
  {
    template = false,
    kinds = SHEET_KINDS,
  }: { template?: boolean; kinds?: readonly SheetKind[] } = {},
): Promise<StreamedSheet[] | null> {
  if (registryRefusal(viewer)) return null;
  const t = serverTranslator(locale);
  return kinds.map((kind) => {
    const columns = SHEET_COLUMNS[kind];
    async function* rows() {
      for await (const batch of sheetCellBatches(db, kind, t)) {
        yield batch.map((cells) => columns.map((c) => cells[c.key] ?? ""));
      }
    }
    return {
      name: t(sheetLabelKey(kind)),
      columns: columns.map((c) => ({
        header: t(columnLabelKey(kind, c.key)),
        width: c.key === "name" || c.key === "unit" || c.key === "cadreUnit" ? 24 : 14,
      })),
      rows: template ? [] : rows(),
    };
  });
}

/** The same sheets with every row in hand (tests, the bench). */
export async function registryWorkbook(
  viewer: Viewer,
  locale: Locale,
  options: { template?: boolean; kinds?: readonly SheetKind[] } = {},
): Promise<SheetSpec[] | null> {
  const sheets = await registrySheets(viewer, locale, options);
  if (!sheets) return null;
  const whole: SheetSpec[] = [];
  for (const sheet of sheets) {
    const rows: SheetSpec["rows"] = [];
    if (Array.isArray(sheet.rows)) rows.push(...sheet.rows);
    else for await (const batch of sheet.rows) rows.push(...batch);
    whole.push({ ...sheet, rows });
  }
  return whole;
}
