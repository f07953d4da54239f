/**
 * Authentication: who is signed in. Every loader and action starts with requireViewer (or
 * getOptionalViewer) and then asks ~/permissions what that person may do.
 */
import { redirect } from "@remix-run/node";
import { getViewer } from "~/models/user.server";
import type { Locale } from "~/i18n";
import { chosenLocale, localeCookie } from "~/i18n/locale.server";
import { sessionStorage } from "~/session.server";

export async function getOptionalViewer(request: Request) {
  const session = await sessionStorage.getSession(request.headers.get("Cookie"));
  const userId = session.get("userId");
  return userId ? getViewer(userId) : null;
}

/** Where a person signed in with a one-time password must go first. */
export const CHANGE_PASSWORD_PATH = "/account/password";

/**
 * The signed-in viewer, or a redirect to /login that comes back here afterwards. Someone signed in
 * with a one-time password is sent to replace it first, from every page.
 */
export async function requireViewer(request: Request) {
  const viewer = await getOptionalViewer(request);
  const url = new URL(request.url);
  const back = url.pathname + url.search;
  if (!viewer) {
    const query = back === "/" ? "" : `?${new URLSearchParams({ redirectTo: back })}`;
    throw redirect(`/login${query}`);
  }
  if (viewer.mustChangePassword && url.pathname !== CHANGE_PASSWORD_PATH) {
    const query = back === "/" ? "" : `?${new URLSearchParams({ redirectTo: back })}`;
    throw redirect(`${CHANGE_PASSWORD_PATH}${query}`);
  }
  return viewer;
}

/**
 * Signs in and redirects, with a fresh session so no pre-login cookie carries over. An account's
 * preferred language (set by an admin) applies when this browser has not chosen one itself.
 */
export async function createUserSession(
  request: Request,
  user: { id: string; locale: Locale | null },
  redirectTo: string,
) {
  const session = await sessionStorage.getSession();
  session.set("userId", user.id);
  const headers = new Headers({ "Set-Cookie": await sessionStorage.commitSession(session) });
  if (user.locale && !(await chosenLocale(request))) {
    headers.append("Set-Cookie", await localeCookie.serialize(user.locale));
  }
  return redirect(safeRedirect(redirectTo), { headers });
}

export async function logout(request: Request) {
  const session = await sessionStorage.getSession(request.headers.get("Cookie"));
  return redirect("/login", {
    headers: { "Set-Cookie": await sessionStorage.destroySession(session) },
  });
}

/** Only same-site paths: never "//evil.example" or an absolute URL from a crafted link. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/") {
  if (
    typeof to !== "string" ||
    !to.startsWith("/") ||
    to.startsWith("//") ||
    to.startsWith("/\\")
  ) {
    return fallback;
  }
  return to;
}

/** A 404 for records that do not exist or lie outside the viewer's jurisdiction (never a 403 that confirms they exist). */
export function notFound(): never {
  throw new Response("Not Found", { status: 404 });
}
