/**
 * The outbox (issue 21): writes a cadre made without signal, kept on the phone in IndexedDB until
 * the server has them. Used by the page and by the service worker (no DOM here).
 *
 * An entry is the form exactly as it would have been posted — the same fields, checked by the
 * same action on the server when it is sent — plus what the outbox needs: whose it is, where it
 * goes, when it was made and what became of it. Its id is also the form's `requestId`, which the
 * server claims once (models/write-once.server.ts), so sending it twice makes one record.
 *
 * Entries belong to one user and are only ever sent for that user (the server checks the
 * `X-Zhucun-User` header against the session). Sent entries are deleted at once; refused and
 * conflicting ones stay until the cadre keeps, re-does or drops them.
 */
import { openDB, type DBSchema, type IDBPDatabase } from "idb";

export const OUTBOX_DB = "zhucun-outbox";
/** Every page and the worker hear of a change to the outbox on this channel. */
export const OUTBOX_CHANNEL = "zhucun-outbox";
/** The Background Sync tag the worker sends the outbox on. */
export const OUTBOX_SYNC_TAG = "zhucun-outbox";

export const OUTBOX_KINDS = ["check-in", "log", "case", "comment", "move", "milestone"] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

/** The fields a person typed text into: the entry's line, and what a refused write shows back. */
export const OUTBOX_TEXT_FIELDS = ["title", "body", "content", "notes", "evidence"] as const;

/** waiting: not yet accepted; refused: the server said no (messages); conflict: changed meanwhile. */
export type OutboxState = "waiting" | "refused" | "conflict";

export interface OutboxConflict {
  /** The record's values on the server now (field → value). */
  current: Record<string, unknown>;
  version: number;
  by: string | null;
  at: string;
}

export interface OutboxEntry {
  /** The write's own id, sent as the form's `requestId`. */
  id: string;
  /** Order made (milliseconds on the phone's clock, then a counter): entries are sent in it. */
  seq: number;
  userId: string;
  kind: OutboxKind;
  /** Where it is posted (path and search, as the form's action). */
  action: string;
  /** The page it was made on (its pending entries are listed there first). */
  page: string;
  fields: [string, string][];
  /** A line to know it by: what was typed, or what it is about. */
  summary: string;
  /** When it was made, on the phone's clock (ISO). */
  madeAt: string;
  state: OutboxState;
  tries: number;
  /** The server's messages for a refusal or a conflict (translation keys, as forms show them). */
  messages?: string[];
  conflict?: OutboxConflict;
}

interface OutboxSchema extends DBSchema {
  writes: { key: string; value: OutboxEntry; indexes: { seq: number; user: string } };
}

let opened: Promise<IDBPDatabase<OutboxSchema>> | null = null;

function database() {
  opened ??= openDB<OutboxSchema>(OUTBOX_DB, 1, {
    upgrade(db) {
      const writes = db.createObjectStore("writes", { keyPath: "id" });
      writes.createIndex("seq", "seq");
      writes.createIndex("user", "userId");
    },
    // Another context (a new service worker, another tab) wants a newer version: let it.
    blocking() {
      void opened?.then((db) => db.close());
      opened = null;
    },
  });
  return opened;
}

let lastSeq = 0;

/** The next place in the outbox's order: now, or one after the last given in this context. */
export function nextSeq(nowMs: number): number {
  lastSeq = Math.max(nowMs, lastSeq + 1);
  return lastSeq;
}

/** Tells every open page (and the worker) that the outbox changed. */
export function announce(message: OutboxMessage = { type: "changed" }) {
  if (typeof BroadcastChannel === "undefined") return;
  const channel = new BroadcastChannel(OUTBOX_CHANNEL);
  channel.postMessage(message);
  channel.close();
}

export type OutboxMessage =
  | { type: "changed" }
  | { type: "sent"; userId: string; count: number }
  | { type: "signed-out"; userId: string };

export async function addEntry(entry: OutboxEntry) {
  const db = await database();
  await db.put("writes", entry);
  announce();
}

/** One user's entries (or everyone's), in the order they were made. */
export async function listEntries(userId?: string): Promise<OutboxEntry[]> {
  const db = await database();
  const all = userId
    ? await db.getAllFromIndex("writes", "user", userId)
    : await db.getAll("writes");
  return all.sort((a, b) => a.seq - b.seq || a.id.localeCompare(b.id));
}

export async function getEntry(id: string) {
  const db = await database();
  return db.get("writes", id);
}

export async function updateEntry(id: string, change: Partial<OutboxEntry>) {
  const db = await database();
  // eslint-disable-next-line no-restricted-syntax -- IndexedDB on the phone, not the server's database
  const tx = db.transaction("writes", "readwrite");
  const entry = await tx.store.get(id);
  if (entry) await tx.store.put({ ...entry, ...change, id });
  await tx.done;
  announce();
}

export async function removeEntry(id: string) {
  const db = await database();
  await db.delete("writes", id);
  announce();
}

/** Deletes a user's entries (an account that lost access, or a sign-out the cadre confirmed). */
export async function clearUser(userId: string) {
  const db = await database();
  // eslint-disable-next-line no-restricted-syntax -- IndexedDB on the phone, not the server's database
  const tx = db.transaction("writes", "readwrite");
  for (const key of await tx.store.index("user").getAllKeys(userId)) await tx.store.delete(key);
  await tx.done;
  announce();
}
