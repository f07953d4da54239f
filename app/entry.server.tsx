import { PassThrough, type Writable } from "node:stream";
import { pageDestination } from "~/server/page-destination.server";
import type {
  ActionFunctionArgs,
  AppLoadContext,
  EntryContext,
  LoaderFunctionArgs,
} from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "~/server/page-renderer.server";
import { requestContext } from "~/server/request-context.server";
import { NonceProvider } from "~/utils/nonce";
import { USER_HEADER } from "~/utils/offline";

const ABORT_DELAY = 5_000;
export const streamTimeout = ABORT_DELAY;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce || undefined;
  // Whom this page was drawn for: the service worker keeps a page for offline reading only when
  // it is its scope's person's, and forgets everyone's when a page was drawn for nobody (019).
  const actor = requestContext()?.actor;
  if (actor) responseHeaders.set(USER_HEADER, actor.id);
  const waitForAll = isbot(request.headers.get("user-agent") ?? "") || remixContext.isSpaMode;
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce ?? ""}>
        <RemixServer
          context={remixContext}
          url={request.url}
          abortDelay={ABORT_DELAY}
          nonce={nonce}
        />
      </NonceProvider>,
      {
        nonce,
        [waitForAll ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          const body = new PassThrough();
          const stream = createReadableStreamFromReadable(body);
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
          pipe(pageDestination(body) as unknown as Writable);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Errors after the shell is sent are logged here; earlier ones reach handleError.
          if (shellRendered) console.error(error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}

/**
 * Errors Remix caught. A client's mistake (a 4xx: a POST to a page without a form, a bad request)
 * is one short line; a request the client gave up on is not an error at all; anything else is
 * logged in full, once.
 */
export function handleError(error: unknown, { request }: LoaderFunctionArgs | ActionFunctionArgs) {
  if (request.signal.aborted) return;
  const path = new URL(request.url).pathname.slice(0, 200);
  if (isRouteErrorResponse(error) && error.status < 500) {
    console.warn(`[zhucun] ${error.status} ${request.method} ${JSON.stringify(path)}`);
    return;
  }
  if (error instanceof Response && error.status < 500) return;
  console.error(`[zhucun] error in ${request.method} ${JSON.stringify(path)}:`, error);
}
