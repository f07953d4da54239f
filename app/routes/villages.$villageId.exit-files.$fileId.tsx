import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireViewer } from "~/auth.server";
import { evidenceFile } from "~/models/village-exit.server";

/**
 * An evidence file of a village exit step, for those who may read the village (anyone else gets a
 * 404, as for the village itself). `?thumbnail=1` is the small WebP made at upload. The file is
 * always a download: what a person uploaded is never rendered as a page of this site.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const thumbnail = new URL(request.url).searchParams.get("thumbnail") === "1";
  const file = await evidenceFile(viewer, params.villageId ?? "", params.fileId ?? "", thumbnail);
  if (!file) notFound();
  const ascii = file.name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return new Response(new Uint8Array(file.content), {
    headers: {
      "Content-Type": file.type,
      "Content-Disposition": thumbnail
        ? "inline"
        : `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
      "Content-Length": String(file.content.byteLength),
      // Private: a shared cache must never keep it; the browser may, while the session lasts.
      "Cache-Control": "private, max-age=3600",
      "X-Content-Type-Options": "nosniff",
      ETag: `"${file.sha256.slice(0, 32)}${thumbnail ? "-t" : ""}"`,
    },
  });
}
