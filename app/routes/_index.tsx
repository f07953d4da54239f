import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { requireViewer } from "~/auth.server";

/** The start page is the village list until the map and dashboard issues give roles their own. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireViewer(request);
  throw redirect("/villages");
}
