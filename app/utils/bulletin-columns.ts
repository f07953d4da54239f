/**
 * The monthly bulletin's columns, shared by the page and the .xlsx export so both always show the
 * same figures under the same headings.
 */
import type { MessageKey, Translate } from "~/i18n";

interface Figures {
  attendance: {
    members: number;
    meeting: number;
    below: number;
    averageDays: number;
    leaveDays: number;
  };
  reports: { due: number; onTime: number; late: number; missing: number };
  logs: number;
  casesResolved: number;
  projectsMoved: number;
  milestonesDone: number;
}

export interface BulletinColumn {
  key: string;
  header: MessageKey;
  value: (row: Figures, complete: boolean) => number | string;
  /**
   * The column in the workbook, where a figure must be a number to add up or chart: one or more
   * columns of numbers (null for "not yet", an empty cell). Without it the page's value is used.
   */
  sheet?: { header: MessageKey; value: (row: Figures, complete: boolean) => number | null }[];
}

export const BULLETIN_COLUMNS: BulletinColumn[] = [
  { key: "members", header: "bulletin.col.members", value: (r) => r.attendance.members },
  {
    key: "averageDays",
    header: "bulletin.col.averageDays",
    value: (r) => r.attendance.averageDays,
  },
  {
    key: "meeting",
    header: "bulletin.col.meeting",
    value: (r, complete) => (complete ? r.attendance.meeting : "—"),
    sheet: [
      {
        header: "bulletin.col.meeting",
        value: (r, complete) => (complete ? r.attendance.meeting : null),
      },
    ],
  },
  {
    key: "below",
    header: "bulletin.col.below",
    value: (r, complete) => (complete ? r.attendance.below : "—"),
    sheet: [
      {
        header: "bulletin.col.below",
        value: (r, complete) => (complete ? r.attendance.below : null),
      },
    ],
  },
  { key: "leaveDays", header: "bulletin.col.leaveDays", value: (r) => r.attendance.leaveDays },
  {
    key: "reportsOnTime",
    header: "bulletin.col.reportsOnTime",
    value: (r) => `${r.reports.onTime}/${r.reports.due}`,
    // "16/20" is text to a spreadsheet: two columns of numbers instead.
    sheet: [
      { header: "bulletin.col.reportsOnTimeCount", value: (r) => r.reports.onTime },
      { header: "bulletin.col.reportsDue", value: (r) => r.reports.due },
    ],
  },
  { key: "reportsLate", header: "bulletin.col.reportsLate", value: (r) => r.reports.late },
  { key: "reportsMissing", header: "bulletin.col.reportsMissing", value: (r) => r.reports.missing },
  { key: "logs", header: "bulletin.col.logs", value: (r) => r.logs },
  { key: "casesResolved", header: "bulletin.col.casesResolved", value: (r) => r.casesResolved },
  { key: "projectsMoved", header: "bulletin.col.projectsMoved", value: (r) => r.projectsMoved },
  { key: "milestonesDone", header: "bulletin.col.milestonesDone", value: (r) => r.milestonesDone },
];

type SheetColumn = {
  header: MessageKey;
  value: (row: Figures, complete: boolean) => number | string | null;
};

/** The workbook's figure columns: each column's sheet form where it has one. */
const SHEET_COLUMNS: SheetColumn[] = BULLETIN_COLUMNS.flatMap(
  (c): SheetColumn[] => c.sheet ?? [{ header: c.header, value: c.value }],
);

export function bulletinSheetHeaders(t: Translate, rule: number) {
  return SHEET_COLUMNS.map((c) => t(c.header, { rule }));
}

export function bulletinSheetValues(row: Figures, complete: boolean) {
  return SHEET_COLUMNS.map((c) => c.value(row, complete));
}
