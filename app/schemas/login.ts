import { z } from "zod";

/** Sign-in form, shared by the browser (instant messages) and the server (the check that counts). Messages are translation keys. */
export const LoginSchema = z.object({
  username: z
    .string({ required_error: "form.required" })
    .trim()
    .min(1, "form.required")
    .max(64, "form.tooLong"),
  password: z
    .string({ required_error: "form.required" })
    .min(1, "form.required")
    .max(256, "form.tooLong"),
  redirectTo: z.string().max(2000).optional(),
  /** "This is my own phone or computer": the longer-lived session profile. */
  device: z.literal("on").optional(),
});
