/// <reference types="@remix-run/dev" />
/// <reference types="@remix-run/node" />

// Single fetch: loaders and actions return plain data, typed without JSON serialisation loss.
declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}
export {};

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** This response's Content-Security-Policy nonce (app/server/app.server.ts). */
    cspNonce?: string;
  }
}
