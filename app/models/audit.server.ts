/**
 * The audit log (等保 2.0 安全审计; ASVS V16): who did what, when, from where — every sign-in,
 * every write with its before → after, and every read of a household's record or a roster
 * export. Append-only (triggers refuse updates, and deletes of what no archive holds) and chained:
 * each entry's hash covers the one before, so an edit or a removal shows when the chain is checked.
 *
 * Writes are captured where nothing can forget them: triggers copy every changed row of the
 * county's tables into `audit_changes` (installAuditCapture), and the transaction that
 * made them (`transact`, app/models/write.server.ts) turns them into one entry before it commits.
 * A rolled-back write leaves nothing behind, its captured rows included.
 */
import { realNow, realNowIso } from "~/utils/clock";
import { createHash } from "node:crypto";
import { gzipSync, gunzipSync } from "node:zlib";
import { sql, type Kysely, type Transaction } from "kysely";
import { engineOf } from "../../db/dialect";
import { newId } from "../../db/ids";
import type { AuditLogTable, AuditOutcome, DB } from "../../db/schema";
import { requestContext } from "~/server/request-context.server";
import { maskIdNumber, maskPhone } from "~/utils/mask";

/**
 * Tables not captured: the log itself, sign-in bookkeeping (audited as sign-in events instead),
 * and records every write derives again from the captured ones.
 */
const NOT_CAPTURED = new Set([
  "audit_log",
  "audit_archives",
  "sessions",
  "login_throttle",
  "activity_log",
  "card_events",
  "village_progress",
  "village_history",
  "presence_months",
  "import_mappings",
  "app_secrets",
  "audit_changes",
  "kysely_migration",
  "kysely_migration_lock",
]);

/** Columns never copied (a password hash), or copied masked (a villager's ID and phone). */
const HIDDEN_COLUMNS: Record<string, Record<string, "hidden" | "id" | "phone">> = {
  users: { password_hash: "hidden" },
  households: { head_id_number: "id", phone: "phone" },
  village_exit_files: { content: "hidden", thumbnail: "hidden" },
};

export interface AuditEntryInput {
  action: string;
  outcome?: AuditOutcome;
  targetType?: string | null;
  targetId?: string | null;
  villageId?: string | null;
  details?: Record<string, unknown>;
  /** Who, when nobody is signed in yet (a sign-in attempt names the account tried). */
  actor?: { id: string | null; name: string | null; role: string | null };
}

/** An entry as written, before its hash is computed. */
export type AuditRow = Omit<AuditLogTable, "hash">;

export const GENESIS_HASH = "0".repeat(64);

/** The entry's hash: SHA-256 over the previous hash and the entry's fields as canonical JSON. */
export function entryHash(row: AuditRow): string {
  const canonical = JSON.stringify([
    row.seq,
    row.at,
    row.actor_id,
    row.actor_name,
    row.actor_role,
    row.session,
    row.ip,
    row.action,
    row.outcome,
    row.target_type,
    row.target_id,
    row.village_id,
    row.details,
  ]);
  return createHash("sha256").update(row.prev_hash).update("\n").update(canonical).digest("hex");
}

// ——— capturing writes ———

type Db = Kysely<DB> | Transaction<DB>;

/**
 * Installs the capture on this database, once after migrating. SQLite: `temp.audit_changes` and a
 * temporary trigger per captured table and operation on this connection (better-sqlite3 has
 * exactly one per process). PostgreSQL: one trigger function and a trigger per table, shared by
 * every connection of every app server, writing into the unlogged `audit_changes` under the
 * transaction's id.
 */
export async function installAuditCapture(db: Kysely<DB>): Promise<void> {
  if (engineOf(db) === "postgres") return installPostgresCapture(db);
  await sql`create temp table if not exists audit_changes (
    tbl text not null, op text not null, row_key text not null, old text, new text)`.execute(db);
  // Rows are captured only inside `transact` (which switches this on and off in its transaction),
  // so a seed or a script writing through this connection leaves nothing behind for the next one.
  await sql`create temp table if not exists audit_capture (capturing integer not null)`.execute(db);
  const tables = await sql<{ name: string }>`
    select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db);
  for (const { name: table } of tables.rows) {
    if (NOT_CAPTURED.has(table)) continue;
    const columns = await sql<{ name: string; pk: number }>`
      select name, pk from pragma_table_info(${table})`.execute(db);
    const hidden = HIDDEN_COLUMNS[table] ?? {};
    const keys = columns.rows.filter((c) => c.pk > 0).map((c) => c.name);
    const keyColumns = keys.length ? keys : ["rowid"];
    // A hidden column (a password hash) is never copied: only whether it changed.
    const value = (alias: "old" | "new", column: string) =>
      hidden[column] !== "hidden"
        ? `${alias}."${column}"`
        : alias === "new" && op === "update"
          ? `case when old."${column}" is new."${column}" then '•' else '• (changed)' end`
          : `'•'`;
    let op: "insert" | "update" | "delete" = "insert";
    const json = (alias: "old" | "new") =>
      `json_object(${columns.rows.map((c) => `'${c.name}', ${value(alias, c.name)}`).join(", ")})`;
    const key = (alias: "old" | "new") =>
      `json_array(${keyColumns.map((c) => `${alias}."${c}"`).join(", ")})`;
    const triggers = {
      insert: () => `'I', ${key("new")}, null, ${json("new")}`,
      update: () => `'U', ${key("new")}, ${json("old")}, ${json("new")}`,
      delete: () => `'D', ${key("old")}, ${json("old")}, null`,
    };
    for (const [kind, make] of Object.entries(triggers)) {
      op = kind as typeof op;
      const values = make();
      await sql
        .raw(
          `create temp trigger if not exists "audit_${table}_${kind}" after ${kind} on main."${table}"
           when exists (select 1 from temp.audit_capture)
           begin insert into audit_changes values ('${table}', ${values}); end`,
        )
        .execute(db);
    }
  }
}

/**
 * PostgreSQL's capture: `zhucun_audit_capture()` copies a changed row (as jsonb, hidden columns
 * replaced by "•" as on SQLite) into `audit_changes` when the transaction switched capturing on
 * (`set_config('zhucun.audit', 'on', true)`, local to it). Rows are keyed by the transaction's id,
 * so concurrent transactions on other connections or servers never see each other's, and a
 * rolled-back write leaves nothing. Installed in one transaction, which takes the write lock: app
 * servers starting together install one after the other.
 */
async function installPostgresCapture(db: Kysely<DB>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`create unlogged table if not exists audit_changes (
      seq bigserial primary key, tx bigint not null, tbl text not null, op text not null,
      row_key text not null, old text, new text)`.execute(trx);
    await sql`create index if not exists audit_changes_tx on audit_changes (tx)`.execute(trx);
    await sql`create or replace function zhucun_audit_capture() returns trigger
      language plpgsql as $$
      declare
        keys text[] := string_to_array(TG_ARGV[0], ',');
        hidden text[] := string_to_array(TG_ARGV[1], ',');
        o jsonb; n jsonb; k jsonb; c text;
      begin
        if coalesce(current_setting('zhucun.audit', true), '') <> 'on' then return null; end if;
        if TG_OP <> 'INSERT' then o := to_jsonb(OLD); end if;
        if TG_OP <> 'DELETE' then n := to_jsonb(NEW); end if;
        select jsonb_agg(coalesce(n, o) -> key order by i) into k
          from unnest(keys) with ordinality as u(key, i);
        foreach c in array hidden loop
          if o is not null then o := jsonb_set(o, array[c], '"•"'); end if;
          if n is not null then
            n := jsonb_set(n, array[c], case when TG_OP = 'UPDATE'
              and (to_jsonb(OLD) -> c) is distinct from (to_jsonb(NEW) -> c)
              then '"• (changed)"'::jsonb else '"•"'::jsonb end);
          end if;
        end loop;
        insert into audit_changes (tx, tbl, op, row_key, old, new)
          values (txid_current(), TG_TABLE_NAME, left(TG_OP, 1), k::text, o::text, n::text);
        return null;
      end $$`.execute(trx);
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(trx);
    for (const { table_name: table } of tables.rows) {
      if (NOT_CAPTURED.has(table) || table === "audit_changes") continue;
      const keys = await sql<{ column_name: string }>`
        select k.column_name from information_schema.table_constraints c
        join information_schema.key_column_usage k
          on k.constraint_name = c.constraint_name and k.table_schema = c.table_schema
        where c.table_schema = current_schema() and c.table_name = ${table}
          and c.constraint_type = 'PRIMARY KEY'
        order by k.ordinal_position`.execute(trx);
      const hidden = Object.entries(HIDDEN_COLUMNS[table] ?? {})
        .filter(([, rule]) => rule === "hidden")
        .map(([column]) => column);
      const args = [keys.rows.map((r) => r.column_name).join(","), hidden.join(",")]
        .map((a) => sql.lit(a))
        .reduce((all, a) => sql`${all}, ${a}`);
      await sql`create or replace trigger ${sql.raw(`"audit_${table}"`)}
        after insert or update or delete on ${sql.table(table)}
        for each row when (current_setting('zhucun.audit', true) = 'on')
        execute function zhucun_audit_capture(${args})`.execute(trx);
    }
  });
}

type Change = {
  table: string;
  op: "insert" | "update" | "delete";
  key: unknown[];
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
};

const OPS = { I: "insert", U: "update", D: "delete" } as const;

function masked(table: string, row: Record<string, unknown> | undefined) {
  const rules = HIDDEN_COLUMNS[table];
  if (!row || !rules) return row;
  const out = { ...row };
  for (const [column, rule] of Object.entries(rules)) {
    if (!(column in out) || out[column] === null) continue;
    if (rule === "id") out[column] = maskIdNumber(String(out[column]));
    if (rule === "phone") out[column] = maskPhone(String(out[column]));
  }
  return out;
}

/** Starts capturing this transaction's writes (`transact` calls it first). */
export async function captureChanges(trx: Transaction<DB>): Promise<void> {
  if (engineOf(trx) === "postgres")
    await sql`select set_config('zhucun.audit', 'on', true)`.execute(trx);
  else await sql`insert into temp.audit_capture values (1)`.execute(trx);
}

type CapturedRow = {
  tbl: string;
  op: "I" | "U" | "D";
  row_key: string;
  old: string | null;
  new: string | null;
};

/** This transaction's captured rows, in the order they were written, and capture switched off. */
async function drainCaptured(trx: Transaction<DB>): Promise<CapturedRow[]> {
  if (engineOf(trx) === "postgres") {
    await sql`select set_config('zhucun.audit', 'off', true)`.execute(trx);
    const rows = await sql<CapturedRow & { seq: number }>`
      delete from audit_changes where tx = txid_current()
      returning seq, tbl, op, row_key, old, new`.execute(trx);
    return rows.rows.sort((a, b) => a.seq - b.seq);
  }
  await sql`delete from temp.audit_capture`.execute(trx);
  const rows = await sql<CapturedRow>`
    select tbl, op, row_key, old, new from temp.audit_changes order by rowid`.execute(trx);
  if (rows.rows.length) await sql`delete from temp.audit_changes`.execute(trx);
  return rows.rows;
}

/**
 * The rows this transaction changed, as before → after (an update keeps the changed columns), and
 * the village they belong to where a row says so (for filtering the log by village).
 */
async function takeChanges(
  trx: Transaction<DB>,
): Promise<{ changes: Change[]; villageId: string | null }> {
  const rows = await drainCaptured(trx);
  if (!rows.length) return { changes: [], villageId: null };
  const changes: Change[] = [];
  let villageId: string | null = null;
  for (const r of rows) {
    const before = r.old ? (JSON.parse(r.old) as Record<string, unknown>) : undefined;
    const after = r.new ? (JSON.parse(r.new) as Record<string, unknown>) : undefined;
    const change: Change = { table: r.tbl, op: OPS[r.op], key: JSON.parse(r.row_key) as unknown[] };
    const row = after ?? before;
    villageId ??=
      r.tbl === "villages" && typeof change.key[0] === "string"
        ? change.key[0]
        : typeof row?.village_id === "string"
          ? row.village_id
          : null;
    if (before && after) {
      const changed = Object.keys(after).filter(
        (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
      );
      if (!changed.length) continue;
      change.before = masked(r.tbl, Object.fromEntries(changed.map((k) => [k, before[k]])));
      change.after = masked(r.tbl, Object.fromEntries(changed.map((k) => [k, after[k]])));
    } else {
      change.before = masked(r.tbl, before);
      change.after = masked(r.tbl, after);
    }
    changes.push(change);
  }
  return { changes, villageId };
}

/** What a transaction's mechanical writes (made with `withoutRowCapture`) add to its entry. */
const summaries = new WeakMap<Transaction<DB>, Record<string, unknown>>();

/**
 * Runs a mechanical consequence of a write without copying each row it touches, and records
 * `summary` in the transaction's entry instead (shown under the entry's details). For a column's
 * renumbering: a move that finds no room renumbers every card of its column, and copying 404
 * cards' rows (old and new, each as JSON) into the log, to say that each `position` went up by
 * some multiple of 1,024, was most of the move's time (a PostgreSQL trigger call a row) and
 * made the entry 404 changes long. The write that caused it (the moved card's own row) is
 * captured as always, in the same transaction.
 */
export async function withoutRowCapture<T>(
  trx: Transaction<DB>,
  summary: Record<string, unknown>,
  write: () => Promise<T>,
): Promise<T> {
  const postgres = engineOf(trx) === "postgres";
  if (postgres) await sql`select set_config('zhucun.audit', 'off', true)`.execute(trx);
  else await sql`delete from temp.audit_capture`.execute(trx);
  const result = await write();
  // Capture resumes for whatever the transaction writes next; on a throw the transaction is
  // rolled back, capture and all.
  if (postgres) await sql`select set_config('zhucun.audit', 'on', true)`.execute(trx);
  else await sql`insert into temp.audit_capture values (1)`.execute(trx);
  summaries.set(trx, { ...summaries.get(trx), ...summary });
  return result;
}

/**
 * Turns what this transaction changed into one audit entry, in the same transaction. Called by
 * `transact` just before commit; a transaction that changed nothing captured writes nothing here.
 */
export async function flushAuditedChanges(trx: Transaction<DB>): Promise<void> {
  const { changes, villageId } = await takeChanges(trx);
  const summary = summaries.get(trx);
  summaries.delete(trx);
  if (!changes.length && !summary) return;
  const context = requestContext();
  const first = changes[0];
  await appendAudit(trx, {
    action: "write",
    targetType: first?.table ?? null,
    targetId: first ? first.key.map(String).join("/") : null,
    villageId,
    details: { request: requestLabel(), intent: context?.intent, changes, ...summary },
  });
}

/** The request an entry comes from ("POST /villages/…/plan"), or "script" outside one. */
export function requestLabel(): string {
  const context = requestContext();
  return context ? `${context.method} ${context.path}` : "script";
}

// ——— appending ———

/**
 * Appends one entry in the given transaction: the next number and the chain's hash. The entry's
 * actor and address come from the request being served (or say "system" outside one).
 */
export async function appendAudit(trx: Transaction<DB>, input: AuditEntryInput): Promise<void> {
  const context = requestContext();
  const head = await trx
    .selectFrom("audit_log")
    .select(["seq", "hash"])
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
  const archived = head
    ? undefined
    : await trx
        .selectFrom("audit_archives")
        .select(["to_seq", "last_hash"])
        .orderBy("to_seq", "desc")
        .limit(1)
        .executeTakeFirst();
  const actor = input.actor ?? {
    id: context?.actor?.id ?? null,
    name: context?.actor?.username ?? null,
    role: context?.actor?.role ?? null,
  };
  const row: AuditRow = {
    seq: (head?.seq ?? archived?.to_seq ?? 0) + 1,
    at: realNowIso(),
    actor_id: actor.id,
    actor_name: actor.name,
    actor_role: actor.role,
    session: context?.actor?.session ?? null,
    ip: context?.ip ?? null,
    action: input.action,
    outcome: input.outcome ?? "ok",
    target_type: input.targetType ?? null,
    target_id: input.targetId ?? null,
    village_id: input.villageId ?? null,
    details: JSON.stringify(input.details ?? {}),
    prev_hash: head?.hash ?? archived?.last_hash ?? GENESIS_HASH,
  };
  await trx
    .insertInto("audit_log")
    .values({ ...row, hash: entryHash(row) })
    .execute();
}

/** Appends an entry in a transaction of its own (a read, a sign-in). */
export async function recordAudit(db: Kysely<DB>, input: AuditEntryInput): Promise<void> {
  await db.transaction().execute((trx) => appendAudit(trx, input));
}

// ——— reading, checking, archiving ———

export interface AuditFilter {
  actor?: string;
  action?: string;
  villageId?: string;
  target?: string;
  from?: string;
  to?: string;
  outcome?: AuditOutcome;
}

/** The filtered log, newest first, `limit` entries before `beforeSeq` (keyset paging). */
export async function auditEntries(
  db: Kysely<DB>,
  filter: AuditFilter,
  { limit, beforeSeq }: { limit: number; beforeSeq?: number },
) {
  let q = db.selectFrom("audit_log").selectAll().orderBy("seq", "desc").limit(limit);
  if (beforeSeq) q = q.where("seq", "<", beforeSeq);
  if (filter.actor) {
    const actor = filter.actor;
    q = q.where((eb) => eb.or([eb("actor_name", "=", actor), eb("actor_id", "=", actor)]));
  }
  if (filter.action) {
    q = filter.action.endsWith(".")
      ? q.where("action", "like", `${filter.action.replace(/[%_]/g, "")}%`)
      : q.where("action", "=", filter.action);
  }
  if (filter.villageId) q = q.where("village_id", "=", filter.villageId);
  if (filter.target) q = q.where("target_id", "=", filter.target);
  if (filter.outcome) q = q.where("outcome", "=", filter.outcome);
  if (filter.from) q = q.where("at", ">=", filter.from);
  if (filter.to) q = q.where("at", "<", filter.to);
  return q.execute();
}

export type ChainCheck =
  | { ok: true; entries: number; lastSeq: number }
  | { ok: false; brokenAt: number; reason: "hash" | "gap" };

/** Recomputes every live entry's hash from the last archive's (or the genesis) onwards. */
export async function verifyAuditChain(db: Db): Promise<ChainCheck> {
  const archived = await db
    .selectFrom("audit_archives")
    .select(["to_seq", "last_hash"])
    .orderBy("to_seq", "desc")
    .limit(1)
    .executeTakeFirst();
  let prev = archived?.last_hash ?? GENESIS_HASH;
  let expectSeq = (archived?.to_seq ?? 0) + 1;
  let entries = 0;
  const PAGE = 5000;
  for (;;) {
    const rows = await db
      .selectFrom("audit_log")
      .selectAll()
      .where("seq", ">=", expectSeq)
      .orderBy("seq")
      .limit(PAGE)
      .execute();
    for (const row of rows) {
      if (row.seq !== expectSeq) return { ok: false, brokenAt: expectSeq, reason: "gap" };
      if (row.prev_hash !== prev || entryHash(row) !== row.hash) {
        return { ok: false, brokenAt: row.seq, reason: "hash" };
      }
      prev = row.hash;
      expectSeq += 1;
      entries += 1;
    }
    if (rows.length < PAGE) break;
  }
  // A gap at the end (the newest entries removed) cannot be seen from the rows alone; the
  // archives and the next entry's prev_hash can, and the triggers refuse such a delete anyway.
  return { ok: true, entries, lastSeq: expectSeq - 1 };
}

/** One entry as a line of JSON Lines: one entry a line, whatever its text holds. */
export function auditLine(row: AuditRow & { hash: string }): string {
  return JSON.stringify({ ...row, details: JSON.parse(row.details) as unknown });
}

/**
 * Moves entries older than the retention period into archives, a calendar month (UTC) at a
 * time: gzip JSON Lines with its SHA-256 and the chain's last hash, then removes them from the
 * live log (the delete trigger lets only archived entries go). Returns the archives made.
 */
export async function archiveAudit(
  db: Kysely<DB>,
  retentionDays: number,
  now = realNow(),
): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000).toISOString();
  let made = 0;
  for (;;) {
    const done = await db.transaction().execute(async (trx) => {
      const first = await trx
        .selectFrom("audit_log")
        .select(["seq", "at"])
        .orderBy("seq")
        .limit(1)
        .executeTakeFirst();
      if (!first || first.at >= cutoff) return true;
      const month = first.at.slice(0, 7);
      const [y, m] = month.split("-").map(Number) as [number, number];
      const monthEnd = new Date(Date.UTC(y, m, 1)).toISOString();
      const until = monthEnd < cutoff ? monthEnd : cutoff;
      // By number, not time: everything up to the last entry before the cut, so a clock that
      // stepped back can never leave an entry out of the archive that removes it.
      const through = await trx
        .selectFrom("audit_log")
        .select((eb) => eb.fn.max("seq").as("seq"))
        .where("at", "<", until)
        .executeTakeFirst();
      if (!through?.seq) return true;
      const rows = await trx
        .selectFrom("audit_log")
        .selectAll()
        .where("seq", "<=", through.seq)
        .orderBy("seq")
        .execute();
      if (!rows.length) return true;
      const content = gzipSync(Buffer.from(rows.map((r) => auditLine(r)).join("\n") + "\n"));
      const last = rows[rows.length - 1]!;
      await trx
        .insertInto("audit_archives")
        .values({
          id: newId(),
          from_seq: rows[0]!.seq,
          to_seq: last.seq,
          from_at: rows[0]!.at,
          to_at: last.at,
          entries: rows.length,
          last_hash: last.hash,
          sha256: createHash("sha256").update(content).digest("hex"),
          content,
          created_at: now.toISOString(),
        })
        .execute();
      await trx.deleteFrom("audit_log").where("seq", "<=", last.seq).execute();
      return false;
    });
    if (done) break;
    made += 1;
  }
  return made;
}

/** An archive's entries back as JSON Lines text, after checking its SHA-256. */
export function archiveText(archive: { content: Uint8Array; sha256: string }): string | null {
  const digest = createHash("sha256").update(archive.content).digest("hex");
  if (digest !== archive.sha256) return null;
  return gunzipSync(archive.content).toString("utf8");
}

/** The archives, newest first (without their content). */
export async function auditArchives(db: Db) {
  const rows = await db
    .selectFrom("audit_archives")
    .select(["id", "from_seq", "to_seq", "from_at", "to_at", "entries"])
    .orderBy("to_seq", "desc")
    .limit(240)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    fromSeq: r.from_seq,
    toSeq: r.to_seq,
    fromAt: r.from_at,
    toAt: r.to_at,
    entries: r.entries,
  }));
}

/** One archive with its content, or undefined. */
export function auditArchive(db: Db, id: string) {
  return db
    .selectFrom("audit_archives")
    .select(["id", "from_seq", "to_seq", "sha256", "content"])
    .where("id", "=", id)
    .executeTakeFirst();
}
