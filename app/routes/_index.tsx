import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { requireViewer } from "~/auth.server";

/**
 * The start page: a team member opens on their own village; township leaders and the county open
 * on the map, where they live (until the dashboard issue gives county roles their own).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  if (viewer.role === "team_member") {
    const own = viewer.villageIds[0];
    throw redirect(own ? `/villages/${own}` : "/villages");
  }
  throw redirect("/map");
}
