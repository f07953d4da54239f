import booleanPointInPolygon from "@turf/boolean-point-in-polygon";
import type { Polygon } from "geojson";

/** True when a WGS-84 point lies inside a GeoJSON polygon (coordinates are [lon, lat]). */
export function isInsidePolygon(point: { lat: number; lon: number }, polygon: Polygon): boolean {
  return booleanPointInPolygon([point.lon, point.lat], polygon);
}
