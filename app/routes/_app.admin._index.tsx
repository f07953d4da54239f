import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { useT } from "~/i18n";
import { adminSummary } from "~/models/registry-admin.server";
import { hasCountyWide } from "~/permissions";
import { pageTitle } from "~/utils/meta";
import { sheetLabelKey } from "~/utils/registry-sheets";

export const meta: MetaFunction = (args) => pageTitle(args, "admin.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const summary = await adminSummary(viewer);
  if (!summary) notFound();
  return {
    summary,
    accounts: hasCountyWide(viewer, "manage:account"),
    security: hasCountyWide(viewer, "manage:settings"),
    audit: hasCountyWide(viewer, "read:audit"),
  };
}

export default function AdminHome() {
  const t = useT();
  const { summary, accounts, security, audit } = useLoaderData<typeof loader>();
  return (
    <div className="stack-lg">
      <h1>{t("admin.title")}</h1>
      <p>{t("admin.intro")}</p>
      <ul className="admin-grid">
        {summary.map((s) => (
          <li key={s.kind} className="card stack">
            <h2>
              <Link to={`/admin/${s.kind}`}>{t(sheetLabelKey(s.kind))}</Link>
            </h2>
            <p>
              <strong>
                {t(s.kind === "teams" ? "admin.card.teamActive" : "admin.card.active", {
                  count: s.active,
                })}
              </strong>
              {s.serving !== null ? (
                <span className="muted">
                  {" · "}
                  {t("admin.status.serving", { count: s.serving })}
                </span>
              ) : null}
              {s.total > s.active ? (
                <span className="muted">
                  {" · "}
                  {t(s.kind === "teams" ? "admin.card.teamEnded" : "admin.card.inactive", {
                    count: s.total - s.active,
                  })}
                </span>
              ) : null}
            </p>
          </li>
        ))}
        <li className="card stack">
          <h2>
            <Link to="/admin/data">{t("admin.data")}</Link>
          </h2>
          <p className="muted">{t("registry.data.exportHint")}</p>
        </li>
        {accounts ? (
          <li className="card stack">
            <h2>
              <Link to="/admin/users">{t("users.title")}</Link>
            </h2>
            <p className="muted">{t("admin.usersHint")}</p>
            <p>
              <Link to="/admin/accounts">{t("users.create")}</Link>
            </p>
          </li>
        ) : null}
        {security ? (
          <li className="card stack">
            <h2>
              <Link to="/admin/settings">{t("settings.title")}</Link>
            </h2>
            <p className="muted">{t("admin.settingsHint")}</p>
          </li>
        ) : null}
        {audit ? (
          <li className="card stack">
            <h2>
              <Link to="/admin/audit">{t("audit.title")}</Link>
            </h2>
            <p className="muted">{t("admin.auditHint")}</p>
          </li>
        ) : null}
      </ul>
    </div>
  );
}
