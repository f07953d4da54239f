/**
 * Reading and writing spreadsheets (ExcelJS for .xlsx, Papa Parse for CSV), server-side only.
 * Everything read becomes plain text cells; everything written is protected against formula
 * injection (a cell that starts with = + - @ or a control character is written as text with a
 * leading apostrophe, OWASP "CSV injection").
 *
 * Reading is bounded while it happens, not after: a 400 KB .xlsx is a zip that can unpack to
 * gigabytes, or hold 100,000 rows that ExcelJS would build in memory, on the server's only thread,
 * before any limit was checked. So an .xlsx is first checked as an archive (its entries, its sizes
 * as declared and then as really inflated, its rows holding values, counted while inflating), then
 * parsed by ExcelJS in a worker thread under a heap and a time limit, a few at a time per process
 * (see app/workers/xlsx-worker.mjs). A CSV (at most 2 MB) is parsed here and stops at the row
 * limit. Tables sent back with a preview are bounded by the same limits.
 */
import { realNow } from "~/utils/clock";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PassThrough } from "node:stream";
import { Worker } from "node:worker_threads";
import ExcelJS from "exceljs";
import Papa from "papaparse";
import yauzl, { type Entry, type ZipFile } from "yauzl";
import { messageWithParams } from "~/i18n";
import { producedStream, streamBytes } from "~/utils/body-stream.server";
import {
  KB,
  MAX_CELL_CHARS,
  MAX_SPREADSHEET_TEXT_CHARS,
  MAX_SPREADSHEET_BYTES,
  MAX_SPREADSHEET_COLUMNS,
  MAX_SPREADSHEET_ROWS,
  MAX_SPREADSHEET_TABLES,
  MAX_XLSX_COMPRESSION_RATIO,
  MAX_XLSX_ENTRIES,
  MAX_XLSX_SCANNED_ROWS,
  MAX_XLSX_SCANNED_VALUES,
  MAX_XLSX_UNPACKED_BYTES,
  MB,
  XLSX_PARSE_HEAP_MB,
  XLSX_PARSE_TIME_LIMIT_MS,
  XLSX_PARSES_AT_ONCE,
  XLSX_PARSES_WAITING,
} from "~/utils/limits";

export { MAX_SPREADSHEET_BYTES, MAX_SPREADSHEET_ROWS } from "~/utils/limits";

export interface Table {
  sheet: string;
  headers: string[];
  rows: string[][];
  /** Each row's number in the file (1 is the first line); absent means header + 1, 2, 3… */
  rowNumbers?: number[];
}

type Refusal = { ok: false; error: string; params?: Record<string, string | number> };

export type ReadResult = { ok: true; table: Table } | Refusal;

function refuse(error: string, params?: Record<string, string | number>): Refusal {
  return params ? { ok: false, error, params } : { ok: false, error };
}

/**
 * Tables sent back with a preview form (JSON of one table or a list of them), checked cell by
 * cell: a form field is user input like any other, held to the limits a file read is held to.
 */
export function tablesFromForm(value: FormDataEntryValue | null): Table[] | null {
  if (typeof value !== "string") return null;
  const isCells = (a: unknown): a is string[] =>
    Array.isArray(a) &&
    a.length <= MAX_SPREADSHEET_COLUMNS &&
    a.every((c) => typeof c === "string" && c.length <= MAX_CELL_CHARS);
  try {
    const parsed = JSON.parse(value) as unknown;
    const list = (Array.isArray(parsed) ? parsed : [parsed]) as Partial<Table>[];
    if (list.length === 0 || list.length > MAX_SPREADSHEET_TABLES) return null;
    const tables: Table[] = [];
    let rowCount = 0;
    for (const t of list) {
      if (!t || !isCells(t.headers) || !Array.isArray(t.rows)) return null;
      rowCount += t.rows.length;
      if (rowCount > MAX_SPREADSHEET_ROWS || !t.rows.every(isCells)) return null;
      const sheet = String(t.sheet ?? "");
      if (sheet.length > MAX_CELL_CHARS) return null;
      const numbered =
        Array.isArray(t.rowNumbers) &&
        t.rowNumbers.length === t.rows.length &&
        t.rowNumbers.every(Number.isInteger);
      tables.push({
        sheet,
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

export type WorkbookResult = { ok: true; tables: Table[] } | Refusal;

/** Reads the first sheet of an .xlsx file, or a CSV (UTF-8, with or without BOM). */
export async function readSpreadsheet(fileName: string, bytes: Uint8Array): Promise<ReadResult> {
  const read = await readWorkbook(fileName, bytes, { firstSheetOnly: true });
  return read.ok ? { ok: true, table: read.tables[0]! } : read;
}

/**
 * Reads every sheet of an .xlsx file that has a header row and at least one row, or a CSV as one
 * sheet named after the file. The size and row limits apply to the whole file. Never throws for
 * what a file holds: every refusal is a message for the person who sent it.
 */
export async function readWorkbook(
  fileName: string,
  bytes: Uint8Array,
  { firstSheetOnly = false }: { firstSheetOnly?: boolean } = {},
): Promise<WorkbookResult> {
  if (bytes.byteLength === 0) return refuse("spreadsheet.empty");
  if (bytes.byteLength > MAX_SPREADSHEET_BYTES) {
    return refuse("spreadsheet.tooLarge", { mb: MAX_SPREADSHEET_BYTES / MB });
  }
  const lower = fileName.toLowerCase();
  let read: SheetsRead;
  if (lower.endsWith(".xlsx")) {
    // An .xlsx is a zip archive: it starts with "PK".
    if (bytes[0] !== 0x50 || bytes[1] !== 0x4b) return refuse("spreadsheet.unreadable");
    read = await readXlsx(bytes, firstSheetOnly);
  } else if (lower.endsWith(".csv")) {
    read = readCsv(fileName, bytes);
  } else {
    return refuse("spreadsheet.wrongType");
  }
  return read.ok ? tablesOf(read.sheets) : read;
}

/**
 * A non-blank row as read: its number in the file, how many cells it spans, the first
 * MAX_SPREADSHEET_COLUMNS of them (trimmed, see boundedCell), and whether any cell past those holds
 * text. app/workers/xlsx-worker.mjs builds the same shape from an .xlsx.
 */
interface SheetRow {
  number: number;
  width: number;
  cells: string[];
  textBeyond: boolean;
}
interface SheetRows {
  sheet: string;
  rows: SheetRow[];
}
type SheetsRead = { ok: true; sheets: SheetRows[] } | Refusal;

/** Trimmed; a cell over the limit keeps the limit's worth and a "…", so it still reads as too long. */
function boundedCell(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > MAX_CELL_CHARS ? `${trimmed.slice(0, MAX_CELL_CHARS)}…` : trimmed;
}

function boundedRow(number: number, texts: readonly string[]): SheetRow {
  return {
    number,
    width: texts.length,
    cells: texts.slice(0, MAX_SPREADSHEET_COLUMNS).map(boundedCell),
    textBeyond: texts.slice(MAX_SPREADSHEET_COLUMNS).some((t) => t.trim() !== ""),
  };
}

/** The tables of the sheets read: each sheet's first non-blank row is its header. */
function tablesOf(sheets: SheetRows[]): WorkbookResult {
  const tables: Table[] = [];
  let total = 0;
  for (const { sheet, rows: read } of sheets) {
    // Blank rows are skipped; each row keeps the number the spreadsheet program shows for it.
    const rows = read.filter((r) => r.textBeyond || r.cells.some((c) => c !== ""));
    if (rows.length < 2) continue;
    const [header, ...body] = rows as [SheetRow, ...SheetRow[]];
    // The header row sets the width: cells past it are dropped, missing ones are blank.
    let width = header.width;
    if (width > MAX_SPREADSHEET_COLUMNS) {
      // Too wide only if text lies past the limit: blank formatted cells beyond it are dropped.
      if (rows.some((r) => r.textBeyond)) {
        return refuse("spreadsheet.tooManyColumns", { max: MAX_SPREADSHEET_COLUMNS });
      }
      width = rows.reduce((w, r) => Math.max(w, r.cells.findLastIndex((c) => c !== "") + 1), 0);
    }
    const long = rows.find((r) => r.cells.slice(0, width).some((c) => c.length > MAX_CELL_CHARS));
    if (long) return refuse("spreadsheet.cellTooLong", { row: long.number, max: MAX_CELL_CHARS });
    const cellsOf = (r: SheetRow) => Array.from({ length: width }, (_, i) => r.cells[i] ?? "");
    total += body.length;
    tables.push({
      sheet,
      headers: cellsOf(header),
      rows: body.map(cellsOf),
      rowNumbers: body.map((r) => r.number),
    });
  }
  if (!tables.length) return refuse("spreadsheet.noRows");
  if (total > MAX_SPREADSHEET_ROWS) {
    return refuse("spreadsheet.tooManyRows", { max: MAX_SPREADSHEET_ROWS });
  }
  if (tables.length > MAX_SPREADSHEET_TABLES) return refuse("spreadsheet.tooComplex");
  return { ok: true, tables };
}

/** A CSV as one sheet named after the file; parsing stops one row past the limit. */
function readCsv(fileName: string, bytes: Uint8Array): SheetsRead {
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes).replace(/^\uFEFF/, "");
  const rows: SheetRow[] = [];
  let tooMany = false;
  // "greedy" drops blank lines before they reach `step`: rows are numbered among the others.
  Papa.parse<string[]>(text, {
    skipEmptyLines: "greedy",
    step: (result, parser) => {
      // The header and MAX_SPREADSHEET_ROWS rows are allowed.
      if (rows.length > MAX_SPREADSHEET_ROWS) {
        tooMany = true;
        parser.abort();
        return;
      }
      const texts = result.data.map((c) => String(c ?? ""));
      rows.push(boundedRow(rows.length + 1, texts));
    },
  });
  if (tooMany) return refuse("spreadsheet.tooManyRows", { max: MAX_SPREADSHEET_ROWS });
  return { ok: true, sheets: [{ sheet: fileName, rows }] };
}

/** An .xlsx: checked as an archive, then parsed in a worker, when a parse slot is free. */
async function readXlsx(bytes: Uint8Array, firstSheetOnly: boolean): Promise<SheetsRead> {
  const read = await inParseSlot(async () => {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return (await checkArchive(buffer)) ?? (await parseInWorker(bytes, firstSheetOnly));
  });
  return read ?? refuse("spreadsheet.busy");
}

let parsesRunning = 0;
const parsesWaiting: (() => void)[] = [];

/** Runs `task` once a parse slot is free; undefined at once when too many are already waiting. */
async function inParseSlot<T>(task: () => Promise<T>): Promise<T | undefined> {
  if (parsesRunning < XLSX_PARSES_AT_ONCE) parsesRunning++;
  else if (parsesWaiting.length < XLSX_PARSES_WAITING) {
    await new Promise<void>((resolve) => parsesWaiting.push(resolve));
  } else return undefined;
  try {
    return await task();
  } finally {
    // The slot passes straight to the next in line.
    const next = parsesWaiting.shift();
    if (next) next();
    else parsesRunning--;
  }
}

/** The entries ExcelJS reads as worksheets (its own test, unanchored). */
const WORKSHEET_ENTRY = /xl\/worksheets\/sheet\d+[.]xml/;

/**
 * Checks an .xlsx as a zip archive before anything parses it: its entries, their sizes as the
 * central directory declares them, then as they really inflate (declared sizes can lie; yauzl
 * also fails an entry that inflates past its declared size), and the worksheets' values and rows
 * holding one, counted while inflating. Nothing inflated is kept. Null when the file may be parsed.
 */
async function checkArchive(buffer: Buffer): Promise<Refusal | null> {
  let zip: ZipFile;
  try {
    zip = await openZip(buffer);
  } catch {
    return refuse("spreadsheet.unreadable");
  }
  const unpackedTooLarge = () =>
    refuse("spreadsheet.unpackedTooLarge", { mb: MAX_XLSX_UNPACKED_BYTES / MB });
  try {
    if (zip.entryCount > MAX_XLSX_ENTRIES) {
      return refuse("spreadsheet.tooManyEntries", { max: MAX_XLSX_ENTRIES });
    }
    const entries = await listEntries(zip);
    const declared = entries.reduce((sum, e) => sum + e.uncompressedSize, 0);
    if (declared > MAX_XLSX_UNPACKED_BYTES) return unpackedTooLarge();
    const packedTight = (e: Entry) =>
      e.uncompressedSize > MB && e.uncompressedSize > e.compressedSize * MAX_XLSX_COMPRESSION_RATIO;
    if (entries.some(packedTight)) return refuse("spreadsheet.tooComplex");
    let unpacked = 0;
    const totals = { rows: 0, values: 0 };
    for (const entry of entries) {
      const name = entryName(entry);
      if (name.endsWith("/")) continue;
      const counter = WORKSHEET_ENTRY.test(name) ? new ValueCounter(totals) : null;
      const refusal = await inflate(zip, entry, (chunk) => {
        unpacked += chunk.length;
        if (unpacked > MAX_XLSX_UNPACKED_BYTES) return unpackedTooLarge();
        counter?.count(chunk);
        if (totals.rows > MAX_XLSX_SCANNED_ROWS) {
          return refuse("spreadsheet.tooManyRows", { max: MAX_SPREADSHEET_ROWS });
        }
        return totals.values > MAX_XLSX_SCANNED_VALUES ? refuse("spreadsheet.tooComplex") : null;
      });
      if (refusal) return refusal;
    }
    return null;
  } catch {
    return refuse("spreadsheet.unreadable");
  } finally {
    zip.close();
  }
}

function openZip(buffer: Buffer): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    // Names stay bytes (decodeStrings: false): yauzl would refuse a name such as
    // "/xl/workbook.xml", which ExcelJS reads.
    const options = { lazyEntries: true, decodeStrings: false, validateEntrySizes: true };
    yauzl.fromBuffer(buffer, options, (error, zip) => (zip ? resolve(zip) : reject(error)));
  });
}

/**
 * yauzl's own decoding of an entry's name (the UTF-8 flag, an Info-ZIP Unicode Path field, which
 * JSZip also honours, backslashes made slashes) without its checks; @types/yauzl 2.x omits it.
 */
const { getFileNameLowLevel } = yauzl as unknown as {
  getFileNameLowLevel(
    generalPurposeBitFlag: number,
    fileName: Buffer,
    extraFields: Entry["extraFields"],
    strictFileNames: boolean,
  ): string;
};

function entryName(entry: Entry): string {
  // With decodeStrings off the name is still its bytes.
  const bytes = entry.fileName as unknown as Buffer;
  return getFileNameLowLevel(entry.generalPurposeBitFlag, bytes, entry.extraFields, false);
}

/** Every entry of the central directory, without reading any of their data. */
function listEntries(zip: ZipFile): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: Entry[] = [];
    zip.on("entry", (entry: Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.once("end", () => resolve(entries));
    // Stays attached: an error event with no listener would throw.
    zip.on("error", reject);
    zip.readEntry();
  });
}

/** Inflates one entry chunk by chunk, stopping at the first refusal `onChunk` returns. */
function inflate(
  zip: ZipFile,
  entry: Entry,
  onChunk: (chunk: Buffer) => Refusal | null,
): Promise<Refusal | null> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) return reject(error);
      let stopped = false;
      stream.on("data", (chunk: Buffer) => {
        if (stopped) return;
        const refusal = onChunk(chunk);
        if (!refusal) return;
        stopped = true;
        stream.destroy();
        resolve(refusal);
      });
      stream.on("end", () => resolve(null));
      stream.on("error", reject);
    });
  });
}

/**
 * Counts, as the bytes of worksheet XML stream past, the values (a `<v>` or an inline `<t>`, unless
 * empty) and the rows holding at least one: blank formatted rows and empty formula results are not
 * counted. Any other doubt counts (CDATA, comments, a tag cut between chunks): the count is only
 * ever too high. Reads the bytes as Latin-1, which leaves every ASCII tag as it is.
 */
class ValueCounter {
  private static readonly token =
    /<(?:[A-Za-z_][\w.-]*:)?(?:(row)[\s/>]|(?:v|t)(?:\s[^<>]*)?>(?!<\/))/g;
  /** A `<row` was seen and no value in it yet. */
  private inRow = false;
  /** The end of the last chunk when it may be the start of a tag cut in two. */
  private tail = "";

  constructor(private readonly totals: { rows: number; values: number }) {}

  count(chunk: Buffer) {
    const text = this.tail + chunk.toString("latin1");
    let end = 0;
    for (const match of text.matchAll(ValueCounter.token)) {
      end = match.index + match[0].length;
      if (match[1]) {
        this.inRow = true;
        continue;
      }
      this.totals.values++;
      if (this.inRow) this.totals.rows++;
      this.inRow = false;
    }
    const lastTag = text.lastIndexOf("<");
    this.tail = lastTag >= end && text.length - lastTag < 128 ? text.slice(lastTag) : "";
  }
}

const WORKER_FILE = path.join("app", "workers", "xlsx-worker.mjs");
let workerFile: string | undefined;

/**
 * The worker's file, looked for from this module's own folder upwards: app/utils when the sources
 * run (Vitest, tsx), build/ once the server is bundled.
 */
function xlsxWorkerFile(): string {
  if (workerFile) return workerFile;
  const start = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, WORKER_FILE);
    if (existsSync(candidate)) return (workerFile = candidate);
    if (path.dirname(dir) === dir) throw new Error(`No ${WORKER_FILE} above ${start}`);
  }
}

/** Each sheet's rows as lines of JSON (see xlsx-worker.mjs). */
type WorkerReply =
  { ok: true; sheets: { sheet: string; rows: string }[] } | { ok: false; error: string };

/** Parses an .xlsx with ExcelJS in a worker thread of its own (see workerReply). */
async function parseInWorker(bytes: Uint8Array, firstSheetOnly: boolean): Promise<SheetsRead> {
  const reply = await workerReply(bytes, firstSheetOnly);
  if (!reply.ok) return reply;
  const sheets: SheetRows[] = [];
  for (const { sheet, rows } of reply.sheets) sheets.push({ sheet, rows: await rowsOf(rows) });
  return { ok: true, sheets };
}

/**
 * Lines of JSON read back into rows a slice at a time, letting the server's other work run in
 * between: 500,000 cells rebuilt at once would hold its thread for a third of a second.
 */
async function rowsOf(lines: string): Promise<SheetRow[]> {
  const rows: SheetRow[] = [];
  let slice = 0;
  for (const line of lines ? lines.split("\n") : []) {
    rows.push(JSON.parse(line) as SheetRow);
    slice += line.length;
    if (slice > 256 * KB) {
      slice = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return rows;
}

/** A parser started ahead of its file: ExcelJS loaded (`ready`), waiting for one file. */
interface Parser {
  worker: Worker;
  ready: Promise<void>;
  exited: boolean;
  idle?: ReturnType<typeof setTimeout>;
}

/** How long a parser started ahead waits for a file before it is ended (its memory freed). */
const SPARE_PARSER_IDLE_MS = 5 * 60_000;
let spareParser: Parser | null = null;

function startParser(): Parser {
  const worker = new Worker(xlsxWorkerFile(), {
    workerData: {
      maxColumns: MAX_SPREADSHEET_COLUMNS,
      maxCellChars: MAX_CELL_CHARS,
      maxTextChars: MAX_SPREADSHEET_TEXT_CHARS,
    },
    resourceLimits: { maxOldGenerationSizeMb: XLSX_PARSE_HEAP_MB, maxYoungGenerationSizeMb: 32 },
  });
  // A parser waiting for a file never keeps the process alive (a script, a server shutting down).
  worker.unref();
  const parser: Parser = {
    worker,
    exited: false,
    ready: new Promise((resolve) => {
      worker.once("message", () => resolve());
      worker.once("exit", () => resolve());
    }),
  };
  // An error before it is used (ExcelJS failed to load) ends it: the upload starts another.
  worker.on("error", () => undefined);
  worker.once("exit", () => {
    parser.exited = true;
    if (spareParser === parser) spareParser = null;
  });
  return parser;
}

/**
 * Starts a parser ahead of an upload, for the pages that take one (the registry's and the
 * household roster's import): the half second of CPU ExcelJS takes to load is spent while the
 * person chooses a file, not after they send it. One spare at most; ended after five idle minutes.
 * Resolves once it is ready (scripts and tests wait for that; pages need not).
 */
export function warmXlsxParser(): Promise<void> {
  if (!spareParser || spareParser.exited) spareParser = startParser();
  const parser = spareParser;
  clearTimeout(parser.idle);
  parser.idle = setTimeout(() => {
    if (spareParser === parser) spareParser = null;
    void parser.worker.terminate();
  }, SPARE_PARSER_IDLE_MS);
  parser.idle.unref();
  return parser.ready;
}

/**
 * Runs a parser (the spare if one is waiting, else a new one) on the file, under a heap limit and
 * a time limit: its reply, or the refusal its running out of either means. Settles only once the
 * worker is gone, so its memory is free again before the parse slot passes on. Each parser reads
 * one file, so nothing of one upload is left in memory for the next; the page the upload answers
 * with starts the next spare (its loader runs again), for a corrected file that often follows.
 */
function workerReply(bytes: Uint8Array, firstSheetOnly: boolean): Promise<WorkerReply | Refusal> {
  const spare = spareParser && !spareParser.exited ? spareParser : null;
  spareParser = null;
  if (spare) clearTimeout(spare.idle);
  const { worker } = spare ?? startParser();
  // The parse's own limits hold whether or not it had to load ExcelJS first.
  worker.ref();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (read: WorkerReply | Refusal) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const done = () => resolve(read);
      worker.terminate().then(done, done);
    };
    const timer = setTimeout(
      () => finish(refuse("spreadsheet.tooComplex")),
      XLSX_PARSE_TIME_LIMIT_MS,
    );
    worker.on("message", (reply: WorkerReply | { ready: true }) => {
      if ("ready" in reply) return;
      finish(reply.ok ? reply : refuse(reply.error));
    });
    // Out of heap is the file's doing; so is anything else that escapes ExcelJS while it parses.
    worker.on("error", (error: Error & { code?: string }) =>
      finish(
        refuse(
          error.code === "ERR_WORKER_OUT_OF_MEMORY"
            ? "spreadsheet.tooComplex"
            : "spreadsheet.unreadable",
        ),
      ),
    );
    worker.on("exit", () => finish(refuse("spreadsheet.unreadable")));
    worker.postMessage({ bytes, firstSheetOnly });
  });
}

/**
 * For CSV, which has no cell types: text that a spreadsheet program would run as a formula gets a
 * leading apostrophe (OWASP's advice). An .xlsx needs none: its text cells are typed as text.
 */
export function safeCell(value: string | number | null | undefined): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

type CellValue = string | number | null | undefined;

export interface SheetSpec {
  name: string;
  /** Lines above the table (a report's title, its month, its rule), for a sheet read or printed alone. */
  title?: string[];
  columns: { header: string; width?: number }[];
  rows: CellValue[][];
}

/** A sheet whose rows may come a batch at a time (read from the database as the file is sent). */
export interface StreamedSheet extends Omit<SheetSpec, "rows"> {
  rows: CellValue[][] | AsyncIterable<CellValue[][]>;
}

/**
 * An .xlsx workbook written as it goes (ExcelJS' streaming WorkbookWriter): each sheet's rows are
 * committed a batch at a time and leave as zipped bytes, so neither the rows nor the file are ever
 * held whole. Bold frozen header row. Every text cell is written as a text cell (an inline string,
 * which needs no table of every string kept to the end), never a formula, so "=1+1" or "-2" stays
 * the text it was and reads back unchanged: no apostrophe that would become part of the value when
 * the file is imported again. `what` names the file in the log if it breaks off.
 *
 * `sheets` may be a function, called once the workbook's fixed parts (theme, relations) are on
 * their way: a report worked out whole (the monthly bulletin) then does not hold back the first
 * bytes. Anything that may refuse must be decided before, never in it.
 */
export function workbookStream(
  sheets: StreamedSheet[] | (() => Promise<StreamedSheet[]>),
  meta: { creator: string; what?: string },
): ReadableStream<Uint8Array> {
  return producedStream(meta.what ?? "workbook", async (sink) => {
    const out = new PassThrough();
    const ended = new Promise<void>((resolve, reject) => {
      out.on("end", resolve);
      out.on("error", reject);
    });
    out.on("data", (chunk: Buffer) => sink.write(chunk));
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: out,
      useStyles: true,
      useSharedStrings: false,
    });
    workbook.creator = meta.creator;
    workbook.created = realNow();
    if (typeof sheets === "function") {
      // A report's reads never yield to I/O (better-sqlite3 answers at once, so every await is a
      // microtask): started earlier, they would hold back the zipped theme and then the socket
      // write of it (Node uncorks on a tick after the microtasks). They start once it has left.
      await new Promise((resolve) => out.once("data", resolve));
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (const spec of typeof sheets === "function" ? await sheets() : sheets) {
      const title = spec.title ?? [];
      // The title lines, a blank line, then the header row, frozen so it stays in view.
      const headerRow = title.length ? title.length + 2 : 1;
      const worksheet = workbook.addWorksheet(spec.name.slice(0, 31), {
        views: [{ state: "frozen", ySplit: headerRow }],
      });
      worksheet.columns = spec.columns.map((c) => ({ width: c.width ?? 14 }));
      title.forEach((line, i) => {
        const row = worksheet.addRow([line]);
        row.font = i === 0 ? { bold: true, size: 14 } : { italic: true };
        row.commit();
      });
      if (title.length) worksheet.addRow([]).commit();
      const header = worksheet.addRow(spec.columns.map((c) => c.header));
      header.font = { bold: true };
      header.commit();
      const batches = Array.isArray(spec.rows) ? batchesOf(spec.rows) : spec.rows;
      for await (const batch of batches) {
        for (const row of batch) worksheet.addRow(row.map((value) => value ?? null)).commit();
        await sink.ready();
      }
      worksheet.commit();
    }
    await workbook.commit();
    await ended;
  });
}

/** Rows in hand, written a batch at a time too, so a long sheet gives other requests their turn. */
function* batchesOf<T>(rows: T[], size = 500) {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

/** An .xlsx workbook in hand (tests, scripts): the same writer as the streamed exports. */
export async function writeWorkbook(
  sheets: StreamedSheet[],
  meta: { creator: string },
): Promise<Buffer> {
  return streamBytes(workbookStream(sheets, meta));
}

/** A download's headers; nothing in the body has been read when they are sent. */
export function xlsxResponse(body: ReadableStream<Uint8Array>, fileName: string) {
  return new Response(body, {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="export.xlsx"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
      "Cache-Control": "private, no-store",
    },
  });
}
