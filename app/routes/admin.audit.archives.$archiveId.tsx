import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireViewer } from "~/auth.server";
import { db } from "~/db.server";
import { auditArchive, recordAudit } from "~/models/audit.server";
import { hasCountyWide } from "~/permissions";

/** One archive as stored (gzip JSON Lines); its SHA-256 in a header so a copy can be checked. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  if (!hasCountyWide(viewer, "read:audit")) notFound();
  const archive = await auditArchive(db, params.archiveId ?? "");
  if (!archive) notFound();
  await recordAudit(db, {
    action: "audit.export",
    targetType: "audit_archive",
    targetId: archive.id,
    details: { from: archive.from_seq, to: archive.to_seq },
  });
  return new Response(new Uint8Array(archive.content), {
    headers: {
      "Content-Type": "application/gzip",
      "Content-Disposition": `attachment; filename="zhucun-audit-${archive.from_seq}-${archive.to_seq}.jsonl.gz"`,
      Digest: `sha-256=${Buffer.from(archive.sha256, "hex").toString("base64")}`,
      "Cache-Control": "no-store",
    },
  });
}
