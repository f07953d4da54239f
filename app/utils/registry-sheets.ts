/**
 * The county's registry as spreadsheet sheets: townships, sending units, villages, cadres, teams
 * and team memberships. The same columns are the import's columns, the export's columns, the
 * template's columns and the admin forms' fields, so a county can round-trip its data through
 * Excel and the admin screens check exactly what the import checks. Shared by server and client.
 */
import {
  MEMBERSHIP_END_REASONS,
  MEMBERSHIP_ROLES,
  SPECIALTIES,
  TOWNSHIP_KINDS,
  UNIT_LEVELS,
  VILLAGE_TYPES,
} from "../../db/schema";
import type { MessageKey } from "~/i18n";

/** In the order they are read and written: each sheet may refer to the ones before it. */
export const SHEET_KINDS = [
  "townships",
  "units",
  "villages",
  "cadres",
  "teams",
  "memberships",
] as const;
export type SheetKind = (typeof SHEET_KINDS)[number];

/** How a field is edited on an admin form; a spreadsheet cell is always text. */
export type FieldInput =
  "text" | "integer" | "decimal" | "date" | "tel" | Choice | "township" | "unit" | "village";

/**
 * The choice fields: their stored keys and the catalogue prefix of their labels
 * (`<prefix>.<key>`). A cell may hold the key or its label in either language.
 */
export const CHOICES = {
  townshipKind: { prefix: "townshipKind", keys: TOWNSHIP_KINDS },
  level: { prefix: "level", keys: UNIT_LEVELS },
  villageType: { prefix: "villageType", keys: VILLAGE_TYPES },
  specialty: { prefix: "specialty", keys: SPECIALTIES },
  role: { prefix: "membershipRole", keys: MEMBERSHIP_ROLES },
  endReason: { prefix: "rotation.reason", keys: MEMBERSHIP_END_REASONS },
} as const;
export type Choice = keyof typeof CHOICES;

export const isChoice = (input: FieldInput): input is Choice => input in CHOICES;

/** The message key of a choice's label, e.g. `level.county`. */
export const choiceLabelKey = (choice: Choice, key: string) =>
  `${CHOICES[choice].prefix}.${key}` as MessageKey;

export interface SheetColumn {
  key: string;
  input: FieldInput;
  required: boolean;
}

const c = (key: string, input: FieldInput, required = false): SheetColumn => ({
  key,
  input,
  required,
});

export const SHEET_COLUMNS: Record<SheetKind, readonly SheetColumn[]> = {
  townships: [
    c("code", "text", true),
    c("name", "text", true),
    c("kind", "townshipKind", true),
    c("lat", "decimal"),
    c("lon", "decimal"),
  ],
  units: [c("name", "text", true), c("level", "level", true)],
  villages: [
    c("code", "text", true),
    c("name", "text", true),
    c("township", "township", true),
    c("type", "villageType", true),
    c("agriculturalPopulation", "integer", true),
    c("households", "integer", true),
    c("poorHouseholds", "integer"),
    c("poorPeople", "integer"),
    c("lat", "decimal", true),
    c("lon", "decimal", true),
  ],
  cadres: [
    c("name", "text", true),
    c("unit", "unit", true),
    c("specialty", "specialty", true),
    c("phone", "tel"),
  ],
  teams: [
    c("village", "village", true),
    c("unit", "unit", true),
    c("startedOn", "date", true),
    c("endedOn", "date"),
  ],
  memberships: [
    c("cadre", "text", true),
    c("cadreUnit", "unit", true),
    c("village", "village", true),
    c("role", "role", true),
    c("startedOn", "date", true),
    c("endedOn", "date"),
    c("endReason", "endReason"),
  ],
};

/** The message key of a column's header, e.g. `registry.villages.code`. */
export const columnLabelKey = (kind: SheetKind, key: string) =>
  `registry.${kind}.${key}` as MessageKey;

/** The message key of a sheet's name, e.g. `registry.sheet.villages`. */
export const sheetLabelKey = (kind: SheetKind) => `registry.sheet.${kind}` as MessageKey;

export const isSheetKind = (value: unknown): value is SheetKind =>
  (SHEET_KINDS as readonly unknown[]).includes(value);

/** Kinds with an admin screen of their own; memberships are kept on each team's page. */
export const ADMIN_KINDS = ["townships", "units", "villages", "cadres", "teams"] as const;
export type AdminKind = (typeof ADMIN_KINDS)[number];
export const isAdminKind = (value: unknown): value is AdminKind =>
  (ADMIN_KINDS as readonly unknown[]).includes(value);

export type RowAction = "new" | "update" | "unchanged" | "error";

export interface RowIssue {
  /** The column's key (the UI shows the file's header for it). */
  column: string;
  message: string;
  params?: Record<string, string | number>;
}

export interface RowResult {
  /** The spreadsheet row number (the header is row 1). */
  row: number;
  action: RowAction;
  /** What the row is about, as the user would name it ("魏家村 · 130725…"). */
  label: string;
  issues: RowIssue[];
}

export interface SheetPreview {
  /** Position in the file, and the sheet's name there. */
  index: number;
  name: string;
  kind: SheetKind | null;
  headers: string[];
  mapping: Record<string, number>;
  missing: string[];
  rows: RowResult[];
  counts: Record<RowAction, number>;
}
