/**
 * Every size limit in one place: the HTTP layer refuses a body over its route's limit before any
 * of it is parsed (413), and the forms and imports check the same numbers once it is read.
 */
export const KB = 1024;
export const MB = 1024 * KB;

/** A spreadsheet upload (.xlsx or CSV), as sent. */
export const MAX_SPREADSHEET_BYTES = 2 * MB;
/** Data rows in one spreadsheet (all sheets together). */
export const MAX_SPREADSHEET_ROWS = 5000;
/** Columns a sheet may have. */
export const MAX_SPREADSHEET_COLUMNS = 100;
/** Characters in one cell. */
export const MAX_CELL_CHARS = 2000;
/**
 * Characters in all the cells of one spreadsheet together. Shared strings let a 2 MB file repeat
 * one long cell a hundred thousand times; no table that large could be sent back with a preview
 * (the import's body limit), so the reader stops there instead of handing it on.
 */
export const MAX_SPREADSHEET_TEXT_CHARS = 4_000_000;
/** An .xlsx unpacked: every entry together, as the zip declares and as it really inflates. */
export const MAX_XLSX_UNPACKED_BYTES = 40 * MB;
/** Entries (files) in an .xlsx archive. */
export const MAX_XLSX_ENTRIES = 200;
/**
 * How many times smaller than its content an entry over 1 MB may be: sheet XML packs 5–20 times
 * (a 120,000-row sheet 12, a sheet of formatted blank cells 10); hundreds of times is one thing
 * repeated over and over, the way of a zip bomb, not of a register.
 */
export const MAX_XLSX_COMPRESSION_RATIO = 100;
/**
 * Rows holding a value, in all worksheets together, counted while the archive is unpacked and
 * before it is parsed: the data-row limit plus room for header and title rows and for cells that
 * read as blank. The exact count of data rows is checked after the parse.
 */
export const MAX_XLSX_SCANNED_ROWS = MAX_SPREADSHEET_ROWS + 1000;
/**
 * Values in all worksheets together, counted the same way: a full table at the limits and room to
 * spare. Past it the parse would only run into its time or heap limit (ExcelJS takes seconds for
 * every 100,000 cells).
 */
export const MAX_XLSX_SCANNED_VALUES = MAX_XLSX_SCANNED_ROWS * MAX_SPREADSHEET_COLUMNS;
/** Sheets (tables) in one workbook, read or sent back with a preview. */
export const MAX_SPREADSHEET_TABLES = 20;
/**
 * .xlsx files are parsed in a worker thread, each under a heap and a time limit: one at a time per
 * server process (of two cores, one stays with the requests), three more waiting their turn, any
 * beyond are told the server is busy. A legitimate file at the limits (2 MB, 5,000 rows of 75
 * columns) parses in 5–12 s and within 128 MB of heap on a busy two-core machine.
 */
export const XLSX_PARSES_AT_ONCE = 1;
export const XLSX_PARSES_WAITING = 3;
export const XLSX_PARSE_HEAP_MB = 256;
export const XLSX_PARSE_TIME_LIMIT_MS = 20_000;

/** A map import (GeoJSON or CSV of positions and boundaries). */
export const MAX_GEO_IMPORT_BYTES = 5 * MB;
/** Rows (CSV lines or GeoJSON features) in one map import: a county has a few hundred villages. */
export const MAX_GEO_IMPORT_ROWS = 5000;

/** A form post that is not an upload: a weekly report, a household, a plan item. */
export const MAX_FORM_BYTES = 256 * KB;
/** Sign-in, sign-out, language: a few short fields. */
export const MAX_AUTH_FORM_BYTES = 8 * KB;
/** Fields in one form post, unless its schema allows more (a list of teams to send to). */
export const MAX_FORM_FIELDS = 500;
/** The longest field name a form of ours has (`indicators[12].target` and the like). */
export const MAX_FIELD_NAME_CHARS = 100;
/** Where a schema's list gives no maximum, the most items a form may send. */
export const DEFAULT_MAX_LIST_ITEMS = 100;

/** The body each kind of request may send, by the route's path (see app/server/policy.server.ts). */
/** An evidence file of a village exit step (a photo or scan of the notice, minutes), and how many per step. */
export const MAX_EVIDENCE_BYTES = 10 * MB;
export const MAX_EVIDENCE_FILES = 3;

export const UPLOAD_BODY_BYTES = {
  /** A roster file, plus the tables sent back with its preview. */
  roster: 3 * MAX_SPREADSHEET_BYTES + 64 * KB,
  /** A county workbook, plus its tables sent back with the preview. */
  registry: 4 * MAX_SPREADSHEET_BYTES + 64 * KB,
  map: MAX_GEO_IMPORT_BYTES + 64 * KB,
  /** A village exit step: its files and its short form. */
  evidence: MAX_EVIDENCE_FILES * MAX_EVIDENCE_BYTES + 64 * KB,
} as const;
