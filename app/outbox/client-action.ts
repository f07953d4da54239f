/**
 * The routes whose writes a cadre makes in the village export a `clientAction` made here. With a
 * connection it is the ordinary action (the server answers, as without JavaScript). Without one —
 * the browser says it is offline, the request fails, or no answer comes within `WAIT_MS` — the
 * form's fields go into the outbox (store.ts) with a fresh id, to be sent when the connection
 * returns (replay.ts), and the form is answered "kept on this phone" at once.
 *
 * Only the intents listed for a route are kept; any other write still needs the server. Without
 * JavaScript none of this runs and the forms post as before.
 */
import type { ClientActionFunctionArgs, ShouldRevalidateFunction } from "@remix-run/react";
import type { OutboxKind } from "~/outbox/store";

/** How long a write waits for an answer before it is kept on the phone instead (weak signal). */
export const WAIT_MS = 20_000;

let outboxUser: string | null = null;

/** The signed-in user, as the app layout last rendered them: queued writes are theirs. */
export function setOutboxUser(userId: string | null) {
  outboxUser = userId;
}

export interface QueuedReply {
  formId: string;
  /** The outbox entry's id. */
  queued: string;
  ok: true;
  /** A conform reply that clears the form (what was typed is in the outbox now). */
  result: { status: "success"; initialValue: null; error: null };
  conflict: null;
}

export function isQueued(value: unknown): value is QueuedReply {
  return Boolean(value && typeof value === "object" && "queued" in value);
}

/**
 * A card move answered with the card's new place (a board's fetcher): the board draws it there
 * (utils/board-moves.ts) and nothing else on the page changed. A move that renumbered its column
 * is answered without a place, and a refusal or conflict with none either: those reload.
 */
export function isMoveAnsweredInPlace(value: unknown): boolean {
  return Boolean((value as { placed?: unknown } | null)?.placed);
}

/**
 * Skips reloading the page's data after a write kept on the phone (there is no connection) or a
 * move answered in place (only the moved card changed, and the reply says where it is).
 */
export const skipRevalidationWhenQueued: ShouldRevalidateFunction = ({
  actionResult,
  defaultShouldRevalidate,
}) =>
  isQueued(actionResult) || isMoveAnsweredInPlace(actionResult) ? false : defaultShouldRevalidate;

export function queueableAction(kinds: Record<string, OutboxKind>) {
  return async function clientAction({ request, serverAction }: ClientActionFunctionArgs) {
    const form = await request.clone().formData();
    const kind = kinds[String(form.get("intent") ?? "")];
    if (!kind || !outboxUser || form.has("file")) return serverAction();
    if (navigator.onLine) {
      const answered = serverAction().then((value) => ({ value }));
      // Answered after the write was kept on the phone: nothing is waiting for it any more.
      answered.catch(() => undefined);
      try {
        const first = await Promise.race([answered, wait(WAIT_MS)]);
        if (first) return first.value;
        // No answer yet: the write is kept on the phone. Should the first request still get
        // through, the server claims the write's id once and the queued copy is not applied again.
      } catch (error) {
        if (!(error instanceof TypeError)) throw error;
      }
    }
    const { queueWrite } = await import("~/outbox/queue");
    const url = new URL(request.url);
    const entry = await queueWrite({
      userId: outboxUser,
      kind,
      action: url.pathname + url.search,
      page: window.location.pathname + window.location.search,
      form,
    });
    const reply: QueuedReply = {
      formId: String(form.get("formId") ?? form.get("intent") ?? ""),
      queued: entry.id,
      ok: true,
      result: { status: "success", initialValue: null, error: null },
      conflict: null,
    };
    return reply;
  };
}

function wait(ms: number) {
  return new Promise<null>((resolve) => setTimeout(() => resolve(null), ms));
}
