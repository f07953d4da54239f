import { z } from "zod";
import { MIN_PASSWORD_LENGTH } from "~/utils/accounts";

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

/** The accounts forms' fields: a team's picks (or every serving cadre's), or one township leader. */
export const AccountsFormFields = z.object({
  teamId: z.string(),
  pick: z.array(z.string()).max(50_000),
  township: z.string(),
  leaderName: z.string(),
  leaderUsername: z.string(),
});
