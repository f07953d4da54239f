import type { Feature, FeatureCollection, Point } from "geojson";
import type { Viewer } from "~/permissions";
import { visibleVillagesAfter } from "~/models/village.server";
import { producedStream } from "~/utils/body-stream.server";

type VillageItem = Awaited<ReturnType<typeof visibleVillagesAfter>>["items"][number];

/** Villages read at once for the GeoJSON. */
export const GEOJSON_BATCH = 500;

/**
 * One village as a GeoJSON feature (RFC 7946: WGS-84, [lon, lat]). Public summaries carry only
 * public properties; village type and figures stay within the viewer's jurisdiction.
 */
function villageFeature(v: VillageItem, origin: string): Feature<Point> {
  return {
    type: "Feature",
    id: v.id,
    geometry: { type: "Point", coordinates: [v.lon, v.lat] },
    properties: {
      name: v.nameZh,
      name_pinyin: v.namePinyin,
      name_source: v.nameSource,
      url: `${origin}/villages/${v.id}`,
      township: v.townshipName,
      township_code: v.townshipCode,
      exit_status: v.exitStatus,
      exit_year: v.exitYear,
      position_source: v.positionSource,
      team_level: v.team?.level ?? null,
      sending_unit: v.team?.sendingUnit ?? null,
      cadre_count: v.team?.cadreCount ?? 0,
      access: v.access,
      ...(v.access === "full"
        ? {
            code: v.code,
            village_type: v.type,
            agricultural_population: v.agriculturalPopulation,
            poor_households: v.poorHouseholds,
            poor_people: v.poorPeople,
          }
        : {}),
    },
  };
}

/** The features of the villages the viewer may see, `batchSize` villages read at a time (by id). */
export async function* villageFeatureBatches(
  viewer: Viewer,
  origin: string,
  batchSize = GEOJSON_BATCH,
): AsyncGenerator<Feature<Point>[]> {
  let after: string | null = null;
  do {
    const batch: Awaited<ReturnType<typeof visibleVillagesAfter>> = await visibleVillagesAfter(
      viewer,
      after,
      batchSize,
    );
    if (batch.items.length) yield batch.items.map((v) => villageFeature(v, origin));
    after = batch.last;
  } while (after !== null);
}

/** The villages the viewer may see as one FeatureCollection, in hand. */
export async function villagesGeoJSON(
  viewer: Viewer,
  origin: string,
): Promise<FeatureCollection<Point>> {
  const features: Feature<Point>[] = [];
  for await (const batch of villageFeatureBatches(viewer, origin)) features.push(...batch);
  return { type: "FeatureCollection", features };
}

/**
 * The same FeatureCollection as a body written a batch of villages at a time: the first bytes
 * leave at once and a province's 8,000 villages are never held whole.
 */
export function villagesGeoJSONStream(
  viewer: Viewer,
  origin: string,
  batchSize = GEOJSON_BATCH,
): ReadableStream<Uint8Array> {
  return producedStream("villages.geojson", async (sink) => {
    sink.write('{"type":"FeatureCollection","features":[');
    let first = true;
    for await (const batch of villageFeatureBatches(viewer, origin, batchSize)) {
      const json = batch.map((f) => JSON.stringify(f)).join(",");
      sink.write(first ? json : `,${json}`);
      first = false;
      await sink.ready();
    }
    sink.write("]}");
  });
}
