import { useRouteLoaderData } from "@remix-run/react";
import type { loader } from "~/routes/_app";
import { INCIDENCE_THRESHOLD } from "~/utils/exit-rules";

/** The county's poverty-incidence standard in effect (a ratio), from the signed-in layout. */
export function useIncidenceThreshold(): number {
  return (
    useRouteLoaderData<typeof loader>("routes/_app")?.incidenceThreshold ?? INCIDENCE_THRESHOLD
  );
}
