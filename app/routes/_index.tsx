import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { requireViewer } from "~/auth.server";
import { hasAnywhere } from "~/permissions";

/**
 * The start page: a team member opens on their own work page (check-in, month, notices); the
 * county roles and township leaders on the dashboard (their township's, for a leader).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  if (viewer.role === "team_member") throw redirect("/me");
  if (hasAnywhere(viewer, "read:dashboard")) throw redirect("/dashboard");
  throw redirect("/map");
}
