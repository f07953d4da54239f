/**
 * The registered poor-household roster (建档立卡) of a village and each household's exit workflow.
 * The village's poor households and people are kept equal to the roster's in the same transaction
 * as every roster write, so the map, lists and incidence never disagree with it.
 */
import type { Kysely, Transaction } from "kysely";
import type {
  DB,
  ExitStep,
  ExitStepRecord,
  Guarantee,
  GuaranteeResult,
  HelpMeasure,
  HouseholdStatus,
  NameSource,
  PovertyCause,
} from "../../db/schema";
import { GUARANTEES } from "../../db/schema";
import { newId } from "../../db/ids";
import { povertyLines } from "~/data/shangyi.server";
import { db } from "~/db.server";
import { authorizeVillage, type Refusal } from "~/models/access.server";
import { diff, recordActivity } from "~/models/activity.server";
import { teamRulesOn } from "~/models/county-rules.server";
import { teamCadres } from "~/models/team.server";
import { staleConflict, villageWrite, type Invalid, type WriteResult } from "~/models/write.server";
import { recordVillageHistory } from "~/models/village-history.server";
import { recordAudit } from "~/models/audit.server";
import { maskIdNumber, maskPhone, resolveTyped } from "~/utils/mask";
import { can, type Viewer } from "~/permissions";
import { today } from "~/utils/dates";
import {
  addDays,
  DEFAULT_PROGRAMME,
  REMAINING_POOR,
  exitGateBlockers,
  nextStep,
  povertyLineFor,
  stepRefusal,
  type ReadinessItem,
} from "~/utils/exit-rules";

type Executor = Kysely<DB> | Transaction<DB>;

/**
 * Length of a household's exit notice (公示) in days: the county's rule in effect on the day the
 * notice was posted (or today, for one not yet posted). See app/models/county-rules.server.ts.
 */
async function noticeDaysFor(
  steps: readonly { step: ExitStepRecord; doneOn: string }[],
  executor?: Executor,
) {
  const notice = steps.find((s) => s.step === "notice");
  return (await teamRulesOn(notice?.doneOn ?? today(), executor)).householdNoticeDays;
}

export const LINES = povertyLines.map((l) => ({ year: l.year, value: l.value }));

/** Years a household's income is recorded for: the year before the programme through its end. */
export async function incomeYears(executor: Executor, villageId: string): Promise<number[]> {
  const plan = await executor
    .selectFrom("exit_plans")
    .select(["start_year", "end_year"])
    .where("village_id", "=", villageId)
    .executeTakeFirst();
  const from = (plan?.start_year ?? DEFAULT_PROGRAMME.startYear) - 1;
  const to = plan?.end_year ?? DEFAULT_PROGRAMME.endYear;
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Registered households and those still poor (poor or in the exit workflow); null without a roster. */
export async function rosterCounts(executor: Executor, villageId: string) {
  const row = await executor
    .selectFrom("households")
    .select((eb) => [
      eb.fn.countAll<number>().as("registered"),
      eb.fn
        .sum<number | null>(
          eb.case().when("status", "in", REMAINING_POOR).then(eb.ref("members")).else(0).end(),
        )
        .as("poorPeople"),
      eb.fn
        .sum<number | null>(eb.case().when("status", "in", REMAINING_POOR).then(1).else(0).end())
        .as("poorHouseholds"),
    ])
    .where("village_id", "=", villageId)
    .executeTakeFirstOrThrow();
  if (Number(row.registered) === 0) return null;
  return {
    registered: Number(row.registered),
    poorPeople: Number(row.poorPeople ?? 0),
    poorHouseholds: Number(row.poorHouseholds ?? 0),
  };
}

/** Keeps the village's poor-household and poor-people figures equal to its roster (and their history). */
export async function syncVillageFigures(trx: Executor, villageId: string, now: string) {
  const counts = await rosterCounts(trx, villageId);
  if (!counts) return;
  await trx
    .updateTable("villages")
    .set({
      poor_people: counts.poorPeople,
      poor_households: counts.poorHouseholds,
      updated_at: now,
    })
    .where("id", "=", villageId)
    .execute();
  await recordVillageHistory(trx, villageId, now);
}

export interface HouseholdFilters {
  status?: HouseholdStatus;
  cause?: PovertyCause;
  q?: string;
}

export interface HouseholdRow {
  id: string;
  code: string;
  headName: string;
  nameSource: NameSource;
  members: number;
  mainCause: PovertyCause;
  status: HouseholdStatus;
  exitYear: number | null;
  pairedCadre: string | null;
  unmetGuarantees: Guarantee[];
  latestIncome: { year: number; value: number; line: number | null } | null;
}

export async function listHouseholds(
  viewer: Viewer,
  villageId: string,
  filters: HouseholdFilters = {},
): Promise<{ ok: true; households: HouseholdRow[]; total: number; canEdit: boolean } | Refusal> {
  const auth = await authorizeVillage(db, viewer, villageId, "read:household");
  if (!auth.ok) return auth;
  await recordAudit(db, {
    action: "roster.read",
    targetType: "village",
    targetId: villageId,
    villageId,
    details: Object.keys(filters).length ? { filters } : {},
  });
  let query = db
    .selectFrom("households")
    .leftJoin("cadres", "cadres.id", "households.paired_cadre_id")
    .select([
      "households.id",
      "households.code",
      "households.head_name",
      "households.name_source",
      "households.members",
      "households.main_cause",
      "households.status",
      "households.exit_year",
      "households.food",
      "households.education",
      "households.medical",
      "households.housing",
      "households.water",
      "cadres.name_zh as paired",
    ])
    .where("households.village_id", "=", villageId);
  if (filters.status) query = query.where("households.status", "=", filters.status);
  if (filters.cause) query = query.where("households.main_cause", "=", filters.cause);
  if (filters.q) {
    const like = `%${filters.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([eb("households.head_name", "like", like), eb("households.code", "like", like)]),
    );
  }
  const [rows, total, incomes] = await Promise.all([
    query.orderBy("households.code").execute(),
    db
      .selectFrom("households")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("village_id", "=", villageId)
      .executeTakeFirstOrThrow(),
    latestIncomes(db, villageId),
  ]);
  return {
    ok: true,
    total: Number(total.n),
    canEdit: can(viewer, "update:household", { townshipId: auth.village.townshipId, villageId }),
    households: rows.map((r) => {
      const income = incomes.get(r.id);
      return {
        id: r.id,
        code: r.code,
        headName: r.head_name,
        nameSource: r.name_source,
        members: r.members,
        mainCause: r.main_cause,
        status: r.status,
        exitYear: r.exit_year,
        pairedCadre: r.paired,
        unmetGuarantees: GUARANTEES.filter((g) => r[g] === "unmet"),
        latestIncome: income
          ? { ...income, line: povertyLineFor(income.year, LINES)?.value ?? null }
          : null,
      };
    }),
  };
}

/** Every household's per-capita income by year, for a whole village in one query. */
export async function villageIncomes(
  executor: Executor,
  villageId: string,
): Promise<Map<string, Record<number, number>>> {
  const rows = await executor
    .selectFrom("household_incomes")
    .innerJoin("households", "households.id", "household_incomes.household_id")
    .select([
      "household_incomes.household_id",
      "household_incomes.year",
      "household_incomes.per_capita_income",
    ])
    .where("households.village_id", "=", villageId)
    .orderBy("household_incomes.year")
    .execute();
  const byHousehold = new Map<string, Record<number, number>>();
  for (const r of rows) {
    const incomes = byHousehold.get(r.household_id) ?? {};
    incomes[r.year] = r.per_capita_income;
    byHousehold.set(r.household_id, incomes);
  }
  return byHousehold;
}

async function latestIncomes(executor: Executor, villageId: string) {
  const latest = new Map<string, { year: number; value: number }>();
  for (const [id, incomes] of await villageIncomes(executor, villageId)) {
    const year = Math.max(...Object.keys(incomes).map(Number));
    latest.set(id, { year, value: incomes[year]! });
  }
  return latest;
}

export interface HouseholdDetail {
  id: string;
  villageId: string;
  code: string;
  headName: string;
  nameSource: NameSource;
  members: number;
  mainCause: PovertyCause;
  otherCauses: PovertyCause[];
  helpMeasures: HelpMeasure[];
  pairedCadreId: string | null;
  pairedCadre: string | null;
  identifiedYear: number;
  guarantees: Record<Guarantee, GuaranteeResult>;
  status: HouseholdStatus;
  exitYear: number | null;
  version: number;
  updatedAt: string;
  incomes: { year: number; value: number; line: number | null }[];
  /** Masked: the full numbers only through revealHouseholdIdentity. */
  idNumber: string | null;
  phone: string | null;
}

async function loadHousehold(executor: Executor, villageId: string, householdId: string) {
  const row = await executor
    .selectFrom("households")
    .leftJoin("cadres", "cadres.id", "households.paired_cadre_id")
    .leftJoin("users", "users.id", "households.updated_by")
    .selectAll("households")
    .select(["cadres.name_zh as paired", "users.display_name as updated_by_name"])
    .where("households.id", "=", householdId)
    .where("households.village_id", "=", villageId)
    .executeTakeFirst();
  if (!row) return null;
  const incomes = await executor
    .selectFrom("household_incomes")
    .select(["year", "per_capita_income"])
    .where("household_id", "=", householdId)
    .orderBy("year")
    .execute();
  const detail: HouseholdDetail = {
    id: row.id,
    villageId: row.village_id,
    code: row.code,
    headName: row.head_name,
    nameSource: row.name_source,
    members: row.members,
    mainCause: row.main_cause,
    otherCauses: JSON.parse(row.other_causes) as PovertyCause[],
    helpMeasures: JSON.parse(row.help_measures) as HelpMeasure[],
    pairedCadreId: row.paired_cadre_id,
    pairedCadre: row.paired,
    identifiedYear: row.identified_year,
    guarantees: Object.fromEntries(GUARANTEES.map((g) => [g, row[g]])) as Record<
      Guarantee,
      GuaranteeResult
    >,
    status: row.status,
    exitYear: row.exit_year,
    version: row.version,
    updatedAt: row.updated_at,
    incomes: incomes.map((i) => ({
      year: i.year,
      value: i.per_capita_income,
      line: povertyLineFor(i.year, LINES)?.value ?? null,
    })),
    idNumber: row.head_id_number ? maskIdNumber(row.head_id_number) : null,
    phone: row.phone ? maskPhone(row.phone) : null,
  };
  return { detail, row, round: row.exit_round, updatedByName: row.updated_by_name };
}

export interface StepView {
  id: string;
  round: number;
  step: ExitStepRecord;
  doneOn: string;
  note: string | null;
  by: string | null;
  recordedAt: string;
}

/** The assessment year for a step on a date: the latest year with a recorded income, up to that date's year. */
function assessmentYear(incomes: { year: number }[], onDate: string): number {
  const cap = Number(onDate.slice(0, 4));
  const years = incomes.map((i) => i.year).filter((y) => y <= cap);
  return years.length ? Math.max(...years) : cap;
}

function gateFor(detail: HouseholdDetail, onDate: string): ReadinessItem[] {
  return exitGateBlockers(
    {
      guarantees: detail.guarantees,
      incomes: new Map(detail.incomes.map((i) => [i.year, i.value])),
    },
    assessmentYear(detail.incomes, onDate),
    LINES,
  );
}

export async function getHousehold(viewer: Viewer, villageId: string, householdId: string) {
  const auth = await authorizeVillage(db, viewer, villageId, "read:household");
  if (!auth.ok) return auth;
  const loaded = await loadHousehold(db, villageId, householdId);
  if (!loaded) return { ok: false, reason: "not-found" } as const;
  // Who looked at whose record (个人信息保护法: health and finances are sensitive).
  await recordAudit(db, {
    action: "household.read",
    targetType: "household",
    targetId: householdId,
    villageId,
    details: { code: loaded.detail.code },
  });
  const steps = await db
    .selectFrom("household_exit_steps")
    .leftJoin("users", "users.id", "household_exit_steps.recorded_by")
    .select([
      "household_exit_steps.id",
      "household_exit_steps.round",
      "household_exit_steps.step",
      "household_exit_steps.done_on as doneOn",
      "household_exit_steps.note",
      "household_exit_steps.recorded_at as recordedAt",
      "users.display_name as by",
    ])
    .where("household_id", "=", householdId)
    .orderBy("round")
    .orderBy("done_on")
    .orderBy("recorded_at")
    .execute();
  const current = steps.filter((s) => s.round === loaded.round);
  const notice = current.find((s) => s.step === "notice");
  const noticeDays = await noticeDaysFor(current);
  const detail = loaded.detail;
  const next =
    detail.status === "poor" ? "appraisal" : detail.status === "exiting" ? nextStep(current) : null;
  return {
    ok: true as const,
    household: detail,
    village: auth.village,
    steps: steps as StepView[],
    round: loaded.round,
    next,
    noticeDays,
    noticeEndsOn: notice ? addDays(notice.doneOn, noticeDays) : null,
    blockers: next === "appraisal" || next === "announcement" ? gateFor(detail, today()) : [],
    canEdit: can(viewer, "update:household", { townshipId: auth.village.townshipId, villageId }),
    canReveal:
      Boolean(loaded.row.head_id_number || loaded.row.phone) &&
      can(viewer, "reveal:household-identity", { townshipId: auth.village.townshipId, villageId }),
  };
}

/**
 * The head of household's full ID and phone numbers, for those who may see them (the village's
 * team and the county admin), each showing recorded in the audit log.
 */
export async function revealHouseholdIdentity(
  viewer: Viewer,
  villageId: string,
  householdId: string,
): Promise<{ ok: true; idNumber: string | null; phone: string | null } | Refusal> {
  const auth = await authorizeVillage(db, viewer, villageId, "read:household");
  if (!auth.ok) return auth;
  if (
    !can(viewer, "reveal:household-identity", { townshipId: auth.village.townshipId, villageId })
  ) {
    return { ok: false, reason: "forbidden" };
  }
  const row = await db
    .selectFrom("households")
    .select(["head_id_number", "phone", "code"])
    .where("id", "=", householdId)
    .where("village_id", "=", villageId)
    .executeTakeFirst();
  if (!row) return { ok: false, reason: "not-found" };
  await recordAudit(db, {
    action: "household.reveal",
    targetType: "household",
    targetId: householdId,
    villageId,
    details: {
      code: row.code,
      fields: ["head_id_number", "phone"].filter((f) =>
        f === "phone" ? row.phone : row.head_id_number,
      ),
    },
  });
  return { ok: true, idNumber: row.head_id_number, phone: row.phone };
}

export interface HouseholdInput {
  code: string;
  headName: string;
  members: number;
  mainCause: PovertyCause;
  otherCauses: PovertyCause[];
  helpMeasures: HelpMeasure[];
  pairedCadreId?: string;
  identifiedYear: number;
  guarantees: Record<Guarantee, GuaranteeResult>;
  /** Only exited ↔ monitored may be changed by hand; the rest follows the exit workflow. */
  monitored?: boolean;
  incomes: Record<number, number | undefined>;
  /**
   * As typed: its mask as shown keeps the stored number, null clears it, a whole number replaces
   * it; undefined leaves it alone (see resolveTyped).
   */
  idNumber?: string | null;
  phone?: string | null;
}

/** A roster write: jurisdiction, the change, then the village's figures follow the roster. */
function write<T>(
  viewer: Viewer,
  villageId: string,
  change: (trx: Transaction<DB>, now: string) => Promise<WriteResult<T>>,
) {
  return villageWrite<T>(viewer, villageId, "update:household", async (trx, _village, now) => {
    const result = await change(trx, now);
    if (result.ok) await syncVillageFigures(trx, villageId, now);
    return result;
  });
}

const HOUSEHOLD_FIELDS = [
  "code",
  "head_name",
  "members",
  "main_cause",
  "other_causes",
  "help_measures",
  "paired_cadre_id",
  "identified_year",
  ...GUARANTEES,
  "status",
  "incomes",
] as const;

function householdColumns(input: HouseholdInput) {
  return {
    code: input.code,
    head_name: input.headName,
    members: input.members,
    main_cause: input.mainCause,
    other_causes: JSON.stringify(input.otherCauses.filter((c) => c !== input.mainCause)),
    help_measures: JSON.stringify(input.helpMeasures),
    paired_cadre_id: input.pairedCadreId ?? null,
    identified_year: input.identifiedYear,
    ...input.guarantees,
  };
}

/**
 * The ID and phone columns a write sets, from what was typed against what is stored; a masked
 * value that is not the stored number's mask is refused on its field.
 */
function identityColumns(
  input: Pick<HouseholdInput, "idNumber" | "phone">,
  stored: { head_id_number: string | null; phone: string | null } | null,
): { head_id_number?: string | null; phone?: string | null } | Invalid {
  const id = resolveTyped(input.idNumber, stored?.head_id_number ?? null, maskIdNumber);
  const phone = resolveTyped(input.phone, stored?.phone ?? null, maskPhone);
  for (const [field, result] of [
    ["idNumber", id],
    ["phone", phone],
  ] as const) {
    if ("invalid" in result) {
      return { ok: false, reason: "invalid", field, message: "household.maskedChanged" };
    }
  }
  return {
    ...("value" in id ? { head_id_number: id.value } : {}),
    ...("value" in phone ? { phone: phone.value } : {}),
  };
}

async function validateHousehold(
  trx: Transaction<DB>,
  villageId: string,
  input: HouseholdInput,
  selfId: string | null,
): Promise<Invalid | null> {
  const clash = await trx
    .selectFrom("households")
    .select("id")
    .where("village_id", "=", villageId)
    .where("code", "=", input.code)
    .executeTakeFirst();
  if (clash && clash.id !== selfId) {
    return { ok: false, reason: "invalid", field: "code", message: "household.codeTaken" };
  }
  if (input.pairedCadreId) {
    const cadres = await teamCadres(trx, villageId);
    if (!cadres.some((c) => c.id === input.pairedCadreId)) {
      return {
        ok: false,
        reason: "invalid",
        field: "pairedCadreId",
        message: "household.cadreNotInTeam",
      };
    }
  }
  return null;
}

async function writeIncomes(
  trx: Transaction<DB>,
  householdId: string,
  incomes: Record<number, number | undefined>,
) {
  await trx.deleteFrom("household_incomes").where("household_id", "=", householdId).execute();
  const rows = Object.entries(incomes)
    .filter((e): e is [string, number] => e[1] !== undefined)
    .map(([year, value]) => ({
      household_id: householdId,
      year: Number(year),
      per_capita_income: value,
    }));
  if (rows.length) await trx.insertInto("household_incomes").values(rows).execute();
}

export async function createHousehold(viewer: Viewer, villageId: string, input: HouseholdInput) {
  return write(viewer, villageId, async (trx, now) => {
    const invalid = await validateHousehold(trx, villageId, input, null);
    if (invalid) return invalid;
    const identity = identityColumns(input, null);
    if ("ok" in identity) return identity;
    const id = newId();
    const row = {
      id,
      village_id: villageId,
      ...householdColumns(input),
      ...identity,
      name_source: "imported" as const,
      status: "poor" as const,
      exit_year: null,
      version: 1,
      created_at: now,
      updated_at: now,
      updated_by: viewer.id,
    };
    await trx.insertInto("households").values(row).execute();
    await writeIncomes(trx, id, input.incomes);
    await recordActivity(trx, {
      villageId,
      entity: "household",
      entityId: id,
      label: input.headName,
      action: "create",
      changes: diff(null, { ...row, incomes: cleanIncomes(input.incomes) }, HOUSEHOLD_FIELDS),
      actorId: viewer.id,
      at: now,
    });
    return { ok: true, value: id };
  });
}

function cleanIncomes(incomes: Record<number, number | undefined>) {
  return Object.fromEntries(Object.entries(incomes).filter(([, v]) => v !== undefined));
}

export async function updateHousehold(
  viewer: Viewer,
  villageId: string,
  householdId: string,
  input: HouseholdInput & { version: number },
) {
  return write(viewer, villageId, async (trx, now) => {
    const loaded = await loadHousehold(trx, villageId, householdId);
    if (!loaded) return { ok: false, reason: "not-found" };
    const before = loaded.row;
    const beforeIncomes = Object.fromEntries(loaded.detail.incomes.map((i) => [i.year, i.value]));
    const stale = staleConflict(
      {
        version: before.version,
        current: { ...householdValues(before), incomes: beforeIncomes },
        by: loaded.updatedByName,
        at: before.updated_at,
      },
      input.version,
    );
    if (stale) return stale;
    const invalid = await validateHousehold(trx, villageId, input, householdId);
    if (invalid) return invalid;
    const identity = identityColumns(input, before);
    if ("ok" in identity) return identity;
    const status: HouseholdStatus =
      before.status === "exited" || before.status === "monitored"
        ? input.monitored
          ? "monitored"
          : "exited"
        : before.status;
    const after = { ...householdColumns(input), status };
    await trx
      .updateTable("households")
      .set({
        ...after,
        ...identity,
        version: before.version + 1,
        updated_at: now,
        updated_by: viewer.id,
      })
      .where("id", "=", householdId)
      .execute();
    await writeIncomes(trx, householdId, input.incomes);
    await recordActivity(trx, {
      villageId,
      entity: "household",
      entityId: householdId,
      label: input.headName,
      action: "update",
      changes: diff(
        { ...before, incomes: beforeIncomes },
        { ...after, incomes: cleanIncomes(input.incomes) },
        HOUSEHOLD_FIELDS,
      ),
      actorId: viewer.id,
      at: now,
    });
    return { ok: true, value: undefined };
  });
}

/** What a conflict shows: the stored values in the form's own terms. */
function householdValues(row: {
  code: string;
  head_name: string;
  members: number;
  main_cause: string;
  paired_cadre_id: string | null;
  identified_year: number;
  status: string;
}) {
  return {
    code: row.code,
    headName: row.head_name,
    members: row.members,
    mainCause: row.main_cause,
    identifiedYear: row.identified_year,
    status: row.status,
  };
}

/**
 * Records the next step of a household's exit. The first step (democratic appraisal) and the
 * announcement are gated: income above that year's poverty line and no unmet guarantee.
 * A withdrawal (an objection during the notice, say) ends the round and the household is poor again.
 */
export async function recordExitStep(
  viewer: Viewer,
  villageId: string,
  householdId: string,
  input: { step: ExitStep | "withdrawn"; doneOn: string; note?: string; version: number },
) {
  return write(viewer, villageId, async (trx, now) => {
    const loaded = await loadHousehold(trx, villageId, householdId);
    if (!loaded) return { ok: false, reason: "not-found" };
    const { detail } = loaded;
    const stale = staleConflict(
      {
        version: detail.version,
        current: { status: detail.status },
        by: loaded.updatedByName,
        at: detail.updatedAt,
      },
      input.version,
    );
    if (stale) return stale;
    const startsRound = input.step === "appraisal" && detail.status === "poor";
    const round = startsRound ? loaded.round + 1 : loaded.round;
    const steps = startsRound
      ? []
      : await trx
          .selectFrom("household_exit_steps")
          .select(["step", "done_on as doneOn"])
          .where("household_id", "=", householdId)
          .where("round", "=", round)
          .orderBy("done_on")
          .orderBy("recorded_at")
          .execute();

    if (input.step === "withdrawn") {
      if (detail.status !== "exiting") {
        return { ok: false, reason: "invalid", field: "step", message: "exit.step.notInWorkflow" };
      }
    } else {
      if (detail.status !== "poor" && detail.status !== "exiting") {
        return { ok: false, reason: "invalid", field: "step", message: "exit.step.alreadyExited" };
      }
      const refusal = stepRefusal(steps, input.step, input.doneOn, await noticeDaysFor(steps, trx));
      if (refusal) {
        return {
          ok: false,
          reason: "invalid",
          field: "doneOn",
          message: refusal.key,
          params: refusal.params,
        };
      }
      if (input.step === "appraisal" || input.step === "announcement") {
        const blockers = gateFor(detail, input.doneOn);
        if (blockers.length) {
          const [first] = blockers;
          return {
            ok: false,
            reason: "invalid",
            field: "step",
            message: first!.key,
            params: first!.params,
          };
        }
      }
    }

    await trx
      .insertInto("household_exit_steps")
      .values({
        id: newId(),
        household_id: householdId,
        round,
        step: input.step,
        done_on: input.doneOn,
        note: input.note ?? null,
        recorded_by: viewer.id,
        recorded_at: now,
      })
      .execute();
    const status: HouseholdStatus =
      input.step === "withdrawn" ? "poor" : input.step === "announcement" ? "exited" : "exiting";
    const exitYear = input.step === "announcement" ? Number(input.doneOn.slice(0, 4)) : null;
    await trx
      .updateTable("households")
      .set({
        status,
        exit_year: exitYear,
        exit_round: round,
        version: detail.version + 1,
        updated_at: now,
        updated_by: viewer.id,
      })
      .where("id", "=", householdId)
      .execute();
    await recordActivity(trx, {
      villageId,
      entity: "household",
      entityId: householdId,
      label: detail.headName,
      action: "step",
      changes: {
        step: input.step,
        doneOn: input.doneOn,
        note: input.note ?? null,
        status: [detail.status, status],
      },
      actorId: viewer.id,
      at: now,
    });
    return { ok: true, value: undefined };
  });
}
