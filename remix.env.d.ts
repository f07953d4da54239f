/// <reference types="@remix-run/dev" />
/// <reference types="@remix-run/node" />

// Single fetch: loaders and actions return plain data, typed without JSON serialisation loss.
declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}
export {};
