/**
 * The county's bounding box (WGS-84), from db/seed-data/shangyi.json (a unit test keeps the two in
 * step). Small enough to share with the browser for instant validation; the server checks again.
 */
export const COUNTY_BBOX = {
  west: 113.8164,
  south: 40.7311,
  east: 114.4415,
  north: 41.5349,
} as const;

/** Positions may lie this far (degrees, ≈ 5 km) outside the box: the outline is approximate. */
export const BBOX_MARGIN = 0.05;

export const ALLOWED_AREA = {
  west: COUNTY_BBOX.west - BBOX_MARGIN,
  south: COUNTY_BBOX.south - BBOX_MARGIN,
  east: COUNTY_BBOX.east + BBOX_MARGIN,
  north: COUNTY_BBOX.north + BBOX_MARGIN,
};

export function isInAllowedArea(lat: number, lon: number): boolean {
  return (
    Number.isFinite(lat) &&
    Number.isFinite(lon) &&
    lat >= ALLOWED_AREA.south &&
    lat <= ALLOWED_AREA.north &&
    lon >= ALLOWED_AREA.west &&
    lon <= ALLOWED_AREA.east
  );
}

/** Parameters for the "outside the county" message. */
export const ALLOWED_AREA_PARAMS = {
  south: ALLOWED_AREA.south.toFixed(2),
  north: ALLOWED_AREA.north.toFixed(2),
  west: ALLOWED_AREA.west.toFixed(2),
  east: ALLOWED_AREA.east.toFixed(2),
};
