import { z } from "zod";

export const MIN_PASSWORD_LENGTH = 10;

/**
 * The accounts form's "every team" choice: the cadres serving in any team who have no account
 * yet. Here, not in the model, because the form's select draws it in the browser too (a value
 * exported by a `.server` module is undefined there).
 */
export const ALL_TEAMS = "all";

/** Replacing one's own password (the one-time one after a first sign-in, or any time). */
export const ChangePasswordSchema = z
  .object({
    formId: z.literal("password"),
    current: z.string({ required_error: "form.required" }).min(1, "form.required").max(256),
    next: z
      .string({ required_error: "form.required" })
      .min(MIN_PASSWORD_LENGTH, "account.passwordShort")
      .max(256, "form.tooLong"),
    confirm: z.string({ required_error: "form.required" }).min(1, "form.required").max(256),
    redirectTo: z.string().optional(),
  })
  .refine((v) => v.next === v.confirm, { path: ["confirm"], message: "account.passwordMismatch" });

/** Accounts for some of a team's members: `pick` holds cadre ids, `username-<cadreId>` each name. */
export const CreateAccountsSchema = z.object({
  formId: z.literal("accounts"),
  teamId: z.string({ required_error: "form.required" }).min(1, "form.required").max(64),
  pick: z
    .array(z.string().max(64), { required_error: "account.nonePicked" })
    .min(1, "account.nonePicked"),
});
