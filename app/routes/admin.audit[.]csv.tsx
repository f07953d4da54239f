import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireViewer } from "~/auth.server";
import { hasCountyWide } from "~/permissions";
import { auditExport } from "~/utils/audit-export.server";

/** The filtered audit log as CSV (the county admin only). */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  if (!hasCountyWide(viewer, "read:audit")) notFound();
  return auditExport(request, "csv");
}
