// @ts-check
/**
 * Parses one .xlsx with ExcelJS in a worker thread, started by `readWorkbook` in
 * spreadsheet.server.ts under a heap and a time limit, after the archive's sizes and rows were
 * checked. ExcelJS builds the whole workbook in memory and blocks its thread while it does; here
 * that thread is not the server's.
 *
 * Plain JavaScript, found at run time by its path: the same file then runs under Vitest (which
 * runs the TypeScript sources) and beside the bundled server build. Nothing imports it, so the
 * Remix compiler leaves it alone. Replies with each sheet's non-blank rows, bounded the way
 * `boundedRow` in spreadsheet.server.ts bounds a CSV's (keep the two in step), as lines of JSON:
 * one string crosses to the server's thread at the cost of a copy, and is read there a slice at a
 * time, where 100,000 strings would all be rebuilt at once.
 *
 * It may be started ahead of its file (`warmXlsxParser`): ExcelJS takes about half a second of CPU
 * to load, which an upload then does not wait for. It says "ready" once loaded, then parses the
 * one file it is sent and is ended; a worker never reads a second file.
 */
import { parentPort, workerData } from "node:worker_threads";
import ExcelJS from "exceljs";

/**
 * @typedef {{ number: number; width: number; cells: string[]; textBeyond: boolean }} SheetRow
 * @typedef {{ sheet: string; rows: string }} SheetLines one JSON SheetRow a line
 * @typedef {{ maxColumns: number; maxCellChars: number; maxTextChars: number }} Limits
 * @typedef {{ bytes: Uint8Array; firstSheetOnly: boolean }} Job
 */

/** @type {Limits} */
const job = workerData;

/**
 * A cell as the text the importers read: a date as YYYY-MM-DD, a formula as its result, rich text
 * and hyperlinks as their text, an error as blank.
 * @param {ExcelJS.CellValue} value
 * @returns {string}
 */
function cellText(value) {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "object") {
    if ("result" in value) return cellText(/** @type {ExcelJS.CellValue} */ (value.result));
    if ("richText" in value) return value.richText.map((r) => r.text).join("");
    if ("text" in value) return String(value.text);
    return "";
  }
  return String(value);
}

/**
 * Trimmed; a cell longer than the limit keeps the limit's worth of text and a "…", so the reader
 * still sees that it was too long.
 * @param {string} text
 */
function boundedCell(text) {
  const trimmed = text.trim();
  return trimmed.length > job.maxCellChars ? `${trimmed.slice(0, job.maxCellChars)}…` : trimmed;
}

/** Thrown once the cells' text passes `job.maxTextChars`, all sheets together. */
class TooMuchText extends Error {}
let textChars = 0;

/** @param {ExcelJS.Worksheet} worksheet @returns {SheetLines} */
function sheetLines(worksheet) {
  /** @type {string[]} */
  const rows = [];
  // Only rows and cells the file holds: a row numbered 1,000,000 costs one row, not a million.
  worksheet.eachRow((row, number) => {
    const width = row.cellCount;
    const cells = Array.from({ length: Math.min(width, job.maxColumns) }, () => "");
    let textBeyond = false;
    let blank = true;
    row.eachCell((cell, column) => {
      const text = boundedCell(cellText(cell.value));
      if (text === "") return;
      textChars += text.length;
      if (textChars > job.maxTextChars) throw new TooMuchText();
      blank = false;
      if (column <= job.maxColumns) cells[column - 1] = text;
      else textBeyond = true;
    });
    if (!blank) rows.push(JSON.stringify({ number, width, cells, textBeyond }));
  });
  return { sheet: worksheet.name, rows: rows.join("\n") };
}

/**
 * @param {Job} file
 * @returns {Promise<{ ok: true; sheets: SheetLines[] } | { ok: false; error: string }>}
 */
async function parse({ bytes, firstSheetOnly }) {
  try {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(
      /** @type {any} */ (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
    );
    const worksheets = firstSheetOnly ? workbook.worksheets.slice(0, 1) : workbook.worksheets;
    return worksheets.length
      ? { ok: true, sheets: worksheets.map(sheetLines) }
      : { ok: false, error: "spreadsheet.empty" };
  } catch (error) {
    return {
      ok: false,
      error: error instanceof TooMuchText ? "spreadsheet.tooComplex" : "spreadsheet.unreadable",
    };
  }
}

parentPort?.once("message", (/** @type {Job} */ file) => {
  void parse(file).then((reply) => parentPort?.postMessage(reply));
});
parentPort?.postMessage({ ready: true });
