/**
 * Every form schema, as one module the browser loads after the page is interactive: a form's
 * client validation imports it dynamically (useEditForm, useClientValidation), so Zod and the
 * schemas stay out of every page's first load. Actions and models import the same schemas through
 * `forms.server.ts`, which the browser build leaves empty: the bundler treats a module as wanted by
 * every page that imports it once any page uses it, so a plain import for an action would bring
 * this module back into the page's first load (docs/decisions/018-first-load-javascript.md).
 */
export * from "./account";
export * from "./card";
export * from "./household";
export * from "./login";
export * from "./plan";
export * from "./position";
export * from "./teamwork";
export * from "./village-exit";
