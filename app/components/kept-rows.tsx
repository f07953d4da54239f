import { useState, useSyncExternalStore, type ReactNode } from "react";

const noSubscription = () => () => undefined;
/** The same object every render: React then compares the same empty HTML and leaves the rows. */
const KEEP = { __html: "" };

/**
 * A table's body that the browser does not hydrate: the rows the server drew stay as they are
 * until `rows` changes (a filter, a revalidation), and only then does React draw them. Links in
 * them are plain anchors that the layout's listener follows in the page (RowLink), so rows that
 * only show data and link elsewhere lose nothing; rows with their own controls must not use this.
 *
 * Why: hydrating a table of 89 villages is ~60 ms of a phone's main thread in ~10 ms slices that
 * each count as blocking time (decision 013). React skips the children of an element hydrated with
 * `dangerouslySetInnerHTML` and keeps the server's (suppressHydrationWarning covers the difference,
 * which React only checks in development). useSyncExternalStore's server snapshot is what React
 * reads while it hydrates, in the first pass or in a Suspense boundary hydrated later, and never
 * in a client render: so a table drawn by a client navigation is drawn in full at once.
 */
export function KeptRows<Rows>({
  rows,
  render,
}: {
  /** What the rows show; a different value (by identity) draws them in the browser. */
  rows: Rows;
  render: (rows: Rows) => ReactNode;
}) {
  const hydrating = useSyncExternalStore(
    noSubscription,
    () => false,
    () => true,
  );
  // What the server's rows showed; kept by state, since `hydrating` turns false at once after. (The
  // server reads the server snapshot too, and draws the rows.)
  const [kept] = useState(() => (hydrating ? { rows } : null));
  if (typeof document !== "undefined" && kept && kept.rows === rows) {
    return <tbody key="kept" dangerouslySetInnerHTML={KEEP} suppressHydrationWarning />;
  }
  return <tbody key="drawn">{render(rows)}</tbody>;
}
