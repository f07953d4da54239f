import { describe, expect, it } from "vitest";
import {
  addDays,
  exitGateBlockers,
  incidence,
  isMet,
  nextStep,
  povertyLineFor,
  readiness,
  stepRefusal,
  type ReadinessIndicator,
} from "~/utils/exit-rules";

const LINES = [
  { year: 2014, value: 2800 },
  { year: 2015, value: 2855 },
  { year: 2016, value: 2952 },
  { year: 2019, value: 3218 },
];

const allMet: ReadinessIndicator[] = [
  { kind: "hardened_road", name: null, comparison: "yes", threshold: 1, currentValue: 1 },
  {
    kind: "collective_income",
    name: null,
    comparison: "at_least",
    threshold: 30000,
    currentValue: 30000,
  },
];

describe("poverty incidence", () => {
  it("is remaining poor people over the agricultural population", () => {
    expect(
      incidence({ poorPeople: 41, poorHouseholds: 17, agriculturalPopulation: 1000 }),
    ).toBeCloseTo(0.041);
    expect(incidence({ poorPeople: 0, poorHouseholds: 0, agriculturalPopulation: 0 })).toBe(0);
  });
});

describe("indicators", () => {
  it("compares by kind: below, at least, yes/no, and unknown when not measured", () => {
    expect(isMet("below", 0.02, 0.0199)).toBe(true);
    expect(isMet("below", 0.02, 0.02)).toBe(false);
    expect(isMet("at_least", 30000, 29999)).toBe(false);
    expect(isMet("at_least", 30000, 30000)).toBe(true);
    expect(isMet("yes", 1, 0)).toBe(false);
    expect(isMet("yes", 1, 1)).toBe(true);
    expect(isMet("yes", 1, null)).toBeNull();
  });
});

describe("exit readiness", () => {
  it("names the incidence with people and households when it is 2% or more", () => {
    const items = readiness(
      { poorPeople: 12, poorHouseholds: 5, agriculturalPopulation: 290 },
      allMet,
      [],
      "2026-11-26",
    );
    expect(items).toEqual([
      {
        key: "readiness.incidence",
        params: { rate: 4.1, threshold: 2, people: 12, households: 5 },
        blocking: true,
      },
    ]);
  });

  it("is ready when every official indicator is met and the incidence is below 2%", () => {
    const items = readiness(
      { poorPeople: 3, poorHouseholds: 2, agriculturalPopulation: 300 },
      allMet,
      [],
      "2026-11-26",
    );
    expect(items.filter((i) => i.blocking)).toEqual([]);
  });

  it("blocks on unmet or unmeasured official indicators, not on the team's own or overdue milestones", () => {
    const items = readiness(
      { poorPeople: 0, poorHouseholds: 0, agriculturalPopulation: 300 },
      [
        { kind: "broadband", name: null, comparison: "yes", threshold: 1, currentValue: 0 },
        { kind: "culture_room", name: null, comparison: "yes", threshold: 1, currentValue: null },
        {
          kind: "custom",
          name: "养猪存栏",
          comparison: "at_least",
          threshold: 500,
          currentValue: 100,
        },
      ],
      [
        { title: "猪舍建成", dueOn: "2026-11-25", status: "in_progress" },
        { title: "已完成", dueOn: "2020-01-01", status: "done" },
        { title: "明天到期", dueOn: "2026-11-27", status: "planned" },
      ],
      "2026-11-26",
    );
    expect(items.map((i) => [i.key, i.blocking])).toEqual([
      ["readiness.notMet", true],
      ["readiness.notMeasured", true],
      ["readiness.notMet", false],
      ["readiness.overdueMilestone", false],
    ]);
  });

  it("cannot be computed without a roster", () => {
    expect(readiness(null, allMet, [], "2026-11-26")[0]).toMatchObject({
      key: "readiness.noRoster",
      blocking: true,
    });
  });
});

describe("household exit gates", () => {
  const household = (income: number, housing: "met" | "unmet" = "met") => ({
    status: "poor" as const,
    guarantees: {
      food: "met",
      education: "not_applicable",
      medical: "met",
      housing,
      water: "met",
    } as const,
    incomes: new Map([[2019, income]]),
  });

  it("uses the year's line, or the latest earlier one", () => {
    expect(povertyLineFor(2015, LINES)).toEqual({ year: 2015, value: 2855 });
    expect(povertyLineFor(2017, LINES)).toEqual({ year: 2016, value: 2952 });
    expect(povertyLineFor(2013, LINES)).toBeNull();
  });

  it("refuses an income below the line, with both figures", () => {
    expect(exitGateBlockers(household(3217), 2019, LINES)).toEqual([
      {
        key: "exit.gate.income",
        params: { year: "2019", income: 3217, line: 3218, lineYear: "2019" },
        blocking: true,
      },
    ]);
    expect(exitGateBlockers(household(3218), 2019, LINES)).toEqual([]);
  });

  it("refuses an unmet guarantee and a missing income", () => {
    expect(exitGateBlockers(household(5000, "unmet"), 2019, LINES).map((b) => b.params)).toEqual([
      { guarantee: "guarantee.housing" },
    ]);
    expect(exitGateBlockers(household(5000), 2020, LINES)[0]?.key).toBe("exit.gate.noIncome");
  });
});

describe("household exit steps", () => {
  it("go in order and end with the announcement or a withdrawal", () => {
    expect(nextStep([])).toBe("appraisal");
    expect(nextStep([{ step: "appraisal", doneOn: "2019-10-01" }])).toBe("verification");
    expect(
      nextStep([
        { step: "appraisal", doneOn: "2019-10-01" },
        { step: "withdrawn", doneOn: "2019-10-02" },
      ]),
    ).toBeNull();
  });

  it("refuse a skipped step, a date before the previous step, and an announcement during the notice", () => {
    const steps = [
      { step: "appraisal" as const, doneOn: "2019-10-01" },
      { step: "verification" as const, doneOn: "2019-10-05" },
      { step: "confirmation" as const, doneOn: "2019-10-06" },
      { step: "notice" as const, doneOn: "2019-10-10" },
    ];
    expect(stepRefusal(steps.slice(0, 1), "confirmation", "2019-10-06", 7)?.key).toBe(
      "exit.step.outOfOrder",
    );
    expect(stepRefusal(steps.slice(0, 1), "verification", "2019-09-30", 7)?.key).toBe(
      "exit.step.beforePrevious",
    );
    expect(stepRefusal(steps, "announcement", "2019-10-16", 7)).toEqual({
      key: "exit.step.noticeRunning",
      params: { days: 7, date: "2019-10-17" },
    });
    expect(stepRefusal(steps, "announcement", "2019-10-17", 7)).toBeNull();
    expect(stepRefusal(steps, "announcement", "2019-10-19", 10)?.key).toBe(
      "exit.step.noticeRunning",
    );
  });

  it("count notice days across month ends", () => {
    expect(addDays("2019-10-28", 7)).toBe("2019-11-04");
    expect(addDays("2020-02-25", 7)).toBe("2020-03-03");
  });
});
