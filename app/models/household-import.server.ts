/**
 * Household roster import and export. A roster sheet has one row per household; its columns are
 * recognised by their Chinese or English header (or mapped by hand), and "<year> income" columns
 * carry per-capita net income by year. Import is all-or-nothing: every row is checked, one bad row
 * and nothing is written; the same file twice changes nothing (rows are matched by household
 * number within the village).
 */
import { nowIso } from "~/utils/clock";
import type { Transaction } from "kysely";
import type {
  DB,
  GuaranteeResult,
  HelpMeasure,
  HouseholdStatus,
  PovertyCause,
} from "../../db/schema";
import { GUARANTEES, HELP_MEASURES, POVERTY_CAUSES } from "../../db/schema";
import { newId } from "../../db/ids";
import { catalogues, serverTranslator } from "~/i18n/catalogues.server";
import { lookup, normalise } from "~/utils/labels.server";
import type { Locale, MessageKey } from "~/i18n";
import { db } from "~/db.server";
import { authorizeVillage, type Refusal } from "~/models/access.server";
import { recordActivity } from "~/models/activity.server";
import { incomeYears, syncVillageFigures, villageIncomes } from "~/models/household.server";
import { refreshVillageProgress } from "~/models/progress.server";
import { teamCadres } from "~/models/team.server";
import type { Viewer } from "~/permissions";
import type { Table } from "~/utils/spreadsheet.server";
import { MAX_INCOME } from "~/schemas/household";
import {
  REQUIRED_COLUMNS as REQUIRED,
  ROSTER_COLUMNS,
  columnKey,
  type RosterColumn,
} from "~/utils/roster-columns";
import { transact } from "~/models/write.server";
import { recordAudit } from "~/models/audit.server";
import {
  cleanIdNumber,
  cleanPhone,
  isMasked,
  isValidIdNumber,
  isValidPhone,
  maskIdNumber,
  maskPhone,
  resolveTyped,
} from "~/utils/mask";

/** A header's column, by its label in either language or its key. */
function recogniseHeader(header: string): RosterColumn | null {
  const h = normalise(header);
  if (!h) return null;
  for (const column of ROSTER_COLUMNS) {
    const labels = [
      column,
      catalogues["zh-CN"][columnKey(column)],
      catalogues.en[columnKey(column)],
    ];
    if (labels.some((l) => normalise(l) === h)) return column;
  }
  return null;
}

/** "2019年人均纯收入", "Income 2019", "2019 income" → 2019. */
export function incomeYearOf(header: string): number | null {
  const match = /(20[1-3]\d)/.exec(header);
  if (!match || !/收入|income/i.test(header)) return null;
  return Number(match[1]);
}

export type Mapping = Partial<Record<RosterColumn, number>>;

/** The mapping proposed for a header row: each recognised column to its index. */
export function guessMapping(headers: readonly string[]): Mapping {
  const mapping: Mapping = {};
  headers.forEach((header, index) => {
    const column = recogniseHeader(header);
    if (column && mapping[column] === undefined) mapping[column] = index;
  });
  return mapping;
}

/** Reads a mapping from form fields `map.<column>` (column index or empty). */
export function mappingFromForm(form: FormData, width: number): Mapping {
  const mapping: Mapping = {};
  for (const column of ROSTER_COLUMNS) {
    const raw = form.get(`map.${column}`);
    if (raw === null || raw === "") continue;
    const index = Number(raw);
    if (Number.isInteger(index) && index >= 0 && index < width) mapping[column] = index;
  }
  return mapping;
}

const CAUSES = lookup<PovertyCause>("cause", POVERTY_CAUSES);
const MEASURES = lookup<HelpMeasure>("measure", HELP_MEASURES);
const STATUSES = lookup<HouseholdStatus>("householdStatus", ["poor", "exited", "monitored"]);
const GUARANTEE_WORDS = new Map<string, GuaranteeResult>([
  ...["met", "有保障", "是", "yes", "y", "1", "✓", "已保障"].map(
    (w) => [normalise(w), "met"] as const,
  ),
  ...["unmet", "未保障", "否", "no", "n", "0", "✗", "notmet"].map(
    (w) => [normalise(w), "unmet"] as const,
  ),
  ...["notapplicable", "不适用", "na", "n/a", "无"].map(
    (w) => [normalise(w), "not_applicable"] as const,
  ),
]);

export interface RowIssue {
  column: string;
  message: MessageKey;
  params?: Record<string, string | number>;
}

export interface ParsedHousehold {
  code: string;
  headName: string;
  members: number;
  mainCause: PovertyCause;
  otherCauses: PovertyCause[];
  helpMeasures: HelpMeasure[];
  pairedCadreId: string | null;
  identifiedYear: number;
  status: HouseholdStatus;
  exitYear: number | null;
  guarantees: Record<(typeof GUARANTEES)[number], GuaranteeResult>;
  incomes: Record<number, number>;
  /** As in the file (see resolveTyped): undefined when the file has no such column. */
  idNumber: string | null | undefined;
  phone: string | null | undefined;
}

export type RowAction = "new" | "update" | "unchanged" | "error";

export interface RowResult {
  /** The spreadsheet row number (header is row 1). */
  row: number;
  action: RowAction;
  code: string;
  headName: string;
  issues: RowIssue[];
}

export interface ImportPreview {
  rows: RowResult[];
  counts: Record<RowAction, number>;
  missingColumns: RosterColumn[];
  incomeYears: number[];
}

type Existing = Map<
  string,
  { id: string; signature: string; idNumber: string | null; phone: string | null }
>;

function splitList(text: string) {
  return text
    .split(/[、,，;；/]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function parseRow(
  cells: readonly string[],
  mapping: Mapping,
  incomeColumns: { index: number; year: number; header: string }[],
  headers: readonly string[],
  cadresByName: Map<string, string>,
): { value: ParsedHousehold | null; issues: RowIssue[] } {
  const issues: RowIssue[] = [];
  const cell = (column: RosterColumn) => {
    const index = mapping[column];
    return index === undefined ? "" : (cells[index] ?? "").trim();
  };
  const header = (column: RosterColumn) => {
    const index = mapping[column];
    return index === undefined ? column : headers[index] || column;
  };
  const fail = (
    column: RosterColumn | string,
    message: MessageKey,
    params?: Record<string, string | number>,
  ) =>
    issues.push({
      column: (ROSTER_COLUMNS as readonly string[]).includes(column)
        ? header(column as RosterColumn)
        : column,
      message,
      params,
    });

  for (const column of REQUIRED) if (!cell(column)) fail(column, "import.row.required");

  const code = cell("code");
  if (code && !/^[\w-]{1,20}$/.test(code)) fail("code", "household.codeFormat");
  const headName = cell("headName");
  if (headName.length > 30) fail("headName", "form.tooLong");

  const integer = (column: RosterColumn, min: number, max: number, message: MessageKey) => {
    const text = cell(column);
    if (!text) return null;
    const n = Number(text);
    if (!Number.isInteger(n)) {
      fail(column, "import.row.notWholeNumber", { value: text });
      return null;
    }
    if (n < min || n > max) {
      fail(column, message, { value: text });
      return null;
    }
    return n;
  };
  const members = integer("members", 1, 30, "household.membersRange");
  const identifiedYear = integer("identifiedYear", 2014, 2035, "form.yearOutOfRange");
  const exitYear = integer("exitYear", 2014, 2035, "form.yearOutOfRange");

  const causeText = cell("mainCause");
  const mainCause = causeText ? CAUSES.get(normalise(causeText)) : undefined;
  if (causeText && !mainCause) fail("mainCause", "import.row.unknownCause", { value: causeText });
  const otherCauses: PovertyCause[] = [];
  for (const part of splitList(cell("otherCauses"))) {
    const c = CAUSES.get(normalise(part));
    if (c) otherCauses.push(c);
    else fail("otherCauses", "import.row.unknownCause", { value: part });
  }
  const helpMeasures: HelpMeasure[] = [];
  for (const part of splitList(cell("helpMeasures"))) {
    const m = MEASURES.get(normalise(part));
    if (m) helpMeasures.push(m);
    else fail("helpMeasures", "import.row.unknownMeasure", { value: part });
  }
  const cadreName = cell("pairedCadre");
  const pairedCadreId = cadreName ? (cadresByName.get(cadreName) ?? null) : null;
  if (cadreName && !pairedCadreId)
    fail("pairedCadre", "import.row.unknownCadre", { value: cadreName });

  const statusText = cell("status");
  const status = statusText ? STATUSES.get(normalise(statusText)) : "poor";
  if (!status) fail("status", "import.row.unknownStatus", { value: statusText });
  if ((status === "exited" || status === "monitored") && exitYear === null && !issues.length) {
    fail("exitYear", "import.row.exitYearRequired");
  }

  const guarantees = {} as ParsedHousehold["guarantees"];
  for (const g of GUARANTEES) {
    const text = cell(g);
    if (!text) {
      guarantees[g] = g === "education" ? "not_applicable" : "met";
      continue;
    }
    const result = GUARANTEE_WORDS.get(normalise(text));
    if (result) guarantees[g] = result;
    else fail(g, "import.row.unknownGuarantee", { value: text });
  }

  /** A masked or absent number keeps what is stored; a typed one must be well formed. */
  const identity = (
    column: "idNumber" | "phone",
    valid: (v: string) => boolean,
    message: MessageKey,
  ): string | null | undefined => {
    if (mapping[column] === undefined) return undefined;
    // Cleaned as the household form cleans it, so a number stores the same from either.
    const text = (column === "idNumber" ? cleanIdNumber : cleanPhone)(cell(column));
    if (!text) return null;
    // Compared with the stored number once the row's household is known (analyse).
    if (isMasked(text)) return text;
    if (!valid(text)) {
      fail(column, message);
      return undefined;
    }
    return text;
  };
  const idNumber = identity("idNumber", isValidIdNumber, "household.idNumberInvalid");
  const phone = identity("phone", isValidPhone, "household.phoneInvalid");

  const incomes: Record<number, number> = {};
  for (const column of incomeColumns) {
    const text = (cells[column.index] ?? "").replace(/[,，¥元\s]/g, "");
    if (!text) continue;
    const n = Number(text);
    if (!Number.isFinite(n))
      fail(column.header, "import.row.notNumber", { value: cells[column.index] ?? "" });
    else if (n < 0) fail(column.header, "household.incomeNegative");
    else if (n > MAX_INCOME) fail(column.header, "household.incomeTooHigh");
    else incomes[column.year] = n;
  }

  if (issues.length || !mainCause || !status || members === null || identifiedYear === null) {
    return { value: null, issues };
  }
  return {
    value: {
      code,
      headName,
      members,
      mainCause,
      otherCauses: otherCauses.filter((c) => c !== mainCause),
      helpMeasures,
      pairedCadreId,
      identifiedYear,
      status,
      exitYear: status === "poor" ? null : exitYear,
      guarantees,
      incomes,
      idNumber,
      phone,
    },
    issues,
  };
}

/** What makes two versions of a household the same for an import (status is left to the workflow). */
function signature(h: {
  headName: string;
  members: number;
  mainCause: string;
  otherCauses: readonly string[];
  helpMeasures: readonly string[];
  pairedCadreId: string | null;
  identifiedYear: number;
  guarantees: Record<string, string>;
  incomes: Record<number, number>;
  idNumber: string | null;
  phone: string | null;
}) {
  return JSON.stringify([
    h.idNumber,
    h.phone,
    h.headName,
    h.members,
    h.mainCause,
    [...h.otherCauses].sort(),
    [...h.helpMeasures].sort(),
    h.pairedCadreId,
    h.identifiedYear,
    GUARANTEES.map((g) => h.guarantees[g]),
    Object.entries(h.incomes).sort(),
  ]);
}

async function existingHouseholds(
  trx: Transaction<DB> | typeof db,
  villageId: string,
): Promise<Existing> {
  const rows = await trx
    .selectFrom("households")
    .selectAll()
    .where("village_id", "=", villageId)
    .execute();
  const byHousehold = await villageIncomes(trx, villageId);
  return new Map(
    rows.map((r) => [
      r.code,
      {
        id: r.id,
        idNumber: r.head_id_number,
        phone: r.phone,
        signature: signature({
          idNumber: r.head_id_number,
          phone: r.phone,
          headName: r.head_name,
          members: r.members,
          mainCause: r.main_cause,
          otherCauses: JSON.parse(r.other_causes) as string[],
          helpMeasures: JSON.parse(r.help_measures) as string[],
          pairedCadreId: r.paired_cadre_id,
          identifiedYear: r.identified_year,
          guarantees: Object.fromEntries(GUARANTEES.map((g) => [g, r[g]])),
          incomes: byHousehold.get(r.id) ?? {},
        }),
      },
    ]),
  );
}

function analyse(
  table: Table,
  mapping: Mapping,
  existing: Existing,
  cadresByName: Map<string, string>,
): ImportPreview & { parsed: (ParsedHousehold | null)[] } {
  const incomeColumns = table.headers
    .map((header, index) => ({ header, index, year: incomeYearOf(header) }))
    .filter((c): c is { header: string; index: number; year: number } => c.year !== null);
  const missingColumns = REQUIRED.filter((c) => mapping[c] === undefined);
  const seen = new Map<string, number>();
  const parsed: (ParsedHousehold | null)[] = [];
  const rows: RowResult[] = table.rows.map((cells, i) => {
    const rowNumber = table.rowNumbers?.[i] ?? i + 2;
    const { value, issues } = parseRow(cells, mapping, incomeColumns, table.headers, cadresByName);
    const code = value?.code ?? (mapping.code !== undefined ? (cells[mapping.code] ?? "") : "");
    if (code) {
      const first = seen.get(code);
      if (first !== undefined) {
        issues.push({
          column: table.headers[mapping.code!] ?? "code",
          message: "import.row.duplicateCode",
          params: { row: first },
        });
      } else {
        seen.set(code, rowNumber);
      }
    }
    const before = code ? existing.get(code) : undefined;
    if (value) {
      // A masked number (as exported) keeps the stored one if it is that number's mask.
      for (const [column, mask] of [
        ["idNumber", maskIdNumber],
        ["phone", maskPhone],
      ] as const) {
        const resolved = resolveTyped(value[column], before?.[column] ?? null, mask);
        if ("invalid" in resolved) {
          issues.push({
            column: table.headers[mapping[column]!] ?? column,
            message: "household.maskedChanged",
          });
        } else {
          value[column] = "keep" in resolved ? undefined : resolved.value;
        }
      }
    }
    const ok = value && issues.length === 0;
    parsed.push(ok ? value : null);
    const action: RowAction = !ok
      ? "error"
      : !before
        ? "new"
        : before.signature ===
            signature({
              ...value,
              idNumber: value.idNumber === undefined ? before.idNumber : value.idNumber,
              phone: value.phone === undefined ? before.phone : value.phone,
            })
          ? "unchanged"
          : "update";
    return {
      row: rowNumber,
      action,
      code,
      headName:
        value?.headName ?? (mapping.headName !== undefined ? (cells[mapping.headName] ?? "") : ""),
      issues,
    };
  });
  const counts: Record<RowAction, number> = { new: 0, update: 0, unchanged: 0, error: 0 };
  for (const r of rows) counts[r.action]++;
  return { rows, counts, missingColumns, incomeYears: incomeColumns.map((c) => c.year), parsed };
}

async function cadreIndex(executor: Transaction<DB> | typeof db, villageId: string) {
  const cadres = await teamCadres(executor, villageId);
  return new Map(cadres.map((c) => [c.name, c.id]));
}

export async function previewImport(
  viewer: Viewer,
  villageId: string,
  table: Table,
  mapping: Mapping,
): Promise<({ ok: true } & ImportPreview) | Refusal> {
  const auth = await authorizeVillage(db, viewer, villageId, "update:household");
  if (!auth.ok) return auth;
  const [existing, cadres] = await Promise.all([
    existingHouseholds(db, villageId),
    cadreIndex(db, villageId),
  ]);
  const { parsed: _parsed, ...preview } = analyse(table, mapping, existing, cadres);
  return { ok: true, ...preview };
}

/**
 * Writes the whole file in one transaction, re-checking every row against the database as it is
 * now (never trusting the preview). Any error row or missing column and nothing is written.
 */
export async function commitImport(
  viewer: Viewer,
  villageId: string,
  table: Table,
  mapping: Mapping,
  fileName: string,
): Promise<
  ({ ok: true } & ImportPreview) | Refusal | ({ ok: false; reason: "rejected" } & ImportPreview)
> {
  return transact(async (trx) => {
    const auth = await authorizeVillage(trx, viewer, villageId, "update:household");
    if (!auth.ok) return auth;
    const existing = await existingHouseholds(trx, villageId);
    const { parsed, ...preview } = analyse(
      table,
      mapping,
      existing,
      await cadreIndex(trx, villageId),
    );
    if (preview.counts.error > 0 || preview.missingColumns.length > 0) {
      return { ok: false as const, reason: "rejected" as const, ...preview };
    }
    const now = nowIso();
    for (const [i, household] of parsed.entries()) {
      const result = preview.rows[i]!;
      if (!household || result.action === "unchanged") continue;
      const columns = {
        head_name: household.headName,
        members: household.members,
        main_cause: household.mainCause,
        other_causes: JSON.stringify(household.otherCauses),
        help_measures: JSON.stringify(household.helpMeasures),
        paired_cadre_id: household.pairedCadreId,
        identified_year: household.identifiedYear,
        ...household.guarantees,
        ...(household.idNumber === undefined ? {} : { head_id_number: household.idNumber }),
        ...(household.phone === undefined ? {} : { phone: household.phone }),
        updated_at: now,
        updated_by: viewer.id,
      };
      let id: string;
      if (result.action === "new") {
        id = newId();
        await trx
          .insertInto("households")
          .values({
            id,
            village_id: villageId,
            code: household.code,
            name_source: "imported",
            status: household.status,
            exit_year: household.exitYear,
            version: 1,
            created_at: now,
            ...columns,
          })
          .execute();
      } else {
        id = existing.get(household.code)!.id;
        await trx
          .updateTable("households")
          .set((eb) => ({ ...columns, version: eb("version", "+", 1) }))
          .where("id", "=", id)
          .execute();
        await trx.deleteFrom("household_incomes").where("household_id", "=", id).execute();
      }
      const incomes = Object.entries(household.incomes).map(([year, value]) => ({
        household_id: id,
        year: Number(year),
        per_capita_income: value,
      }));
      if (incomes.length) await trx.insertInto("household_incomes").values(incomes).execute();
    }
    if (preview.counts.new + preview.counts.update > 0) {
      await recordActivity(trx, {
        villageId,
        entity: "household",
        entityId: villageId,
        label: fileName,
        action: "import",
        changes: { created: preview.counts.new, updated: preview.counts.update, file: fileName },
        actorId: viewer.id,
        at: now,
      });
      await syncVillageFigures(trx, villageId, now);
      // Not a villageWrite (the import has its own transaction): keep readiness current here.
      await refreshVillageProgress(trx, [villageId], now);
    }
    return { ok: true as const, ...preview };
  });
}

/**
 * The roster as sheet rows, in the same columns the import reads (a round trip changes nothing).
 * The blank template has the same columns, with an income column for each programme year.
 */
export async function rosterSheet(
  viewer: Viewer,
  villageId: string,
  locale: Locale,
  { template = false }: { template?: boolean } = {},
) {
  const auth = await authorizeVillage(db, viewer, villageId, "read:household");
  if (!auth.ok) return auth;
  if (!template) {
    await recordAudit(db, {
      action: "roster.export",
      targetType: "village",
      targetId: villageId,
      villageId,
    });
  }
  const t = serverTranslator(locale);
  const households = template
    ? []
    : await db
        .selectFrom("households")
        .leftJoin("cadres", "cadres.id", "households.paired_cadre_id")
        .selectAll("households")
        .select("cadres.name_zh as cadre")
        .where("village_id", "=", villageId)
        .orderBy("code")
        .execute();
  const incomes = template
    ? new Map<string, Record<number, number>>()
    : await villageIncomes(db, villageId);
  const years = template
    ? await incomeYears(db, villageId)
    : [...new Set([...incomes.values()].flatMap((i) => Object.keys(i).map(Number)))].sort(
        (a, b) => a - b,
      );
  const label = (prefix: string, key: string) =>
    t.has(`${prefix}.${key}`) ? t(`${prefix}.${key}` as MessageKey) : key;
  // Lists are written with 、 in both languages: the import splits on it (and on commas).
  const join = (json: string, prefix: string) =>
    (JSON.parse(json) as string[]).map((k) => label(prefix, k)).join("、");
  return {
    ok: true as const,
    village: auth.village,
    columns: [
      ...ROSTER_COLUMNS.map((c) => ({
        header: t(columnKey(c)),
        width: c === "helpMeasures" ? 30 : 14,
      })),
      ...years.map((y) => ({
        header: t("roster.col.income", { year: String(y) }),
        width: 16,
      })),
    ],
    rows: households.map((h) => [
      h.code,
      h.head_name,
      h.members,
      label("cause", h.main_cause),
      join(h.other_causes, "cause"),
      join(h.help_measures, "measure"),
      h.cadre ?? "",
      h.identified_year,
      // A household in the exit workflow is still poor until its exit is announced.
      label("householdStatus", h.status === "exiting" ? "poor" : h.status),
      h.exit_year ?? "",
      ...GUARANTEES.map((g) => label("guaranteeResult", h[g])),
      h.head_id_number ? maskIdNumber(h.head_id_number) : "",
      h.phone ? maskPhone(h.phone) : "",
      ...years.map((y) => incomes.get(h.id)?.[y] ?? ""),
    ]),
  };
}
