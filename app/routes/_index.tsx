import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { requireViewer } from "~/auth.server";

/**
 * The start page: a team member opens on their own work page (check-in, month, notices); township leaders and the county open
 * on the map, where they live (until the dashboard issue gives county roles their own).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  if (viewer.role === "team_member") throw redirect("/me");
  throw redirect("/map");
}
