/**
 * The weekly report's first draft, composed from what the week already recorded (logs, card moves,
 * cases resolved, milestones done). Pure: the server gathers the facts, this writes them up in the
 * reader's language, and the team edits the result before submitting.
 */
import type { Board, BoardColumn } from "../../db/schema";
import { formatDate, type Locale, type Translate } from "~/i18n";

export interface WeekFacts {
  logs: { on: string; cadre: string; body: string }[];
  moves: { title: string; board: Board; from: BoardColumn; to: BoardColumn }[];
  casesResolved: { title: string }[];
  milestonesDone: { title: string; on: string }[];
  /** Open problems: overdue milestones and cases, as of the end of the week. */
  overdue: { title: string; dueOn: string }[];
  /** Milestones due in the next two weeks. */
  upcoming: { title: string; dueOn: string }[];
}

export interface ReportText {
  done: string;
  problems: string;
  nextPlan: string;
}

const EXCERPT = 80;

function excerpt(text: string) {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > EXCERPT ? `${flat.slice(0, EXCERPT)}…` : flat;
}

export function composeDraft(t: Translate, locale: Locale, facts: WeekFacts): ReportText {
  const date = (d: string) => formatDate(locale, d);
  const section = (heading: string, lines: string[]) =>
    lines.length ? [heading, ...lines.map((l) => `- ${l}`)].join("\n") : "";
  const done = [
    section(
      t("report.draft.logs", { count: facts.logs.length }),
      facts.logs.map(
        (l) => `${date(l.on)} ${t("common.labelColon", { label: l.cadre })}${excerpt(l.body)}`,
      ),
    ),
    section(
      t("report.draft.moves", { count: facts.moves.length }),
      facts.moves.map((m) =>
        t("report.draft.move", {
          title: m.title,
          from: t(`board.column.${m.board}.${m.from}` as never),
          to: t(`board.column.${m.board}.${m.to}` as never),
        }),
      ),
    ),
    section(
      t("report.draft.casesResolved", { count: facts.casesResolved.length }),
      facts.casesResolved.map((c) => c.title),
    ),
    section(
      t("report.draft.milestonesDone", { count: facts.milestonesDone.length }),
      facts.milestonesDone.map((m) => `${m.title} (${date(m.on)})`),
    ),
  ]
    .filter(Boolean)
    .join("\n\n");
  return {
    done: done || t("report.draft.nothingRecorded"),
    problems: section(
      t("report.draft.overdue", { count: facts.overdue.length }),
      facts.overdue.map((o) => t("report.draft.dueItem", { title: o.title, date: date(o.dueOn) })),
    ),
    nextPlan: section(
      t("report.draft.upcoming", { count: facts.upcoming.length }),
      facts.upcoming.map((o) => t("report.draft.dueItem", { title: o.title, date: date(o.dueOn) })),
    ),
  };
}

/** A township's summary draft: how its teams reported this week, naming those still missing. */
export function composeTownshipDraft(
  t: Translate,
  teams: { village: string; status: "on_time" | "late" | "missing" | "not_due" }[],
): ReportText {
  const by = (status: string) => teams.filter((x) => x.status === status).map((x) => x.village);
  const missing = [...by("missing"), ...by("not_due")];
  return {
    done: t("report.draft.townshipCounts", {
      teams: teams.length,
      onTime: by("on_time").length,
      late: by("late").length,
      missing: missing.length,
    }),
    problems: missing.length
      ? t("report.draft.townshipMissing", { villages: missing.join(t("common.listSeparator")) })
      : "",
    nextPlan: "",
  };
}
