import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { safeRedirect } from "~/auth.server";
import { isLocale } from "~/i18n";
import { localeCookie } from "~/i18n/locale.server";
import { readForm } from "~/utils/form-guard.server";

/**
 * The language switch: a plain form post, so it works without JavaScript, open to everyone (the
 * sign-in page has it too). The choice lives in this browser's cookie only, so switching on a
 * shared office computer never changes what the same account sees on a phone.
 */
export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request, ["locale", "redirectTo"]);
  const locale = form.get("locale");
  const back = safeRedirect(form.get("redirectTo"));
  if (!isLocale(locale)) throw new Response("Bad Request", { status: 400 });
  return redirect(back, { headers: { "Set-Cookie": await localeCookie.serialize(locale) } });
}

export async function loader() {
  throw redirect("/");
}
