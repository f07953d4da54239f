import { createCookie } from "@remix-run/node";

/** Whether this browser folded the demo data note: for the browser session only (no expiry). */
export const bannerCookie = createCookie("zhucun_banner", {
  path: "/",
  sameSite: "lax",
  httpOnly: true,
});

export async function bannerFolded(request: Request): Promise<boolean> {
  return (await bannerCookie.parse(request.headers.get("Cookie"))) === "folded";
}
