import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useNavigation,
  useSearchParams,
} from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { SavedNotice } from "~/components/saved-notice";
import { TableRegion } from "~/components/table-region";
import { formatCount, formatDate, formatDateTime, useLocale, useT } from "~/i18n";
import { ruleHistory, saveTeamRules, teamRulesOn } from "~/models/county-rules.server";
import { getSettings, saveSettings } from "~/models/settings.server";
import { hasCountyWide } from "~/permissions";
import { today } from "~/utils/dates";
import { readForm } from "~/utils/form-guard.server";
import { pageTitle } from "~/utils/meta";
import { SETTINGS, SETTING_KEYS, type SettingKey } from "~/utils/settings";
import {
  TEAM_RULE_GROUPS,
  TEAM_RULE_KEYS,
  TEAM_RULE_RANGES,
  type TeamRuleKey,
} from "~/utils/team-rules";

/** A setting's form field: its key with "-" for "." (a dotted name would read as a nested one). */
const fieldName = (key: SettingKey) => key.replace(/\./g, "-");
/** A team rule's form field. */
const ruleField = (key: TeamRuleKey) => `rule-${key}`;

export const meta: MetaFunction = (args) => pageTitle(args, "settings.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  if (!hasCountyWide(viewer, "manage:settings")) notFound();
  const on = today();
  const [values, rules, history] = await Promise.all([
    getSettings(),
    teamRulesOn(on),
    ruleHistory(),
  ]);
  return { values, rules, history, today: on };
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  if (!hasCountyWide(viewer, "manage:settings")) notFound();
  const form = await readForm(request, [
    "intent",
    "effectiveFrom",
    ...SETTING_KEYS.map(fieldName),
    ...TEAM_RULE_KEYS.map(ruleField),
  ]);
  if (form.get("intent") === "rules") {
    const typed = Object.fromEntries(
      TEAM_RULE_KEYS.map((k) => [k, String(form.get(ruleField(k)) ?? "").slice(0, 12)]),
    ) as Record<TeamRuleKey, string>;
    const effectiveFrom = String(form.get("effectiveFrom") ?? "").slice(0, 10);
    const result = await saveTeamRules(viewer, typed, effectiveFrom);
    if (result.ok) return redirect("/admin/settings?saved=rules#team-rules");
    if (result.reason === "forbidden") notFound();
    return data(
      { form: "rules" as const, typed, effectiveFrom, invalid: result.fields as string[] },
      { status: 400 },
    );
  }
  const typed = Object.fromEntries(
    SETTING_KEYS.map((k) => [k, String(form.get(fieldName(k)) ?? "").slice(0, 12)]),
  );
  const result = await saveSettings(viewer, typed);
  if (result.ok) return redirect("/admin/settings?saved=settings");
  if (result.reason === "forbidden") notFound();
  return data(
    { form: "settings" as const, typed, effectiveFrom: "", invalid: result.fields as string[] },
    { status: 400 },
  );
}

const GROUPS: {
  title: "settings.group.sessions" | "settings.group.login" | "settings.group.audit";
  keys: SettingKey[];
}[] = [
  {
    title: "settings.group.sessions",
    keys: [
      "session.shared.idleMinutes",
      "session.shared.maxHours",
      "session.device.idleDays",
      "session.device.maxDays",
    ],
  },
  {
    title: "settings.group.login",
    keys: ["login.maxFailures", "login.lockMinutes", "login.addressMaxFailures"],
  },
  { title: "settings.group.audit", keys: ["audit.retentionDays"] },
];

/** The county's own rules: each with its default, its allowed range and why. */
export default function CountySettings() {
  const t = useT();
  const locale = useLocale();
  const { values, rules, history, today: on } = useLoaderData<typeof loader>();
  const replied = useActionData<typeof action>();
  const reply = replied?.form === "settings" ? replied : undefined;
  const rulesReply = replied?.form === "rules" ? replied : undefined;
  const busy = useNavigation().state === "submitting";
  const rulesSaved = useSearchParams()[0].get("saved") === "rules";
  return (
    <article className="stack-lg narrow">
      <p>
        <Link to="/admin">← {t("admin.title")}</Link>
      </p>
      <header className="page-head">
        <h1>{t("settings.title")}</h1>
        <p className="muted">{t("settings.intro")}</p>
      </header>
      {rulesSaved ? null : <SavedNotice />}
      {reply ? (
        <p role="alert" className="error-box">
          {t("settings.invalid")}
        </p>
      ) : null}
      <Form method="post" className="stack-lg">
        {GROUPS.map((group) => (
          <fieldset key={group.title} className="card stack">
            <legend>{t(group.title)}</legend>
            {group.keys.map((key) => {
              const def = SETTINGS[key];
              return (
                <WholeNumberField
                  key={key}
                  id={`setting-${fieldName(key)}`}
                  name={fieldName(key)}
                  label={t(def.label)}
                  help={`${t(def.help)} ${t("settings.range", { min: def.min, max: def.max, default: def.default })}`}
                  min={def.min}
                  max={def.max}
                  value={(reply?.typed as Record<string, string> | undefined)?.[key] ?? values[key]}
                  invalid={reply?.invalid.includes(key)}
                />
              );
            })}
          </fieldset>
        ))}
        <div>
          <button type="submit" className="button button-primary" disabled={busy}>
            {t("form.save")}
          </button>
        </div>
      </Form>

      <section id="team-rules" aria-labelledby="team-rules-title" className="stack">
        <h2 id="team-rules-title">{t("rules.title")}</h2>
        <p className="muted">{t("rules.intro")}</p>
        {rulesSaved ? (
          <p role="status" className="saved">
            {t("saved.rules")}
          </p>
        ) : null}
        {rulesReply ? (
          <p role="alert" className="error-box">
            {t("rules.invalid")}
          </p>
        ) : null}
        <Form method="post" className="card stack" action="/admin/settings#team-rules">
          <input type="hidden" name="intent" value="rules" />
          {TEAM_RULE_GROUPS.map((group) => (
            <fieldset key={group} className="stack">
              <legend>{t(`rules.group.${group}`)}</legend>
              {TEAM_RULE_KEYS.filter((key) => TEAM_RULE_RANGES[key].group === group).map((key) => {
                const range = TEAM_RULE_RANGES[key];
                return (
                  <WholeNumberField
                    key={key}
                    id={`rule-${key}`}
                    name={ruleField(key)}
                    label={t(`rules.${key}.label`)}
                    help={`${t(`rules.${key}.help`)} ${t("rules.range", {
                      min: formatCount(locale, range.min),
                      max: formatCount(locale, range.max),
                    })}`}
                    min={range.min}
                    max={range.max}
                    value={rulesReply?.typed[key] ?? rules[key]}
                    invalid={rulesReply?.invalid.includes(key)}
                  />
                );
              })}
            </fieldset>
          ))}
          <div className="field">
            <label htmlFor="rules-from">{t("rules.effectiveFrom")}</label>
            <input
              id="rules-from"
              name="effectiveFrom"
              type="date"
              min={on}
              required
              defaultValue={rulesReply?.effectiveFrom || on}
              aria-invalid={rulesReply?.invalid.includes("effectiveFrom") || undefined}
              aria-describedby="rules-from-help"
            />
            <p id="rules-from-help" className="muted small">
              {t("rules.effectiveFromHelp")}
            </p>
            {rulesReply?.invalid.includes("effectiveFrom") ? (
              <p className="field-errors">{t("rules.effectiveFromInvalid")}</p>
            ) : null}
          </div>
          <div>
            <button type="submit" className="button button-primary" disabled={busy}>
              {t("rules.save")}
            </button>
          </div>
        </Form>
        <h3>{t("rules.history")}</h3>
        {history.length ? (
          <TableRegion label={t("rules.history")}>
            <thead>
              <tr>
                <th scope="col">{t("rules.col.rule")}</th>
                <th scope="col">{t("rules.col.change")}</th>
                <th scope="col">{t("rules.col.from")}</th>
                <th scope="col">{t("rules.col.by")}</th>
              </tr>
            </thead>
            <tbody>
              {history.map((change) => (
                <tr key={change.id}>
                  <th scope="row">{t(`rules.${change.key}.label`)}</th>
                  <td data-label={t("rules.col.change")}>
                    {change.before} → {change.after}
                  </td>
                  <td data-label={t("rules.col.from")}>
                    {formatDate(locale, change.effectiveFrom)}
                    {change.effectiveFrom > on ? ` ${t("rules.upcoming")}` : ""}
                  </td>
                  <td data-label={t("rules.col.by")}>
                    {t("rules.byAt", {
                      name: change.changedBy ?? "—",
                      at: formatDateTime(locale, change.changedAt),
                    })}
                  </td>
                </tr>
              ))}
            </tbody>
          </TableRegion>
        ) : (
          <p className="muted">{t("rules.noHistory")}</p>
        )}
      </section>
    </article>
  );
}

/** One whole number within a range, with its help and, when refused, why. */
function WholeNumberField({
  id,
  name,
  label,
  help,
  min,
  max,
  value,
  invalid,
}: {
  id: string;
  name: string;
  label: string;
  help: string;
  min: number;
  max: number;
  value: string | number;
  invalid?: boolean;
}) {
  const t = useT();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        className="input-number"
        name={name}
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        step={1}
        required
        defaultValue={value}
        aria-invalid={invalid || undefined}
        aria-describedby={`${id}-help${invalid ? ` ${id}-error` : ""}`}
      />
      <p id={`${id}-help`} className="muted small">
        {help}
      </p>
      {invalid ? (
        <p id={`${id}-error`} className="field-errors">
          {t("settings.outOfRange", { min, max })}
        </p>
      ) : null}
    </div>
  );
}
