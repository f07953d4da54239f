/**
 * What this phone keeps to send (issue 21): shown on every page above the content while the
 * outbox holds anything of the signed-in user. Waiting writes are listed with when they were made;
 * a refused one with the server's reason; a conflicting one with the server's values beside the
 * cadre's own, to send again as theirs, re-do on its page, or drop. Nothing leaves the outbox
 * without the server's acceptance or the cadre's choice.
 *
 * Loaded after hydration (it brings IndexedDB's wrapper); it also sends the outbox when the page
 * loads, when the connection returns, and again while something waits: soon after a send that got
 * no answer (2 s, doubling), every 30 s otherwise (`retryDelay`).
 */
import { Link, useRevalidator } from "@remix-run/react";
import { useCallback, useEffect, useState } from "react";
import { FieldErrors } from "~/components/field-errors";
import { formatDateTime, useLocale, useT, type MessageKey, type Translate } from "~/i18n";
import { replayOutbox, retryDelay } from "~/outbox/replay";
import {
  OUTBOX_CHANNEL,
  OUTBOX_TEXT_FIELDS,
  clearUser,
  listEntries,
  removeEntry,
  updateEntry,
  type OutboxEntry,
  type OutboxMessage,
} from "~/outbox/store";
import { keepPageWhenUnreachable } from "~/outbox/keep-page";

export function OutboxPanel({ userId }: { userId: string }) {
  const t = useT();
  const locale = useLocale();
  const revalidator = useRevalidator();
  const [entries, setEntries] = useState<OutboxEntry[]>([]);
  // The browser's word, corrected by the last try: a phone "online" with no signal gets no answer.
  const [online, setOnline] = useState(() => navigator.onLine);
  const [noAnswer, setNoAnswer] = useState(false);
  const [sending, setSending] = useState(false);
  const [sentNow, setSentNow] = useState(0);
  // The last send's outcome: how many in a row got no answer (a new object after every send, so
  // the next one is scheduled from it).
  const [lastSend, setLastSend] = useState({ unanswered: 0 });

  const refresh = useCallback(() => listEntries().then(setEntries), []);

  const send = useCallback(async () => {
    if (!navigator.onLine) return;
    setSending(true);
    try {
      const report = await replayOutbox({ userId });
      if (!report.busy) setNoAnswer(Boolean(report.unreachable));
      const answered = !report.busy && !report.unreachable;
      setLastSend((last) => ({ unanswered: answered ? 0 : last.unanswered + 1 }));
    } finally {
      setSending(false);
      await refresh();
    }
  }, [userId, refresh]);

  useEffect(() => {
    // From now on a read of this page's data that finds no connection waits for it.
    keepPageWhenUnreachable();
    void refresh().then(send);
    const channel = new BroadcastChannel(OUTBOX_CHANNEL);
    channel.onmessage = (event: MessageEvent<OutboxMessage>) => {
      void refresh();
      const message = event.data;
      if (message.type === "sent" && message.userId === userId) {
        setSentNow((n) => n + message.count);
        revalidator.revalidate();
      }
    };
    const goOnline = () => {
      setOnline(true);
      setLastSend({ unanswered: 0 });
      void send();
    };
    const goOffline = () => setOnline(false);
    window.addEventListener("online", goOnline);
    window.addEventListener("offline", goOffline);
    return () => {
      channel.close();
      window.removeEventListener("online", goOnline);
      window.removeEventListener("offline", goOffline);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per user
  }, [userId]);

  const mine = entries.filter((e) => e.userId === userId);
  const others = entries.length - mine.length;
  const waiting = mine.filter((e) => e.state === "waiting").length;

  useEffect(() => {
    if (!waiting || !online) return;
    const timer = setTimeout(() => void send(), retryDelay(lastSend.unanswered));
    return () => clearTimeout(timer);
  }, [waiting, online, lastSend, send]);

  if (!mine.length && !others && !sentNow) return null;
  const needsChoice = mine.some((e) => e.state !== "waiting");

  return (
    <section className="outbox card stack" aria-labelledby="outbox-title" data-testid="outbox">
      <div className="outbox-head">
        <h2 id="outbox-title">
          {mine.length ? t("outbox.title", { count: mine.length }) : t("outbox.allSent")}
        </h2>
        {waiting ? (
          <button
            type="button"
            className="button"
            onClick={() => void send()}
            disabled={!online || sending}
          >
            {sending ? t("outbox.sending") : t("outbox.sendNow")}
          </button>
        ) : null}
      </div>
      <p className="hint" role="status">
        {waiting
          ? online && !noAnswer
            ? t("outbox.willSend")
            : t("outbox.offline")
          : sentNow
            ? t("outbox.sent", { count: sentNow })
            : ""}
      </p>
      {/* Folded while all is waiting, so the page's own task stays on the first screen. */}
      {mine.length ? (
        <details open={needsChoice}>
          <summary>{t("outbox.list")}</summary>
          <ol className="outbox-list">
            {mine.map((entry) => (
              <OutboxItem key={entry.id} entry={entry} t={t} locale={locale} onSend={send} />
            ))}
          </ol>
        </details>
      ) : null}
      {others ? <p className="small muted">{t("outbox.others", { count: others })}</p> : null}
    </section>
  );
}

function OutboxItem({
  entry,
  t,
  locale,
  onSend,
}: {
  entry: OutboxEntry;
  t: Translate;
  locale: ReturnType<typeof useLocale>;
  onSend: () => Promise<void>;
}) {
  const label = t(`outbox.kind.${entry.kind}` as MessageKey);
  const state = t(`outbox.state.${entry.state}` as MessageKey);
  return (
    <li className={`outbox-item is-${entry.state}`} data-outbox-state={entry.state}>
      <p>
        <strong>{label}</strong>
        {entry.summary ? ` · ${entry.summary}` : ""}
        <span className="muted small">
          {" "}
          · {t("outbox.madeAt", { when: formatDateTime(locale, entry.madeAt) })} ·{" "}
        </span>
        <span className={`badge outbox-state-${entry.state}`}>{state}</span>
      </p>
      {entry.state !== "waiting" ? (
        <div className="stack" role="alert">
          <FieldErrors errors={entry.messages} />
          {entry.conflict ? <ConflictTable entry={entry} t={t} locale={locale} /> : null}
          <Typed entry={entry} t={t} />
          <p className="button-row">
            {entry.conflict ? (
              <button
                type="button"
                className="button button-primary"
                onClick={async () => {
                  // Sent again as the cadre's, over the values the server has now.
                  const fields = entry.fields.map(([k, v]): [string, string] =>
                    k === "version" ? [k, String(entry.conflict!.version)] : [k, v],
                  );
                  await updateEntry(entry.id, {
                    fields,
                    state: "waiting",
                    conflict: undefined,
                    messages: undefined,
                  });
                  await onSend();
                }}
              >
                {t("outbox.keepMine")}
              </button>
            ) : null}
            <Link to={entry.page} className="button">
              {t("outbox.redo")}
            </Link>
            <button type="button" className="button" onClick={() => void removeEntry(entry.id)}>
              {t("outbox.drop")}
            </button>
          </p>
        </div>
      ) : null}
    </li>
  );
}

/** What the cadre typed, in full: to copy into the form when re-doing a refused write. */
function Typed({ entry, t }: { entry: OutboxEntry; t: Translate }) {
  const typed = entry.fields.filter(
    ([name, value]) =>
      (OUTBOX_TEXT_FIELDS as readonly string[]).includes(name) && value.trim() !== "",
  );
  if (!typed.length) return null;
  return (
    <details className="outbox-typed">
      <summary>{t("outbox.typed")}</summary>
      {typed.map(([name, value]) => (
        <p key={name}>{value}</p>
      ))}
    </details>
  );
}

/** The server's values now beside the cadre's own, field by field. */
function ConflictTable({
  entry,
  t,
  locale,
}: {
  entry: OutboxEntry;
  t: Translate;
  locale: ReturnType<typeof useLocale>;
}) {
  const conflict = entry.conflict!;
  const mine = new Map(entry.fields);
  const rows = Object.entries(conflict.current).filter(([field]) => field !== "version");
  return (
    <div className="stack">
      <p>
        {conflict.at
          ? t("conflict.by", {
              who: conflict.by ?? t("conflict.someone"),
              when: formatDateTime(locale, conflict.at),
            })
          : t("conflict.someone")}
      </p>
      <table className="outbox-conflict">
        <thead>
          <tr>
            <th scope="col">{t("outbox.field")}</th>
            <th scope="col">{t("outbox.mine")}</th>
            <th scope="col">{t("outbox.theirs")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([field, value]) => (
            <tr key={field}>
              <th scope="row">{fieldLabel(t, field)}</th>
              <td>{mine.has(field) ? valueText(t, field, mine.get(field)) : "—"}</td>
              <td>{valueText(t, field, value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function fieldLabel(t: Translate, field: string) {
  for (const key of [`outbox.field.${field}`, `field.${field}`, `milestone.${field}`]) {
    if (t.has(key)) return t(key);
  }
  return field;
}

function valueText(t: Translate, field: string, value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  const text = String(value);
  const keys =
    field === "column"
      ? [`board.column.case.${text}`, `board.column.project.${text}`]
      : field === "status"
        ? [`milestone.status.${text}`]
        : [];
  for (const key of keys) if (t.has(key)) return t(key);
  return text;
}

/** Called before the sign-out form posts: what this phone keeps of the user goes with them. */
export async function clearOnSignOut(userId: string) {
  await clearUser(userId);
}
