import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import {
  commitWorkbook,
  previewWorkbook,
  proposeSheets,
  recogniseKind,
  registryWorkbook,
  sheetsFromForm,
} from "~/models/registry-import.server";
import { parseDate } from "~/models/registry.server";
import {
  adminForm,
  adminList,
  adminSummary,
  saveRecord,
  setActive,
} from "~/models/registry-admin.server";
import { mapData } from "~/models/map.server";
import { getVillage, listVisibleVillages } from "~/models/village.server";
import { today } from "~/utils/dates";
import { addDays } from "~/utils/team-rules";
import type { Viewer } from "~/permissions";
import type { SheetPreview } from "~/utils/registry-sheets";
import {
  MAX_SPREADSHEET_BYTES,
  readWorkbook,
  tablesFromForm,
  writeWorkbook,
  type Table,
} from "~/utils/spreadsheet.server";
import { startSession } from "~/session.server";
import { seedOnce, viewerFor } from "./helpers";

let county: Viewer;

beforeAll(async () => {
  await seedOnce();
  county = await viewerFor("county");
});

/** A sheet as the county would type it, with the zh-CN template's headers. */
function sheet(name: string, headers: string[], rows: string[][]): Table {
  return { sheet: name, headers, rows };
}

const UNIT_HEADERS = ["单位名称", "级别（省派/市派/县派）"];
const VILLAGE_HEADERS = [
  "村代码",
  "村名",
  "所属乡镇",
  "村类型",
  "农业人口",
  "总户数",
  "贫困户数",
  "贫困人口",
  "纬度",
  "经度",
];
const CADRE_HEADERS = ["姓名", "派出单位", "干部类别", "电话"];
const TEAM_HEADERS = ["村代码", "派出单位", "进驻日期", "撤离日期"];
const MEMBER_HEADERS = [
  "干部姓名",
  "干部派出单位",
  "村代码",
  "职务",
  "到岗日期",
  "离队日期",
  "离队原因",
];

/** 南壕堑镇 is 130725101; its demo villages use 130725101201…, so 130725100901 is free. */
const NEW_VILLAGE = [
  "130725100901",
  "试验村",
  "南壕堑镇",
  "产业村",
  "820",
  "260",
  "31",
  "77",
  "41.08",
  "113.97",
];

function newCountyWorkbook(overrides: { members?: string[][] } = {}) {
  return [
    sheet("派出单位", UNIT_HEADERS, [["测试县农业农村局", "县派"]]),
    sheet("村庄", VILLAGE_HEADERS, [NEW_VILLAGE]),
    sheet("干部", CADRE_HEADERS, [
      ["测试甲", "测试县农业农村局", "经济干部", "13800000001"],
      ["测试乙", "测试县农业农村局", "党政干部", ""],
    ]),
    sheet("工作队", TEAM_HEADERS, [["130725100901", "测试县农业农村局", "2024-03-01", ""]]),
    sheet(
      "队员",
      MEMBER_HEADERS,
      overrides.members ?? [
        ["测试甲", "测试县农业农村局", "130725100901", "队长兼第一书记", "2024-03-01", "", ""],
        ["测试乙", "测试县农业农村局", "130725100901", "队员", "2024/3/1", "", ""],
      ],
    ),
  ];
}

async function preview(tables: Table[]) {
  const result = await previewWorkbook(county, await proposeSheets(tables), "zh-CN");
  if (!result.ok) throw new Error(result.reason);
  return result.previews;
}

const issuesOf = (previews: SheetPreview[]) =>
  previews.flatMap((p) =>
    p.rows.flatMap((r) => r.issues.map((i) => ({ sheet: p.name, row: r.row, ...i }))),
  );

async function count(
  table: "villages" | "sending_units" | "cadres" | "teams" | "team_memberships",
) {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function counts() {
  return {
    villages: await count("villages"),
    units: await count("sending_units"),
    cadres: await count("cadres"),
    teams: await count("teams"),
    memberships: await count("team_memberships"),
  };
}

describe("reading a workbook", () => {
  it("recognises a sheet by its name in either language, else by its headers", () => {
    expect(recogniseKind(sheet("村庄", ["x"], []))).toBe("villages");
    expect(recogniseKind(sheet("Sending units", ["x"], []))).toBe("units");
    expect(recogniseKind(sheet("Sheet1", CADRE_HEADERS, []))).toBe("cadres");
    expect(
      recogniseKind(sheet("teams.csv", ["Village code", "Sending unit", "Started on"], [])),
    ).toBe("teams");
    expect(recogniseKind(sheet("Sheet1", ["甲", "乙"], []))).toBeNull();
  });

  it("reads dates as the county types them", () => {
    expect(parseDate("2024-03-01")).toBe("2024-03-01");
    expect(parseDate("2024/3/1")).toBe("2024-03-01");
    expect(parseDate("2024年3月1日")).toBe("2024-03-01");
    expect(parseDate("45352")).toBe("2024-03-01");
    expect(parseDate("2024-02-30")).toBeNull();
    expect(parseDate("三月一日")).toBeNull();
  });
});

describe("export and re-import", () => {
  it("exports every sheet, and the exported file imports with nothing to change", async () => {
    const sheets = (await registryWorkbook(county, "zh-CN"))!;
    expect(sheets.map((s) => s.name)).toEqual([
      "乡镇",
      "派出单位",
      "村庄",
      "干部",
      "工作队",
      "队员",
    ]);
    const before = await counts();
    expect(sheets.find((s) => s.name === "村庄")!.rows).toHaveLength(before.villages);
    expect(sheets.find((s) => s.name === "队员")!.rows).toHaveLength(before.memberships);

    const buffer = await writeWorkbook(sheets, { creator: "test" });
    const read = await readWorkbook("export.xlsx", new Uint8Array(buffer));
    if (!read.ok) throw new Error(read.error);
    expect(read.tables).toHaveLength(6);
    const previews = await preview(read.tables);
    expect(issuesOf(previews)).toEqual([]);
    for (const p of previews) {
      expect(p.counts).toEqual({ new: 0, update: 0, unchanged: p.rows.length, error: 0 });
    }
  });

  it("exports in English too, and the English file reads the same", async () => {
    const sheets = (await registryWorkbook(county, "en"))!;
    expect(sheets[2]!.columns[0]!.header).toBe("Village code");
    const buffer = await writeWorkbook(sheets, { creator: "test" });
    const read = await readWorkbook("export.xlsx", new Uint8Array(buffer));
    if (!read.ok) throw new Error(read.error);
    const previews = await preview(read.tables);
    expect(
      previews.every((p) => p.counts.error === 0 && p.counts.unchanged === p.rows.length),
    ).toBe(true);
  });
});

describe("importing a county's own rows", () => {
  it("adds a unit, a village, its team and cadres in one go; the same file again changes nothing", async () => {
    const before = await counts();
    const first = await commitWorkbook(county, await proposeSheets(newCountyWorkbook()), "zh-CN");
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.counts).toEqual({ new: 7, update: 0, unchanged: 0, error: 0 });
    expect(await counts()).toEqual({
      villages: before.villages + 1,
      units: before.units + 1,
      cadres: before.cadres + 2,
      teams: before.teams + 1,
      memberships: before.memberships + 2,
    });
    const village = await db
      .selectFrom("villages")
      .selectAll()
      .where("code", "=", "130725100901")
      .executeTakeFirstOrThrow();
    expect(village).toMatchObject({
      name_zh: "试验村",
      name_pinyin: "Shìyàn Cūn",
      village_type: "industry",
      poor_people: 77,
      name_source: "imported",
      position_source: "imported",
      exit_status: "not_exited",
    });
    const team = await db
      .selectFrom("teams")
      .selectAll()
      .where("village_id", "=", village.id)
      .executeTakeFirstOrThrow();
    expect(team).toMatchObject({ level: "county", started_on: "2024-03-01", ended_on: null });
    // The new village has a readiness record and a history day, like every other village.
    expect(
      await db
        .selectFrom("village_progress")
        .select("village_id")
        .where("village_id", "=", village.id)
        .execute(),
    ).toHaveLength(1);

    const again = await commitWorkbook(county, await proposeSheets(newCountyWorkbook()), "zh-CN");
    expect(again.ok && again.counts).toEqual({ new: 0, update: 0, unchanged: 7, error: 0 });
    expect(await counts()).toEqual({
      villages: before.villages + 1,
      units: before.units + 1,
      cadres: before.cadres + 2,
      teams: before.teams + 1,
      memberships: before.memberships + 2,
    });
  });

  it("updates what changed, matched by code or name", async () => {
    const tables = newCountyWorkbook();
    tables[1]!.rows[0]![5] = "270"; // households
    tables[2]!.rows[1]![3] = "13900000002"; // 测试乙's phone
    const previews = await preview(tables);
    expect(previews.map((p) => p.counts.update)).toEqual([0, 1, 1, 0, 0]);
    const result = await commitWorkbook(county, await proposeSheets(tables), "zh-CN");
    expect(result.ok && result.counts).toMatchObject({ new: 0, update: 2 });
    const cadre = await db
      .selectFrom("cadres")
      .select("phone")
      .where("name_zh", "=", "测试乙")
      .executeTakeFirstOrThrow();
    expect(cadre.phone).toBe("13900000002");
  });

  it("one bad row and nothing is written; every problem is named by sheet, row and column", async () => {
    const before = await counts();
    const tables = newCountyWorkbook();
    tables[0]!.rows.push(["新单位", "县派"]);
    // 测试甲 is already in 试验村's team from 2024-03-01: a second, overlapping membership is refused.
    tables[4]!.rows.push([
      "测试甲",
      "测试县农业农村局",
      "130725100901",
      "队员",
      "2024-05-01",
      "",
      "",
    ]);
    const result = await commitWorkbook(county, await proposeSheets(tables), "zh-CN");
    expect(result.ok).toBe(false);
    if (result.ok || result.reason !== "rejected") return;
    expect(issuesOf(result.previews)).toEqual([
      expect.objectContaining({
        sheet: "队员",
        row: 4,
        column: "到岗日期",
        message: "registry.cadreBusy",
      }),
    ]);
    expect(await counts()).toEqual(before);
    expect(
      await db.selectFrom("sending_units").select("id").where("name_zh", "=", "新单位").execute(),
    ).toHaveLength(0);
  });

  it("checks each sheet's rows", async () => {
    const tables = [
      sheet(
        "乡镇",
        ["乡镇代码", "乡镇名称", "类型（镇/乡）", "纬度", "经度"],
        [
          ["13072510", "短码乡", "乡", "", ""],
          ["130725999", "新乡", "区", "41.1", ""],
        ],
      ),
      sheet("派出单位", UNIT_HEADERS, [
        ["甲单位", "县派"],
        ["甲单位", "市派"],
        ["乙单位", ""],
      ]),
      sheet("村庄", VILLAGE_HEADERS, [
        ["130725100902", "甲村", "不存在镇", "产业村", "100", "30", "3", "5", "41.08", "113.97"],
        ["130725102902", "乙村", "南壕堑镇", "产业村", "100", "30", "40", "5", "41.08", "113.97"],
        ["130725100903", "丙村", "130725100", "穷村", "100", "30", "3", "5", "39.9", "116.4"],
        ["130725100904", "", "南壕堑镇", "弱村", "一百", "30", "", "", "41.08", "113.97"],
      ]),
      sheet("干部", CADRE_HEADERS, [
        ["丙", "不存在的单位", "经济干部", ""],
        ["丁", "测试县农业农村局", "经济干部", "call me"],
      ]),
      sheet("工作队", TEAM_HEADERS, [
        ["130725100901", "测试县农业农村局", "2023-01-01", "2024-06-30"],
        ["130725100999", "测试县农业农村局", "2025-05-01", "2025-04-01"],
      ]),
      sheet("队员", MEMBER_HEADERS, [
        ["无名", "测试县农业农村局", "130725100901", "队员", "2024-03-01", "", ""],
        ["测试乙", "测试县农业农村局", "130725100901", "队员", "2020-01-01", "", ""],
        ["测试乙", "测试县农业农村局", "130725100901", "队员", "2024-03-01", "", "召回"],
      ]),
    ];
    const found = issuesOf(await preview(tables)).map(
      (i) => `${i.sheet}:${i.row}:${i.column}:${i.message}`,
    );
    expect([...found].sort()).toEqual(
      [
        "乡镇:2:乡镇代码:registry.townshipCode",
        "乡镇:3:类型（镇/乡）:registry.unknownOption",
        "乡镇:3:经度:registry.required",
        "派出单位:3:单位名称:registry.duplicateRow",
        "派出单位:4:级别（省派/市派/县派）:registry.required",
        "村庄:2:所属乡镇:registry.unknownTownship",
        "村庄:3:村代码:registry.villageCodeTownship",
        "村庄:3:贫困户数:registry.moreThan",
        "村庄:4:村类型:registry.unknownOption",
        "村庄:4:纬度:registry.outside",
        "村庄:5:村名:registry.required",
        "村庄:5:农业人口:registry.notCount",
        "干部:2:派出单位:registry.unknownUnit",
        "干部:3:电话:registry.phone",
        "工作队:2:进驻日期:registry.teamOverlap",
        "工作队:3:撤离日期:registry.endBeforeStart",
        "工作队:3:村代码:registry.unknownVillage",
        "队员:2:干部姓名:registry.unknownCadre",
        "队员:3:到岗日期:registry.noTeam",
        "队员:4:离队原因:registry.reasonWithoutEnd",
      ].sort(),
    );
  });
});

describe("the admin screens", () => {
  it("a form is checked like a row: errors per field, nothing written; then saved", async () => {
    const bad = await saveRecord(county, "cadres", null, {
      name: "测试丙",
      unit: "没有这个单位",
      specialty: "economic",
      phone: "abc",
    });
    expect(bad).toMatchObject({ ok: false, reason: "invalid" });
    if (bad.ok || bad.reason !== "invalid") throw new Error("the form was not refused as invalid");
    expect(bad.issues.map((i) => `${i.column}:${i.message}`).sort()).toEqual([
      "phone:registry.phone",
      "unit:registry.unknownUnit",
    ]);
    expect(
      await db.selectFrom("cadres").select("id").where("name_zh", "=", "测试丙").execute(),
    ).toEqual([]);
    const saved = await saveRecord(county, "cadres", null, {
      name: "测试丙",
      unit: "测试县农业农村局",
      specialty: "economic",
      phone: "",
    });
    expect(saved.ok).toBe(true);
    // The form reads back the keys it posted ("economic", not "经济干部").
    const record = await adminForm(county, "cadres", saved.ok ? saved.id : "");
    expect(record?.cells).toEqual({
      name: "测试丙",
      unit: "测试县农业农村局",
      specialty: "economic",
      phone: "",
    });
    // Renaming onto another cadre of the same unit is a duplicate.
    const clash = await saveRecord(county, "cadres", saved.ok ? saved.id : "", {
      ...record!.cells,
      name: "测试甲",
    });
    expect(
      clash.ok || clash.reason !== "invalid" ? [] : clash.issues.map((i) => i.message),
    ).toEqual(["registry.duplicate"]);
  });

  it("only the county admin may use them", async () => {
    const weijia = await viewerFor("weijia");
    expect(await adminList(weijia, "villages", "zh-CN")).toBeNull();
    expect(await saveRecord(weijia, "units", null, { name: "x", level: "county" })).toMatchObject({
      ok: false,
      reason: "forbidden",
    });
    expect(await setActive(await viewerFor("zuzhibu"), "units", "x", false)).toMatchObject({
      ok: false,
      reason: "forbidden",
    });
    expect(await previewWorkbook(await viewerFor("viewer"), [], "zh-CN")).toMatchObject({
      ok: false,
      reason: "forbidden",
    });
  });

  it("deactivating keeps history and is refused while something current depends on it", async () => {
    const village = await db
      .selectFrom("villages")
      .select("id")
      .where("code", "=", "130725100901")
      .executeTakeFirstOrThrow();
    const team = await db
      .selectFrom("teams")
      .select("id")
      .where("village_id", "=", village.id)
      .executeTakeFirstOrThrow();
    const cadre = await db
      .selectFrom("cadres")
      .select("id")
      .where("name_zh", "=", "测试甲")
      .executeTakeFirstOrThrow();

    expect(await setActive(county, "villages", village.id, false)).toMatchObject({
      message: "registry.deactivate.villageHasTeam",
    });
    expect(await setActive(county, "cadres", cadre.id, false)).toMatchObject({
      message: "registry.deactivate.cadreInTeam",
      params: { village: "试验村" },
    });

    // The team ends: from today neither it nor its members are in force; nothing is deleted.
    const before = await counts();
    expect(await setActive(county, "teams", team.id, false)).toEqual({ ok: true });
    const members = await db
      .selectFrom("team_memberships")
      .select(["ended_on", "end_reason"])
      .where("team_id", "=", team.id)
      .execute();
    expect(members).toHaveLength(2);
    expect(
      members.every((m) => m.ended_on === addDays(today(), -1) && m.end_reason === "rotated"),
    ).toBe(true);

    // The cadre's account, signed in: deactivating the cadre ends its session at once.
    const account = "acct-test-jia";
    await db
      .insertInto("users")
      .values({
        id: account,
        username: "ceshijia",
        password_hash: "x",
        display_name: "测试甲",
        role: "team_member",
        township_id: null,
        cadre_id: cadre.id,
        locale: null,
        deactivated_at: null,
      })
      .execute();
    const session = await startSession(account, "device");
    expect(await setActive(county, "cadres", cadre.id, false)).toEqual({ ok: true });
    expect(
      await db
        .selectFrom("sessions")
        .select(["ended_reason", "ended_by"])
        .where("id", "=", session.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({ ended_reason: "deactivated", ended_by: county.id });
    await db.deleteFrom("sessions").where("user_id", "=", account).execute();
    await db.deleteFrom("users").where("id", "=", account).execute();
    expect(await setActive(county, "villages", village.id, false)).toEqual({ ok: true });
    expect(await counts()).toEqual(before);

    // A deactivated village leaves the lists and the map; its own page still opens.
    const list = await listVisibleVillages(county);
    expect(list.some((v) => v.id === village.id)).toBe(false);
    expect((await mapData(county)).v.id).not.toContain(village.id);
    expect(await getVillage(county, village.id)).not.toBeNull();
    const shown = await adminList(county, "villages", "zh-CN");
    expect(shown!.rows.some((r) => r.id === village.id)).toBe(false);
    const all = await adminList(county, "villages", "zh-CN", { inactive: true });
    expect(all!.rows.find((r) => r.id === village.id)?.active).toBe(false);

    expect(await setActive(county, "villages", village.id, true)).toEqual({ ok: true });
    expect((await listVisibleVillages(county)).some((v) => v.id === village.id)).toBe(true);
  });
});

describe("files and mappings", () => {
  it("refuses a wrong file type or a file over the limit, and keeps each row's own number", async () => {
    expect(await readWorkbook("list.pdf", new Uint8Array([1, 2, 3]))).toMatchObject({
      ok: false,
      error: "spreadsheet.wrongType",
    });
    expect(
      await readWorkbook("big.csv", new Uint8Array(MAX_SPREADSHEET_BYTES + 1).fill(65)),
    ).toMatchObject({ ok: false, error: "spreadsheet.tooLarge" });
    expect(await readWorkbook("fake.xlsx", new TextEncoder().encode("name,level"))).toMatchObject({
      ok: false,
      error: "spreadsheet.unreadable",
    });
    const sheets = [
      {
        name: "派出单位",
        columns: UNIT_HEADERS.map((header) => ({ header })),
        rows: [["甲", "县派"], [], ["乙", "市派"]],
      },
    ];
    const read = await readWorkbook(
      "units.xlsx",
      new Uint8Array(await writeWorkbook(sheets, { creator: "t" })),
    );
    expect(read.ok && read.tables[0]!.rowNumbers).toEqual([2, 4]);
  });

  it("a sheet the user says holds cadres gets the columns its headers name", () => {
    const table = sheet("Sheet1", ["备注", ...CADRE_HEADERS], []);
    const form = new FormData();
    form.set("kind.0", "cadres");
    expect(sheetsFromForm(form, [table])[0]).toMatchObject({
      kind: "cadres",
      mapping: { name: 1, unit: 2, specialty: 3, phone: 4 },
    });
    form.set("map.0.name", "0");
    expect(sheetsFromForm(form, [table])[0]!.mapping).toEqual({ name: 0 });
  });

  it("remembers a column mapping for the next file with the same headers", async () => {
    const table = sheet("Sheet1", ["Unit", "Tier"], [["映射测试单位", "county"]]);
    // Headers nobody could guess: nothing is recognised at first.
    const [first] = await proposeSheets([table]);
    expect(first!.kind).toBeNull();
    const result = await commitWorkbook(
      county,
      [{ table, kind: "units", mapping: { name: 0, level: 1 } }],
      "en",
    );
    expect(result.ok && result.counts.new).toBe(1);
    const [again] = await proposeSheets([table]);
    expect(again).toMatchObject({ kind: "units", mapping: { name: 0, level: 1 } });
  });
});

describe("tables sent back with a preview", () => {
  it("are read back only if every cell is text", () => {
    const table = { sheet: "村庄", headers: ["村名"], rows: [["甲村"]], rowNumbers: [3] };
    expect(tablesFromForm(JSON.stringify([table]))).toEqual([table]);
    expect(tablesFromForm(JSON.stringify(table))).toEqual([table]);
    expect(tablesFromForm(JSON.stringify([{ ...table, rows: [[1]] }]))).toBeNull();
    expect(tablesFromForm(JSON.stringify([{ ...table, rowNumbers: [1, 2] }]))![0]!.rowNumbers).toBe(
      undefined,
    );
    expect(tablesFromForm("not json")).toBeNull();
    expect(tablesFromForm("[]")).toBeNull();
    expect(tablesFromForm(null)).toBeNull();
  });
});

describe("the admin summary", () => {
  it("says how many of the register's cadres serve in a team today, apart from the register", async () => {
    const summary = (await adminSummary(county))!;
    const cadres = summary.find((s) => s.kind === "cadres")!;
    const on = today();
    const current = (r: { started_on: string; ended_on: string | null }) =>
      r.started_on <= on && (r.ended_on === null || r.ended_on >= on);
    const teams = new Set(
      (await db.selectFrom("teams").select(["id", "started_on", "ended_on"]).execute())
        .filter(current)
        .map((t) => t.id),
    );
    const serving = new Set(
      (
        await db
          .selectFrom("team_memberships")
          .select(["cadre_id", "team_id", "started_on", "ended_on"])
          .execute()
      )
        .filter((m) => current(m) && teams.has(m.team_id))
        .map((m) => m.cadre_id),
    );
    expect(cadres.serving).toBe(serving.size);
    // The demo's register holds a reserve and former members besides those serving.
    expect(cadres.serving).toBeGreaterThan(0);
    expect(cadres.serving!).toBeLessThan(cadres.active);
    // Counted in SQL, by the same rule as the lists (which read the registry).
    for (const figure of summary) {
      const list = (await adminList(county, figure.kind, "zh-CN"))!;
      expect(figure.total, figure.kind).toBe(list.total);
      expect(figure.active, figure.kind).toBe(list.rows.length);
    }
    expect(summary.filter((s) => s.kind !== "cadres").every((s) => s.serving === null)).toBe(true);
  });
});
