/**
 * What the app knows about the request being served, wherever it is in the call stack: the client's
 * address, and once authenticated, who is acting in which session. The HTTP server opens it for each
 * request; the audit log reads it. It lives on globalThis because the server script and the bundled
 * app each load their own copy of this module.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { UserRole } from "../../db/schema";

export interface Actor {
  id: string;
  username: string;
  role: UserRole;
  /** The first characters of the session id (never the cookie's token). */
  session: string | null;
}

export interface RequestContext {
  ip: string;
  userAgent: string;
  method: string;
  /** The path asked for, without `.data` and without the query. */
  path: string;
  actor?: Actor;
  /** The form's intent, when the action read one. */
  intent?: string;
  /** Who is signed in, once read for this request (app/auth.server.ts). */
  signedIn?: Promise<unknown>;
}

declare global {
  var __zhucunRequestContext: AsyncLocalStorage<RequestContext> | undefined;
}

const storage = (globalThis.__zhucunRequestContext ??= new AsyncLocalStorage<RequestContext>());

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function requestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** The client's address for records and throttling ("local" outside a request: scripts, tests). */
export function clientAddress(): string {
  return storage.getStore()?.ip ?? "local";
}
