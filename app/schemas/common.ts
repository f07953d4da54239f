/** Field schemas shared by the forms. Messages are translation keys (app/i18n). */
import { z } from "zod";
import { today } from "~/utils/dates";

/** Earliest date any plan or roster record may carry (the 建档立卡 registration began in 2014). */
export const EARLIEST_DATE = "2014-01-01";

export const requiredText = (max: number) =>
  z
    .string({ required_error: "form.required" })
    .trim()
    .min(1, "form.required")
    .max(max, "form.tooLong");

export const optionalText = (max: number) => z.string().trim().max(max, "form.tooLong").optional();

export const number = () =>
  z.number({ required_error: "form.required", invalid_type_error: "form.notNumber" });

export const wholeNumber = () => number().int("form.notWholeNumber");

export const year = () =>
  wholeNumber().min(2014, "form.yearOutOfRange").max(2035, "form.yearOutOfRange");

/** An ISO date between 2014 and the end of 2035. */
export const isoDate = () =>
  z
    .string({ required_error: "form.required" })
    .regex(/^\d{4}-\d{2}-\d{2}$/, "form.notDate")
    .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), "form.notDate")
    .refine((v) => v >= EARLIEST_DATE && v <= "2035-12-31", "form.dateOutOfRange");

/** A date that has happened: not after today (China time). */
export const pastDate = () => isoDate().refine((v) => v <= today(), "form.dateInFuture");

/** The record's version when the form was shown (optimistic concurrency). */
export const version = () =>
  z.number({ required_error: "form.invalid", invalid_type_error: "form.invalid" }).int().min(1);

export const id = () => z.string({ required_error: "form.invalid" }).min(1, "form.invalid").max(64);

/** A create form's request id (see models/write-once.server.ts): optional, so old pages still work. */
export const requestId = () =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,64}$/, "form.invalid")
    .optional();
