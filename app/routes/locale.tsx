import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { getOptionalViewer, safeRedirect } from "~/auth.server";
import { isLocale } from "~/i18n";
import { localeCookie } from "~/i18n/locale.server";
import { setUserLocale } from "~/models/user.server";

/**
 * The language switch: a plain form post, so it works without JavaScript. Open to everyone (the
 * sign-in page has the switch too); a signed-in person's choice is also saved on their account.
 */
export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const locale = form.get("locale");
  const back = safeRedirect(form.get("redirectTo"));
  if (!isLocale(locale)) throw new Response("Bad Request", { status: 400 });
  const viewer = await getOptionalViewer(request);
  if (viewer) await setUserLocale(viewer.id, locale);
  return redirect(back, { headers: { "Set-Cookie": await localeCookie.serialize(locale) } });
}

export async function loader() {
  throw redirect("/");
}
