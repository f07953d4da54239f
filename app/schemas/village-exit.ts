/** The village exit procedure's forms (Plan tab → 出列程序). */
import { z } from "zod";
import { EVIDENCE_MAX_FILES } from "~/utils/village-exit";
import { VILLAGE_EXIT_RECORDS } from "../../db/schema";
import { id, optionalText, pastDate, requiredText } from "./common";

export const VillageExitStepSchema = z.object({
  intent: z.literal("step"),
  step: z.enum(VILLAGE_EXIT_RECORDS, { errorMap: () => ({ message: "form.invalid" }) }),
  /** The last kept step when the form was shown, or "none". */
  after: id(),
  doneOn: pastDate(),
  note: optionalText(1000),
  overrideReason: optionalText(1000),
  // Read from the form data by the route (readEvidence), listed here so the field is allowed.
  files: z.array(z.any()).max(EVIDENCE_MAX_FILES).optional(),
});

export const VillageExitUndoSchema = z.object({
  intent: z.literal("undo"),
  stepId: id(),
  reason: requiredText(500),
});

export const VILLAGE_EXIT_SCHEMAS = [VillageExitStepSchema, VillageExitUndoSchema] as const;
