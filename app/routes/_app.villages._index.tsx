import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams, useSubmit } from "@remix-run/react";
import { EXIT_STATUSES, VILLAGE_TYPES } from "../../db/schema";
import { requireViewer } from "~/auth.server";
import { VillageTable } from "~/components/village-table";
import { useT } from "~/i18n";
import { listTownshipOptions } from "~/models/township.server";
import { listVillages, seesFullList } from "~/models/village.server";
import { parseVillageFilters } from "~/schemas/village-filters";
import { VILLAGE_SORTS } from "~/utils/village-list";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "villages.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const filters = parseVillageFilters(new URL(request.url).searchParams);
  const full = seesFullList(viewer);
  const [list, townships] = await Promise.all([
    listVillages(viewer, full ? filters : { ...filters, type: undefined }),
    listTownshipOptions(viewer),
  ]);
  return {
    ...list,
    filters,
    townships,
    seesFullList: full,
    ownVillageIds: viewer.villageIds,
  };
}

export default function Villages() {
  const t = useT();
  const data = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const submit = useSubmit();
  const { filters } = data;
  const filtered = data.villages.length !== data.total;

  /** Same URL with one filter changed: the facet links keep every other filter. */
  const withParam = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value === null) next.delete(key);
    else next.set(key, value);
    const query = next.toString();
    return query ? `?${query}` : ".";
  };

  return (
    <>
      <div className="page-head">
        <h1>{t("villages.title")}</h1>
        <p className="muted">{t("villages.intro")}</p>
      </div>

      <Form
        method="get"
        className="filters"
        aria-label={t("villages.filters")}
        onChange={(e) => submit(e.currentTarget, { replace: true, preventScrollReset: true })}
      >
        {data.townships.length > 1 ? (
          <div className="field">
            <label htmlFor="f-township">{t("villages.filter.township")}</label>
            <select id="f-township" name="township" defaultValue={filters.townshipId ?? ""}>
              <option value="">{t("villages.filter.all")}</option>
              {data.townships.map((tw) => (
                <option key={tw.id} value={tw.id}>
                  {tw.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {data.seesFullList ? (
          <div className="field">
            <label htmlFor="f-type">{t("villages.filter.type")}</label>
            <select id="f-type" name="type" defaultValue={filters.type ?? ""}>
              <option value="">{t("villages.filter.all")}</option>
              {VILLAGE_TYPES.map((type) => (
                <option key={type} value={type}>
                  {t(`villageType.${type}`)} ({data.byType[type] ?? 0})
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div className="field">
          <label htmlFor="f-status">{t("villages.filter.status")}</label>
          <select id="f-status" name="status" defaultValue={filters.status ?? ""}>
            <option value="">{t("villages.filter.all")}</option>
            {EXIT_STATUSES.map((status) => (
              <option key={status} value={status}>
                {t(`exitStatus.${status}`)} ({data.byStatus[status] ?? 0})
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-q">{t("villages.filter.search")}</label>
          <input
            id="f-q"
            name="q"
            type="search"
            defaultValue={filters.q ?? ""}
            placeholder={t("villages.filter.searchPlaceholder")}
          />
        </div>
        <div className="field">
          <label htmlFor="f-sort">{t("villages.sort")}</label>
          <select id="f-sort" name="sort" defaultValue={data.sort}>
            {VILLAGE_SORTS.filter(
              (s) => data.seesFullList || (s !== "incidence" && s !== "poor_people"),
            ).map((s) => (
              <option key={s} value={s}>
                {t(`villages.sort.${s === "poor_people" ? "poorPeople" : s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="filter-actions">
          <button type="submit" className="button">
            {t("villages.filter.apply")}
          </button>
          {params.toString() ? <Link to=".">{t("villages.filter.reset")}</Link> : null}
        </div>
      </Form>

      <nav className="facets" aria-label={t("villages.byStatus")}>
        {EXIT_STATUSES.map((status) => (
          <Link
            key={status}
            to={withParam("status", filters.status === status ? null : status)}
            className={`facet status-${status}`}
            aria-current={filters.status === status ? "true" : undefined}
            preventScrollReset
          >
            {t(`exitStatus.${status}`)} <strong>{data.byStatus[status] ?? 0}</strong>
          </Link>
        ))}
      </nav>

      <p className="result-count" role="status" aria-live="polite">
        {filtered
          ? t("villages.countFiltered", { shown: data.villages.length, total: data.total })
          : t("villages.count", { count: data.total })}
        {!data.seesFullList ? <span className="muted"> · {t("villages.summaryOnly")}</span> : null}
      </p>

      {data.villages.length > 0 ? (
        <VillageTable
          villages={data.villages}
          caption={t("villages.tableCaption")}
          ownVillageIds={data.ownVillageIds}
          showTownship={data.townships.length > 1}
        />
      ) : (
        <p className="empty">{t("villages.none")}</p>
      )}
    </>
  );
}
