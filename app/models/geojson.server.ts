import type { FeatureCollection, Point } from "geojson";
import type { Viewer } from "~/permissions";
import { listVisibleVillages } from "~/models/village.server";

/**
 * The villages the viewer may see as GeoJSON (RFC 7946: WGS-84, [lon, lat]). Public summaries carry
 * only public properties; village type and figures stay within the viewer's jurisdiction.
 */
export async function villagesGeoJSON(
  viewer: Viewer,
  origin: string,
): Promise<FeatureCollection<Point>> {
  const villages = await listVisibleVillages(viewer);
  return {
    type: "FeatureCollection",
    features: villages.map((v) => ({
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
    })),
  };
}
