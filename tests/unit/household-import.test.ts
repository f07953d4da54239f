import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import {
  commitImport,
  guessMapping,
  incomeYearOf,
  previewImport,
  rosterSheet,
} from "~/models/household-import.server";
import { readSpreadsheet, safeCell, writeWorkbook, type Table } from "~/utils/spreadsheet.server";
import { seedOnce, viewerFor, villageId } from "./helpers";

let beichaonianId: string;
let cadreName: string;

beforeAll(async () => {
  await seedOnce();
  beichaonianId = await villageId("北朝碾村");
  cadreName = (
    await db
      .selectFrom("team_memberships")
      .innerJoin("teams", "teams.id", "team_memberships.team_id")
      .innerJoin("cadres", "cadres.id", "team_memberships.cadre_id")
      .select("cadres.name_zh")
      .where("teams.village_id", "=", beichaonianId)
      .executeTakeFirstOrThrow()
  ).name_zh;
});

const HEADERS = [
  "户编号",
  "户主姓名",
  "家庭人口",
  "主要致贫原因",
  "帮扶措施",
  "帮扶责任人",
  "识别年度",
  "住房安全",
  "2019年人均纯收入",
];

function csv(rows: string[][]): Uint8Array {
  return new TextEncoder().encode(
    "\uFEFF" + [HEADERS, ...rows].map((r) => r.join(",")).join("\r\n"),
  );
}

async function householdCount() {
  const { n } = await db
    .selectFrom("households")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("village_id", "=", beichaonianId)
    .executeTakeFirstOrThrow();
  return Number(n);
}

describe("reading spreadsheets", () => {
  it("recognises headers in Chinese or English and income columns by year", () => {
    expect(guessMapping(["户编号", "Head of household", "members", "其他"])).toEqual({
      code: 0,
      headName: 1,
      members: 2,
    });
    expect(incomeYearOf("2019年人均纯收入")).toBe(2019);
    expect(incomeYearOf("Income 2020")).toBe(2020);
    expect(incomeYearOf("2020年备注")).toBeNull();
  });

  it("refuses wrong file types and files that only pretend to be .xlsx", async () => {
    expect(await readSpreadsheet("roster.pdf", new Uint8Array([1, 2, 3]))).toMatchObject({
      ok: false,
      error: "spreadsheet.wrongType",
    });
    expect(
      await readSpreadsheet("roster.xlsx", new TextEncoder().encode("a,b\n1,2")),
    ).toMatchObject({
      ok: false,
      error: "spreadsheet.unreadable",
    });
    expect(await readSpreadsheet("big.csv", new Uint8Array(3 * 1024 * 1024))).toMatchObject({
      ok: false,
      error: "spreadsheet.tooLarge",
    });
  });

  it("writes formulas as text (formula injection): an apostrophe in CSV, a text cell in .xlsx", async () => {
    expect(safeCell('=HYPERLINK("http://x")')).toBe('\'=HYPERLINK("http://x")');
    expect(safeCell("+1")).toBe("'+1");
    expect(safeCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(safeCell("-2")).toBe("'-2");
    expect(safeCell("张三")).toBe("张三");
    expect(safeCell(-2)).toBe(-2);
    const texts = ["=1+1", '=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "张三"];
    const buffer = await writeWorkbook(
      [{ name: "S", columns: [{ header: "h" }], rows: texts.map((t) => [t]) }],
      { creator: "t" },
    );
    // Every one a text cell, none a formula: nothing for a spreadsheet program to run.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(
      buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer,
    );
    const cells = texts.map((_, i) => workbook.worksheets[0]!.getCell(i + 2, 1));
    expect(cells.map((c) => c.type)).toEqual(texts.map(() => ExcelJS.ValueType.String));
    // And an export imported again reads exactly what was written (no apostrophe added).
    const read = await readSpreadsheet("s.xlsx", new Uint8Array(buffer));
    expect(read).toMatchObject({
      ok: true,
      table: { headers: ["h"], rows: texts.map((t) => [t]) },
    });
  });
});

describe("household import", () => {
  const good = (code: string, name: string): string[] => [
    code,
    name,
    "3",
    "因病",
    "健康扶贫、产业扶贫",
    cadreName,
    "2014",
    "有保障",
    "3500",
  ];

  it("rejects the whole file when one row is bad, naming the row, column and reason", async () => {
    const viewer = await viewerFor("county");
    const read = await readSpreadsheet(
      "roster.csv",
      csv([
        good("N-1", "甲"),
        ["N-2", "乙", "-2", "因穷", "", "", "2014", "有保障", "abc"],
        good("N-3", "丙"),
      ]),
    );
    if (!read.ok) throw new Error(read.error);
    const before = await householdCount();
    const result = await commitImport(
      viewer,
      beichaonianId,
      read.table,
      guessMapping(read.table.headers),
      "roster.csv",
    );
    expect(result.ok).toBe(false);
    if (result.ok || result.reason !== "rejected") throw new Error("expected a rejection");
    expect(result.counts).toEqual({ new: 2, update: 0, unchanged: 0, error: 1 });
    const bad = result.rows.find((r) => r.action === "error")!;
    expect(bad.row).toBe(3);
    expect(bad.issues.map((i) => [i.column, i.message])).toEqual([
      ["家庭人口", "household.membersRange"],
      ["主要致贫原因", "import.row.unknownCause"],
      ["2019年人均纯收入", "import.row.notNumber"],
    ]);
    expect(await householdCount()).toBe(before);
  });

  it("imports a good file, then changes nothing when the same file comes again", async () => {
    const viewer = await viewerFor("county");
    const read = await readSpreadsheet("roster.csv", csv([good("N-1", "甲"), good("N-2", "乙")]));
    if (!read.ok) throw new Error(read.error);
    const mapping = guessMapping(read.table.headers);
    const before = await householdCount();
    const figures = () =>
      db
        .selectFrom("villages")
        .select(["poor_people", "poor_households"])
        .where("id", "=", beichaonianId)
        .executeTakeFirstOrThrow();
    const figuresBefore = await figures();
    const first = await commitImport(viewer, beichaonianId, read.table, mapping, "roster.csv");
    expect(first).toMatchObject({
      ok: true,
      counts: { new: 2, update: 0, unchanged: 0, error: 0 },
    });
    expect(await householdCount()).toBe(before + 2);
    expect(await figures()).toEqual({
      poor_people: figuresBefore.poor_people + 6,
      poor_households: figuresBefore.poor_households + 2,
    });
    const income = await db
      .selectFrom("household_incomes")
      .innerJoin("households", "households.id", "household_incomes.household_id")
      .select(["household_incomes.year", "household_incomes.per_capita_income"])
      .where("households.code", "=", "N-1")
      .where("households.village_id", "=", beichaonianId)
      .execute();
    expect(income).toEqual([{ year: 2019, per_capita_income: 3500 }]);

    const again = await commitImport(viewer, beichaonianId, read.table, mapping, "roster.csv");
    expect(again).toMatchObject({
      ok: true,
      counts: { new: 0, update: 0, unchanged: 2, error: 0 },
    });
    expect(await householdCount()).toBe(before + 2);
  });

  it("stores a phone number and an ID as the household form does: no spaces, dashes or lower-case x", async () => {
    const viewer = await viewerFor("county");
    const bytes = new TextEncoder().encode(
      "\uFEFF" +
        [
          [...HEADERS, "联系电话", "公民身份号码"],
          [...good("P-1", "丁"), "0313-752 1234", "13072219800101 006x"],
        ]
          .map((r) => r.join(","))
          .join("\r\n"),
    );
    const read = await readSpreadsheet("roster.csv", bytes);
    if (!read.ok) throw new Error(read.error);
    const mapping = guessMapping(read.table.headers);
    const result = await commitImport(viewer, beichaonianId, read.table, mapping, "roster.csv");
    expect(result).toMatchObject({ ok: true, counts: { new: 1, error: 0 } });
    const stored = await db
      .selectFrom("households")
      .select(["phone", "head_id_number"])
      .where("code", "=", "P-1")
      .where("village_id", "=", beichaonianId)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ phone: "03137521234", head_id_number: "13072219800101006X" });
  });

  it("round-trips the exported roster: every row unchanged", async () => {
    const viewer = await viewerFor("county");
    for (const locale of ["zh-CN", "en"] as const) {
      const sheet = await rosterSheet(viewer, beichaonianId, locale);
      if (!sheet.ok) throw new Error(sheet.reason);
      const buffer = await writeWorkbook(
        [{ name: "roster", columns: sheet.columns, rows: sheet.rows }],
        { creator: "t" },
      );
      const read = await readSpreadsheet("roster.xlsx", new Uint8Array(buffer));
      if (!read.ok) throw new Error(read.error);
      const preview = await previewImport(
        viewer,
        beichaonianId,
        read.table,
        guessMapping(read.table.headers),
      );
      if (!preview.ok) throw new Error(preview.reason);
      expect(preview.missingColumns).toEqual([]);
      expect(preview.counts).toEqual({
        new: 0,
        update: 0,
        unchanged: await householdCount(),
        error: 0,
      });
    }
  });

  it("offers a blank template with the same columns and an income column per programme year", async () => {
    const sheet = await rosterSheet(await viewerFor("county"), beichaonianId, "zh-CN", {
      template: true,
    });
    if (!sheet.ok) throw new Error(sheet.reason);
    expect(sheet.rows).toEqual([]);
    const headers = sheet.columns.map((c) => c.header);
    expect(guessMapping(headers)).toMatchObject({ code: 0, headName: 1, members: 2 });
    expect(headers.map(incomeYearOf).filter((y) => y !== null)).toEqual([
      2015, 2016, 2017, 2018, 2019, 2020,
    ]);
  });

  it("is refused to a township leader of another township and to a team of another village", async () => {
    const table: Table = { sheet: "s", headers: HEADERS, rows: [good("N-9", "丁")] };
    expect(
      await commitImport(
        await viewerFor("daqinggou"),
        beichaonianId,
        table,
        guessMapping(HEADERS),
        "x.csv",
      ),
    ).toEqual({
      ok: false,
      reason: "not-found",
    });
    expect(
      await commitImport(
        await viewerFor("xiaosuangou"),
        beichaonianId,
        table,
        guessMapping(HEADERS),
        "x.csv",
      ),
    ).toEqual({
      ok: false,
      reason: "forbidden",
    });
    expect(
      await commitImport(
        await viewerFor("weijia"),
        beichaonianId,
        table,
        guessMapping(HEADERS),
        "x.csv",
      ),
    ).toEqual({
      ok: false,
      reason: "not-found",
    });
  });
});
