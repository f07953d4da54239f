/**
 * What an action reads a form with: the form schemas and Conform's parseWithZod. A `.server`
 * module is empty in the browser build, so a route importing these for its action does not put
 * Zod into its page's first load; the browser validates with the same schemas, loaded later
 * (see forms.ts).
 */
export * from "./forms";
export { parseWithZod } from "@conform-to/zod";
