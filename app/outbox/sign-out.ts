/**
 * Signing out takes with it what this phone keeps of the person: writes not yet sent are deleted,
 * after the person has said so (they are told how many), and the service worker forgets their
 * pages. Without JavaScript the form simply posts, and the sign-in page clears the pages.
 */
export async function signOut(
  form: HTMLFormElement,
  userId: string | null,
  confirm: (count: number) => boolean,
) {
  if (userId && "indexedDB" in window) {
    try {
      const { listEntries, clearUser } = await import("~/outbox/store");
      const count = (await listEntries(userId)).length;
      if (count && !confirm(count)) return;
      await clearUser(userId);
    } catch {
      // IndexedDB refused (some private windows): nothing was kept.
    }
  }
  try {
    // Loaded here, not with the layout (decision 018); the worker's registration has usually
    // fetched it already.
    const { forgetKeptPages } = await import("~/utils/offline.client");
    forgetKeptPages();
  } catch {
    // Not loaded (offline, not cached yet): the sign-in page, drawn for nobody, clears them.
  }
  form.submit();
}
