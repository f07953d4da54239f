import { lazy, type ComponentType } from "react";

/**
 * React.lazy for a part of a page that the server draws too (an open edit form, a writer's form):
 * its code, and Conform with it, stays out of the page's first-load JavaScript (decision 018), and
 * the browser hydrates it once its chunk has arrived, keeping the server's HTML (a plain form that
 * posts without JavaScript) until then. Render it inside a <Suspense> boundary.
 *
 * React.lazy alone would suspend on the server as well, and a server that streams its shell first
 * (entry.server.tsx) would send the fallback, with the real part in a script that a browser without
 * JavaScript never runs. So the server loads the module when this module is evaluated (at start-up)
 * and hands React an already-settled thenable, which React.lazy reads synchronously; the browser
 * loads it the first time it is drawn, or earlier with `preload()`.
 */
export function lazyComponent<Props extends object>(
  load: () => Promise<ComponentType<Props>>,
  /** Start loading in the browser as soon as the importing module runs (a part always drawn). */
  { eager = false } = {},
) {
  let loaded: { default: ComponentType<Props> } | undefined;
  let loading: Promise<{ default: ComponentType<Props> }> | undefined;
  const preload = () =>
    (loading ??= load().then(
      (component) => (loaded = { default: component }),
      (error: unknown) => {
        loading = undefined; // a chunk lost on a weak signal is asked for again next time
        throw error;
      },
    ));
  if (typeof document === "undefined") void preload();
  else if (eager) preload().catch(() => undefined); // drawn: React asks again and sees the error
  const Component = lazy(() => (loaded ? settled(loaded) : preload()));
  return Object.assign(Component, { preload });
}

/** A thenable that calls back at once: React.lazy then has the module without suspending. */
function settled<T>(value: T): Promise<T> {
  return {
    then(resolve: (value: T) => void) {
      resolve(value);
    },
  } as unknown as Promise<T>;
}
