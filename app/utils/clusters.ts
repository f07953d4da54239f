/**
 * The cluster index behind the map: supercluster over village points, each cluster carrying how
 * many of its villages are in each exit status (for its icon and its spoken name).
 */
import Supercluster from "supercluster";
import type { ExitStatus } from "../../db/schema";
import type { StatusCounts } from "~/utils/cluster-style";

export type PointProps = { index: number };
export type ClusterProps = StatusCounts;

export function createVillageIndex(
  villages: readonly { lat: number; lon: number; exitStatus: ExitStatus }[],
) {
  const index = new Supercluster<PointProps, ClusterProps>({
    radius: 26,
    maxZoom: 13,
    map: (p) => ({ [villages[p.index]!.exitStatus]: 1 }) as ClusterProps,
    reduce: (acc, p) => {
      for (const key of Object.keys(p) as ExitStatus[]) acc[key] = (acc[key] ?? 0) + (p[key] ?? 0);
    },
  });
  index.load(
    villages.map((v, i) => ({
      type: "Feature" as const,
      properties: { index: i },
      geometry: { type: "Point" as const, coordinates: [v.lon, v.lat] },
    })),
  );
  return index;
}

/** The status counts of a cluster feature (supercluster's own bookkeeping removed). */
export function clusterCounts(
  properties: Supercluster.ClusterProperties & ClusterProps,
): StatusCounts {
  const {
    cluster: _c,
    cluster_id: _id,
    point_count: _n,
    point_count_abbreviated: _a,
    ...counts
  } = properties;
  return counts;
}

/** An icon on the map, where it is drawn: its centre in screen pixels and its side (a square). */
export interface IconPlace<T> {
  x: number;
  y: number;
  size: number;
  item: T;
  /** Never merged into another icon (the viewer's own village, the one being dragged). */
  fixed?: boolean;
}

/** Icons merged where they would overlap: drawn at the first (largest) one's place. */
export interface IconGroup<T> {
  x: number;
  y: number;
  size: number;
  items: T[];
  fixed: boolean;
}

/**
 * Merges the icons that would overlap on screen, until none do: supercluster groups points by
 * distance, but its clusters' centres can still land closer than their icons are wide, and a
 * button partly under another is one a finger cannot be sure to hit (WCAG 2.5.8, and axe's
 * target-size rule). Larger icons are placed first; an icon overlapping a placed one joins it,
 * whose size `sizeOf` then gives for the items it holds (a merge can make it larger, hence the
 * repeat). Fixed icons stay as they are, as do icons that only overlap a fixed one.
 */
export function separateIcons<T>(
  icons: readonly IconPlace<T>[],
  sizeOf: (items: readonly T[]) => number,
): IconGroup<T>[] {
  let groups: IconGroup<T>[] = icons.map((i) => ({
    x: i.x,
    y: i.y,
    size: i.size,
    items: [i.item],
    fixed: Boolean(i.fixed),
  }));
  const overlap = (a: IconGroup<T>, b: IconGroup<T>) => {
    const reach = (a.size + b.size) / 2;
    return Math.abs(a.x - b.x) < reach && Math.abs(a.y - b.y) < reach;
  };
  for (let merged = true; merged;) {
    merged = false;
    // Fixed first, then the largest; equal sizes keep their order (stable sort).
    groups.sort((a, b) => Number(b.fixed) - Number(a.fixed) || b.size - a.size);
    const placed: IconGroup<T>[] = [];
    for (const group of groups) {
      const host = group.fixed ? undefined : placed.find((p) => !p.fixed && overlap(p, group));
      if (!host) {
        placed.push(group);
        continue;
      }
      host.items.push(...group.items);
      host.size = sizeOf(host.items);
      merged = true;
    }
    groups = placed;
  }
  return groups;
}
