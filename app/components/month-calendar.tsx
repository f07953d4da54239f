/**
 * A month of a cadre's days: in the village (check-in or a log written there), on approved leave,
 * no record, or still to come. Each state has a mark and a word, not only a colour.
 */
import { useLocale, useT } from "~/i18n";
import { EN_MONTHS_LONG } from "~/i18n/plain-format";
import { addDays, eachDay, leaveDaysTaken, monthRange, weekOf } from "~/utils/team-rules";

/** As Intl's `{ year: "numeric", month: "long" }`: "2026年9月" / "September 2026". */
export function plainMonthLong(zh: boolean, y: number, m: number): string {
  return zh ? `${y}年${m}月` : `${EN_MONTHS_LONG[m - 1]} ${y}`;
}

/** As Intl's `{ weekday: "short" }` of a day (0 = Sunday, as Date#getUTCDay): "周一" / "Mon". */
export function plainWeekday(zh: boolean, day: number): string {
  return zh ? `周${"日一二三四五六"[day]}` : "SunMonTueWedThuFriSat".slice(day * 3, day * 3 + 3);
}

type DayState = "present" | "leave" | "none" | "future";
const LABEL = {
  present: "calendar.present",
  leave: "calendar.leave",
  none: "calendar.none",
} as const;

export function MonthCalendar({
  month,
  today,
  checkIns,
  logDays,
  leave,
}: {
  month: string;
  today: string;
  checkIns: readonly string[];
  logDays: readonly string[];
  leave: readonly { from: string; to: string; returnedOn: string | null }[];
}) {
  const t = useT();
  const locale = useLocale();
  const { first, last } = monthRange(month);
  const present = new Set([...checkIns, ...logDays]);
  const onLeave = new Set<string>();
  for (const l of leave) {
    const taken = leaveDaysTaken({ startsOn: l.from, endsOn: l.to, returnedOn: l.returnedOn });
    if (taken) for (const d of eachDay(taken.from, taken.to)) onLeave.add(d);
  }
  const state = (d: string): DayState =>
    d > today ? "future" : onLeave.has(d) ? "leave" : present.has(d) ? "present" : "none";
  const weeks: string[][] = [];
  for (let w = weekOf(first); w <= last; w = addDays(w, 7)) {
    weeks.push(Array.from({ length: 7 }, (_, i) => addDays(w, i)));
  }
  // Written without Intl (as app/i18n/plain-format.ts): the first Intl.DateTimeFormat of a page loads
  // ICU's data, ~90 ms of a phone's hydration for seven weekday names.
  const zh = locale === "zh-CN";
  const [year, monthNumber] = first.split("-").map(Number) as [number, number];
  const caption = plainMonthLong(zh, year, monthNumber);
  const weekday = (d: string) => plainWeekday(zh, new Date(`${d}T00:00:00Z`).getUTCDay());
  return (
    <>
      <table className="month-calendar">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {weeks[0]!.map((d) => (
              <th scope="col" key={d}>
                {weekday(d)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeks.map((days) => (
            <tr key={days[0]}>
              {days.map((d) => {
                if (d < first || d > last) return <td key={d} />;
                const s = state(d);
                return (
                  <td key={d} className={`day day-${s}${d === today ? " day-today" : ""}`}>
                    <span className="day-number">{Number(d.slice(8))}</span>
                    {s === "future" ? null : (
                      <>
                        <span className="day-mark" aria-hidden="true">
                          {s === "present" ? "✓" : s === "leave" ? t("calendar.leaveMark") : ""}
                        </span>
                        <span className="visually-hidden">{t(LABEL[s])}</span>
                      </>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="small calendar-legend" aria-hidden="true">
        <span className="day-present">✓ {t("calendar.present")}</span>{" "}
        <span className="day-leave">
          {t("calendar.leaveMark")} {t("calendar.leave")}
        </span>{" "}
        <span className="day-none">□ {t("calendar.none")}</span>
      </p>
    </>
  );
}
