/** Card forms: create/edit a project or case, move, archive/restore, comment. */
import { z } from "zod";
import { URGENCIES } from "../../db/schema";
import { BOARD_KINDS, isBoard } from "~/utils/boards";
import { isoDate, number, optionalText, requestId, requiredText, version } from "./common";

const optionalId = () => z.string().max(64).optional();

export const CardSchema = z
  .object({
    intent: z.enum(["create", "edit"]),
    board: z.string().refine(isBoard, "form.invalid"),
    version: version().optional(),
    column: z.string().max(30).optional(),
    title: requiredText(120),
    kind: z.string({ required_error: "form.required" }).max(30),
    ownerId: optionalId(),
    assigneeIds: z.array(z.string().max(64)).max(20).default([]),
    householdId: optionalId(),
    householdIds: z.array(z.string().max(64)).max(500).default([]),
    person: optionalText(30),
    urgency: z.enum(URGENCIES, { errorMap: () => ({ message: "form.invalid" }) }).optional(),
    budget: number().min(0, "card.budgetNegative").max(1e10, "form.invalid").optional(),
    fundingSource: optionalText(60),
    milestoneId: optionalId(),
    startOn: isoDate().optional(),
    dueOn: isoDate().optional(),
    followUpOn: isoDate().optional(),
    notes: optionalText(2000),
    requestId: requestId(),
  })
  .superRefine((v, ctx) => {
    if (isBoard(v.board) && !BOARD_KINDS[v.board].includes(v.kind)) {
      ctx.addIssue({ code: "custom", path: ["kind"], message: "card.unknownKind" });
    }
    if (v.startOn && v.dueOn && v.dueOn < v.startOn) {
      ctx.addIssue({ code: "custom", path: ["dueOn"], message: "card.dueBeforeStart" });
    }
    if (v.intent === "edit" && v.version === undefined) {
      ctx.addIssue({ code: "custom", path: ["version"], message: "form.invalid" });
    }
  });
export type CardForm = z.infer<typeof CardSchema>;

export const MoveSchema = z.object({
  intent: z.literal("move"),
  column: z.string({ required_error: "form.required" }).max(30),
  afterId: optionalId(),
  beforeId: optionalId(),
  place: z.enum(["top", "bottom"]).optional(),
  version: version(),
  requestId: requestId(),
});

export const ArchiveSchema = z.object({
  intent: z.enum(["archive", "restore"]),
  version: version(),
});

export const CommentSchema = z.object({
  intent: z.literal("comment"),
  body: requiredText(2000),
  requestId: requestId(),
});

/** The model's input from a validated card form. */
export function cardInput(v: CardForm) {
  return {
    title: v.title,
    kind: v.kind,
    ownerId: v.ownerId || undefined,
    assigneeIds: v.assigneeIds.filter(Boolean),
    householdId: v.householdId || undefined,
    householdIds: v.householdIds.filter(Boolean),
    person: v.person,
    urgency: v.urgency,
    budget: v.budget,
    fundingSource: v.fundingSource,
    milestoneId: v.milestoneId || undefined,
    startOn: v.startOn,
    dueOn: v.dueOn,
    followUpOn: v.followUpOn,
    notes: v.notes,
  };
}
