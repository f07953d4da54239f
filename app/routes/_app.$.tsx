import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireViewer } from "~/auth.server";

/** Any unknown path behind sign-in: a translated 404 inside the layout. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireViewer(request);
  notFound();
}

export default function NotFound() {
  return null;
}
