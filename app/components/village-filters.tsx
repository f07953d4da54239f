import { Form, Link, useLocation, useSearchParams, useSubmit } from "@remix-run/react";
import { useCallback, useEffect, useRef, type ReactNode } from "react";
import { EXIT_STATUSES, UNIT_LEVELS, VILLAGE_TYPES } from "../../db/schema";
import { FilterSelect } from "~/components/filter-select";
import { useT } from "~/i18n";
import { VILLAGE_SORTS, type VillageFilters } from "~/utils/village-list";

/**
 * Submits the filter form after a pause. A pending submit is dropped when the page moves on (the
 * back button, a link) — remix-utils' useDebounceSubmit fired it anyway, re-applying a filter
 * after "back" and failing with an unhandled AbortError — and a submit superseded by a newer
 * navigation is not an error.
 */
function useDebouncedFilterSubmit(delay: number) {
  const submit = useSubmit();
  const location = useLocation();
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(timer.current), [location.key]);
  return useCallback(
    (form: HTMLFormElement) => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        Promise.resolve(submit(form, { replace: true, preventScrollReset: true })).catch(
          (error: unknown) => {
            if ((error as { name?: unknown } | null)?.name !== "AbortError") throw error;
          },
        );
      }, delay);
    },
    [submit, delay],
  );
}

/**
 * The village filters of the list and the map: a GET form, so filters live in the URL (shareable,
 * back button works) and apply without JavaScript; with JavaScript they apply as you choose.
 */
export function VillageFilterForm({
  filters,
  townships,
  seesTypes,
  byStatus,
  byType,
  showSort = true,
  hidden,
}: {
  filters: VillageFilters;
  townships: { id: string; name: string }[];
  seesTypes: boolean;
  byStatus?: Partial<Record<string, number>>;
  byType?: Partial<Record<string, number>>;
  showSort?: boolean;
  hidden?: ReactNode;
}) {
  const t = useT();
  const submit = useDebouncedFilterSubmit(350);
  const [params] = useSearchParams();
  const count = (n: number | undefined) => (n === undefined ? "" : ` (${n})`);
  return (
    <Form
      method="get"
      className="filters"
      aria-label={t("villages.filters")}
      onChange={(e) =>
        // Debounced: typing a name or changing two filters in a row makes one request, not one per
        // keystroke (weak signal), and never leaves a half-read response to be aborted.
        submit(e.currentTarget)
      }
    >
      {hidden}
      {townships.length > 1 ? (
        <FilterSelect
          name="township"
          label={t("villages.filter.township")}
          value={filters.townshipId}
          options={townships.map((tw) => ({ value: tw.id, label: tw.name }))}
        />
      ) : null}
      {seesTypes ? (
        <FilterSelect
          name="type"
          label={t("villages.filter.type")}
          value={filters.type}
          options={VILLAGE_TYPES.map((type) => ({
            value: type,
            label: t(`villageType.${type}`) + count(byType?.[type] ?? (byType ? 0 : undefined)),
          }))}
        />
      ) : null}
      <FilterSelect
        name="status"
        label={t("villages.filter.status")}
        value={filters.status}
        options={EXIT_STATUSES.map((status) => ({
          value: status,
          label:
            t(`exitStatus.${status}`) + count(byStatus?.[status] ?? (byStatus ? 0 : undefined)),
        }))}
      />
      <FilterSelect
        name="level"
        label={t("map.filter.level")}
        value={filters.level}
        options={UNIT_LEVELS.map((level) => ({ value: level, label: t(`level.${level}`) }))}
      />
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
      {showSort ? (
        <div className="field">
          <label htmlFor="f-sort">{t("villages.sort")}</label>
          <select id="f-sort" name="sort" defaultValue={filters.sort ?? "township"}>
            {VILLAGE_SORTS.filter(
              (s) => seesTypes || (s !== "incidence" && s !== "poor_people"),
            ).map((s) => (
              <option key={s} value={s}>
                {t(`villages.sort.${s === "poor_people" ? "poorPeople" : s}`)}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <div className="filter-actions">
        <button type="submit" className="button">
          {t("villages.filter.apply")}
        </button>
        {[...params.keys()].some((k) => k !== "view") ? (
          <Link to={params.get("view") ? `?view=${params.get("view")}` : "."}>
            {t("villages.filter.reset")}
          </Link>
        ) : null}
      </div>
    </Form>
  );
}
