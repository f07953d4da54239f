import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { formatDateTime, formatList, useLocale, useT, type Locale, type Translate } from "~/i18n";
import { OFFICIAL_INDICATORS } from "~/utils/exit-rules";
import { formatIndicatorValue } from "~/utils/indicators";
import { db } from "~/db.server";
import { authorizeVillage } from "~/models/access.server";
import { listActivity, type ActivityEntry } from "~/models/activity.server";
import { villageTabTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => villageTabTitle(args, "village.tab.activity");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const villageId = params.villageId ?? "";
  const auth = await authorizeVillage(db, viewer, villageId, "read:village");
  if (!auth.ok) notFound();
  const before = new URL(request.url).searchParams.get("before") ?? undefined;
  const entries = await listActivity(villageId, { limit: 100, before });
  return { villageId, entries, more: entries.length === 100 ? entries.at(-1)!.at : null };
}

/** Official indicators by the label their activity entries carry (`indicator.kind.<kind>`). */
const OFFICIAL_BY_LABEL = new Map(OFFICIAL_INDICATORS.map((d) => [`indicator.kind.${d.kind}`, d]));
const VALUE_FIELDS = new Set(["baseline", "target", "current_value", "threshold"]);

/** A stored value as text: dates and numbers as they are, lists joined, nothing as a dash. */
function show(
  t: Translate,
  locale: Locale,
  entry: ActivityEntry,
  field: string,
  value: unknown,
): string {
  if (value === null || value === undefined || value === "") return "—";
  if (entry.entity === "indicator" && VALUE_FIELDS.has(field) && typeof value === "number") {
    const definition = OFFICIAL_BY_LABEL.get(entry.label);
    if (definition) return formatIndicatorValue(t, locale, definition, value);
  }
  if (typeof value === "string" && t.has(`${fieldPrefix(field)}.${value}`)) {
    return t(`${fieldPrefix(field)}.${value}` as "cause.illness");
  }
  if (typeof value === "string" && value.startsWith("[")) {
    try {
      const list = JSON.parse(value) as string[];
      const prefix = field === "help_measures" ? "measure" : "cause";
      return (
        formatList(
          locale,
          list.map((v) => (t.has(`${prefix}.${v}`) ? t(`${prefix}.${v}` as "cause.illness") : v)),
        ) || "—"
      );
    } catch {
      return value;
    }
  }
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${String(v)}`)
      .join("; ");
  }
  return String(value);
}

function fieldPrefix(field: string) {
  switch (field) {
    case "status":
      return "anyStatus";
    case "main_cause":
      return "cause";
    case "food":
    case "education":
    case "medical":
    case "housing":
    case "water":
      return "guaranteeResult";
    default:
      return "none";
  }
}

function fieldLabel(t: Translate, field: string) {
  const key = `field.${field}`;
  return t.has(key) ? t(key) : field;
}

function Entry({ entry }: { entry: ActivityEntry }) {
  const t = useT();
  const locale = useLocale();
  const label = t.has(entry.label) ? t(entry.label) : entry.label;
  const changes = entry.changes;
  return (
    <li className="activity-entry">
      <p>
        <strong>{entry.actor ?? t("activity.system")}</strong>{" "}
        {t(`activity.${entry.action}.${entry.entity}` as "activity.update.plan", { label })}{" "}
        <time dateTime={entry.at} className="muted small">
          {formatDateTime(locale, entry.at)}
        </time>
      </p>
      {entry.action === "step" && entry.entity === "village_exit" ? (
        <p className="small">
          {changes.undone
            ? t("activity.undoLine", {
                step: t(`villageExit.step.${String(changes.step)}` as "villageExit.step.proposal"),
                reason: String(changes.reason ?? ""),
              })
            : t("activity.stepLine", {
                step: t(`villageExit.step.${String(changes.step)}` as "villageExit.step.proposal"),
                date: String(changes.doneOn),
              })}
          {!changes.undone && changes.note ? ` — ${String(changes.note)}` : ""}
        </p>
      ) : entry.action === "step" ? (
        <p className="small">
          {t("activity.stepLine", {
            step: t(`exit.step.${String(changes.step)}` as "exit.step.appraisal"),
            date: String(changes.doneOn),
          })}
          {changes.note ? ` — ${String(changes.note)}` : ""}
        </p>
      ) : entry.action === "import" ? (
        <p className="small">
          {t("activity.importLine", {
            created: Number(changes.created ?? 0),
            updated: Number(changes.updated ?? 0),
          })}
        </p>
      ) : (
        <dl className="changes small">
          {Object.entries(changes as Record<string, [unknown, unknown]>).map(
            ([field, [before, after]]) => (
              <div key={field}>
                <dt>{fieldLabel(t, field)}</dt>
                <dd>
                  {entry.action === "update" ? (
                    <>
                      <del>{show(t, locale, entry, field, before)}</del> →{" "}
                      <ins>{show(t, locale, entry, field, after)}</ins>
                    </>
                  ) : (
                    show(t, locale, entry, field, after)
                  )}
                </dd>
              </div>
            ),
          )}
        </dl>
      )}
    </li>
  );
}

export default function ActivityTab() {
  const t = useT();
  const { entries, more, villageId } = useLoaderData<typeof loader>();
  return (
    <section className="card" aria-labelledby="activity-title">
      <h2 id="activity-title">{t("activity.title")}</h2>
      {entries.length === 0 ? <p className="muted">{t("activity.none")}</p> : null}
      <ol className="activity">
        {entries.map((e) => (
          <Entry key={e.id} entry={e} />
        ))}
      </ol>
      {more ? (
        <p>
          <Link to={`/villages/${villageId}/activity?before=${encodeURIComponent(more)}`}>
            {t("activity.older")}
          </Link>
        </p>
      ) : null}
    </section>
  );
}
