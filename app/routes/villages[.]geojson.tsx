import type { LoaderFunctionArgs } from "@remix-run/node";
import { getOptionalViewer } from "~/auth.server";
import { villagesGeoJSON } from "~/models/geojson.server";

/** GeoJSON of the villages the signed-in person may see, for GIS users and acceptance checks. */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await getOptionalViewer(request);
  if (!viewer) {
    return Response.json(
      { error: "Sign in first / 请先登录" },
      { status: 401, headers: { "WWW-Authenticate": 'Cookie realm="zhucun"' } },
    );
  }
  const collection = await villagesGeoJSON(viewer, new URL(request.url).origin);
  return new Response(JSON.stringify(collection), {
    headers: {
      "Content-Type": "application/geo+json; charset=utf-8",
      "Cache-Control": "private, no-store",
    },
  });
}
