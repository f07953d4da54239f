/** Forms of teams at work: check-in, leave, work log, weekly report, notice, rotation. */
import { z } from "zod";
import { LOG_PLACES, MEMBERSHIP_ROLES, NOTICE_AUDIENCES, NOTICE_KINDS } from "../../db/schema";
import {
  id,
  isoDate,
  number,
  optionalText,
  pastDate,
  requestId,
  requiredText,
  version,
} from "./common";

const choice = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { errorMap: () => ({ message: "form.invalid" }) });

/** A time on the phone's clock (ISO), as an offline write records it. */
const phoneTime = () =>
  z
    .string()
    .max(40)
    .refine((v) => Number.isFinite(Date.parse(v)), "form.invalid")
    .optional();

/** Today's check-in; the position comes only when the cadre ticked "attach my location". */
export const CheckInSchema = z
  .object({
    intent: z.literal("check-in"),
    lat: number().min(-90, "form.invalid").max(90, "form.invalid").optional(),
    lon: number().min(-180, "form.invalid").max(180, "form.invalid").optional(),
    // Queued on the phone without signal (app/outbox): when it was made and when it was sent, both
    // on the phone's clock, whose difference is all the server trusts; and the write's own id.
    madeAt: phoneTime(),
    sentAt: phoneTime(),
    requestId: requestId(),
  })
  .refine((v) => (v.lat === undefined) === (v.lon === undefined), {
    path: ["lat"],
    message: "form.invalid",
  });

/** A forgotten day, added afterwards with a reason. */
export const LateCheckInSchema = z.object({
  intent: z.literal("late-check-in"),
  day: pastDate(),
  reason: requiredText(200),
});

export const LeaveRequestSchema = z
  .object({
    intent: z.literal("request"),
    startsOn: isoDate(),
    endsOn: isoDate(),
    reason: requiredText(300),
    requestId: requestId(),
  })
  .refine((v) => v.endsOn >= v.startsOn, { path: ["endsOn"], message: "leave.endBeforeStart" });

export const LeaveDecisionSchema = z.object({
  intent: z.enum(["approve", "reject"]),
  id: id(),
  note: optionalText(300),
  version: version(),
});

export const LeaveCancelSchema = z.object({ intent: z.literal("cancel"), id: id() });

export const LeaveReturnSchema = z.object({
  intent: z.literal("report-back"),
  id: id(),
  returnedOn: pastDate(),
});

export const WorkLogSchema = z.object({
  intent: z.literal("log"),
  loggedOn: pastDate(),
  place: choice(LOG_PLACES),
  body: requiredText(2000),
  householdId: z.string().max(64).optional(),
  cardId: z.string().max(64).optional(),
  requestId: requestId(),
});

export const ReportSchema = z.object({
  intent: z.literal("submit"),
  done: requiredText(6000),
  problems: optionalText(3000),
  nextPlan: optionalText(3000),
  version: version().optional(),
});

export const NoticeSchema = z
  .object({
    intent: z.literal("send"),
    kind: choice(NOTICE_KINDS),
    title: requiredText(100),
    body: requiredText(3000),
    meetingAt: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, "form.notDateTime")
      .refine((v) => !Number.isNaN(Date.parse(`${v}:00+08:00`)), "form.notDateTime")
      .optional(),
    place: optionalText(100),
    audience: choice(NOTICE_AUDIENCES),
    townshipId: z.string().max(64).optional(),
    teamIds: z.array(z.string().max(64)).max(500).default([]),
    confirmed: z.boolean().optional(),
    requestId: requestId(),
  })
  .superRefine((v, ctx) => {
    if (v.kind === "meeting" && !v.meetingAt) {
      ctx.addIssue({ code: "custom", path: ["meetingAt"], message: "notice.meetingNeedsTime" });
    }
    if (v.audience === "teams" && v.teamIds.length === 0) {
      ctx.addIssue({ code: "custom", path: ["teamIds"], message: "notice.noTeams" });
    }
  });

export const AssignSchema = z.object({
  intent: z.literal("assign"),
  cadreId: id(),
  role: choice(MEMBERSHIP_ROLES),
  startedOn: isoDate(),
});

export const EndMembershipSchema = z.object({
  intent: z.literal("end"),
  membershipId: id(),
  leavesOn: isoDate(),
  reason: choice(["recalled", "rotated"] as const),
  note: optionalText(200),
});

export const ReplaceSchema = z.object({
  intent: z.literal("replace"),
  membershipId: id(),
  cadreId: id(),
  on: isoDate(),
  note: optionalText(200),
});
