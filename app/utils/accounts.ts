/**
 * Account rules the pages draw as well as check. Here, not in schemas/account.ts, so that a page
 * showing them does not load Zod; and not in the model, because a value exported by a `.server`
 * module is undefined in the browser.
 */
export const MIN_PASSWORD_LENGTH = 10;

/**
 * The accounts form's "every team" choice: the cadres serving in any team who have no account
 * yet (the form's select draws it in the browser too).
 */
export const ALL_TEAMS = "all";
