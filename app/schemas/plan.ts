/** The exit-plan forms (Plan tab), shared by client and server through Conform. */
import { z } from "zod";
import { INDICATOR_COMPARISONS, MILESTONE_STATUSES } from "../../db/schema";
import {
  id,
  isoDate,
  number,
  optionalText,
  pastDate,
  requestId,
  requiredText,
  version,
  year,
} from "./common";

export const PlanSchema = z
  .object({
    intent: z.literal("plan"),
    version: version(),
    startYear: year(),
    attackEndYear: year(),
    endYear: year(),
    targetExitYear: year(),
    narrative: optionalText(2000),
  })
  .superRefine((v, ctx) => {
    if (v.attackEndYear < v.startYear || v.endYear < v.attackEndYear) {
      ctx.addIssue({ code: "custom", path: ["endYear"], message: "plan.yearsOrder" });
    }
    if (v.targetExitYear < v.startYear || v.targetExitYear > v.endYear) {
      ctx.addIssue({ code: "custom", path: ["targetExitYear"], message: "plan.targetOutside" });
    }
  });

const indicatorValues = {
  baseline: number().optional(),
  target: number().optional(),
  current: number().optional(),
  threshold: number().optional(),
  measuredOn: pastDate().optional(),
  evidence: optionalText(1000),
};

export const IndicatorSchema = z.object({
  intent: z.literal("indicator"),
  id: id(),
  version: version(),
  ...indicatorValues,
});

export const NewIndicatorSchema = z
  .object({
    intent: z.literal("add-indicator"),
    name: requiredText(60),
    unit: optionalText(20),
    comparison: z.enum(INDICATOR_COMPARISONS, { errorMap: () => ({ message: "form.invalid" }) }),
    ...indicatorValues,
    requestId: requestId(),
  })
  .superRefine((v, ctx) => {
    if (v.comparison !== "yes" && v.threshold === undefined) {
      ctx.addIssue({ code: "custom", path: ["threshold"], message: "form.required" });
    }
  });

const milestoneFields = {
  title: requiredText(120),
  dueOn: isoDate(),
  ownerId: z.string().max(64).optional(),
  status: z.enum(MILESTONE_STATUSES, { errorMap: () => ({ message: "form.invalid" }) }),
  doneOn: pastDate().optional(),
  evidence: optionalText(1000),
};

const milestoneRules = (v: { status: string; doneOn?: string }, ctx: z.RefinementCtx) => {
  if (v.status === "done" && !v.doneOn) {
    ctx.addIssue({ code: "custom", path: ["doneOn"], message: "milestone.doneOnRequired" });
  }
};

export const MilestoneSchema = z
  .object({
    intent: z.literal("milestone"),
    id: id(),
    version: version(),
    ...milestoneFields,
    requestId: requestId(),
  })
  .superRefine(milestoneRules);

export const NewMilestoneSchema = z
  .object({ intent: z.literal("add-milestone"), ...milestoneFields, requestId: requestId() })
  .superRefine(milestoneRules);

export const OpinionSchema = z.object({
  intent: z.literal("opinion"),
  gatheredOn: pastDate(),
  source: requiredText(60),
  content: requiredText(1000),
  requestId: requestId(),
});

/** Every Plan-tab write, by its intent (the route picks the schema; an unknown intent is a 400). */
export const PLAN_SCHEMAS = {
  plan: PlanSchema,
  indicator: IndicatorSchema,
  "add-indicator": NewIndicatorSchema,
  milestone: MilestoneSchema,
  "add-milestone": NewMilestoneSchema,
  opinion: OpinionSchema,
} as const;
export type PlanIntent = keyof typeof PLAN_SCHEMAS;
