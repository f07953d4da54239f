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
