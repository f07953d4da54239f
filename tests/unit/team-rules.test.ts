import { describe, expect, it } from "vitest";
import { serverTranslator } from "~/i18n/catalogues.server";
import { dayBit, maskDays, presenceMasks } from "~/utils/presence";
import { composeDraft, composeTownshipDraft } from "~/utils/report-draft";
import {
  DEFAULT_TEAM_RULES,
  distanceMetres,
  leaveDaysTaken,
  leaveLength,
  leaveRoute,
  monthAttendance,
  reportDueAt,
  reportStatus,
  reportWeeksOfMonth,
  weekOf,
  type MonthInput,
} from "~/utils/team-rules";

const rules = { daysPerMonth: 20 };
const whole = (overrides: Partial<MonthInput>): MonthInput => ({
  month: "2025-03",
  served: [{ from: "2016-02-23", to: null }],
  presentDays: [],
  leave: [],
  today: "2025-06-01",
  ...overrides,
});
const days = (from: number, to: number, month = "2025-03") =>
  Array.from({ length: to - from + 1 }, (_, i) => `${month}-${String(from + i).padStart(2, "0")}`);

describe("in-village days", () => {
  it("counts each day once, whether it has a check-in, a log written there, or both", () => {
    const record = monthAttendance(
      whole({ presentDays: [...days(1, 15), ...days(10, 20), "2025-03-20"] }),
      rules,
    );
    expect(record).toMatchObject({ inVillage: 20, servedDays: 31, expected: 20, meets: true });
  });

  it("ignores evidence outside the month, after today, and before the cadre joined", () => {
    const record = monthAttendance(
      whole({
        served: [{ from: "2025-03-11", to: null }],
        presentDays: ["2025-02-28", ...days(5, 20), "2025-04-01"],
        today: "2025-03-18",
      }),
      rules,
    );
    // Joined on the 11th, today is the 18th: the 11th to the 18th count, 8 days.
    expect(record.inVillage).toBe(8);
    expect(record.servedDays).toBe(21);
    // 21 of 31 days served: ceil(20 × 21 / 31) = 14 expected; the month is not over, so no verdict.
    expect(record.expected).toBe(14);
    expect(record.complete).toBe(false);
    expect(record.meets).toBeNull();
  });

  it("does not count approved leave as presence, and lowers what is expected by the days taken", () => {
    const record = monthAttendance(
      whole({
        presentDays: days(1, 31),
        // Leave 26 Feb – 5 Mar: only 1–5 March fall in the month.
        leave: [{ startsOn: "2025-02-26", endsOn: "2025-03-05" }],
      }),
      rules,
    );
    expect(record.leaveDays).toBe(5);
    expect(record.inVillage).toBe(26);
    // 31 − 5 = 26 days available: ceil(20 × 26 / 31) = 17.
    expect(record.expected).toBe(17);
    expect(record.meets).toBe(true);
  });

  it("ends leave the day before the cadre reported back, never after the approved last day", () => {
    expect(
      leaveDaysTaken({ startsOn: "2025-03-10", endsOn: "2025-03-14", returnedOn: "2025-03-12" }),
    ).toEqual({ from: "2025-03-10", to: "2025-03-11" });
    expect(
      leaveDaysTaken({ startsOn: "2025-03-10", endsOn: "2025-03-14", returnedOn: "2025-03-20" }),
    ).toEqual({ from: "2025-03-10", to: "2025-03-14" });
    const record = monthAttendance(
      whole({
        presentDays: days(12, 31),
        leave: [{ startsOn: "2025-03-10", endsOn: "2025-03-14", returnedOn: "2025-03-12" }],
      }),
      rules,
    );
    expect(record.leaveDays).toBe(2);
    expect(record.inVillage).toBe(20);
  });

  it("judges a finished month against the rule: 19 days of 20 falls short", () => {
    const record = monthAttendance(whole({ presentDays: days(1, 19), month: "2025-03" }), rules);
    expect(record).toMatchObject({ inVillage: 19, expected: 20, complete: true, meets: false });
  });

  it("handles February and a membership that ended mid-month", () => {
    const record = monthAttendance(
      whole({
        month: "2024-02",
        served: [{ from: "2016-02-23", to: "2024-02-14" }],
        presentDays: days(1, 29, "2024-02"),
      }),
      rules,
    );
    expect(record.servedDays).toBe(14);
    expect(record.inVillage).toBe(14);
    expect(record.expected).toBe(10); // ceil(20 × 14 / 29)
  });
});

describe("keeping pace while the month runs", () => {
  it("is behind when the days so far fall short of the rule's share of the days already past", () => {
    // 18 March: 17 days past (today not counted); 20 × 17 / 31 = 10.97 → 10 due so far.
    const on = { today: "2025-03-18" };
    expect(monthAttendance(whole({ ...on, presentDays: days(1, 10) }), rules)).toMatchObject({
      complete: false,
      meets: null,
      behind: false,
    });
    expect(monthAttendance(whole({ ...on, presentDays: days(1, 9) }), rules).behind).toBe(true);
  });

  it("counts leave out of the days past, and judges a finished month by the rule itself", () => {
    // Leave 1–7 March: 24 days available, ceil(20 × 24 / 31) = 16 expected; on the 18th,
    // 10 available days are past: floor(16 × 10 / 24) = 6 due so far.
    const leave = [{ startsOn: "2025-03-01", endsOn: "2025-03-07" }];
    const running = whole({ today: "2025-03-18", leave, presentDays: days(8, 13) });
    expect(monthAttendance(running, rules)).toMatchObject({ expected: 16, behind: false });
    expect(monthAttendance({ ...running, presentDays: days(8, 12) }, rules).behind).toBe(true);
    expect(monthAttendance(whole({ presentDays: days(1, 19) }), rules).behind).toBe(true);
    expect(monthAttendance(whole({ presentDays: days(1, 20) }), rules).behind).toBe(false);
  });
});

describe("presence masks", () => {
  it("packs a cadre's present days per team and month, and unpacks them", () => {
    const rows = presenceMasks([
      { cadre_id: "a", team_id: "t", day: "2025-03-01" },
      { cadre_id: "a", team_id: "t", day: "2025-03-31" },
      { cadre_id: "a", team_id: "t", day: "2025-03-31" },
      { cadre_id: "a", team_id: "u", day: "2025-03-02" },
      { cadre_id: "a", team_id: "t", day: "2025-04-01" },
    ]);
    expect(rows).toHaveLength(3);
    const march = rows.find((r) => r.team_id === "t" && r.month === "2025-03")!;
    expect(maskDays("2025-03", march.days)).toEqual(["2025-03-01", "2025-03-31"]);
    expect(march.days).toBe(dayBit("2025-03-01") | dayBit("2025-03-31"));
    expect(maskDays("2025-04", rows.find((r) => r.month === "2025-04")!.days)).toEqual([
      "2025-04-01",
    ]);
  });
});

describe("leave routing", () => {
  it("sends up to the township threshold to the township and longer leave to the county", () => {
    expect(leaveLength("2025-03-10", "2025-03-10")).toBe(1);
    expect(leaveLength("2025-02-27", "2025-03-01")).toBe(3);
    expect(leaveRoute(3, DEFAULT_TEAM_RULES)).toBe("township");
    expect(leaveRoute(4, DEFAULT_TEAM_RULES)).toBe("county");
    expect(leaveRoute(5, { townshipLeaveMaxDays: 5 })).toBe("township");
  });
});

describe("weekly report deadline", () => {
  it("is Thursday 18:00 China time of the report's week by default", () => {
    expect(weekOf("2026-11-26")).toBe("2026-11-23");
    expect(weekOf("2026-11-29")).toBe("2026-11-23");
    expect(weekOf("2026-11-30")).toBe("2026-11-30");
    expect(reportDueAt("2026-11-23", DEFAULT_TEAM_RULES)).toBe("2026-11-26T10:00:00.000Z");
    expect(reportDueAt("2026-11-23", { reportDueWeekday: 5, reportDueHour: 12 })).toBe(
      "2026-11-27T04:00:00.000Z",
    );
  });

  it("marks a report on time up to the deadline, late after it, missing once it passed unsent", () => {
    const due = reportDueAt("2026-11-23", DEFAULT_TEAM_RULES);
    expect(reportStatus("2026-11-26T09:59:59.000Z", due, "2026-11-30T00:00:00.000Z")).toBe(
      "on_time",
    );
    expect(reportStatus("2026-11-26T10:00:00.000Z", due, "2026-11-30T00:00:00.000Z")).toBe(
      "on_time",
    );
    expect(reportStatus("2026-11-26T10:00:01.000Z", due, "2026-11-30T00:00:00.000Z")).toBe("late");
    expect(reportStatus(null, due, "2026-11-26T09:00:00.000Z")).toBe("not_due");
    expect(reportStatus(null, due, "2026-11-26T10:30:00.000Z")).toBe("missing");
  });

  it("gives each week to the month its deadline falls in", () => {
    // October 2026: Thursdays 1, 8, 15, 22, 29 → weeks starting 28 Sep … 26 Oct.
    expect(reportWeeksOfMonth("2026-10", DEFAULT_TEAM_RULES)).toEqual([
      "2026-09-28",
      "2026-10-05",
      "2026-10-12",
      "2026-10-19",
      "2026-10-26",
    ]);
    expect(reportWeeksOfMonth("2026-11", DEFAULT_TEAM_RULES)).toEqual([
      "2026-11-02",
      "2026-11-09",
      "2026-11-16",
      "2026-11-23",
    ]);
  });
});

describe("report drafts", () => {
  const zh = serverTranslator("zh-CN");
  const en = serverTranslator("en");
  const facts = {
    logs: [{ on: "2026-11-24", cadre: "贾鹏", body: "走访贫困户王某家，\n核实收入。" }],
    moves: [
      {
        title: "绿色养猪项目",
        board: "project" as const,
        from: "approved" as const,
        to: "in_progress" as const,
      },
      {
        title: "独居老人照料",
        board: "case" as const,
        from: "in_progress" as const,
        to: "resolved" as const,
      },
    ],
    casesResolved: [{ title: "独居老人照料" }],
    milestonesDone: [{ title: "猪舍建成", on: "2026-11-25" }],
    overdue: [{ title: "饮水工程", dueOn: "2026-11-01" }],
    upcoming: [],
  };

  it("writes up the week's logs, moves, resolved cases and milestones in the reader's language", () => {
    const draft = composeDraft(zh, "zh-CN", facts);
    expect(draft.done).toContain("民情日记 1 篇");
    expect(draft.done).toContain("贾鹏：走访贫困户王某家， 核实收入。");
    expect(draft.done).toContain("「绿色养猪项目」论证立项 → 实施中");
    expect(draft.done).toContain("解决服务个案 1 件");
    expect(draft.done).toContain("猪舍建成");
    expect(draft.problems).toContain("饮水工程");
    expect(draft.nextPlan).toBe("");
    const english = composeDraft(en, "en", facts);
    expect(english.done).toContain("1 log entry:");
    expect(english.done).toContain("2 card moves:");
    expect(english.done).toContain("“独居老人照料”: In progress → Resolved");
  });

  it("says so when nothing was recorded", () => {
    const empty = composeDraft(zh, "zh-CN", {
      ...facts,
      logs: [],
      moves: [],
      casesResolved: [],
      milestonesDone: [],
      overdue: [],
    });
    expect(empty.done).toBe(zh("report.draft.nothingRecorded"));
    expect(empty.problems).toBe("");
  });

  it("summarises a township's teams and names those not in yet", () => {
    const draft = composeTownshipDraft(zh, [
      { village: "魏家村", status: "on_time" },
      { village: "北坡村", status: "late" },
      { village: "石门村", status: "missing" },
    ]);
    expect(draft.done).toContain("本周 3 支工作队中，按时报送 1 支，迟报 1 支，未报 1 支");
    expect(draft.problems).toContain("石门村");
  });
});

describe("check-in distance", () => {
  it("is computed in metres (about 111 km per degree of latitude)", () => {
    expect(Math.round(distanceMetres({ lat: 41, lon: 114 }, { lat: 41.01, lon: 114 }))).toBe(1112);
  });
});
