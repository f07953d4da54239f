/**
 * Keeps a form on the phone: the outbox entry for a write made without a connection. Loaded only
 * when a write is kept (it brings IndexedDB's wrapper with it).
 */
import { replayOutbox } from "~/outbox/replay";
import {
  OUTBOX_SYNC_TAG,
  OUTBOX_TEXT_FIELDS,
  addEntry,
  nextSeq,
  type OutboxEntry,
  type OutboxKind,
} from "~/outbox/store";

/** Fields a queued entry never keeps: its id is the entry's own, a file cannot wait. */
const DROPPED = new Set(["requestId", "sentAt"]);

export async function queueWrite(input: {
  userId: string;
  kind: OutboxKind;
  action: string;
  page: string;
  form: FormData;
}): Promise<OutboxEntry> {
  // eslint-disable-next-line no-restricted-syntax -- the phone's clock: when it was made there
  const made = new Date();
  const fields: [string, string][] = [];
  for (const [name, value] of input.form.entries()) {
    if (typeof value === "string" && !DROPPED.has(name)) fields.push([name, value]);
  }
  if (input.kind === "check-in") fields.push(["madeAt", made.toISOString()]);
  const entry: OutboxEntry = {
    id: crypto.randomUUID(),
    seq: nextSeq(made.getTime()),
    userId: input.userId,
    kind: input.kind,
    action: input.action,
    page: input.page,
    fields,
    summary: summaryOf(input.kind, input.form),
    madeAt: made.toISOString(),
    state: "waiting",
    tries: 0,
  };
  await addEntry(entry);
  await askToSend();
  return entry;
}

/** Background Sync where the browser has it; otherwise the pages send on reconnect and on load. */
async function askToSend() {
  try {
    const registration = await navigator.serviceWorker?.getRegistration();
    const sync = (registration as { sync?: { register(tag: string): Promise<void> } } | undefined)
      ?.sync;
    if (sync) {
      await sync.register(OUTBOX_SYNC_TAG);
      return;
    }
  } catch {
    // No worker, or sync refused: the page sends it.
  }
  if (navigator.onLine) void replayOutbox();
}

function summaryOf(kind: OutboxKind, form: FormData): string {
  if (kind === "move") {
    const cardId = String(form.get("cardId") ?? "");
    const title =
      document.querySelector(`a.card-title[href$="/cards/${CSS.escape(cardId)}"]`)?.textContent ??
      (document.querySelector("h1")?.textContent || "");
    return clip(title);
  }
  for (const name of OUTBOX_TEXT_FIELDS) {
    const value = form.get(name);
    if (typeof value === "string" && value.trim()) return clip(value);
  }
  return "";
}

function clip(text: string) {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 80 ? `${flat.slice(0, 79)}…` : flat;
}
