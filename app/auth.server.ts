/**
 * Authentication: who is signed in. Every loader and action starts with requireViewer (or
 * getOptionalViewer) and then asks ~/permissions what that person may do.
 */
import { redirect } from "@remix-run/node";
import { getViewer } from "~/models/user.server";
import { sessionStorage } from "~/session.server";

export async function getOptionalViewer(request: Request) {
  const session = await sessionStorage.getSession(request.headers.get("Cookie"));
  const userId = session.get("userId");
  return userId ? getViewer(userId) : null;
}

/** The signed-in viewer, or a redirect to /login that comes back here afterwards. */
export async function requireViewer(request: Request) {
  const viewer = await getOptionalViewer(request);
  if (!viewer) {
    const url = new URL(request.url);
    const back = url.pathname + url.search;
    const query = back === "/" ? "" : `?${new URLSearchParams({ redirectTo: back })}`;
    throw redirect(`/login${query}`);
  }
  return viewer;
}

/** Signs in and redirects, rotating the session so no pre-login cookie carries over. */
export async function createUserSession(request: Request, userId: string, redirectTo: string) {
  const session = await sessionStorage.getSession();
  session.set("userId", userId);
  return redirect(safeRedirect(redirectTo), {
    headers: { "Set-Cookie": await sessionStorage.commitSession(session) },
  });
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
