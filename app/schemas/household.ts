/** The household forms (Households tab): roster record and exit-workflow steps. */
import { z } from "zod";
import { EXIT_STEPS, GUARANTEE_RESULTS, HELP_MEASURES, POVERTY_CAUSES } from "../../db/schema";
import { cleanIdNumber, cleanPhone, isMasked, isValidIdNumber, isValidPhone } from "~/utils/mask";
import { optionalText, pastDate, requiredText, version, wholeNumber, number, year } from "./common";

/** An enum whose missing value reads "required" and whose unknown value reads `message`. */
const choice = <T extends [string, ...string[]]>(values: T, message: string) =>
  z.enum(values, {
    errorMap: (_issue, ctx) => ({ message: ctx.data === undefined ? "form.required" : message }),
  });

const guarantee = () => choice([...GUARANTEE_RESULTS], "form.invalid");

const cause = () => choice([...POVERTY_CAUSES], "household.unknownCause");

const measure = () =>
  z.enum(HELP_MEASURES, { errorMap: () => ({ message: "household.unknownMeasure" }) });

export const MAX_INCOME = 1_000_000;

export const HouseholdSchema = z
  .object({
    intent: z.literal("household"),
    version: version().optional(),
    code: requiredText(20).regex(/^[\w-]+$/, "household.codeFormat"),
    headName: requiredText(30),
    members: wholeNumber().min(1, "household.membersRange").max(30, "household.membersRange"),
    mainCause: cause(),
    otherCauses: z.array(cause()).max(POVERTY_CAUSES.length).default([]),
    helpMeasures: z.array(measure()).max(HELP_MEASURES.length).default([]),
    pairedCadreId: z.string().max(64).optional(),
    identifiedYear: year(),
    food: guarantee(),
    education: guarantee(),
    medical: guarantee(),
    housing: guarantee(),
    water: guarantee(),
    monitored: z.literal("on").optional(),
    // Shown masked in the form: a masked value (with *) keeps the stored number.
    idNumber: optionalText(18).refine(
      (v) => !v || isMasked(v) || isValidIdNumber(v),
      "household.idNumberInvalid",
    ),
    phone: optionalText(20).refine(
      (v) => !v || isMasked(v) || isValidPhone(v),
      "household.phoneInvalid",
    ),
    incomes: z
      .array(
        z.object({
          year: year(),
          value: number()
            .min(0, "household.incomeNegative")
            .max(MAX_INCOME, "household.incomeTooHigh")
            .optional(),
        }),
      )
      .max(30)
      .default([]),
  })
  .superRefine((v, ctx) => {
    const years = new Set<number>();
    v.incomes.forEach((income, i) => {
      if (years.has(income.year)) {
        ctx.addIssue({ code: "custom", path: ["incomes", i, "year"], message: "form.invalid" });
      }
      years.add(income.year);
    });
  });

export type HouseholdForm = z.infer<typeof HouseholdSchema>;

export const ExitStepSchema = z.object({
  intent: z.literal("step"),
  version: version(),
  step: z.enum([...EXIT_STEPS, "withdrawn"], { errorMap: () => ({ message: "form.invalid" }) }),
  doneOn: pastDate(),
  note: optionalText(500),
});

/** The model's input from the validated form. */
export function householdInput(value: HouseholdForm) {
  return {
    code: value.code,
    headName: value.headName,
    members: value.members,
    mainCause: value.mainCause,
    otherCauses: value.otherCauses,
    helpMeasures: value.helpMeasures,
    pairedCadreId: value.pairedCadreId || undefined,
    identifiedYear: value.identifiedYear,
    guarantees: {
      food: value.food,
      education: value.education,
      medical: value.medical,
      housing: value.housing,
      water: value.water,
    },
    monitored: value.monitored === "on",
    incomes: Object.fromEntries(value.incomes.map((i) => [i.year, i.value])),
    idNumber: identityInput(value.idNumber, cleanIdNumber),
    phone: identityInput(value.phone, cleanPhone),
  };
}

/** A typed number cleaned as stored; a masked one as it was shown (the model compares it). */
function identityInput(value: string | undefined, clean: (v: string) => string) {
  if (!value) return null;
  return isMasked(value) ? value.trim() : clean(value.trim());
}
