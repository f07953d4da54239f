import { Form, useNavigation } from "@remix-run/react";
import { formatDateTime, useLocale, useT } from "~/i18n";

export interface SessionItem {
  id: string;
  shortId: string;
  profile: "shared" | "device";
  createdAt: string;
  lastSeenAt: string;
  ip: string;
  device: string;
  current: boolean;
}

/**
 * Open sessions as a list a phone can read (one card each, its button inside), for "My sessions"
 * and the county admin's page of an account. `endLabel` names the button of a session that is not
 * this browser's; this browser's own session is ended by signing out.
 */
export function SessionList({
  sessions,
  label,
  intent,
}: {
  sessions: readonly SessionItem[];
  label: string;
  intent: string;
}) {
  const t = useT();
  const locale = useLocale();
  const busy = useNavigation().state === "submitting";
  return (
    <ul className="session-list" aria-label={label}>
      {sessions.map((s) => (
        <li key={s.id} className="card session">
          <p className="session-device">
            <strong>{s.device}</strong>{" "}
            {s.current ? <span className="badge badge-own">{t("sessions.thisOne")}</span> : null}
            <span className="muted small"> #{s.shortId}</span>
          </p>
          <dl className="session-facts small">
            <div>
              <dt>{t("sessions.profile")}</dt>
              <dd>
                {t(s.profile === "device" ? "sessions.profile.device" : "sessions.profile.shared")}
              </dd>
            </div>
            <div>
              <dt>{t("sessions.since")}</dt>
              <dd>{formatDateTime(locale, s.createdAt)}</dd>
            </div>
            <div>
              <dt>{t("sessions.lastSeen")}</dt>
              <dd>{formatDateTime(locale, s.lastSeenAt)}</dd>
            </div>
            <div>
              <dt>{t("sessions.address")}</dt>
              <dd>{s.ip}</dd>
            </div>
          </dl>
          <Form method="post">
            <input type="hidden" name="id" value={s.id} />
            <button
              type="submit"
              name="intent"
              value={intent}
              className="button"
              disabled={busy}
              aria-label={`${s.current ? t("nav.signOut") : t("sessions.end")}: ${s.device} #${s.shortId}`}
            >
              {s.current ? t("nav.signOut") : t("sessions.end")}
            </button>
          </Form>
        </li>
      ))}
    </ul>
  );
}
