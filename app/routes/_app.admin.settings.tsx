import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { SavedNotice } from "~/components/saved-notice";
import { useT } from "~/i18n";
import { getSettings, saveSettings } from "~/models/settings.server";
import { hasCountyWide } from "~/permissions";
import { readForm } from "~/utils/form-guard.server";
import { pageTitle } from "~/utils/meta";
import { SETTINGS, SETTING_KEYS, type SettingKey } from "~/utils/settings";

/** A setting's form field: its key with "-" for "." (a dotted name would read as a nested one). */
const fieldName = (key: SettingKey) => key.replace(/\./g, "-");

export const meta: MetaFunction = (args) => pageTitle(args, "settings.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  if (!hasCountyWide(viewer, "manage:settings")) notFound();
  return { values: await getSettings() };
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  if (!hasCountyWide(viewer, "manage:settings")) notFound();
  const form = await readForm(request, SETTING_KEYS.map(fieldName));
  const typed = Object.fromEntries(
    SETTING_KEYS.map((k) => [k, String(form.get(fieldName(k)) ?? "").slice(0, 12)]),
  );
  const result = await saveSettings(viewer, typed);
  if (result.ok) return redirect("/admin/settings?saved=settings");
  if (result.reason === "forbidden") notFound();
  return data({ typed, invalid: result.fields }, { status: 400 });
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
  const { values } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <article className="stack-lg narrow">
      <p>
        <Link to="/admin">← {t("admin.title")}</Link>
      </p>
      <header className="page-head">
        <h1>{t("settings.title")}</h1>
        <p className="muted">{t("settings.intro")}</p>
      </header>
      <SavedNotice />
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
              const id = `setting-${fieldName(key)}`;
              const invalid = reply?.invalid.includes(key);
              return (
                <div className="field" key={key}>
                  <label htmlFor={id}>{t(def.label)}</label>
                  <input
                    id={id}
                    className="input-number"
                    name={fieldName(key)}
                    type="number"
                    inputMode="numeric"
                    min={def.min}
                    max={def.max}
                    step={1}
                    required
                    defaultValue={reply?.typed[key] ?? values[key]}
                    aria-invalid={invalid || undefined}
                    aria-describedby={`${id}-help${invalid ? ` ${id}-error` : ""}`}
                  />
                  <p id={`${id}-help`} className="muted small">
                    {t(def.help)}{" "}
                    {t("settings.range", { min: def.min, max: def.max, default: def.default })}
                  </p>
                  {invalid ? (
                    <p id={`${id}-error`} className="field-errors">
                      {t("settings.outOfRange", { min: def.min, max: def.max })}
                    </p>
                  ) : null}
                </div>
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
    </article>
  );
}
