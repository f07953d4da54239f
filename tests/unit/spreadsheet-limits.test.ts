/**
 * Spreadsheet bombs: files that are small as sent but huge once unpacked or parsed, and tables sent
 * back with a preview that exceed what any file could hold. Each is refused with a message, fast,
 * without the server's memory or event loop paying for it; files within the limits read as before.
 */
import { once } from "node:events";
import zlib from "node:zlib";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { parseImport } from "~/models/geo-import.server";
import type * as limits from "~/utils/limits";
import {
  MAX_CELL_CHARS,
  MAX_GEO_IMPORT_ROWS,
  MAX_SPREADSHEET_COLUMNS,
  MAX_SPREADSHEET_ROWS,
  MAX_SPREADSHEET_TABLES,
  MAX_SPREADSHEET_TEXT_CHARS,
  MAX_XLSX_ENTRIES,
  MAX_XLSX_UNPACKED_BYTES,
  MB,
  XLSX_PARSES_AT_ONCE,
  XLSX_PARSES_WAITING,
} from "~/utils/limits";
import {
  MAX_SPREADSHEET_BYTES,
  readWorkbook,
  tablesFromForm,
  writeWorkbook,
  type Table,
  warmXlsxParser,
} from "~/utils/spreadsheet.server";

interface ZipEntry {
  name: string;
  /** The content, or its pieces in order: a piece may recur, so a bomb is never built whole. */
  data: Buffer | Buffer[];
  /** The uncompressed size the archive claims, when it should lie. */
  declaredSize?: number;
}

async function deflated(pieces: Buffer[]) {
  const deflate = zlib.createDeflateRaw();
  const packed: Buffer[] = [];
  deflate.on("data", (chunk: Buffer) => packed.push(chunk));
  let crc = 0;
  let size = 0;
  for (const piece of pieces) {
    crc = zlib.crc32(piece, crc);
    size += piece.length;
    if (!deflate.write(piece)) await once(deflate, "drain");
  }
  deflate.end();
  await once(deflate, "end");
  return { packed: Buffer.concat(packed), crc, size };
}

/** A zip archive written by hand, so that its declared sizes can be made to lie. */
async function zipOf(entries: ZipEntry[]): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const { packed, crc, size } = await deflated([entry.data].flat());
    const declared = entry.declaredSize ?? size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(declared, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    parts.push(local, name, packed);
    directory.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const directorySize = directory.reduce((sum, b) => sum + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directorySize, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...parts, ...directory, end]));
}

/** The parts of a one-sheet workbook as ExcelJS writes it, to swap the sheet's XML for another. */
let workbookParts: ZipEntry[];

/** An .xlsx whose first sheet is the given XML (rows inside <sheetData>). */
function xlsxWithSheet(sheetData: string | Buffer[], declaredSize?: number): Promise<Uint8Array> {
  const xml = [
    Buffer.from(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>',
    ),
    ...(typeof sheetData === "string" ? [Buffer.from(sheetData)] : sheetData),
    Buffer.from("</sheetData></worksheet>"),
  ];
  return zipOf(
    workbookParts.map((part) =>
      part.name === "xl/worksheets/sheet1.xml" ? { ...part, data: xml, declaredSize } : part,
    ),
  );
}

/** Rows of numbers, as a sheet's XML: `<row r="1"><c r="A1"><v>1</v></c>…</row>`. */
function numberRows(count: number, { cdata = false } = {}): string {
  const value = (n: number) => (cdata ? `<v><![CDATA[${n}]]></v>` : `<v>${n}</v>`);
  const rows: string[] = [];
  for (let r = 1; r <= count; r++) {
    rows.push(`<row r="${r}"><c r="A${r}">${value(r)}</c><c r="B${r}">${value(r * 7)}</c></row>`);
  }
  return rows.join("");
}

/** One cell of inline text, `mb` megabytes of the letter A, as pieces of XML. */
function oneHugeCell(mb: number): Buffer[] {
  return [
    Buffer.from('<row r="1"><c r="A1" t="inlineStr"><is><t>'),
    ...Array<Buffer>(mb).fill(Buffer.alloc(MB, "A")),
    Buffer.from("</t></is></c></row>"),
  ];
}

/**
 * Runs `read` while a 5 ms timer measures how late the event loop answers, and how far the
 * process's memory rises above what it was.
 */
async function watched<T>(read: () => Promise<T>) {
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let maxLag = 0;
  let ticks = 0;
  let last = performance.now();
  const tick = setInterval(() => {
    ticks += 1;
    const now = performance.now();
    maxLag = Math.max(maxLag, now - last - 5);
    last = now;
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 5);
  const start = performance.now();
  const result = await read();
  const ms = performance.now() - start;
  clearInterval(tick);
  // A stall at the very end (after the last tick) counts too.
  maxLag = Math.max(maxLag, performance.now() - last - 5);
  const after = process.memoryUsage();
  return {
    result,
    ms,
    maxLag,
    ticks,
    rssGrowthMb: (Math.max(peakRss, after.rss) - before.rss) / MB,
    heapGrowthMb: (after.heapUsed + after.external - before.heapUsed - before.external) / MB,
  };
}

const FIGURES = Array.from({ length: 24 }, (_, i) => `指标${i + 1}`);
const COLUMNS = ["户编号", "户主姓名", "家庭人口", "致贫原因", "收入", "备注", ...FIGURES];

/** A legitimate roster at the row limit, as the app itself would export it. */
let atLimit: Uint8Array;

beforeAll(async () => {
  const small = await writeWorkbook([{ name: "S", columns: [{ header: "a" }], rows: [["1"]] }], {
    creator: "t",
  });
  const zip = await JSZip.loadAsync(small);
  workbookParts = await Promise.all(
    Object.values(zip.files)
      .filter((f) => !f.dir)
      .map(async (f) => ({ name: f.name, data: await f.async("nodebuffer") })),
  );
  const rows = Array.from({ length: MAX_SPREADSHEET_ROWS }, (_, i) => [
    `H-${i + 1}`,
    `户主${i % 97}`,
    String((i % 6) + 1),
    i % 2 ? "因病" : "缺技术",
    3000 + i,
    i % 10 ? "" : "备注 ".repeat(5),
    ...FIGURES.map((_, f) => (i * (f + 3)) % 1000),
  ]);
  atLimit = new Uint8Array(
    await writeWorkbook(
      [{ name: "花名册", columns: COLUMNS.map((header) => ({ header })), rows }],
      { creator: "t" },
    ),
  );
}, 60_000);

describe("an .xlsx that unpacks to far more than it weighs", () => {
  /** Parsed in-process before, 100 MB in one cell took 5 s, 130 MB, and the event loop for 1.8 s. */
  const BOMB_MB = MAX_XLSX_UNPACKED_BYTES / MB + 60;

  it("is refused from its declared sizes before anything is inflated", async () => {
    const bomb = await xlsxWithSheet(oneHugeCell(BOMB_MB));
    expect(bomb.byteLength).toBeLessThan(MAX_SPREADSHEET_BYTES);
    const { result, ms, rssGrowthMb, heapGrowthMb } = await watched(() =>
      readWorkbook("bomb.xlsx", bomb),
    );
    expect(result).toEqual({
      ok: false,
      error: "spreadsheet.unpackedTooLarge",
      params: { mb: MAX_XLSX_UNPACKED_BYTES / MB },
    });
    expect(ms).toBeLessThan(1000);
    expect(rssGrowthMb).toBeLessThan(100);
    expect(heapGrowthMb).toBeLessThan(50);
  });

  it("is refused, not parsed, when the archive declares small sizes and inflates large", async () => {
    const liar = await xlsxWithSheet(oneHugeCell(BOMB_MB), 1000);
    const { result, ms, rssGrowthMb, heapGrowthMb } = await watched(() =>
      readWorkbook("liar.xlsx", liar),
    );
    expect(result).toEqual({ ok: false, error: "spreadsheet.unreadable" });
    expect(ms).toBeLessThan(1000);
    expect(rssGrowthMb).toBeLessThan(100);
    expect(heapGrowthMb).toBeLessThan(50);
  });

  it("is refused when it holds more entries than a workbook has", async () => {
    const parts = Array.from({ length: MAX_XLSX_ENTRIES + 1 }, (_, i) => ({
      name: `xl/media/image${i}.png`,
      data: Buffer.from("x"),
    }));
    expect(await readWorkbook("parts.xlsx", await zipOf([...workbookParts, ...parts]))).toEqual({
      ok: false,
      error: "spreadsheet.tooManyEntries",
      params: { max: MAX_XLSX_ENTRIES },
    });
  });
});

describe("a sheet with far more rows than the limit", () => {
  it("is refused while it is unpacked, long before a parse at the limit would end", async () => {
    // The same hand-made sheet with a few rows reads: the big one is refused for its rows alone.
    const few = await readWorkbook("few.xlsx", await xlsxWithSheet(numberRows(3)));
    expect(few).toMatchObject({
      ok: true,
      tables: [
        {
          headers: ["1", "7"],
          rows: [
            ["2", "14"],
            ["3", "21"],
          ],
        },
      ],
    });

    const huge = await xlsxWithSheet(numberRows(120_000));
    expect(huge.byteLength).toBeLessThan(MAX_SPREADSHEET_BYTES);
    const refused = await watched(() => readWorkbook("huge.xlsx", huge));
    expect(refused.result).toEqual({
      ok: false,
      error: "spreadsheet.tooManyRows",
      params: { max: MAX_SPREADSHEET_ROWS },
    });
    // Values written as CDATA count as values too.
    const disguised = await xlsxWithSheet(numberRows(120_000, { cdata: true }));
    expect(await readWorkbook("huge.xlsx", disguised)).toMatchObject({
      error: "spreadsheet.tooManyRows",
    });
    const read = await watched(() => readWorkbook("roster.xlsx", atLimit));
    expect(read.result.ok).toBe(true);
    expect(refused.ms).toBeLessThan(read.ms / 4);
    expect(refused.rssGrowthMb).toBeLessThan(100);
  }, 60_000);
});

describe("the text a workbook holds", () => {
  /** One long shared string, in `cells` cells (20 a row): a small file, a lot of text. */
  async function repeated(cells: number): Promise<Uint8Array> {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("S");
    const text = "长".repeat(MAX_CELL_CHARS);
    for (let r = 0; r < Math.ceil(cells / 20); r++) {
      sheet.addRow(Array.from({ length: Math.min(20, cells - r * 20) }, () => text));
    }
    return new Uint8Array(await workbook.xlsx.writeBuffer());
  }

  it("is bounded in all: past the limit the reader stops instead of handing it on", async () => {
    const atMost = Math.floor(MAX_SPREADSHEET_TEXT_CHARS / MAX_CELL_CHARS);
    const over = await repeated(atMost + 20);
    expect(over.length).toBeLessThan(MAX_SPREADSHEET_BYTES);
    expect(await readWorkbook("long.xlsx", over)).toEqual({
      ok: false,
      error: "spreadsheet.tooComplex",
    });
    // Just under it, the same cells are read.
    const read = await readWorkbook("long.xlsx", await repeated(atMost - 20));
    expect(read.ok && read.tables[0]!.rows.length).toBe(Math.ceil((atMost - 20) / 20) - 1);
  }, 60_000);

  it("is counted per file: a parser started ahead reads one file, and the next gets its own", async () => {
    const atMost = Math.floor(MAX_SPREADSHEET_TEXT_CHARS / MAX_CELL_CHARS);
    const nearly = await repeated(atMost - 20);
    const rows = Math.ceil((atMost - 20) / 20) - 1;
    await warmXlsxParser();
    // Two files near the limit in a row: together they are far past it, each alone is not.
    for (let i = 0; i < 2; i++) {
      const read = await readWorkbook("long.xlsx", nearly);
      expect(read.ok && read.tables[0]!.rows.length).toBe(rows);
    }
  }, 60_000);
});

describe("a legitimate workbook at the limits", () => {
  it("is parsed off the event loop: timers keep firing while it is read", async () => {
    const { result, ms, maxLag, ticks } = await watched(() => readWorkbook("roster.xlsx", atLimit));
    if (!result.ok) throw new Error(result.error);
    const [table] = result.tables;
    expect(table!.headers).toEqual(COLUMNS);
    expect(table!.rows).toHaveLength(MAX_SPREADSHEET_ROWS);
    expect(table!.rows[4999]!.slice(0, 7)).toEqual([
      "H-5000",
      "户主52",
      "2",
      "因病",
      "7999",
      "",
      "997",
    ]);
    expect(table!.rows[10]!.slice(0, 7)).toEqual([
      "H-11",
      "户主10",
      "5",
      "缺技术",
      "3010",
      "备注 备注 备注 备注 备注",
      "30",
    ]);
    // Parsed in-process, this file held the thread for 270–580 ms at a time (a bomb, for
    // seconds); here the thread only reads back the worker's reply, a slice at a time, and timers
    // come late by what a busy machine costs them anyway (20–50 ms).
    expect(maxLag).toBeLessThan(150);
    // And they did fire all along (the reading took long enough to see it).
    expect(ticks).toBeGreaterThan(ms / 200);
  }, 60_000);

  it("reads shared strings, dates, rich text, formulas and links as text, as before", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("台账");
    sheet.addRow(["姓名", "日期", "说明", "合计", "链接"]);
    sheet.addRow([
      "  张三 ",
      new Date(Date.UTC(2024, 2, 5)),
      { richText: [{ text: "因病" }, { text: "致贫", font: { bold: true } }] },
      { formula: "1+2", result: 3 },
      { text: "网站", hyperlink: "https://example.org" },
    ]);
    sheet.addRow([]);
    sheet.addRow(["李四", null, "张三", { formula: "A1", result: "姓名" }, 12.5]);
    workbook.addWorksheet("空白");
    const second = workbook.addWorksheet("第二");
    second.addRow(["a", "b"]);
    second.addRow(["1", "2"]);
    const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
    expect(await readWorkbook("ledger.xlsx", bytes)).toEqual({
      ok: true,
      tables: [
        {
          sheet: "台账",
          headers: ["姓名", "日期", "说明", "合计", "链接"],
          rows: [
            ["张三", "2024-03-05", "因病致贫", "3", "网站"],
            ["李四", "", "张三", "姓名", "12.5"],
          ],
          rowNumbers: [2, 4],
        },
        { sheet: "第二", headers: ["a", "b"], rows: [["1", "2"]], rowNumbers: [2] },
      ],
    });
    const first = await readWorkbook("ledger.xlsx", bytes, { firstSheetOnly: true });
    expect(first.ok && first.tables.map((t) => t.sheet)).toEqual(["台账"]);
  }, 30_000);

  it("reads an .xlsx and a CSV of the same rows alike, and holds both to the same limits", async () => {
    const csvOf = (rows: string[][]) =>
      new TextEncoder().encode(rows.map((r) => r.join(",")).join("\n"));
    const xlsxOf = async (rows: string[][]) =>
      new Uint8Array(
        await writeWorkbook(
          [{ name: "S", columns: rows[0]!.map((header) => ({ header })), rows: rows.slice(1) }],
          { creator: "t" },
        ),
      );
    const both = async (rows: string[][]) => [
      await readWorkbook("s.csv", csvOf(rows)),
      await readWorkbook("s.xlsx", await xlsxOf(rows)),
    ];

    const [csv, xlsx] = await both([
      ["code", " name "],
      ["1", "甲"],
      ["", ""],
      ["2", " 乙 "],
    ]);
    expect(csv).toMatchObject({
      ok: true,
      tables: [
        {
          headers: ["code", "name"],
          rows: [
            ["1", "甲"],
            ["2", "乙"],
          ],
        },
      ],
    });
    const cellsOf = (read: typeof csv) => read?.ok && read.tables.map((t) => [t.headers, t.rows]);
    expect(cellsOf(xlsx)).toEqual(cellsOf(csv));
    // A CSV's rows are numbered among its non-blank lines, an .xlsx's as the sheet shows them.
    expect(csv).toMatchObject({ tables: [{ rowNumbers: [2, 3] }] });
    expect(xlsx).toMatchObject({ tables: [{ rowNumbers: [2, 4] }] });

    const long = "长".repeat(MAX_CELL_CHARS + 1);
    for (const read of await both([
      ["a", "b"],
      ["1", "2"],
      ["3", long],
    ])) {
      expect(read).toMatchObject({
        error: "spreadsheet.cellTooLong",
        params: { max: MAX_CELL_CHARS },
      });
    }
    const wide = Array.from({ length: MAX_SPREADSHEET_COLUMNS + 1 }, (_, i) => `c${i}`);
    for (const read of await both([wide, wide])) {
      expect(read).toEqual({
        ok: false,
        error: "spreadsheet.tooManyColumns",
        params: { max: MAX_SPREADSHEET_COLUMNS },
      });
    }
    const rows = Array.from({ length: MAX_SPREADSHEET_ROWS + 1 }, (_, i) => [String(i)]);
    expect(await readWorkbook("s.csv", csvOf([["n"], ...rows]))).toMatchObject({
      error: "spreadsheet.tooManyRows",
    });
    expect(await readWorkbook("s.csv", csvOf([["n"], ...rows.slice(1)]))).toMatchObject({
      ok: true,
    });
  }, 60_000);

  it("drops blank formatted cells past the column limit instead of refusing the sheet", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("S");
    sheet.addRow(["a", "b"]);
    sheet.addRow(["1", "2"]);
    sheet.getCell(1, MAX_SPREADSHEET_COLUMNS + 50).font = { bold: true };
    const read = await readWorkbook("s.xlsx", new Uint8Array(await workbook.xlsx.writeBuffer()));
    expect(read).toMatchObject({ ok: true, tables: [{ headers: ["a", "b"], rows: [["1", "2"]] }] });
  }, 30_000);

  it("stops a parse that runs past its time or out of its heap, and goes on reading", async () => {
    const withLimits = async (changed: Record<string, number>) => {
      vi.resetModules();
      vi.doMock("~/utils/limits", async (original) => ({
        ...(await original<typeof limits>()),
        ...changed,
      }));
      const module = await import("~/utils/spreadsheet.server");
      vi.doUnmock("~/utils/limits");
      return module.readWorkbook;
    };
    const tooComplex = { ok: false, error: "spreadsheet.tooComplex" };
    const slow = await withLimits({ XLSX_PARSE_TIME_LIMIT_MS: 200 });
    expect(await slow("roster.xlsx", atLimit)).toEqual(tooComplex);
    const cramped = await withLimits({ XLSX_PARSE_HEAP_MB: 8 });
    const { result, ms } = await watched(() => cramped("roster.xlsx", atLimit));
    expect(result).toEqual(tooComplex);
    // Refused by the worker running out of heap, not by the time limit.
    expect(ms).toBeLessThan(10_000);
    expect(await readWorkbook("roster.xlsx", atLimit)).toMatchObject({ ok: true });
  }, 60_000);

  it("parses a few at a time and tells the rest the server is busy", async () => {
    const small = new Uint8Array(
      await writeWorkbook([{ name: "S", columns: [{ header: "a" }], rows: [["1"]] }], {
        creator: "t",
      }),
    );
    const reads = await Promise.all(
      Array.from({ length: XLSX_PARSES_AT_ONCE + XLSX_PARSES_WAITING + 1 }, () =>
        readWorkbook("s.xlsx", small),
      ),
    );
    expect(reads.filter((r) => r.ok)).toHaveLength(XLSX_PARSES_AT_ONCE + XLSX_PARSES_WAITING);
    expect(reads.at(-1)).toEqual({ ok: false, error: "spreadsheet.busy" });
  }, 60_000);
});

describe("tables sent back with a preview", () => {
  const table = (rows: string[][], headers = ["a"]): Table => ({ sheet: "S", headers, rows });
  const form = (tables: Table[]) => tablesFromForm(JSON.stringify(tables));

  it("are held to the limits a file is held to", () => {
    const half = Array.from({ length: MAX_SPREADSHEET_ROWS / 2 }, () => ["x"]);
    expect(form([table(half), table(half)])).toHaveLength(2);
    expect(form([table(half), table([...half, ["x"]])])).toBeNull();

    const wide = Array.from({ length: MAX_SPREADSHEET_COLUMNS }, () => "h");
    expect(form([table([wide], wide)])).toHaveLength(1);
    expect(form([table([wide], [...wide, "h"])])).toBeNull();
    expect(form([table([[...wide, "x"]], wide)])).toBeNull();

    const long = "x".repeat(MAX_CELL_CHARS);
    expect(form([table([[long]], [long])])).toHaveLength(1);
    expect(form([table([[`${long}x`]])])).toBeNull();
    expect(form([table([["x"]], [`${long}x`])])).toBeNull();
    expect(form([{ ...table([["x"]]), sheet: `${long}x` }])).toBeNull();

    const many = Array.from({ length: MAX_SPREADSHEET_TABLES }, () => table([["x"]]));
    expect(form(many)).toHaveLength(MAX_SPREADSHEET_TABLES);
    expect(form([...many, table([["x"]])])).toBeNull();
  });
});

describe("a map import", () => {
  const places = { villages: [], townships: [] };
  const options = { gcj02: false };
  const tooManyRows = { key: "spreadsheet.tooManyRows", params: { max: MAX_GEO_IMPORT_ROWS } };

  it("stops reading CSV lines and GeoJSON features past its row limit", () => {
    const lines = (n: number) =>
      ["code,lat,lon", ...Array.from({ length: n }, (_, i) => `V${i},41.1,114.2`), ""].join("\n");
    expect(parseImport("p.csv", lines(MAX_GEO_IMPORT_ROWS + 1), places, options).errors).toEqual([
      tooManyRows,
    ]);
    const atLimit = parseImport("p.csv", lines(MAX_GEO_IMPORT_ROWS), places, options);
    expect(atLimit.errors).toHaveLength(MAX_GEO_IMPORT_ROWS);
    expect(atLimit.errors[0]!.key).toBe("import.error.unknownVillage");

    const feature = { type: "Feature", properties: { code: "V" }, geometry: null };
    const features = (n: number) =>
      JSON.stringify({ type: "FeatureCollection", features: Array(n).fill(feature) });
    expect(
      parseImport("b.geojson", features(MAX_GEO_IMPORT_ROWS + 1), places, options).errors,
    ).toEqual([tooManyRows]);
    expect(
      parseImport("b.geojson", features(MAX_GEO_IMPORT_ROWS), places, options).errors[0]!.key,
    ).not.toBe("spreadsheet.tooManyRows");
  });
});
