import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { TableRegion } from "~/components/table-region";
import { db } from "~/db.server";
import { formatDateTime, useLocale, useT } from "~/i18n";
import { auditArchives, auditEntries, recordAudit, verifyAuditChain } from "~/models/audit.server";
import { villageNames } from "~/models/village.server";
import { hasCountyWide } from "~/permissions";
import { AUDIT_ACTIONS, auditActionLabel, auditTargetLabel } from "~/utils/audit-actions";
import { MAX_EXPORT_ENTRIES } from "~/utils/audit-export.server";
import { auditQuery, detailsView, type DetailsView } from "~/utils/audit-filter.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "audit.title");

const PAGE_SIZE = 50;

/**
 * The audit log for the county admin: filtered, newest first, 50 at a time (keyset paging, so
 * the 100,000th entry is as quick to reach as the first). Reading the log is itself recorded.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  if (!hasCountyWide(viewer, "read:audit")) notFound();
  const url = new URL(request.url);
  const query = auditQuery(url);
  const rows = await auditEntries(db, query.filter, {
    limit: PAGE_SIZE + 1,
    beforeSeq: query.before,
  });
  const page = rows.slice(0, PAGE_SIZE);
  const names = await villageNames(
    page.map((r) => r.village_id).filter((v): v is string => Boolean(v)),
  );
  const verify = url.searchParams.get("verify") === "1" ? await verifyAuditChain(db) : null;
  await recordAudit(db, { action: "audit.read", details: { filter: query.form } });
  return {
    form: query.form,
    entries: page.map((r) => ({
      seq: r.seq,
      at: r.at,
      actor: r.actor_name,
      role: r.actor_role,
      session: r.session,
      ip: r.ip,
      action: r.action,
      outcome: r.outcome,
      targetType: r.target_type,
      targetId: r.target_id,
      village: r.village_id ? (names.get(r.village_id) ?? r.village_id) : "",
      // Readable and bounded on the page (React escapes every value); whole in the exports.
      details: detailsView(r.details),
    })),
    next: rows.length > PAGE_SIZE ? page[page.length - 1]!.seq : null,
    verify,
    archives: await auditArchives(db),
    exportLimit: MAX_EXPORT_ENTRIES,
  };
}

export default function AuditLog() {
  const t = useT();
  const locale = useLocale();
  const { form, entries, next, verify, archives, exportLimit } = useLoaderData<typeof loader>();
  const filters = new URLSearchParams(Object.entries(form).filter(([, v]) => v !== ""));
  const withFilters = (extra: Record<string, string>) => {
    const q = new URLSearchParams(filters);
    for (const [k, v] of Object.entries(extra)) q.set(k, v);
    return `?${q}`;
  };
  return (
    <div className="stack-lg">
      <p>
        <Link to="/admin">← {t("admin.title")}</Link>
      </p>
      <header className="page-head">
        <h1>{t("audit.title")}</h1>
        <p className="muted">{t("audit.intro")}</p>
      </header>
      <Form method="get" className="filters" role="search" aria-label={t("admin.filter")}>
        <div className="field">
          <label htmlFor="audit-actor">{t("audit.actor")}</label>
          <input id="audit-actor" type="text" name="actor" defaultValue={form.actor} />
        </div>
        <div className="field">
          <label htmlFor="audit-action">{t("audit.action")}</label>
          <select id="audit-action" name="action" defaultValue={form.action}>
            <option value="">{t("audit.any")}</option>
            <option value="auth.">{t("audit.action.allAuth")}</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {t(auditActionLabel(a))}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-outcome">{t("audit.outcome")}</label>
          <select id="audit-outcome" name="outcome" defaultValue={form.outcome}>
            <option value="">{t("audit.any")}</option>
            <option value="ok">{t("audit.outcome.ok")}</option>
            <option value="refused">{t("audit.outcome.refused")}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-target">{t("audit.target")}</label>
          <input id="audit-target" type="text" name="target" defaultValue={form.target} />
        </div>
        <div className="field">
          <label htmlFor="audit-from">{t("audit.from")}</label>
          <input id="audit-from" name="from" type="date" defaultValue={form.from} />
        </div>
        <div className="field">
          <label htmlFor="audit-to">{t("audit.to")}</label>
          <input id="audit-to" name="to" type="date" defaultValue={form.to} />
        </div>
        {form.village ? <input type="hidden" name="village" value={form.village} /> : null}
        <div className="filter-actions">
          <button type="submit" className="button">
            {t("admin.filter")}
          </button>
        </div>
      </Form>
      <p className="button-row">
        <a className="button" href={`/admin/audit.csv${withFilters({})}`} download>
          {t("audit.exportCsv")}
        </a>
        <a className="button" href={`/admin/audit.jsonl${withFilters({})}`} download>
          {t("audit.exportJsonl")}
        </a>
        <Link className="button" to={withFilters({ verify: "1" })}>
          {t("audit.verify")}
        </Link>
      </p>
      <p className="small muted">{t("audit.exportLimit", { max: exportLimit })}</p>
      {verify ? (
        <p role="status" className={verify.ok ? "saved" : "error-box"}>
          {verify.ok
            ? t("audit.verified", { entries: verify.entries, last: verify.lastSeq })
            : t("audit.broken", { seq: verify.brokenAt })}
        </p>
      ) : null}
      <TableRegion label={t("audit.title")}>
        <thead>
          <tr>
            <th scope="col">{t("audit.when")}</th>
            <th scope="col">{t("audit.actor")}</th>
            <th scope="col">{t("audit.action")}</th>
            <th scope="col">{t("audit.target")}</th>
            <th scope="col">{t("sessions.address")}</th>
            <th scope="col">{t("audit.details")}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.seq}>
              <th scope="row">
                <span className="nowrap">{formatDateTime(locale, e.at)}</span>
                <br />
                <span className="muted small">#{e.seq}</span>
              </th>
              <td data-label={t("audit.actor")}>
                {e.actor ?? t("audit.system")}
                {e.role ? (
                  <span className="muted small">
                    {" "}
                    · {t(`role.${e.role}` as "role.county_admin")}
                  </span>
                ) : null}
              </td>
              <td data-label={t("audit.action")}>
                {t(auditActionLabel(e.action))}{" "}
                {e.outcome === "refused" ? (
                  <span className="badge badge-warn">{t("audit.outcome.refused")}</span>
                ) : null}
              </td>
              <td data-label={t("audit.target")}>
                {e.targetType ? <TargetName type={e.targetType} id={e.targetId} /> : null}
                {e.village ? <div className="muted small">{e.village}</div> : null}
              </td>
              <td data-label={t("sessions.address")}>{e.ip ?? "—"}</td>
              <td data-label={t("audit.details")}>
                <AuditDetails details={e.details} />
              </td>
            </tr>
          ))}
        </tbody>
      </TableRegion>
      {entries.length === 0 ? <p className="muted">{t("audit.none")}</p> : null}
      {next ? (
        <p>
          <Link to={withFilters({ before: String(next) })}>{t("audit.older")} →</Link>
        </p>
      ) : null}
      <section className="stack" aria-labelledby="archives-title">
        <h2 id="archives-title">{t("audit.archives")}</h2>
        <p className="muted small">{t("audit.archivesIntro")}</p>
        {archives.length ? (
          <ul className="plain-list">
            {archives.map((a) => (
              <li key={a.id}>
                <a href={`/admin/audit/archives/${a.id}`} download>
                  {formatDateTime(locale, a.fromAt)} – {formatDateTime(locale, a.toAt)}
                </a>{" "}
                <span className="muted small">
                  {t("audit.archiveEntries", { count: a.entries, from: a.fromSeq, to: a.toSeq })}
                </span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{t("audit.noArchives")}</p>
        )}
      </section>
    </div>
  );
}

/** "农户 abc123": the kind of record in the reader's language, then its id. */
function TargetName({ type, id }: { type: string; id: string | null }) {
  const t = useT();
  const key = auditTargetLabel(type);
  return (
    <>
      {key ? t(key) : type} {id ? <span className="muted small">{id}</span> : null}
    </>
  );
}

/** What an entry holds: the request, then each changed record's fields before → after. */
function AuditDetails({ details }: { details: DetailsView }) {
  const t = useT();
  if (!details.request && !details.changes.length && !details.other.length) return null;
  return (
    <details className="disclosure audit-details">
      <summary>{t("audit.details")}</summary>
      {details.request ? (
        <p className="muted small">
          {details.request}
          {details.intent ? ` · ${details.intent}` : null}
        </p>
      ) : null}
      {details.changes.map((c, i) => (
        <div key={i} className="audit-change">
          <p>
            <strong>{t(`audit.op.${c.op}`)}</strong> <TargetName type={c.table} id={c.key} />
          </p>
          <ul className="plain-list small">
            {c.fields.map((f) => (
              <li key={f.name}>
                <code>{f.name}</code>:{" "}
                {c.op === "update" ? (
                  <>
                    <del>{f.before || "—"}</del> → <ins>{f.after || "—"}</ins>
                  </>
                ) : (
                  f.after || f.before || "—"
                )}
              </li>
            ))}
          </ul>
        </div>
      ))}
      {details.more ? (
        <p className="muted small">{t("audit.moreChanges", { count: details.more })}</p>
      ) : null}
      {details.other.length ? (
        <ul className="plain-list small">
          {details.other.map(([k, v]) => (
            <li key={k}>
              <code>{k}</code>: {v}
            </li>
          ))}
        </ul>
      ) : null}
    </details>
  );
}
