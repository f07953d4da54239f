import { z } from "zod";
import { EXIT_STATUSES, UNIT_LEVELS, VILLAGE_TYPES } from "../../db/schema";
import { VILLAGE_SORTS, type VillageFilters } from "~/utils/village-list";

/** Optional value that turns "" and anything unknown into "no filter", so a hand-edited URL never errors. */
const optional = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional()).catch(undefined);

export const VillageFiltersSchema = z.object({
  township: optional(z.string().max(64)),
  type: optional(z.enum(VILLAGE_TYPES)),
  status: optional(z.enum(EXIT_STATUSES)),
  level: optional(z.enum(UNIT_LEVELS)),
  q: optional(z.string().trim().max(50)),
  sort: optional(z.enum(VILLAGE_SORTS)),
});

export function parseVillageFilters(params: URLSearchParams): VillageFilters {
  const parsed = VillageFiltersSchema.parse({
    township: params.get("township"),
    type: params.get("type"),
    status: params.get("status"),
    level: params.get("level"),
    q: params.get("q"),
    sort: params.get("sort"),
  });
  return {
    townshipId: parsed.township,
    type: parsed.type,
    status: parsed.status,
    level: parsed.level,
    q: parsed.q,
    sort: parsed.sort,
  };
}
