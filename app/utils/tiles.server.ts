/**
 * The basemap, configured by environment (no code change to switch provider):
 *   MAP_TILES=osm (default) | tianditu | none | custom
 *   MAP_TILE_URL, MAP_TILE_ATTRIBUTION, MAP_TILE_MAX_ZOOM   (custom, or to override)
 *   TIANDITU_KEY                                            (required for tianditu)
 * Tianditu's "_w" layers are Web Mercator on CGCS2000, which matches WGS-84 to centimetres, so
 * village coordinates need no shifting (unlike AMap/Tencent's GCJ-02).
 */
export interface TileLayerConfig {
  url: string;
  attribution: string;
  maxZoom: number;
  subdomains?: string;
}

export function tileLayers(env: NodeJS.ProcessEnv = process.env): TileLayerConfig[] {
  const provider = (env.MAP_TILES ?? "osm").toLowerCase();
  const maxZoom = Number(env.MAP_TILE_MAX_ZOOM ?? 18) || 18;
  if (provider === "none") return [];
  if (provider === "tianditu" && env.TIANDITU_KEY) {
    const layer = (name: "vec" | "cva") =>
      `https://t{s}.tianditu.gov.cn/${name}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=${name}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${encodeURIComponent(env.TIANDITU_KEY!)}`;
    const attribution = env.MAP_TILE_ATTRIBUTION ?? "&copy; 天地图 Tianditu";
    return [
      { url: layer("vec"), attribution, maxZoom, subdomains: "01234567" },
      { url: layer("cva"), attribution: "", maxZoom, subdomains: "01234567" },
    ];
  }
  if (env.MAP_TILE_URL) {
    return [{ url: env.MAP_TILE_URL, attribution: env.MAP_TILE_ATTRIBUTION ?? "", maxZoom }];
  }
  return [
    {
      url: "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
      attribution:
        env.MAP_TILE_ATTRIBUTION ??
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
      maxZoom: Math.min(maxZoom, 19),
    },
  ];
}
