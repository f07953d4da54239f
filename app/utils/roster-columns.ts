/** The columns of a household roster sheet, shared by the import page and the server (import/export). */
import { GUARANTEES } from "../../db/schema";
import type { MessageKey } from "~/i18n";

export const ROSTER_COLUMNS = [
  "code",
  "headName",
  "members",
  "mainCause",
  "otherCauses",
  "helpMeasures",
  "pairedCadre",
  "identifiedYear",
  "status",
  "exitYear",
  ...GUARANTEES,
  // Sensitive: exported masked; a masked value imported back changes nothing.
  "idNumber",
  "phone",
] as const;
export type RosterColumn = (typeof ROSTER_COLUMNS)[number];

/** The columns a row cannot do without. */
export const REQUIRED_COLUMNS: readonly RosterColumn[] = [
  "code",
  "headName",
  "members",
  "mainCause",
  "identifiedYear",
];

export function columnKey(column: RosterColumn): MessageKey {
  return `roster.col.${column}` as MessageKey;
}
