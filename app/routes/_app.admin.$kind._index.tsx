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
import { adminKindOf } from "~/utils/admin-kind.server";
import { Pager } from "~/components/pager";
import { SavedNotice } from "~/components/saved-notice";
import { TableRegion } from "~/components/table-region";
import { messageWithParams, translateMessage, useT } from "~/i18n";
import { resolveLocale } from "~/i18n/locale.server";
import { adminList, setActive } from "~/models/registry-admin.server";
import { hasCountyWide } from "~/permissions";
import { pageTitle } from "~/utils/meta";
import { pageFigures, pageHref, pageOf } from "~/utils/paging";
import {
  SHEET_COLUMNS,
  columnLabelKey,
  sheetLabelKey,
  type AdminKind,
} from "~/utils/registry-sheets";
import { readForm } from "~/utils/form-guard.server";

export const meta: MetaFunction<typeof loader> = (args) =>
  pageTitle(args, args.data ? sheetLabelKey(args.data.kind) : "admin.title");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const kind = adminKindOf(params);
  const url = new URL(request.url);
  const q = (url.searchParams.get("q") ?? "").slice(0, 50);
  const inactive = url.searchParams.get("inactive") === "1";
  const list = await adminList(viewer, kind, await resolveLocale(request), { q, inactive });
  if (!list) notFound();
  // A page of the matching records, each with the cells its row shows (a province registers
  // 24,000 cadres).
  const page = pageOf(list.rows, url.searchParams.get("page"));
  const shown = LIST_COLUMNS[kind];
  return {
    kind,
    q,
    inactive,
    total: list.total,
    matched: list.rows.length,
    rows: page.rows.map((row) => ({
      ...row,
      cells: Object.fromEntries(shown.map((key) => [key, row.cells[key]])),
    })),
    page: pageFigures(page),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  const kind = adminKindOf(params);
  if (!hasCountyWide(viewer, "manage:registry")) notFound();
  const form = await readForm(request, ["id"]);
  const intent = form.get("intent");
  const id = String(form.get("id") ?? "");
  if (intent !== "deactivate" && intent !== "reactivate") {
    return data({ error: "form.invalid" }, { status: 400 });
  }
  const result = await setActive(viewer, kind, id, intent === "reactivate");
  if (result.ok) {
    const back = new URL(request.url);
    back.searchParams.set("saved", kind === "teams" ? "teamEnded" : intent);
    return redirect(`${back.pathname}${back.search}`);
  }
  if (result.reason !== "invalid") notFound();
  return data({ error: messageWithParams(result.message, result.params) }, { status: 409 });
}

/** The columns a list shows, name first: enough to tell records apart on a phone and a desktop. */
const LIST_COLUMNS: Record<AdminKind, string[]> = {
  townships: ["name", "code", "kind"],
  units: ["name", "level"],
  villages: ["name", "code", "township", "type", "agriculturalPopulation", "poorPeople"],
  cadres: ["name", "unit", "specialty", "phone"],
  teams: ["village", "unit", "startedOn", "endedOn"],
};

export default function AdminList() {
  const t = useT();
  const { kind, q, inactive, rows, total, matched, page } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const columns = LIST_COLUMNS[kind].map((key) => SHEET_COLUMNS[kind].find((c) => c.key === key)!);
  const addKey = `admin.add.${kind}` as const;
  return (
    <div className="stack-lg">
      <p>
        <Link to="/admin">← {t("admin.title")}</Link>
      </p>
      <div className="page-head-row">
        <h1>{t(sheetLabelKey(kind))}</h1>
        <Link to={`/admin/${kind}/new`} className="button button-primary">
          {t(addKey)}
        </Link>
      </div>
      {kind === "cadres" ? (
        <p>
          <Link to="/admin/accounts?team=all">{t("account.admin.allTeams")}</Link>
        </p>
      ) : null}
      <SavedNotice />
      {actionData?.error ? (
        <p role="alert" className="error-box">
          {translateMessage(t, actionData.error)}
        </p>
      ) : null}
      <Form method="get" className="filters" role="search" aria-label={t("admin.filter")}>
        <div className="field">
          <label htmlFor="admin-q">{t("admin.search")}</label>
          <input id="admin-q" type="search" name="q" defaultValue={q} />
        </div>
        <div className="filter-actions">
          <label className="checkbox">
            <input type="checkbox" name="inactive" value="1" defaultChecked={inactive} />{" "}
            {t("admin.showInactive")}
          </label>
          <button type="submit" className="button">
            {t("admin.filter")}
          </button>
        </div>
      </Form>
      <p className="muted small">{t("admin.count", { count: matched })}</p>
      <TableRegion
        label={t(sheetLabelKey(kind))}
        caption={`${t(sheetLabelKey(kind))} · ${t("admin.count", { count: total })}`}
      >
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th scope="col" key={c.key}>
                {kind === "teams" && i === 0
                  ? t("admin.teamColumn")
                  : t(columnLabelKey(kind, c.key))}
              </th>
            ))}
            <th scope="col">{t("admin.status")}</th>
            <th scope="col">{t("admin.actions")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            // A team is named by its village and start, not by the village's code.
            const name = kind === "teams" ? row.label : String(row.cells[columns[0]!.key] ?? "");
            return (
              <tr key={row.id} className={row.active ? undefined : "is-inactive"}>
                {columns.map((c, i) =>
                  i === 0 ? (
                    <th scope="row" key={c.key}>
                      <Link to={`/admin/${kind}/${row.id}`}>{name}</Link>
                    </th>
                  ) : (
                    <td key={c.key} data-label={t(columnLabelKey(kind, c.key))}>
                      {row.cells[c.key]}
                    </td>
                  ),
                )}
                <td data-label={t("admin.status")}>
                  {kind === "teams"
                    ? t(row.active ? "admin.status.teamActive" : "admin.status.teamEnded")
                    : t(row.active ? "admin.status.active" : "admin.status.inactive")}
                </td>
                <td data-label={t("admin.actions")}>
                  <div className="button-row">
                    <Link to={`/admin/${kind}/${row.id}`} aria-label={`${t("admin.edit")} ${name}`}>
                      {t("admin.edit")}
                    </Link>
                    {kind === "teams" ? (
                      row.active ? (
                        // Ending a team ends its members' service too: one more step to confirm.
                        <details className="disclosure">
                          <summary>{t("admin.endTeam")}</summary>
                          <Form method="post">
                            <input type="hidden" name="id" value={row.id} />
                            <button
                              type="submit"
                              name="intent"
                              value="deactivate"
                              className="button button-primary"
                              disabled={navigation.state === "submitting"}
                            >
                              {t("admin.endTeamConfirm", { name })}
                            </button>
                          </Form>
                        </details>
                      ) : null
                    ) : (
                      <Form method="post">
                        <input type="hidden" name="id" value={row.id} />
                        <button
                          type="submit"
                          name="intent"
                          value={row.active ? "deactivate" : "reactivate"}
                          className="button"
                          disabled={navigation.state === "submitting"}
                          aria-label={`${t(row.active ? "admin.deactivate" : "admin.reactivate")} ${name}`}
                        >
                          {t(row.active ? "admin.deactivate" : "admin.reactivate")}
                        </button>
                      </Form>
                    )}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </TableRegion>
      <Pager {...page} href={(n) => pageHref(params, n)} />
      <p className="muted small">
        {kind === "teams" ? t("admin.endTeamHint") : t("admin.deactivateHint")}
      </p>
    </div>
  );
}
