import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { safeRedirect } from "~/auth.server";
import { bannerCookie } from "~/utils/banner.server";
import { readForm } from "~/utils/form-guard.server";

/**
 * Folds the demo data note to one line, or unfolds it: a plain form post, so it works without
 * JavaScript. The choice lasts for this browser session (a cookie without an expiry), so the note
 * comes back in full the next time the browser opens; folded, it still says the data is invented.
 */
export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request, ["fold", "redirectTo"]);
  const fold = form.get("fold");
  if (fold !== "1" && fold !== "0") throw new Response("Bad Request", { status: 400 });
  return redirect(safeRedirect(form.get("redirectTo")), {
    headers: { "Set-Cookie": await bannerCookie.serialize(fold === "1" ? "folded" : "") },
  });
}

export async function loader() {
  throw redirect("/");
}
