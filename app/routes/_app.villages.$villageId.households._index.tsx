import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { DemoBadge } from "~/components/badges";
import { FilterSelect } from "~/components/filter-select";
import { TableRegion } from "~/components/table-region";
import { formatList, formatYuan, useLocale, useT } from "~/i18n";
import { listHouseholds } from "~/models/household.server";
import { HouseholdFiltersSchema } from "~/schemas/household-filters";
import { HOUSEHOLD_STATUSES, POVERTY_CAUSES } from "../../db/schema";
import { villageTabTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => villageTabTitle(args, "village.tab.households");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const url = new URL(request.url);
  const filters = HouseholdFiltersSchema.parse({
    status: url.searchParams.get("status"),
    cause: url.searchParams.get("cause"),
    q: url.searchParams.get("q"),
  });
  const result = await listHouseholds(viewer, params.villageId ?? "", filters);
  if (!result.ok) notFound();
  return { ...result, filters, villageId: params.villageId ?? "" };
}

export default function HouseholdsTab() {
  const t = useT();
  const locale = useLocale();
  const { households, total, canEdit, filters, villageId } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const filtered = households.length !== total;
  return (
    <div className="stack-lg">
      {searchParams.get("imported") ? (
        <p role="status" className="saved">
          {t("import.households.done", { count: Number(searchParams.get("imported")) })}
        </p>
      ) : null}
      <div className="page-head-row">
        <h2>{t("household.title")}</h2>
        <div className="actions">
          {canEdit ? (
            <>
              <Link to="new" className="button button-primary">
                {t("household.add")}
              </Link>
              <Link to="import" className="button">
                {t("household.import")}
              </Link>
            </>
          ) : null}
          <Link to={`/villages/${villageId}/households.xlsx`} reloadDocument className="button">
            {t("household.export")}
          </Link>
        </div>
      </div>
      <Form method="get" className="filters" role="search" aria-label={t("household.filters")}>
        <div className="field">
          <label htmlFor="hh-q">{t("household.search")}</label>
          <input id="hh-q" type="search" name="q" defaultValue={filters.q ?? ""} />
        </div>
        <FilterSelect
          name="status"
          label={t("household.status")}
          value={filters.status}
          options={HOUSEHOLD_STATUSES.map((s) => ({ value: s, label: t(`householdStatus.${s}`) }))}
        />
        <FilterSelect
          name="cause"
          label={t("household.mainCause")}
          value={filters.cause}
          options={POVERTY_CAUSES.map((c) => ({ value: c, label: t(`cause.${c}`) }))}
        />
        <div className="filter-actions">
          <button type="submit" className="button">
            {t("villages.filter.apply")}
          </button>
        </div>
      </Form>
      <p aria-live="polite" className="muted">
        {filtered
          ? t("household.countFiltered", { shown: households.length, total })
          : t("household.count", { total })}
      </p>
      {households.length === 0 ? (
        <p className="empty">{total === 0 ? t("household.noneYet") : t("household.noMatch")}</p>
      ) : (
        <TableRegion label={t("household.title")}>
          <thead>
            <tr>
              <th scope="col">{t("household.head")}</th>
              <th scope="col">{t("household.code")}</th>
              <th scope="col">{t("household.members")}</th>
              <th scope="col">{t("household.mainCause")}</th>
              <th scope="col">{t("household.status")}</th>
              <th scope="col">{t("household.latestIncome")}</th>
              <th scope="col">{t("household.guarantees")}</th>
              <th scope="col">{t("household.pairedCadre")}</th>
            </tr>
          </thead>
          <tbody>
            {households.map((h) => (
              <tr key={h.id}>
                <th scope="row">
                  <Link to={h.id}>{h.headName}</Link> <DemoBadge source={h.nameSource} />
                </th>
                <td data-label={t("household.code")}>{h.code}</td>
                <td className="num" data-label={t("household.members")}>
                  {h.members}
                </td>
                <td data-label={t("household.mainCause")}>{t(`cause.${h.mainCause}`)}</td>
                <td data-label={t("household.status")}>
                  <span className={`hh-status hh-${h.status}`}>
                    {t(`householdStatus.${h.status}`)}
                  </span>
                  {h.exitYear ? <span className="muted small"> {h.exitYear}</span> : null}
                </td>
                <td className="num" data-label={t("household.latestIncome")}>
                  {h.latestIncome ? (
                    <span
                      className={
                        h.latestIncome.line !== null && h.latestIncome.value < h.latestIncome.line
                          ? "over-threshold"
                          : ""
                      }
                    >
                      {formatYuan(locale, h.latestIncome.value)}{" "}
                      <span className="muted small">({h.latestIncome.year})</span>
                    </span>
                  ) : (
                    "—"
                  )}
                </td>
                <td data-label={t("household.guarantees")}>
                  {h.unmetGuarantees.length === 0
                    ? t("household.allGuaranteesMet")
                    : formatList(
                        locale,
                        h.unmetGuarantees.map((g) => t(`guarantee.${g}`)),
                      )}
                </td>
                <td data-label={t("household.pairedCadre")}>{h.pairedCadre ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </TableRegion>
      )}
    </div>
  );
}
