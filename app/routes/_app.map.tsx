import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useFetcher, useLoaderData, useNavigate, useSearchParams } from "@remix-run/react";
import leafletStyles from "leaflet/dist/leaflet.css";
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from "react";
import { ClientOnly } from "remix-utils/client-only";
import { requireViewer } from "~/auth.server";
import type { PositionActionData } from "~/components/position-form";
import { VillageFilterForm } from "~/components/village-filters";
import { useT } from "~/i18n";
import { canEditPositions, countyOutline, mapFocus, townshipShapes } from "~/models/map.server";
import {
  filtersFor,
  narrowVillages,
  seesFullList,
  tableVillage,
  villagesByIds,
} from "~/models/village.server";
import { parseVillageFilters } from "~/schemas/village-filters";
import { decodeMapData, type MapDataWire } from "~/utils/map-data";
import { STATUS_ORDER, markerSvg } from "~/utils/map-style";
import { pageTitle } from "~/utils/meta";
import { lazyComponent } from "~/utils/lazy-component";
import { loadStylesheet } from "~/utils/stylesheet";
import { tileLayers } from "~/utils/tiles.server";
import { filterVillages } from "~/utils/village-list";

// Leaflet's stylesheet comes with the map's script, not as the page's `links`: it no longer holds
// back the first paint of the filters and the table.
const VillageMap = lazy(() =>
  Promise.all([
    import("~/components/village-map.client"),
    loadStylesheet(leafletStyles),
    VillagePanel.preload(),
  ]).then(([module]) => module),
);
/**
 * The map's accessible twin, the villages as a table: drawn by the server with the page, hydrated
 * when its own chunk has come (asked for as soon as this page's code runs), so that the filters and
 * the map become interactive without waiting for it (decision 018). Its links work before then as
 * plain links.
 */
const VillageTable = lazyComponent(
  () => import("~/components/village-table").then((m) => m.VillageTable),
  { eager: true },
);

/**
 * The village picked on the map: loaded with the map's chunk, as villages are picked on the map,
 * so that it shows (and its heading takes focus) at once when one is.
 */
const VillagePanel = lazyComponent(() =>
  import("~/components/map-panel").then((m) => m.VillagePanel),
);

/** The accessible table under the map shows at most this many rows (a province has thousands). */
const TABLE_LIMIT = 200;

export const meta: MetaFunction = (args) => pageTitle(args, "map.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const params = new URL(request.url).searchParams;
  const filters = filtersFor(viewer, parseVillageFilters(params));
  const view: "villages" | "townships" =
    params.get("view") === "townships" ? "townships" : "villages";
  // Read the visible villages once, narrowly: the table's filter and order and the township
  // summaries come from them; only the table's rows are read in full.
  const visible = await narrowVillages(viewer);
  const list = filterVillages(visible, filters);
  const [shapes, table] = await Promise.all([
    townshipShapes(viewer, visible),
    villagesByIds(
      viewer,
      list.villages.slice(0, TABLE_LIMIT).map((v) => v.id),
    ),
  ]);
  return {
    filters,
    view,
    seesTypes: seesFullList(viewer),
    townships: shapes.map(({ id, name }) => ({ id, name })),
    shapes,
    table: table.map(tableVillage),
    shown: list.villages.length,
    total: list.total,
    outline: countyOutline(),
    tiles: tileLayers(),
    focus: mapFocus(viewer),
    canEdit: canEditPositions(viewer),
    ownVillageIds: viewer.villageIds,
  };
}

/** `ownVillage`: the viewer has villages of their own (a team member), marked apart on the map. */
function Legend({ ownVillage }: { ownVillage: boolean }) {
  const t = useT();
  return (
    <section className="map-legend" aria-labelledby="legend-title">
      <h2 id="legend-title">{t("map.legend")}</h2>
      <ul>
        {STATUS_ORDER.map((status) => (
          <li key={status}>
            <span
              className="legend-symbol"
              dangerouslySetInnerHTML={{ __html: markerSvg(status) }}
            />
            {t(`exitStatus.${status}`)}
          </li>
        ))}
        {ownVillage ? (
          <li>
            <span
              className="legend-symbol"
              dangerouslySetInnerHTML={{ __html: markerSvg("exited", true) }}
            />
            {t("map.legendOwn")}
          </li>
        ) : null}
        <li>
          <span className="legend-symbol legend-cluster" aria-hidden="true">
            12
          </span>
          {t("map.legendCluster")}
        </li>
        <li>
          <span className="legend-symbol" aria-hidden="true">
            <span className="legend-outline" />
          </span>
          {t("map.outline")}
        </li>
      </ul>
    </section>
  );
}

export default function MapPage() {
  const t = useT();
  const data = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const mapFetcher = useFetcher<MapDataWire>();
  const positionFetcher = useFetcher<PositionActionData>();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [drag, setDrag] = useState<{ id: string; lat: number; lon: number } | null>(null);
  const [tilesFailed, setTilesFailed] = useState(false);
  const panelHeading = useRef<HTMLHeadingElement>(null);

  // Map data comes after hydration, from its own compact endpoint; it is refreshed after any save.
  useEffect(() => {
    if (mapFetcher.state === "idle" && !mapFetcher.data) mapFetcher.load("/map/villages.json");
  }, [mapFetcher]);

  const all = useMemo(
    () => (mapFetcher.data ? decodeMapData(mapFetcher.data) : []),
    [mapFetcher.data],
  );
  const shown = useMemo(() => filterVillages(all, data.filters).villages, [all, data.filters]);
  const selected = selectedId ? all.find((v) => v.id === selectedId) : undefined;

  const select = (id: string) => {
    setSelectedId(id);
    setDrag(null);
    requestAnimationFrame(() => panelHeading.current?.focus());
  };

  const viewLink = (view: "villages" | "townships") => {
    const next = new URLSearchParams(params);
    if (view === "villages") next.delete("view");
    else next.set("view", view);
    return `?${next.toString()}`;
  };

  return (
    <>
      <div className="page-head page-head-row">
        <div>
          <h1>{t("map.title")}</h1>
          <p className="muted">{t("map.intro")}</p>
        </div>
        {data.canEdit ? (
          <Link to="/map/import" className="button">
            {t("map.import")}
          </Link>
        ) : null}
      </div>

      <VillageFilterForm
        filters={data.filters}
        townships={data.townships}
        seesTypes={data.seesTypes}
        showSort={false}
        hidden={
          data.view === "townships" ? <input type="hidden" name="view" value="townships" /> : null
        }
      />

      <nav className="view-switch" aria-label={t("map.title")}>
        <Link
          to={viewLink("villages")}
          aria-current={data.view === "villages" ? "page" : undefined}
          preventScrollReset
        >
          {t("map.viewVillages")}
        </Link>
        <Link
          to={viewLink("townships")}
          aria-current={data.view === "townships" ? "page" : undefined}
          preventScrollReset
        >
          {t("map.viewTownships")}
        </Link>
      </nav>
      {data.view === "townships" && !data.shapes.some((s) => s.geometry) ? (
        <p className="muted small">{t("map.noBoundaries")}</p>
      ) : null}

      <div className="map-layout">
        <div className="map-frame">
          <ClientOnly
            fallback={
              <div className="map-fallback">
                <span className="js-only">{t("map.loading")}</span>
                <span className="no-js-only">{t("map.noScript")}</span>
              </div>
            }
          >
            {() => (
              <Suspense fallback={<div className="map-fallback">{t("map.loading")}</div>}>
                {mapFetcher.data ? (
                  <VillageMap
                    villages={shown}
                    outline={data.outline.boundary}
                    bbox={data.outline.bbox}
                    tiles={data.tiles}
                    view={data.view}
                    townships={data.shapes}
                    focus={data.focus}
                    selectedId={selectedId}
                    onSelect={select}
                    onSelectTownship={(id) => navigate(`?township=${id}`)}
                    drag={drag}
                    onDrag={(lat, lon) => selectedId && setDrag({ id: selectedId, lat, lon })}
                    onTilesFailed={() => setTilesFailed(true)}
                    t={t}
                  />
                ) : (
                  <div className="map-fallback">{t("map.loading")}</div>
                )}
              </Suspense>
            )}
          </ClientOnly>
          {tilesFailed ? (
            <p className="map-notice" role="status">
              {t("map.tilesFailed")}
            </p>
          ) : null}
        </div>

        <aside className="map-side">
          {selected ? (
            <Suspense fallback={null}>
              <VillagePanel
                village={selected}
                canEdit={data.canEdit}
                drag={drag}
                setDrag={setDrag}
                positionFetcher={positionFetcher}
                onClose={() => setSelectedId(null)}
                headingRef={panelHeading}
              />
            </Suspense>
          ) : null}
          <Legend ownVillage={data.ownVillageIds.length > 0} />
        </aside>
      </div>

      <h2 className="table-title">{t("map.tableCaption")}</h2>
      <p className="result-count" role="status">
        {data.shown !== data.total
          ? t("villages.countFiltered", { shown: data.shown, total: data.total })
          : t("villages.count", { count: data.total })}
        {data.shown > data.table.length ? (
          <span className="muted">
            {" "}
            · {t("map.tableLimited", { shown: data.table.length, total: data.shown })}
          </span>
        ) : null}
      </p>
      {data.table.length > 0 ? (
        <Suspense fallback={<p className="muted">{t("map.tableLoading")}</p>}>
          <VillageTable
            villages={data.table}
            caption={t("map.tableCaption")}
            ownVillageIds={data.ownVillageIds}
          />
        </Suspense>
      ) : (
        <p className="empty">{t("villages.none")}</p>
      )}
    </>
  );
}
