import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Pager } from "~/components/pager";
import { notFound, requireViewer } from "~/auth.server";
import { TableRegion } from "~/components/table-region";
import { formatDateTime, useLocale, useT } from "~/i18n";
import { listAccounts } from "~/models/account.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "users.title");

const PAGE_SIZE = 50;

/** Every account of the county, 50 a page: who, which role, signed in where, locked or not. */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const url = new URL(request.url);
  const q = (url.searchParams.get("q") ?? "").slice(0, 50);
  const page = Math.min(10_000, Math.max(1, Number(url.searchParams.get("page")) || 1));
  const list = await listAccounts(viewer, { q, page, pageSize: PAGE_SIZE });
  if (!list) notFound();
  return { q, page, pages: Math.max(1, Math.ceil(list.total / PAGE_SIZE)), ...list };
}

export default function Users() {
  const t = useT();
  const locale = useLocale();
  const { q, page, pages, rows, total } = useLoaderData<typeof loader>();
  const href = (p: number) => `?${new URLSearchParams({ ...(q ? { q } : {}), page: String(p) })}`;
  return (
    <div className="stack-lg">
      <p>
        <Link to="/admin">← {t("admin.title")}</Link>
      </p>
      <div className="page-head-row">
        <h1>{t("users.title")}</h1>
        <Link to="/admin/accounts" className="button">
          {t("users.create")}
        </Link>
      </div>
      <p>{t("users.intro")}</p>
      <Form method="get" className="filters" role="search" aria-label={t("admin.filter")}>
        <div className="field">
          <label htmlFor="users-q">{t("admin.search")}</label>
          <input id="users-q" type="search" name="q" defaultValue={q} />
        </div>
        <div className="filter-actions">
          <button type="submit" className="button">
            {t("admin.filter")}
          </button>
        </div>
      </Form>
      <TableRegion
        label={t("users.title")}
        caption={`${t("users.title")} · ${t("admin.count", { count: total })}`}
      >
        <thead>
          <tr>
            <th scope="col">{t("login.username")}</th>
            <th scope="col">{t("account.admin.name")}</th>
            <th scope="col">{t("users.role")}</th>
            <th scope="col">{t("admin.status")}</th>
            <th scope="col">{t("users.sessions")}</th>
            <th scope="col">{t("users.lastSignIn")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((u) => (
            <tr key={u.id} className={u.active ? undefined : "is-inactive"}>
              <th scope="row">
                <Link to={`/admin/users/${u.id}`}>{u.username}</Link>
              </th>
              <td data-label={t("account.admin.name")}>{u.displayName}</td>
              <td data-label={t("users.role")}>
                {t(`role.${u.role}`)}
                {u.township ? <span className="muted"> · {u.township}</span> : null}
              </td>
              <td data-label={t("admin.status")}>
                {t(u.active ? "admin.status.active" : "admin.status.inactive")}{" "}
                {u.lockedUntil ? (
                  <span className="badge badge-warn">
                    {t("users.lockedUntil", { time: formatDateTime(locale, u.lockedUntil) })}
                  </span>
                ) : null}{" "}
                {u.mustChangePassword ? <span className="badge">{t("users.oneTime")}</span> : null}
              </td>
              <td className="num" data-label={t("users.sessions")}>
                {u.openSessions}
              </td>
              <td data-label={t("users.lastSignIn")}>
                {u.lastSignIn ? formatDateTime(locale, u.lastSignIn) : "—"}
              </td>
            </tr>
          ))}
        </tbody>
      </TableRegion>
      <Pager page={page} pages={pages} href={href} summary={t("users.page", { page, pages })} />
    </div>
  );
}
