/**
 * The Leaflet map (browser only; loaded lazily after hydration by the map route). Villages are
 * clustered with supercluster so a province's 8,000 points stay smooth; every marker and cluster is
 * a keyboard-focusable button with a spoken name, at least 24 px and never partly under another
 * (icons that would overlap on screen are merged into one cluster: utils/clusters.ts).
 */
import L from "leaflet";
import { memo, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { GeoJSON, MapContainer, Marker, TileLayer, useMap, useMapEvents } from "react-leaflet";
import type Supercluster from "supercluster";
import type { Translate } from "~/i18n";
import type { TownshipShape } from "~/models/map.server";
import type { ExitStatus } from "../../db/schema";
import {
  clusterCounts,
  createVillageIndex,
  separateIcons,
  type ClusterProps,
  type IconPlace,
  type PointProps,
} from "~/utils/clusters";
import type { MapVillage } from "~/utils/map-data";
import {
  clusterIconSize,
  clusterLabel,
  clusterSvg,
  exitShareFill,
  type StatusCounts,
} from "~/utils/cluster-style";
import { markerSize, markerSvg } from "~/utils/map-style";
import { groupBy } from "~/utils/group";

export interface TileConfig {
  url: string;
  attribution: string;
  maxZoom: number;
  subdomains?: string;
}

/** What the map draws of a township (the model's TownshipShape, minus what it does not need). */
export type TownshipShapeProps = Pick<
  TownshipShape,
  "id" | "name" | "villages" | "exited" | "geometry"
>;

export interface VillageMapProps {
  villages: MapVillage[];
  outline: GeoJSON.Polygon;
  bbox: { west: number; south: number; east: number; north: number };
  tiles: TileConfig[];
  view: "villages" | "townships";
  townships: TownshipShapeProps[];
  focus: { townshipId?: string; villageId?: string };
  selectedId: string | null;
  onSelect: (id: string) => void;
  onSelectTownship: (id: string) => void;
  /** The village whose marker may be dragged (county admin correcting a position), and where to. */
  drag: { id: string; lat: number; lon: number } | null;
  onDrag: (lat: number, lon: number) => void;
  onTilesFailed: () => void;
  t: Translate;
}

/** A transparent 1×1 PNG: a failed tile shows the plain background, never a broken-image icon. */
const BLANK_TILE =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

function villageIcon(v: MapVillage, selected: boolean, label: string) {
  const size = markerSize(v.own);
  return L.divIcon({
    className: `village-marker${selected ? " is-selected" : ""}${v.own ? " is-own" : ""}`,
    html: `${markerSvg(v.exitStatus, v.own)}<span class="visually-hidden">${escapeHtml(label)}</span>`,
    iconSize: [size, size],
    iconAnchor: [size / 2, size / 2],
  });
}

/** Markers added to the map per task while it is first drawn (~0.4 ms each on the bench machine). */
const MARKER_BATCH = 16;

/** What an icon on the map stands for: one village, or one of supercluster's clusters. */
type MapIcon =
  | { kind: "village"; village: MapVillage }
  | { kind: "cluster"; id: number; lat: number; lon: number; counts: StatusCounts };

/** How many villages of each status the icons hold together. */
function countsOf(items: readonly MapIcon[]): StatusCounts {
  const counts: StatusCounts = {};
  for (const item of items) {
    const add = item.kind === "village" ? { [item.village.exitStatus]: 1 } : item.counts;
    for (const [status, n] of Object.entries(add) as [ExitStatus, number][]) {
      counts[status] = (counts[status] ?? 0) + n;
    }
  }
  return counts;
}

const positionOf = (item: MapIcon): [number, number] =>
  item.kind === "village" ? [item.village.lat, item.village.lon] : [item.lat, item.lon];

/** The side of the icon drawn for these items, in pixels: a village's marker, or a cluster's. */
function iconSize(items: readonly MapIcon[]): number {
  const [first] = items;
  if (items.length === 1 && first?.kind === "village") return markerSize(first.village.own);
  return clusterIconSize(Object.values(countsOf(items)).reduce((a, b) => a + (b ?? 0), 0));
}

/** Enter or Space on a focused marker acts like a click (Leaflet only does this for popups). */
function onActivateKey(action: () => void) {
  return (e: L.LeafletKeyboardEvent) => {
    const key = e.originalEvent.key;
    if (key === "Enter" || key === " ") {
      e.originalEvent.preventDefault();
      action();
    }
  };
}

/**
 * One village's marker. Memoised, with its icon and position kept while its props stay the same:
 * react-leaflet replaces a marker's icon (its HTML) and moves it whenever it is given a new icon
 * or position object, so drawing markers 16 at a time redrew every marker already on the map at
 * each step (about 1,400 icon redraws for the county's first view, and more at a province's).
 */
const VillageMarker = memo(function VillageMarker({
  village,
  selected,
  dragLat,
  dragLon,
  label,
  onSelect,
  onDrag,
}: {
  village: MapVillage;
  selected: boolean;
  /** Where the marker is being dragged to, when it is. */
  dragLat: number | null;
  dragLon: number | null;
  label: string;
  onSelect: (id: string) => void;
  onDrag: (lat: number, lon: number) => void;
}) {
  const dragging = dragLat !== null && dragLon !== null;
  const icon = useMemo(() => villageIcon(village, selected, label), [village, selected, label]);
  const position = useMemo<[number, number]>(
    () => (dragging ? [dragLat, dragLon] : [village.lat, village.lon]),
    [dragging, dragLat, dragLon, village.lat, village.lon],
  );
  const handlers = useMemo(
    () => ({
      click: () => onSelect(village.id),
      keypress: onActivateKey(() => onSelect(village.id)),
      dragend: (e: L.LeafletEvent) => {
        const p = (e.target as L.Marker).getLatLng();
        onDrag(Math.round(p.lat * 1e5) / 1e5, Math.round(p.lng * 1e5) / 1e5);
      },
    }),
    [village.id, onSelect, onDrag],
  );
  return (
    <Marker
      position={position}
      icon={icon}
      title={village.nameZh}
      zIndexOffset={selected ? 1000 : village.own ? 500 : 0}
      draggable={dragging}
      eventHandlers={handlers}
    />
  );
});

/** A cluster's marker (or icons merged because they would overlap), memoised as VillageMarker. */
const ClusterMarker = memo(function ClusterMarker({
  lat,
  lon,
  html,
  size,
  label,
  zoomIn,
}: {
  lat: number;
  lon: number;
  /** The cluster's SVG (clusterSvg), which says how many villages of each status it holds. */
  html: string;
  size: number;
  label: string;
  zoomIn: () => void;
}) {
  const icon = useMemo(
    () =>
      L.divIcon({
        className: "cluster-marker",
        html: `${html}<span class="visually-hidden">${escapeHtml(label)}</span>`,
        iconSize: [size, size],
        iconAnchor: [size / 2, size / 2],
      }),
    [html, size, label],
  );
  const position = useMemo<[number, number]>(() => [lat, lon], [lat, lon]);
  const handlers = useMemo(() => ({ click: zoomIn, keypress: onActivateKey(zoomIn) }), [zoomIn]);
  return <Marker position={position} icon={icon} title={label} eventHandlers={handlers} />;
});

function Clusters({
  villages,
  selectedId,
  onSelect,
  drag,
  onDrag,
  t,
}: Pick<VillageMapProps, "villages" | "selectedId" | "onSelect" | "drag" | "onDrag" | "t">) {
  const map = useMap();
  const [view, setView] = useState(() => ({ bounds: map.getBounds(), zoom: map.getZoom() }));
  useMapEvents({ moveend: () => setView({ bounds: map.getBounds(), zoom: map.getZoom() }) });
  // The page makes new callbacks at each render; the markers get steady ones that call the latest.
  const latest = useRef({ onSelect, onDrag });
  useEffect(() => {
    latest.current = { onSelect, onDrag };
  });
  const selectVillage = useCallback((id: string) => latest.current.onSelect(id), []);
  const dragVillage = useCallback(
    (lat: number, lon: number) => latest.current.onDrag(lat, lon),
    [],
  );

  // The viewer's own village, and one being dragged, are never hidden inside a cluster.
  const pinnedKey = [...villages.filter((v) => v.own).map((v) => v.id), drag?.id ?? ""].join(",");
  const { clustered, pinned } = useMemo(() => {
    const ids = new Set(pinnedKey.split(",").filter(Boolean));
    return {
      clustered: villages.filter((v) => !ids.has(v.id)),
      pinned: villages.filter((v) => ids.has(v.id)),
    };
  }, [villages, pinnedKey]);
  // The map is drawn in steps, each its own short task, so that a phone is never kept busy long
  // while the page loads: the map and its tiles first, then the cluster index (one task), then the
  // markers a batch at a time. The index comes with the villages it was built from, so markers
  // always match it while a new one (after a filter) is being built.
  const [built, setBuilt] = useState<{
    villages: MapVillage[];
    index: ReturnType<typeof createVillageIndex>;
  } | null>(null);
  useEffect(() => {
    const timer = setTimeout(() =>
      setBuilt({ villages: clustered, index: createVillageIndex(clustered) }),
    );
    return () => clearTimeout(timer);
  }, [clustered]);

  // The icons of this view, worked out once per view (not again for each batch of markers).
  const groups = useMemo(() => {
    if (!built) return [];
    const b = view.bounds;
    const features = built.index.getClusters(
      [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()],
      Math.round(view.zoom),
    );
    // Where each icon falls on screen, and those that would overlap merged into one cluster.
    return separateIcons(
      features.map((f): IconPlace<MapIcon> => {
        const [lon, lat] = f.geometry.coordinates as [number, number];
        const item: MapIcon =
          "cluster" in f.properties && f.properties.cluster
            ? {
                kind: "cluster",
                id: f.properties.cluster_id,
                lat,
                lon,
                counts: clusterCounts(
                  f.properties as Supercluster.ClusterProperties & ClusterProps,
                ),
              }
            : { kind: "village", village: built.villages[(f.properties as PointProps).index]! };
        const { x, y } = map.project([lat, lon], view.zoom);
        return { x, y, size: iconSize([item]), item };
      }),
      iconSize,
    ).map(({ items }) => {
      const [first] = items as [MapIcon];
      if (items.length === 1 && first.kind === "village") {
        return { kind: "village" as const, village: first.village };
      }
      const counts = countsOf(items);
      const [lat, lon] =
        first.kind === "village" ? [first.village.lat, first.village.lon] : [first.lat, first.lon];
      const zoomIn =
        items.length === 1 && first.kind === "cluster"
          ? () => map.flyTo([lat, lon], Math.min(built.index.getClusterExpansionZoom(first.id), 16))
          : () =>
              map.flyToBounds(L.latLngBounds(items.map(positionOf)), {
                maxZoom: 16,
                padding: [48, 48],
              });
      return {
        kind: "cluster" as const,
        key: first.kind === "village" ? `g${first.village.id}` : `c${first.id}`,
        lat,
        lon,
        counts,
        size: iconSize(items),
        zoomIn,
      };
    });
  }, [built, view, map]);
  const [limit, setLimit] = useState(MARKER_BATCH);
  const more = groups.length > limit;
  useEffect(() => {
    if (!more) return;
    const timer = setTimeout(() => setLimit((n) => n + MARKER_BATCH));
    return () => clearTimeout(timer);
  }, [more, limit]);

  const villageMarker = (v: MapVillage) => {
    const dragging = drag?.id === v.id;
    return (
      <VillageMarker
        key={v.id}
        village={v}
        selected={v.id === selectedId}
        dragLat={dragging ? drag.lat : null}
        dragLon={dragging ? drag.lon : null}
        label={t("map.markerLabel", { name: v.nameZh, status: t(`exitStatus.${v.exitStatus}`) })}
        onSelect={selectVillage}
        onDrag={dragVillage}
      />
    );
  };

  return (
    <>
      {groups.slice(0, limit).map((group) => {
        if (group.kind === "village") return villageMarker(group.village);
        const label = clusterLabel(t, group.counts);
        return (
          <ClusterMarker
            key={group.key}
            lat={group.lat}
            lon={group.lon}
            html={clusterSvg(group.counts)}
            size={group.size}
            label={label}
            zoomIn={group.zoomIn}
          />
        );
      })}
      {pinned.map(villageMarker)}
    </>
  );
}

function TownshipMarkers({
  villages,
  townships,
  onSelectTownship,
  t,
}: Pick<VillageMapProps, "villages" | "townships" | "onSelectTownship" | "t">) {
  const byTownship = groupBy(villages, (v) => v.townshipId);
  return (
    <>
      {townships.map((tw) => {
        const mine = byTownship.get(tw.id) ?? [];
        if (mine.length === 0) return null;
        const lat = mine.reduce((s, v) => s + v.lat, 0) / mine.length;
        const lon = mine.reduce((s, v) => s + v.lon, 0) / mine.length;
        const counts: StatusCounts = {};
        for (const v of mine) counts[v.exitStatus] = (counts[v.exitStatus] ?? 0) + 1;
        const exited = (counts.exited ?? 0) + (counts.consolidating ?? 0);
        const label = t("map.townshipLabel", { name: tw.name, count: mine.length, exited });
        const open = () => onSelectTownship(tw.id);
        return (
          <Marker
            key={tw.id}
            position={[lat, lon]}
            icon={L.divIcon({
              className: "township-marker",
              html: `${clusterSvg(counts)}<span class="township-name">${escapeHtml(tw.name)}</span><span class="visually-hidden">${escapeHtml(label)}</span>`,
              iconSize: [96, 64],
              iconAnchor: [48, 20],
            })}
            title={label}
            eventHandlers={{ click: open, keypress: onActivateKey(open) }}
          />
        );
      })}
    </>
  );
}

/** Draws its children a task later than its parent, so that the two are not one long task. */
function NextTask({ children }: { children: ReactNode }) {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setReady(true));
    return () => clearTimeout(timer);
  }, []);
  return ready ? children : null;
}

/** Fits the map to the viewer's focus once: a township, a village, or the whole county. */
function InitialView({
  villages,
  focus,
  bbox,
}: Pick<VillageMapProps, "villages" | "focus" | "bbox">) {
  const map = useMap();
  const done = useRef(false);
  useEffect(() => {
    if (done.current || villages.length === 0) return;
    done.current = true;
    const own = focus.villageId ? villages.find((v) => v.id === focus.villageId) : undefined;
    if (own) {
      map.setView([own.lat, own.lon], 12, { animate: false });
      return;
    }
    const inTownship = focus.townshipId
      ? villages.filter((v) => v.townshipId === focus.townshipId)
      : [];
    if (inTownship.length > 0) {
      map.fitBounds(L.latLngBounds(inTownship.map((v) => [v.lat, v.lon])).pad(0.3), {
        animate: false,
      });
      return;
    }
    map.fitBounds(
      [
        [bbox.south, bbox.west],
        [bbox.north, bbox.east],
      ],
      { animate: false },
    );
    // Not animated: leaving the page during a zoom animation makes Leaflet read removed panes.
  }, [map, villages, focus, bbox]);
  return null;
}

export default function VillageMap(props: VillageMapProps) {
  const { outline, bbox, tiles, view, townships, t } = props;
  const center: [number, number] = [(bbox.south + bbox.north) / 2, (bbox.west + bbox.east) / 2];
  const shaded = townships.filter((tw) => tw.geometry);
  return (
    <MapContainer
      center={center}
      zoom={9}
      zoomSnap={0.25}
      className="leaflet-map"
      scrollWheelZoom={false}
      keyboard
    >
      {/* Where the map opens, first: the tiles are then asked for that view only. */}
      <InitialView villages={props.villages} focus={props.focus} bbox={bbox} />
      {/* The map's layers a task after the map itself (and the markers after them, see Clusters). */}
      <NextTask>
        {tiles.map((tile) => (
          <TileLayer
            key={tile.url}
            url={tile.url}
            attribution={tile.attribution}
            maxZoom={tile.maxZoom}
            subdomains={tile.subdomains ?? "abc"}
            errorTileUrl={BLANK_TILE}
            eventHandlers={{ tileerror: props.onTilesFailed }}
          />
        ))}
        {view === "townships"
          ? shaded.map((tw) => (
              <GeoJSON
                key={`${tw.id}-${tw.exited}-${tw.villages}`}
                data={tw.geometry!}
                style={{
                  color: "#5c5752",
                  weight: 1,
                  fillColor: exitShareFill(tw.villages ? tw.exited / tw.villages : 0),
                  fillOpacity: 0.6,
                }}
              />
            ))
          : null}
        <GeoJSON
          data={outline}
          interactive={false}
          style={{
            color: "#b3261e",
            weight: 2.5,
            fill: view !== "townships" || shaded.length === 0,
            fillColor: "#fffdf8",
            fillOpacity: 0.35,
          }}
        />
        {view === "townships" ? (
          <TownshipMarkers
            villages={props.villages}
            townships={townships}
            onSelectTownship={props.onSelectTownship}
            t={t}
          />
        ) : (
          <Clusters
            villages={props.villages}
            selectedId={props.selectedId}
            onSelect={props.onSelect}
            drag={props.drag}
            onDrag={props.onDrag}
            t={t}
          />
        )}
      </NextTask>
    </MapContainer>
  );
}
