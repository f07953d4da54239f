import { z } from "zod";

/**
 * A board's filters as the URL gives them (township, village, kind, mine, assignee, overdue, lanes,
 * all); anything malformed is dropped rather than refused. Server-only: in the route module the
 * schema's construction stayed in the browser's bundle (and zod with it) although only the loader
 * reads it.
 */
const optional = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional()).catch(undefined);

const BoardFiltersSchema = z.object({
  township: optional(z.string().max(64)),
  village: optional(z.string().max(64)),
  kind: optional(z.string().max(30)),
  mine: optional(z.literal("1")),
  assignee: optional(z.string().max(64)),
  overdue: optional(z.literal("1")),
  lanes: optional(z.enum(["township", "village"])),
  all: optional(z.literal("1")),
});

export type BoardFilters = z.infer<typeof BoardFiltersSchema>;

export function parseBoardFilters(params: URLSearchParams): BoardFilters {
  return BoardFiltersSchema.parse(Object.fromEntries(params));
}
