/**
 * A village's exit plan: the plan itself, indicators (official and the team's own), milestones and
 * villagers' opinions, with the poverty incidence computed live from the household roster and the
 * exit-readiness checklist. Every write is one transaction that checks jurisdiction, refuses a
 * stale version and records the change on the village's Activity tab.
 */
import type { Kysely, Transaction } from "kysely";
import type {
  DB,
  IndicatorComparison,
  IndicatorKind,
  MilestoneStatus,
  PlanIndicatorTable,
} from "../../db/schema";
import { newId } from "../../db/ids";
import { db } from "~/db.server";
import { authorizeVillage, type Refusal } from "~/models/access.server";
import { staleConflict, villageWrite } from "~/models/write.server";
import { claimRequest } from "~/models/write-once.server";
import { diff, recordActivity } from "~/models/activity.server";
import { rosterCounts } from "~/models/household.server";
import { teamCadres } from "~/models/team.server";
import { can, type Viewer } from "~/permissions";
import { today } from "~/utils/dates";
import {
  DEFAULT_PROGRAMME,
  OFFICIAL_INDICATORS,
  incidence,
  isMet,
  isOverdue,
  readiness,
  standardsOf,
  standardThreshold,
  type ReadinessItem,
  type RosterFigures,
} from "~/utils/exit-rules";
import { teamRulesOn } from "~/models/county-rules.server";

type Executor = Kysely<DB> | Transaction<DB>;

export type { Conflict, Invalid, WriteResult } from "~/models/write.server";

/** The target exit year's default: the end of the attack phase. */
const DEFAULT_TARGET_YEAR = DEFAULT_PROGRAMME.attackEndYear;

/** Poor households and people remaining, from the roster; null when the village has no roster yet. */
export async function rosterFigures(
  executor: Executor,
  village: { id: string; agriculturalPopulation: number },
): Promise<(RosterFigures & { registered: number }) | null> {
  const counts = await rosterCounts(executor, village.id);
  return counts && { ...counts, agriculturalPopulation: village.agriculturalPopulation };
}

export interface IndicatorView {
  /** A stored indicator's id, or `kind:<kind>` for an official indicator not yet recorded. */
  id: string;
  kind: IndicatorKind;
  name: string | null;
  unit: string | null;
  comparison: IndicatorComparison;
  threshold: number | null;
  baseline: number | null;
  target: number | null;
  current: number | null;
  measuredOn: string | null;
  evidence: string | null;
  computed: boolean;
  /** The threshold is the county's exit standard (a county rule), not the plan's own. */
  countySet: boolean;
  met: boolean | null;
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface MilestoneView {
  id: string;
  title: string;
  dueOn: string;
  ownerId: string | null;
  ownerName: string | null;
  status: MilestoneStatus;
  doneOn: string | null;
  evidence: string | null;
  overdue: boolean;
  version: number;
}

export interface PlanPage {
  plan: {
    startYear: number;
    attackEndYear: number;
    endYear: number;
    targetExitYear: number;
    narrative: string;
    version: number;
    updatedAt: string | null;
    updatedBy: string | null;
  };
  figures: (RosterFigures & { registered: number; incidence: number }) | null;
  indicators: IndicatorView[];
  milestones: MilestoneView[];
  opinions: {
    id: string;
    gatheredOn: string;
    source: string;
    content: string;
    by: string | null;
  }[];
  readiness: ReadinessItem[];
  owners: { id: string; name: string }[];
  canEdit: boolean;
}

export async function getPlanPage(
  viewer: Viewer,
  villageId: string,
): Promise<({ ok: true } & PlanPage) | Refusal> {
  const auth = await authorizeVillage(db, viewer, villageId, "read:village");
  if (!auth.ok) return auth;
  const village = auth.village;
  const on = today();
  const standards = standardsOf(await teamRulesOn(on));
  const [planRow, indicatorRows, milestoneRows, opinions, figures, owners] = await Promise.all([
    db
      .selectFrom("exit_plans")
      .leftJoin("users", "users.id", "exit_plans.updated_by")
      .selectAll("exit_plans")
      .select("users.display_name as updated_by_name")
      .where("village_id", "=", villageId)
      .executeTakeFirst(),
    db
      .selectFrom("plan_indicators")
      .leftJoin("users", "users.id", "plan_indicators.updated_by")
      .selectAll("plan_indicators")
      .select("users.display_name as updated_by_name")
      .where("village_id", "=", villageId)
      .orderBy("position")
      .execute(),
    db
      .selectFrom("plan_milestones")
      .leftJoin("cadres", "cadres.id", "plan_milestones.owner_cadre_id")
      .selectAll("plan_milestones")
      .select("cadres.name_zh as owner_name")
      .where("village_id", "=", villageId)
      .orderBy("due_on")
      .orderBy("created_at")
      .execute(),
    db
      .selectFrom("plan_opinions")
      .leftJoin("users", "users.id", "plan_opinions.recorded_by")
      .select([
        "plan_opinions.id",
        "plan_opinions.gathered_on as gatheredOn",
        "plan_opinions.source",
        "plan_opinions.content",
        "users.display_name as by",
      ])
      .where("village_id", "=", villageId)
      .orderBy("gathered_on", "desc")
      .execute(),
    rosterFigures(db, village),
    teamCadres(db, villageId, on),
  ]);

  const rate = figures ? incidence(figures) : null;
  const indicators: IndicatorView[] = [];
  for (const definition of OFFICIAL_INDICATORS) {
    const row = indicatorRows.find((r) => r.kind === definition.kind);
    indicators.push(
      toIndicatorView(
        row ?? null,
        definition.kind,
        definition.comparison,
        standardThreshold(definition.kind, standards) ?? definition.threshold,
        definition.unit,
        definition.computed ? rate : undefined,
        standardThreshold(definition.kind, standards),
      ),
    );
  }
  for (const row of indicatorRows.filter((r) => r.kind === "custom")) {
    indicators.push(toIndicatorView(row, "custom", row.comparison, row.threshold, row.unit));
  }

  const milestones: MilestoneView[] = milestoneRows.map((m) => ({
    id: m.id,
    title: m.title,
    dueOn: m.due_on,
    ownerId: m.owner_cadre_id,
    ownerName: m.owner_name,
    status: m.status,
    doneOn: m.done_on,
    evidence: m.evidence,
    overdue: isOverdue({ dueOn: m.due_on, status: m.status }, on),
    version: m.version,
  }));

  const checklist = readiness(
    figures,
    indicators.map((i) => ({
      kind: i.kind,
      name: i.name,
      comparison: i.comparison,
      threshold: i.threshold,
      currentValue: i.current,
    })),
    milestones,
    on,
    standards,
  );

  return {
    ok: true,
    plan: planRow
      ? {
          startYear: planRow.start_year,
          attackEndYear: planRow.attack_end_year,
          endYear: planRow.end_year,
          targetExitYear: planRow.target_exit_year,
          narrative: planRow.narrative,
          version: planRow.version,
          updatedAt: planRow.updated_at,
          updatedBy: planRow.updated_by_name,
        }
      : {
          ...DEFAULT_PROGRAMME,
          targetExitYear: DEFAULT_TARGET_YEAR,
          narrative: "",
          version: 0,
          updatedAt: null,
          updatedBy: null,
        },
    figures: figures && rate !== null ? { ...figures, incidence: rate } : null,
    indicators,
    milestones,
    opinions,
    readiness: checklist,
    owners,
    canEdit: can(viewer, "update:village", { townshipId: village.townshipId, villageId }),
  };
}

function toIndicatorView(
  row:
    | (Omit<PlanIndicatorTable, "version"> & { version: number; updated_by_name: string | null })
    | null,
  kind: IndicatorKind,
  comparison: IndicatorComparison,
  defaultThreshold: number | null,
  unit: string | null,
  computedValue?: number | null,
  countyThreshold: number | null = null,
): IndicatorView {
  const computed = computedValue !== undefined;
  const threshold = countyThreshold ?? row?.threshold ?? defaultThreshold;
  const current = computed ? computedValue : (row?.current_value ?? null);
  return {
    id: row?.id ?? `kind:${kind}`,
    kind,
    name: row?.name ?? null,
    unit: row?.unit ?? unit,
    comparison,
    threshold,
    baseline: row?.baseline ?? null,
    target: row?.target ?? null,
    current,
    measuredOn: computed ? today() : (row?.measured_on ?? null),
    evidence: row?.evidence ?? null,
    computed,
    countySet: countyThreshold !== null,
    met: isMet(comparison, threshold, current),
    version: row?.version ?? 0,
    updatedAt: row?.updated_at ?? null,
    updatedBy: row?.updated_by_name ?? null,
  };
}

function write<T>(
  viewer: Viewer,
  villageId: string,
  change: Parameters<typeof villageWrite<T>>[3],
) {
  return villageWrite(viewer, villageId, "update:village", change);
}

const PLAN_FIELDS = [
  "start_year",
  "attack_end_year",
  "end_year",
  "target_exit_year",
  "narrative",
] as const;

export async function updatePlan(
  viewer: Viewer,
  villageId: string,
  input: {
    version: number;
    startYear: number;
    attackEndYear: number;
    endYear: number;
    targetExitYear: number;
    narrative?: string;
  },
) {
  return write(viewer, villageId, async (trx, village, now) => {
    const before = await trx
      .selectFrom("exit_plans")
      .leftJoin("users", "users.id", "exit_plans.updated_by")
      .selectAll("exit_plans")
      .select("users.display_name as by")
      .where("village_id", "=", villageId)
      .executeTakeFirst();
    const currentVersion = before?.version ?? 0;
    const stale = staleConflict(
      {
        version: currentVersion,
        current: before ? pick(before, PLAN_FIELDS) : {},
        by: before?.by,
        at: before?.updated_at,
      },
      input.version,
    );
    if (stale) return stale;
    const after = {
      start_year: input.startYear,
      attack_end_year: input.attackEndYear,
      end_year: input.endYear,
      target_exit_year: input.targetExitYear,
      narrative: input.narrative ?? "",
    };
    if (before) {
      await trx
        .updateTable("exit_plans")
        .set({ ...after, version: currentVersion + 1, updated_at: now, updated_by: viewer.id })
        .where("village_id", "=", villageId)
        .execute();
    } else {
      await trx
        .insertInto("exit_plans")
        .values({
          village_id: villageId,
          ...after,
          version: 1,
          updated_at: now,
          updated_by: viewer.id,
        })
        .execute();
    }
    await recordActivity(trx, {
      villageId,
      entity: "plan",
      entityId: villageId,
      label: village.nameZh,
      action: before ? "update" : "create",
      changes: diff(before ?? null, after, PLAN_FIELDS),
      actorId: viewer.id,
      at: now,
    });
    return { ok: true, value: undefined };
  });
}

const INDICATOR_FIELDS = [
  "baseline",
  "target",
  "current_value",
  "threshold",
  "measured_on",
  "evidence",
] as const;

export interface IndicatorInput {
  baseline?: number;
  target?: number;
  current?: number;
  threshold?: number;
  measuredOn?: string;
  evidence?: string;
}

/**
 * Saves an indicator's values. Values arrive as people type them: percentages for the incidence
 * (stored as ratios). The incidence's current value is never stored: the roster decides it.
 */
export async function updateIndicator(
  viewer: Viewer,
  villageId: string,
  input: IndicatorInput & { id: string; version: number },
) {
  return write(viewer, villageId, async (trx, village, now) => {
    const officialKind = input.id.startsWith("kind:") ? input.id.slice(5) : null;
    const definition = officialKind
      ? OFFICIAL_INDICATORS.find((d) => d.kind === officialKind)
      : undefined;
    if (officialKind && !definition) return { ok: false, reason: "not-found" };
    const before = await trx
      .selectFrom("plan_indicators")
      .leftJoin("users", "users.id", "plan_indicators.updated_by")
      .selectAll("plan_indicators")
      .select("users.display_name as by")
      .where("village_id", "=", villageId)
      .$call((q) =>
        definition
          ? q.where("kind", "=", definition.kind)
          : q.where("plan_indicators.id", "=", input.id),
      )
      .executeTakeFirst();
    if (!definition && !before) return { ok: false, reason: "not-found" };
    const currentVersion = before?.version ?? 0;
    const stale = staleConflict(
      {
        version: currentVersion,
        current: before ? pick(before, INDICATOR_FIELDS) : {},
        by: before?.by,
        at: before?.updated_at,
      },
      input.version,
    );
    if (stale) return stale;
    const kind = before?.kind ?? definition!.kind;
    const computed = kind === "poverty_incidence";
    const scale = (v: number | undefined) =>
      v === undefined ? null : computed ? Math.round(v * 1000) / 100000 : v;
    const comparison = before?.comparison ?? definition!.comparison;
    if (
      comparison === "yes" &&
      input.current !== undefined &&
      input.current !== 0 &&
      input.current !== 1
    ) {
      return { ok: false, reason: "invalid", field: "current", message: "form.invalid" };
    }
    const after = {
      baseline: scale(input.baseline),
      target: scale(input.target),
      current_value: computed ? null : (input.current ?? null),
      threshold:
        comparison === "yes"
          ? 1
          : input.threshold !== undefined
            ? scale(input.threshold)
            : (before?.threshold ?? definition?.threshold ?? null),
      measured_on: input.measuredOn ?? null,
      evidence: input.evidence ?? null,
    };
    if (before) {
      await trx
        .updateTable("plan_indicators")
        .set({ ...after, version: currentVersion + 1, updated_at: now, updated_by: viewer.id })
        .where("id", "=", before.id)
        .execute();
    } else {
      await trx
        .insertInto("plan_indicators")
        .values({
          id: newId(),
          village_id: villageId,
          kind,
          name: null,
          unit: definition!.unit,
          comparison,
          position: OFFICIAL_INDICATORS.indexOf(definition!),
          ...after,
          version: 1,
          updated_at: now,
          updated_by: viewer.id,
        })
        .execute();
    }
    await recordActivity(trx, {
      villageId,
      entity: "indicator",
      entityId: before?.id ?? input.id,
      label: before?.name ?? `indicator.kind.${kind}`,
      action: before ? "update" : "create",
      changes: diff(before ?? null, after, INDICATOR_FIELDS),
      actorId: viewer.id,
      at: now,
    });
    return { ok: true, value: undefined };
  });
}

export async function addIndicator(
  viewer: Viewer,
  villageId: string,
  input: IndicatorInput & {
    name: string;
    unit?: string;
    comparison: IndicatorComparison;
    requestId?: string;
  },
) {
  return write(viewer, villageId, async (trx, _village, now) => {
    const id = newId();
    const earlier = await claimRequest(trx, viewer.id, "indicator", input.requestId, id, now);
    if (earlier) return { ok: true, value: earlier };
    const last = await trx
      .selectFrom("plan_indicators")
      .select((eb) => eb.fn.max("position").as("max"))
      .where("village_id", "=", villageId)
      .executeTakeFirst();
    const row = {
      id,
      village_id: villageId,
      kind: "custom" as const,
      name: input.name,
      unit: input.unit ?? null,
      comparison: input.comparison,
      threshold: input.comparison === "yes" ? 1 : (input.threshold ?? null),
      baseline: input.baseline ?? null,
      target: input.target ?? null,
      current_value: input.current ?? null,
      measured_on: input.measuredOn ?? null,
      evidence: input.evidence ?? null,
      position: Math.max(OFFICIAL_INDICATORS.length, Number(last?.max ?? 0) + 1),
      version: 1,
      updated_at: now,
      updated_by: viewer.id,
    };
    await trx.insertInto("plan_indicators").values(row).execute();
    await recordActivity(trx, {
      villageId,
      entity: "indicator",
      entityId: row.id,
      label: input.name,
      action: "create",
      changes: diff(null, row, ["name", "unit", "comparison", ...INDICATOR_FIELDS]),
      actorId: viewer.id,
      at: now,
    });
    return { ok: true, value: row.id };
  });
}

const MILESTONE_FIELDS = [
  "title",
  "due_on",
  "owner_cadre_id",
  "status",
  "done_on",
  "evidence",
] as const;

export interface MilestoneInput {
  title: string;
  dueOn: string;
  ownerId?: string;
  status: MilestoneStatus;
  doneOn?: string;
  evidence?: string;
}

async function checkOwner(trx: Transaction<DB>, villageId: string, ownerId: string | undefined) {
  if (!ownerId) return true;
  const cadres = await teamCadres(trx, villageId);
  return cadres.some((c) => c.id === ownerId);
}

function milestoneRow(input: MilestoneInput) {
  return {
    title: input.title,
    due_on: input.dueOn,
    owner_cadre_id: input.ownerId ?? null,
    status: input.status,
    // A completion date belongs to a finished milestone only.
    done_on: input.status === "done" ? (input.doneOn ?? null) : null,
    evidence: input.evidence ?? null,
  };
}

export async function updateMilestone(
  viewer: Viewer,
  villageId: string,
  input: MilestoneInput & { id: string; version: number; requestId?: string },
) {
  return write(viewer, villageId, async (trx, _village, now) => {
    // An edit queued on a phone and sent again after a lost answer: the first one stands.
    if (await claimRequest(trx, viewer.id, "milestone-edit", input.requestId, input.id, now)) {
      return { ok: true, value: undefined };
    }
    const before = await trx
      .selectFrom("plan_milestones")
      .leftJoin("users", "users.id", "plan_milestones.updated_by")
      .selectAll("plan_milestones")
      .select("users.display_name as by")
      .where("plan_milestones.id", "=", input.id)
      .where("village_id", "=", villageId)
      .executeTakeFirst();
    if (!before) return { ok: false, reason: "not-found" };
    const stale = staleConflict(
      {
        version: before.version,
        current: pick(before, MILESTONE_FIELDS),
        by: before.by,
        at: before.updated_at,
      },
      input.version,
    );
    if (stale) return stale;
    if (!(await checkOwner(trx, villageId, input.ownerId))) {
      return {
        ok: false,
        reason: "invalid",
        field: "ownerId",
        message: "milestone.ownerNotInTeam",
      };
    }
    const after = milestoneRow(input);
    await trx
      .updateTable("plan_milestones")
      .set({ ...after, version: before.version + 1, updated_at: now, updated_by: viewer.id })
      .where("id", "=", before.id)
      .execute();
    await recordActivity(trx, {
      villageId,
      entity: "milestone",
      entityId: before.id,
      label: input.title,
      action: "update",
      changes: diff(before, after, MILESTONE_FIELDS),
      actorId: viewer.id,
      at: now,
    });
    return { ok: true, value: undefined };
  });
}

export async function addMilestone(
  viewer: Viewer,
  villageId: string,
  input: MilestoneInput & { requestId?: string },
) {
  return write(viewer, villageId, async (trx, _village, now) => {
    const id = newId();
    const earlier = await claimRequest(trx, viewer.id, "milestone", input.requestId, id, now);
    if (earlier) return { ok: true, value: earlier };
    if (!(await checkOwner(trx, villageId, input.ownerId))) {
      return {
        ok: false,
        reason: "invalid",
        field: "ownerId",
        message: "milestone.ownerNotInTeam",
      };
    }
    const row = {
      id,
      village_id: villageId,
      ...milestoneRow(input),
      version: 1,
      created_at: now,
      updated_at: now,
      updated_by: viewer.id,
    };
    await trx.insertInto("plan_milestones").values(row).execute();
    await recordActivity(trx, {
      villageId,
      entity: "milestone",
      entityId: row.id,
      label: input.title,
      action: "create",
      changes: diff(null, row, MILESTONE_FIELDS),
      actorId: viewer.id,
      at: now,
    });
    return { ok: true, value: row.id };
  });
}

export async function addOpinion(
  viewer: Viewer,
  villageId: string,
  input: { gatheredOn: string; source: string; content: string; requestId?: string },
) {
  return write(viewer, villageId, async (trx, _village, now) => {
    const id = newId();
    const earlier = await claimRequest(trx, viewer.id, "opinion", input.requestId, id, now);
    if (earlier) return { ok: true, value: earlier };
    const row = {
      id,
      village_id: villageId,
      gathered_on: input.gatheredOn,
      source: input.source,
      content: input.content,
      recorded_by: viewer.id,
      created_at: now,
    };
    await trx.insertInto("plan_opinions").values(row).execute();
    await recordActivity(trx, {
      villageId,
      entity: "opinion",
      entityId: row.id,
      label: input.source,
      action: "create",
      changes: diff(null, row, ["gathered_on", "source", "content"]),
      actorId: viewer.id,
      at: now,
    });
    return { ok: true, value: row.id };
  });
}

function pick<T extends Record<string, unknown>, K extends keyof T & string>(
  row: T,
  fields: readonly K[],
): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, row[f]]));
}
