import { lazyComponent } from "~/utils/lazy-component";

/**
 * The error page (./error-page.tsx) for the error boundaries, loaded when an error is drawn: the
 * server draws it whole, the browser keeps that HTML until the chunk has come (the service worker
 * keeps it offline), and it is not part of every page's first-load JavaScript. Render it inside a
 * <Suspense> boundary.
 */
export const ErrorPage = lazyComponent(() =>
  import("~/components/error-page").then((m) => m.ErrorPage),
);
