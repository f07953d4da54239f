import { z } from "zod";
import { isInAllowedArea } from "~/utils/county-area";

const coordinate = z.number({
  required_error: "form.required",
  invalid_type_error: "position.notNumber",
});

/** Correcting a village's position (map panel and village page, with or without JavaScript). */
export const PositionSchema = z
  .object({
    intent: z.literal("move"),
    lat: coordinate.min(-90, "position.outside").max(90, "position.outside"),
    lon: coordinate.min(-180, "position.outside").max(180, "position.outside"),
    method: z.enum(["drag", "typed"]).default("typed"),
    /** The village's updated_at when the form was shown: a concurrent change is refused, not overwritten. */
    version: z.string({ required_error: "form.invalid" }).min(1, "form.invalid"),
  })
  .superRefine((value, ctx) => {
    if (!isInAllowedArea(value.lat, value.lon)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["lat"], message: "position.outside" });
    }
  });
