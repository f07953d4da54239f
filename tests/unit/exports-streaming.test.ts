import { createHash } from "node:crypto";
import type { AddressInfo } from "node:net";
import { writeReadableStreamToWritable } from "@remix-run/node";
import compression from "compression";
import ExcelJS from "exceljs";
import express from "express";
import type { FeatureCollection } from "geojson";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "~/db.server";
import { villagesGeoJSON, villagesGeoJSONStream } from "~/models/geojson.server";
import { registrySheets, registryWorkbook } from "~/models/registry-import.server";
import { loadRegistry, sheetCellBatches, sheetRecords } from "~/models/registry.server";
import { listVisibleVillages } from "~/models/village.server";
import { serverTranslator } from "~/i18n/catalogues.server";
import type { Viewer } from "~/permissions";
import { producedStream, streamBytes } from "~/utils/body-stream.server";
import { SHEET_KINDS } from "~/utils/registry-sheets";
import { workbookStream } from "~/utils/spreadsheet.server";
import { seedOnce, viewerFor } from "./helpers";

let county: Viewer;

beforeAll(async () => {
  await seedOnce();
  county = await viewerFor("county");
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Every sheet's rows as ExcelJS reads them back, each cell as text. */
async function sheetsOf(bytes: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook.worksheets.map((sheet) => {
    const rows: string[][] = [];
    sheet.eachRow({ includeEmpty: true }, (row) => {
      const values = (row.values as unknown[]).slice(1);
      rows.push(values.map((v) => (v === null || v === undefined ? "" : String(v))));
    });
    return { name: sheet.name, rows };
  });
}

describe("a streamed workbook", () => {
  it("sends its first bytes before its rows are read, and reads no further than the reader takes", async () => {
    const batches = 60;
    let pulled = 0;
    // Rows that do not compress away, so what waits unread soon passes the stream's high water.
    async function* rows() {
      for (let b = 0; b < batches; b++) {
        pulled++;
        yield Array.from({ length: 500 }, (_, i) => [
          createHash("sha256").update(`${b}-${i}`).digest("hex"),
          b * 500 + i,
        ]);
      }
    }
    const stream = workbookStream(
      [{ name: "S", columns: [{ header: "hash" }, { header: "n" }], rows: rows() }],
      { creator: "t" },
    );
    const reader = stream.getReader();
    const first = await reader.read();
    expect(first.value?.byteLength).toBeGreaterThan(0);
    expect(pulled).toBeLessThan(batches);
    // Unread, the writer stops once enough waits: it never runs through all 30,000 rows.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(pulled).toBeLessThan(batches);
    const rest: Uint8Array[] = [first.value!];
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest.push(r.value);
    expect(pulled).toBe(batches);
    const [sheet] = await sheetsOf(Buffer.concat(rest));
    expect(sheet!.rows).toHaveLength(1 + batches * 500);
    expect(sheet!.rows[1]).toEqual([createHash("sha256").update("0-0").digest("hex"), "0"]);
    expect(sheet!.rows.at(-1)![1]).toBe(String(batches * 500 - 1));
  }, 30_000);

  it("keeps the sheets' title lines, frozen header, widths and text cells", async () => {
    const bytes = await streamBytes(
      workbookStream(
        [
          {
            name: "报表",
            title: ["标题", "副标题"],
            columns: [{ header: "名称", width: 20 }, { header: "数" }],
            rows: [
              ["=1+1", 2],
              ["-3", null],
            ],
          },
        ],
        { creator: "t" },
      ),
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet("报表")!;
    expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 4 });
    expect(sheet.getColumn(1).width).toBe(20);
    expect(sheet.getRow(1).font).toMatchObject({ bold: true, size: 14 });
    expect(sheet.getRow(4).getCell(1).value).toBe("名称");
    expect(sheet.getRow(4).font).toMatchObject({ bold: true });
    expect(sheet.getRow(5).getCell(1).value).toBe("=1+1");
    expect(sheet.getRow(5).getCell(1).type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getRow(6).getCell(1).value).toBe("-3");
  });
});

describe("the registry workbook, read a batch at a time", () => {
  it("gives every sheet's rows exactly as the whole registry does, in the same order", async () => {
    for (const locale of ["zh-CN", "en"] as const) {
      const t = serverTranslator(locale);
      const registry = await loadRegistry(db);
      for (const kind of SHEET_KINDS) {
        const whole = sheetRecords(kind, registry, t).map((r) => r.cells);
        const batched: unknown[] = [];
        let batches = 0;
        // Batches far smaller than a sheet: the keyset and the references cross many of them.
        for await (const batch of sheetCellBatches(db, kind, t, 7)) {
          batches++;
          batched.push(...batch);
        }
        expect(batched, `${locale} ${kind}`).toEqual(whole);
        expect(batches).toBe(Math.ceil(whole.length / 7));
      }
    }
  });

  it("streams as /admin/data.xlsx does and parses back to the same rows", async () => {
    const sheets = (await registrySheets(county, "zh-CN"))!;
    const bytes = await streamBytes(workbookStream(sheets, { creator: "t" }));
    const expected = (await registryWorkbook(county, "zh-CN"))!;
    const read = await sheetsOf(bytes);
    expect(read.map((s) => s.name)).toEqual(expected.map((s) => s.name));
    for (const [i, sheet] of expected.entries()) {
      const text = (row: unknown[]) =>
        row.map((c) => (c === null || c === undefined ? "" : String(c)));
      const rows = read[i]!.rows.map((r) => {
        const padded = [...r];
        while (padded.length < sheet.columns.length) padded.push("");
        return padded;
      });
      expect(rows).toEqual([sheet.columns.map((c) => c.header), ...sheet.rows.map(text)]);
    }
  });

  it("is refused to a township leader before anything is read", async () => {
    expect(await registrySheets(await viewerFor("daqinggou"), "zh-CN")).toBeNull();
  });
});

describe("villages.geojson, streamed", () => {
  const parse = async (stream: ReadableStream<Uint8Array>) =>
    JSON.parse((await streamBytes(stream)).toString("utf8")) as FeatureCollection;

  it("is one valid FeatureCollection with every village the viewer may see, read 10 at a time", async () => {
    const fc = await parse(villagesGeoJSONStream(county, "http://x", 10));
    expect(fc.type).toBe("FeatureCollection");
    const visible = await listVisibleVillages(county);
    expect(fc.features).toHaveLength(visible.length);
    expect(new Set(fc.features.map((f) => f.id))).toEqual(new Set(visible.map((v) => v.id)));
    for (const f of fc.features) {
      expect(f.type).toBe("Feature");
      expect(f.geometry.type).toBe("Point");
      expect((f.geometry as { coordinates: number[] }).coordinates).toHaveLength(2);
    }
    // The same features as the collection in hand.
    const whole = await villagesGeoJSON(county, "http://x");
    expect(fc.features).toEqual(whole.features);
  });

  it("gives a team member figures for their own village only, and an empty collection is valid", async () => {
    const fc = await parse(villagesGeoJSONStream(await viewerFor("weijia"), "http://x", 10));
    expect(fc.features.filter((f) => f.properties && "poor_people" in f.properties)).toHaveLength(
      1,
    );
    const none = await parse(
      producedStream("empty", async (sink) =>
        sink.write('{"type":"FeatureCollection","features":[]}'),
      ),
    );
    expect(none.features).toEqual([]);
  });
});

describe("an export that breaks off mid-stream", () => {
  const failing = () =>
    producedStream("test export", async (sink) => {
      sink.write("first part,");
      await sink.ready();
      throw new Error("database gone");
    });

  it("errors the stream after its first bytes and logs why", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const reader = failing().getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("first part,");
    await expect(reader.read()).rejects.toThrow("database gone");
    expect(logged).toHaveBeenCalledWith(
      "[zhucun] test export: broke off mid-stream",
      expect.any(Error),
    );
  });

  it("reaches the client through compression as a broken download, not a whole one", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    // As the server sends a Remix body: compression, then the adapter's copy of the stream; a
    // failure is passed on with the head already sent, and the connection is cut.
    const app = express();
    app.use(compression());
    app.get("/export", async (_req, res, next) => {
      res.setHeader("Content-Type", "application/geo+json");
      try {
        await writeReadableStreamToWritable(failing(), res);
      } catch (error) {
        next(error);
      }
    });
    app.use((_error: unknown, _req: express.Request, res: express.Response, _next: unknown) => {
      if (res.headersSent) res.destroy();
    });
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      // Whether the head (200) had left before the cut depends on timing; the body never ends.
      const outcome = await fetch(`http://127.0.0.1:${port}/export`)
        .then((response) => response.text())
        .then(
          () => "whole",
          () => "broken",
        );
      expect(outcome).toBe("broken");
    } finally {
      server.close();
    }
  });
});
