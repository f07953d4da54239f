import { notFound } from "~/auth.server";
import { isAdminKind, type AdminKind } from "~/utils/registry-sheets";

/** The `$kind` of an /admin/<kind> URL, or a 404 for anything that is not an admin screen. */
export function adminKindOf(params: { kind?: string }): AdminKind {
  if (!isAdminKind(params.kind)) notFound();
  return params.kind;
}
