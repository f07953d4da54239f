import type { LoaderFunctionArgs } from "@remix-run/node";
import { getOptionalViewer } from "~/auth.server";
import { villagesGeoJSONStream } from "~/models/geojson.server";

/** GeoJSON of the villages the signed-in person may see, for GIS users and acceptance checks. */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await getOptionalViewer(request);
  if (!viewer) {
    return Response.json(
      { error: "Sign in first / 请先登录" },
      { status: 401, headers: { "WWW-Authenticate": 'Cookie realm="zhucun"' } },
    );
  }
  // Streamed: the villages are read a batch at a time as the body is sent.
  return new Response(villagesGeoJSONStream(viewer, new URL(request.url).origin), {
    headers: {
      "Content-Type": "application/geo+json; charset=utf-8",
      "Cache-Control": "private, no-store",
    },
  });
}
