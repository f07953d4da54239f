import { z } from "zod";
import { HOUSEHOLD_STATUSES, POVERTY_CAUSES } from "../../db/schema";

/** Optional value that turns "" and anything unknown into "no filter", so a hand-edited URL never errors. */
const optional = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional()).catch(undefined);

/** A village's household list: its filters, read from the URL by the loader. */
export const HouseholdFiltersSchema = z.object({
  status: optional(z.enum(HOUSEHOLD_STATUSES)),
  cause: optional(z.enum(POVERTY_CAUSES)),
  q: optional(z.string().trim().max(30)),
});
