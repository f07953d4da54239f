import { describe, expect, it } from "vitest";
import { addDays, today, weekOf } from "~/utils/dates";

describe("today (China Standard Time by offset)", () => {
  const byIntl = new Intl.DateTimeFormat("en-CA", {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  });

  it("agrees with the time-zone database on both sides of every China midnight, 2014–2035", () => {
    let mismatches = 0;
    // China's midnight is 16:00 UTC the day before.
    for (let t = Date.UTC(2013, 11, 31, 16); t < Date.UTC(2036, 0, 1); t += 86_400_000) {
      for (const at of [t - 1, t, t + 8 * 3_600_000]) {
        if (today(new Date(at)) !== byIntl.format(new Date(at))) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
  });

  it("turns the day at 16:00 UTC", () => {
    expect(today(new Date("2026-12-03T15:59:59.999Z"))).toBe("2026-12-03");
    expect(today(new Date("2026-12-03T16:00:00Z"))).toBe("2026-12-04");
    expect(today(new Date("2026-12-31T16:00:00Z"))).toBe("2027-01-01");
  });

  it("adds days and finds the week's Monday across a month and a year", () => {
    expect(addDays("2026-12-30", 3)).toBe("2027-01-02");
    expect(weekOf("2027-01-03")).toBe("2026-12-28"); // a Sunday
    expect(weekOf("2026-12-28")).toBe("2026-12-28");
  });
});
