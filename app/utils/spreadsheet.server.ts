/**
 * Reading and writing spreadsheets (ExcelJS for .xlsx, Papa Parse for CSV), server-side only.
 * Everything read becomes plain text cells; everything written is protected against formula
 * injection (a cell that starts with = + - @ or a control character is written as text with a
 * leading apostrophe, OWASP "CSV injection").
 */
import ExcelJS from "exceljs";
import { messageWithParams } from "~/i18n";
import Papa from "papaparse";

export const MAX_SPREADSHEET_BYTES = 2 * 1024 * 1024;
export const MAX_SPREADSHEET_ROWS = 5000;

export interface Table {
  sheet: string;
  headers: string[];
  rows: string[][];
  /** Each row's number in the file (1 is the first line); absent means header + 1, 2, 3… */
  rowNumbers?: number[];
}

export type ReadResult =
  | { ok: true; table: Table }
  | { ok: false; error: string; params?: Record<string, string | number> };

/**
 * Tables sent back with a preview form (JSON of one table or a list of them), checked cell by
 * cell: a form field is user input like any other.
 */
export function tablesFromForm(value: FormDataEntryValue | null): Table[] | null {
  if (typeof value !== "string") return null;
  const isStrings = (a: unknown): a is string[] =>
    Array.isArray(a) && a.every((c) => typeof c === "string");
  try {
    const parsed = JSON.parse(value) as unknown;
    const list = (Array.isArray(parsed) ? parsed : [parsed]) as Partial<Table>[];
    if (list.length === 0) return null;
    const tables: Table[] = [];
    for (const t of list) {
      if (!t || !isStrings(t.headers) || !Array.isArray(t.rows) || !t.rows.every(isStrings)) {
        return null;
      }
      const numbered =
        Array.isArray(t.rowNumbers) &&
        t.rowNumbers.length === t.rows.length &&
        t.rowNumbers.every(Number.isInteger);
      tables.push({
        sheet: String(t.sheet ?? ""),
        headers: t.headers,
        rows: t.rows,
        rowNumbers: numbered ? t.rowNumbers : undefined,
      });
    }
    return tables;
  } catch {
    return null;
  }
}

/**
 * The spreadsheet in a form's `file` field, read (every sheet, or only the first): the tables, or
 * a message (with its parameters) the route shows as it is.
 */
export async function uploadedSpreadsheet(
  form: FormData,
  { firstSheetOnly = false }: { firstSheetOnly?: boolean } = {},
): Promise<{ ok: true; fileName: string; tables: Table[] } | { ok: false; error: string }> {
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0) return { ok: false, error: "spreadsheet.noFile" };
  const read = await readWorkbook(file.name, new Uint8Array(await file.arrayBuffer()), {
    firstSheetOnly,
  });
  if (!read.ok) return { ok: false, error: messageWithParams(read.error, read.params) };
  return { ok: true, fileName: file.name, tables: read.tables };
}

export type WorkbookResult =
  | { ok: true; tables: Table[] }
  | { ok: false; error: string; params?: Record<string, string | number> };

/** Reads the first sheet of an .xlsx file, or a CSV (UTF-8, with or without BOM). */
export async function readSpreadsheet(fileName: string, bytes: Uint8Array): Promise<ReadResult> {
  const read = await readWorkbook(fileName, bytes, { firstSheetOnly: true });
  return read.ok ? { ok: true, table: read.tables[0]! } : read;
}

/**
 * Reads every sheet of an .xlsx file that has a header row and at least one row, or a CSV as one
 * sheet named after the file. The size and row limits apply to the whole file.
 */
export async function readWorkbook(
  fileName: string,
  bytes: Uint8Array,
  { firstSheetOnly = false }: { firstSheetOnly?: boolean } = {},
): Promise<WorkbookResult> {
  if (bytes.byteLength === 0) return { ok: false, error: "spreadsheet.empty" };
  if (bytes.byteLength > MAX_SPREADSHEET_BYTES) {
    return {
      ok: false,
      error: "spreadsheet.tooLarge",
      params: { mb: MAX_SPREADSHEET_BYTES / 1024 / 1024 },
    };
  }
  const lower = fileName.toLowerCase();
  const grids: { sheet: string; grid: string[][] }[] = [];
  if (lower.endsWith(".xlsx")) {
    // An .xlsx is a zip archive: it starts with "PK".
    if (bytes[0] !== 0x50 || bytes[1] !== 0x4b)
      return { ok: false, error: "spreadsheet.unreadable" };
    try {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
      const worksheets = firstSheetOnly ? workbook.worksheets.slice(0, 1) : workbook.worksheets;
      if (!worksheets.length) return { ok: false, error: "spreadsheet.empty" };
      for (const worksheet of worksheets) {
        let grid: string[][] = [];
        worksheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
          const cells: string[] = [];
          row.eachCell({ includeEmpty: true }, (cell, col) => {
            cells[col - 1] = cellText(cell.value);
          });
          grid[rowNumber - 1] = Array.from(cells, (c) => c ?? "");
        });
        grid = Array.from(grid, (r) => r ?? []);
        grids.push({ sheet: worksheet.name, grid });
      }
    } catch {
      return { ok: false, error: "spreadsheet.unreadable" };
    }
  } else if (lower.endsWith(".csv")) {
    const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes).replace(/^\uFEFF/, "");
    const parsed = Papa.parse<string[]>(text, { skipEmptyLines: "greedy" });
    grids.push({ sheet: fileName, grid: parsed.data.map((r) => r.map((c) => String(c ?? ""))) });
  } else {
    return { ok: false, error: "spreadsheet.wrongType" };
  }
  const tables: Table[] = [];
  let total = 0;
  for (const { sheet, grid } of grids) {
    // Blank rows are skipped; each row keeps the number the spreadsheet program shows for it.
    const numbered = grid
      .map((cells, i) => ({ cells, number: i + 1 }))
      .filter((r) => r.cells.some((c) => c.trim() !== ""));
    if (numbered.length < 2) continue;
    const [header, ...body] = numbered;
    const headers = header!.cells;
    const rows = body.map((r) => r.cells);
    total += rows.length;
    const width = headers.length;
    tables.push({
      sheet,
      headers: headers.map((h) => h.trim()),
      rows: rows.map((r) => Array.from({ length: width }, (_, i) => (r[i] ?? "").trim())),
      rowNumbers: body.map((r) => r.number),
    });
  }
  if (!tables.length) return { ok: false, error: "spreadsheet.noRows" };
  if (total > MAX_SPREADSHEET_ROWS) {
    return { ok: false, error: "spreadsheet.tooManyRows", params: { max: MAX_SPREADSHEET_ROWS } };
  }
  return { ok: true, tables };
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "object") {
    if ("result" in value) return cellText(value.result as ExcelJS.CellValue);
    if ("richText" in value) return value.richText.map((r) => r.text).join("");
    if ("text" in value) return String(value.text);
    if ("error" in value) return "";
    return "";
  }
  return String(value);
}

/** Text that a spreadsheet program would run as a formula is written as plain text instead. */
export function safeCell(value: string | number | null | undefined): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export interface SheetSpec {
  name: string;
  columns: { header: string; width?: number }[];
  rows: (string | number | null | undefined)[][];
}

/** An .xlsx workbook: bold frozen header row, every text cell passed through safeCell. */
export async function writeWorkbook(
  sheets: SheetSpec[],
  meta: { creator: string },
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = meta.creator;
  workbook.created = new Date();
  for (const spec of sheets) {
    const worksheet = workbook.addWorksheet(spec.name.slice(0, 31), {
      views: [{ state: "frozen", ySplit: 1 }],
    });
    worksheet.columns = spec.columns.map((c) => ({ header: c.header, width: c.width ?? 14 }));
    worksheet.getRow(1).font = { bold: true };
    for (const row of spec.rows) worksheet.addRow(row.map(safeCell));
  }
  const buffer = await workbook.xlsx.writeBuffer();
  return Buffer.from(buffer);
}

export function xlsxResponse(buffer: Buffer, fileName: string) {
  return new Response(new Uint8Array(buffer), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="export.xlsx"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
      "Cache-Control": "private, no-store",
    },
  });
}
