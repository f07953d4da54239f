import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireViewer } from "~/auth.server";
import { mapData } from "~/models/map.server";

/** The map's villages in the compact column format (see ~/utils/map-data), for the viewer's jurisdiction. */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  return new Response(JSON.stringify(await mapData(viewer)), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": "private, no-cache",
    },
  });
}
