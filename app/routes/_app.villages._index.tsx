import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { Pager } from "~/components/pager";
import { EXIT_STATUSES } from "../../db/schema";
import { requireViewer } from "~/auth.server";
import { VillageFilterForm } from "~/components/village-filters";
import { VillageTable } from "~/components/village-table";
import { useT } from "~/i18n";
import { listTownshipOptions } from "~/models/township.server";
import { filtersFor, listVillagePage, seesFullList, tableVillage } from "~/models/village.server";
import { parseVillageFilters } from "~/schemas/village-filters";
import { pageTitle } from "~/utils/meta";
import { pageHref } from "~/utils/paging";

export const meta: MetaFunction = (args) => pageTitle(args, "villages.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const url = new URL(request.url);
  const filters = filtersFor(viewer, parseVillageFilters(url.searchParams));
  const full = seesFullList(viewer);
  // A page of the list: a county's 89 villages fit on one, a province's 8,000 are pages.
  const [list, townships] = await Promise.all([
    listVillagePage(viewer, filters, url.searchParams.get("page")),
    listTownshipOptions(viewer),
  ]);
  return {
    ...list,
    villages: list.villages.map(tableVillage),
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
  const { filters } = data;
  const filtered = data.matched !== data.total;

  /** Same URL with one filter changed: the facet links keep every other filter. */
  const withParam = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value === null) next.delete(key);
    else next.set(key, value);
    next.delete("page");
    const query = next.toString();
    return query ? `?${query}` : ".";
  };

  return (
    <>
      <div className="page-head">
        <h1>{t("villages.title")}</h1>
        <p className="muted">{t("villages.intro")}</p>
      </div>

      <VillageFilterForm
        filters={filters}
        townships={data.townships}
        seesTypes={data.seesFullList}
        byStatus={data.byStatus}
        byType={data.byType}
      />

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
          ? t("villages.countFiltered", { shown: data.matched, total: data.total })
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
      <Pager
        page={data.page.page}
        pages={data.page.pages}
        href={(page) => pageHref(params, page)}
        range={{ from: data.page.from, to: data.page.to, total: data.matched }}
      />
    </>
  );
}
