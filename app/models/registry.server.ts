/**
 * The county's registry: townships, sending units, villages, cadres, teams and team memberships,
 * read from and written to spreadsheet rows (`utils/registry-sheets.ts` names the columns).
 *
 * One row check serves the import and the admin forms: a row is parsed against the registry as it
 * stands (the database, plus the rows of the same file read before it), matched to what exists by
 * its natural key (official code, name, or name + unit / village + date), and judged new, update,
 * unchanged or error. Sheets are read in dependency order, so a workbook may add a unit and the
 * cadres and teams it sends in one go. Nothing is written unless every row of every sheet passes,
 * and then in one transaction; the same file twice changes nothing.
 */
import type { Kysely, Selectable, Transaction } from "kysely";
import { newId } from "../../db/ids";
import type {
  DB,
  MembershipEndReason,
  MembershipRole,
  PositionSource,
  Specialty,
  TownshipKind,
  UnitLevel,
  VillageType,
} from "../../db/schema";
import type { MessageKey, Translate } from "~/i18n";
import { refreshVillageProgress } from "~/models/progress.server";
import { compareChinese } from "~/utils/chinese-order";
import { recordVillageHistory } from "~/models/village-history.server";
import { ALLOWED_AREA_PARAMS, isInAllowedArea } from "~/utils/county-area";
import { lookup, normalise } from "~/utils/labels.server";
import { placeNamePinyin } from "~/utils/pinyin.server";
import {
  CHOICES,
  SHEET_COLUMNS,
  SHEET_KINDS,
  choiceLabelKey,
  type Choice,
  type RowAction,
  type RowIssue,
  type SheetKind,
} from "~/utils/registry-sheets";

type Executor = Kysely<DB> | Transaction<DB>;

export interface TownshipRec {
  id: string;
  code: string;
  name: string;
  kind: TownshipKind;
  lat: number | null;
  lon: number | null;
  deactivatedAt: string | null;
}
export interface UnitRec {
  id: string;
  name: string;
  level: UnitLevel;
  deactivatedAt: string | null;
}
export interface VillageRec {
  id: string;
  code: string;
  name: string;
  townshipId: string;
  type: VillageType;
  agriculturalPopulation: number;
  households: number;
  poorHouseholds: number;
  poorPeople: number;
  lat: number;
  lon: number;
  /** With a household roster, the poor figures come from it and a sheet cannot change them. */
  hasRoster: boolean;
  /** Where the stored position came from (a moved village's change log records it). */
  positionSource: PositionSource;
  deactivatedAt: string | null;
}
export interface CadreRec {
  id: string;
  name: string;
  unitId: string;
  specialty: Specialty;
  phone: string | null;
  deactivatedAt: string | null;
}
export interface TeamRec {
  id: string;
  villageId: string;
  unitId: string;
  startedOn: string;
  endedOn: string | null;
}
export interface MembershipRec {
  id: string;
  teamId: string;
  cadreId: string;
  role: MembershipRole;
  startedOn: string;
  endedOn: string | null;
  endReason: MembershipEndReason | null;
}

/** Records by id, by natural key, and (optionally) in groups for the overlap checks. */
class Store<T extends { id: string }> {
  readonly byId = new Map<string, T>();
  readonly byKey = new Map<string, T>();
  readonly groups = new Map<string, Set<string>>();
  constructor(
    readonly keyOf: (record: T) => string,
    private readonly groupsOf: (record: T) => string[] = () => [],
  ) {}
  set(record: T) {
    const old = this.byId.get(record.id);
    if (old) {
      this.byKey.delete(this.keyOf(old));
      for (const group of this.groupsOf(old)) this.groups.get(group)?.delete(old.id);
    }
    this.byId.set(record.id, record);
    this.byKey.set(this.keyOf(record), record);
    for (const group of this.groupsOf(record)) {
      if (!this.groups.has(group)) this.groups.set(group, new Set());
      this.groups.get(group)!.add(record.id);
    }
  }
  inGroup(group: string): T[] {
    return [...(this.groups.get(group) ?? [])].map((id) => this.byId.get(id)!);
  }
}

export interface Registry {
  townships: Store<TownshipRec>;
  units: Store<UnitRec>;
  villages: Store<VillageRec>;
  cadres: Store<CadreRec>;
  teams: Store<TeamRec>;
  memberships: Store<MembershipRec>;
}

const cadreKey = (name: string, unitId: string) => `${name}\u0000${unitId}`;

function emptyRegistry(): Registry {
  return {
    townships: new Store((t) => t.code),
    units: new Store((u) => u.name),
    villages: new Store((v) => v.code),
    cadres: new Store((c) => cadreKey(c.name, c.unitId)),
    teams: new Store(
      (t) => `${t.villageId}\u0000${t.startedOn}`,
      (t) => [t.villageId],
    ),
    // A membership is found by its cadre (two teams at once?) and by its team (the team's dates).
    memberships: new Store(
      (m) => `${m.cadreId}\u0000${m.teamId}\u0000${m.startedOn}`,
      (m) => [`cadre:${m.cadreId}`, `team:${m.teamId}`],
    ),
  };
}

export type RegistryPart = keyof Registry;

/**
 * The whole registry as it is stored (a county is a few thousand rows; a province, tens of
 * thousands), or only some of its parts for a reader that needs no more (the other stores stay
 * empty: only for reading, never for checking rows, which looks across them).
 */
export async function loadRegistry(
  executor: Executor,
  parts?: readonly RegistryPart[],
): Promise<Registry> {
  const wanted = (part: RegistryPart) => !parts || parts.includes(part);
  const none = Promise.resolve([]);
  const [townships, units, villages, rostered, cadres, teams, memberships] = await Promise.all([
    wanted("townships") ? executor.selectFrom("townships").selectAll().execute() : none,
    wanted("units") ? executor.selectFrom("sending_units").selectAll().execute() : none,
    wanted("villages") ? executor.selectFrom("villages").selectAll().execute() : none,
    wanted("villages")
      ? executor.selectFrom("households").select("village_id").distinct().execute()
      : none,
    wanted("cadres") ? executor.selectFrom("cadres").selectAll().execute() : none,
    wanted("teams") ? executor.selectFrom("teams").selectAll().execute() : none,
    wanted("memberships") ? executor.selectFrom("team_memberships").selectAll().execute() : none,
  ]);
  return registryOf({ townships, units, villages, rostered, cadres, teams, memberships });
}

/** The rows of the registry's tables, as read (any of them may be left out). */
interface StoredRows {
  townships?: Selectable<DB["townships"]>[];
  units?: Selectable<DB["sending_units"]>[];
  villages?: Selectable<DB["villages"]>[];
  /** The villages that have a household roster. */
  rostered?: { village_id: string }[];
  cadres?: Selectable<DB["cadres"]>[];
  teams?: Selectable<DB["teams"]>[];
  memberships?: Selectable<DB["team_memberships"]>[];
}

/** Rows as records, added to `registry` (a new one unless given). */
function registryOf(
  {
    townships = [],
    units = [],
    villages = [],
    rostered = [],
    cadres = [],
    teams = [],
    memberships = [],
  }: StoredRows,
  registry = emptyRegistry(),
): Registry {
  for (const t of townships) {
    registry.townships.set({
      id: t.id,
      code: t.code,
      name: t.name_zh,
      kind: t.kind,
      lat: t.lat,
      lon: t.lon,
      deactivatedAt: t.deactivated_at,
    });
  }
  for (const u of units) {
    registry.units.set({
      id: u.id,
      name: u.name_zh,
      level: u.level,
      deactivatedAt: u.deactivated_at,
    });
  }
  const withRoster = new Set(rostered.map((r) => r.village_id));
  for (const v of villages) {
    registry.villages.set({
      id: v.id,
      code: v.code,
      name: v.name_zh,
      townshipId: v.township_id,
      type: v.village_type,
      agriculturalPopulation: v.agricultural_population,
      households: v.households,
      poorHouseholds: v.poor_households,
      poorPeople: v.poor_people,
      lat: v.lat,
      lon: v.lon,
      hasRoster: withRoster.has(v.id),
      positionSource: v.position_source,
      deactivatedAt: v.deactivated_at,
    });
  }
  for (const c of cadres) {
    registry.cadres.set({
      id: c.id,
      name: c.name_zh,
      unitId: c.sending_unit_id,
      specialty: c.specialty,
      phone: c.phone,
      deactivatedAt: c.deactivated_at,
    });
  }
  for (const t of teams) {
    registry.teams.set({
      id: t.id,
      villageId: t.village_id,
      unitId: t.sending_unit_id,
      startedOn: t.started_on,
      endedOn: t.ended_on,
    });
  }
  for (const m of memberships) {
    registry.memberships.set({
      id: m.id,
      teamId: m.team_id,
      cadreId: m.cadre_id,
      role: m.role,
      startedOn: m.started_on,
      endedOn: m.ended_on,
      endReason: m.end_reason,
    });
  }
  return registry;
}

// ---------------------------------------------------------------------------------------------
// Reading cells

export type Cells = Record<string, string>;
type Fail = (column: string, message: MessageKey, params?: Record<string, string | number>) => void;

const words = <C extends Choice>(choice: C) =>
  lookup<(typeof CHOICES)[C]["keys"][number]>(CHOICES[choice].prefix, CHOICES[choice].keys);
const KINDS = words("townshipKind");
const LEVELS = words("level");
const TYPES = words("villageType");
const SPECIALTY_WORDS = words("specialty");
const ROLES = words("role");
const REASONS = words("endReason");

class Reader {
  constructor(
    private readonly cells: Cells,
    private readonly fail: Fail,
  ) {}
  text(column: string, max: number): string {
    const value = (this.cells[column] ?? "").trim();
    if (value.length > max) this.fail(column, "registry.tooLong", { max });
    return value;
  }
  option<T extends string>(column: string, words: Map<string, T>): T | null {
    const value = (this.cells[column] ?? "").trim();
    if (!value) return null;
    const found = words.get(normalise(value));
    if (!found) this.fail(column, "registry.unknownOption", { value });
    return found ?? null;
  }
  integer(column: string, max = 10_000_000): number | null {
    const value = (this.cells[column] ?? "").replace(/[,，\s]/g, "");
    if (!value) return null;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > max) {
      this.fail(column, "registry.notCount", { value });
      return null;
    }
    return n;
  }
  decimal(column: string): number | null {
    const value = (this.cells[column] ?? "").trim();
    if (!value) return null;
    const n = Number(value);
    if (!Number.isFinite(n)) {
      this.fail(column, "registry.notNumber", { value });
      return null;
    }
    return n;
  }
  date(column: string): string | null {
    const value = (this.cells[column] ?? "").trim();
    if (!value) return null;
    const parsed = parseDate(value);
    if (!parsed) this.fail(column, "registry.notDate", { value });
    return parsed;
  }
}

/** "2024-03-01", "2024/3/1", "2024.3.1", "2024年3月1日" or an Excel serial day → "2024-03-01". */
export function parseDate(text: string): string | null {
  let y: number, m: number, d: number;
  const match = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(text);
  if (match) {
    [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else if (/^\d{5}$/.test(text)) {
    // Excel's day count from 1899-12-30.
    const date = new Date(Date.UTC(1899, 11, 30) + Number(text) * 86_400_000);
    [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
  } else {
    return null;
  }
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return null;
  }
  if (y < 2000 || y > 2100) return null;
  return date.toISOString().slice(0, 10);
}

function position(read: Reader, fail: Fail, required: boolean) {
  const lat = read.decimal("lat");
  const lon = read.decimal("lon");
  if (lat === null && lon === null) return required ? null : { lat: null, lon: null };
  if (lat === null || lon === null) {
    fail(lat === null ? "lat" : "lon", "registry.required");
    return null;
  }
  if (!isInAllowedArea(lat, lon)) {
    fail("lat", "registry.outside", { lat, lon, ...ALLOWED_AREA_PARAMS });
    return null;
  }
  return { lat, lon };
}

function townshipRef(registry: Registry, text: string): TownshipRec | undefined {
  const byCode = registry.townships.byKey.get(text);
  if (byCode) return byCode;
  const key = normalise(text);
  for (const t of registry.townships.byId.values()) if (normalise(t.name) === key) return t;
  return undefined;
}

const overlaps = (
  a: { startedOn: string; endedOn: string | null },
  b: { startedOn: string; endedOn: string | null },
) => a.startedOn <= (b.endedOn ?? "9999") && b.startedOn <= (a.endedOn ?? "9999");

/** The village's team in force on a date. */
function teamOn(registry: Registry, villageId: string, on: string) {
  return registry.teams
    .inGroup(villageId)
    .find((t) => t.startedOn <= on && (t.endedOn === null || t.endedOn >= on));
}

// ---------------------------------------------------------------------------------------------
// The sheets

interface SheetDef<R extends { id: string }> {
  kind: SheetKind;
  store: (registry: Registry) => Store<R>;
  /** The column a duplicate key is reported against. */
  keyColumn: string;
  /** The row as a record (without its id), or null after reporting what is wrong. */
  parse: (read: Reader, registry: Registry, fail: Fail) => Omit<R, "id"> | null;
  /** Checks against the other records, once the row's id is known. */
  check?: (record: R, registry: Registry, fail: Fail) => void;
  /** Whether a stored record and a row say the same (deactivation is not a sheet's business). */
  same: (a: R, b: R) => boolean;
  label: (record: R, registry: Registry) => string;
  /**
   * The record as cells, in the sheet's columns: choices as their labels for the export, or as
   * their keys (`t` null) for the edit form, whose selects post keys.
   */
  cells: (record: R, registry: Registry, t: Translate | null) => Record<string, string | number>;
  write: (
    trx: Transaction<DB>,
    record: R,
    before: R | undefined,
    context: WriteContext,
  ) => Promise<void>;
}

interface WriteContext {
  registry: Registry;
  now: string;
  viewerId: string;
}

const label = (t: Translate | null, choice: Choice, key: string) =>
  t ? t(choiceLabelKey(choice, key)) : key;

const townshipSheet: SheetDef<TownshipRec> = {
  kind: "townships",
  store: (r) => r.townships,
  keyColumn: "code",
  parse(read, _registry, fail) {
    const code = read.text("code", 9);
    if (code && !/^\d{9}$/.test(code)) fail("code", "registry.townshipCode");
    const name = read.text("name", 20);
    const kind = read.option("kind", KINDS);
    const place = position(read, fail, false);
    if (!code || !name || !kind || !place) return null;
    return { code, name, kind, lat: place.lat, lon: place.lon, deactivatedAt: null };
  },
  same: (a, b) =>
    a.code === b.code &&
    a.name === b.name &&
    a.kind === b.kind &&
    a.lat === b.lat &&
    a.lon === b.lon,
  label: (t) => `${t.name} · ${t.code}`,
  cells: (t, _r, tr) => ({
    code: t.code,
    name: t.name,
    kind: label(tr, "townshipKind", t.kind),
    lat: t.lat ?? "",
    lon: t.lon ?? "",
  }),
  async write(trx, t, before) {
    const values = {
      code: t.code,
      name_zh: t.name,
      name_pinyin: placeNamePinyin(t.name),
      kind: t.kind,
      lat: t.lat,
      lon: t.lon,
    };
    if (before) await trx.updateTable("townships").set(values).where("id", "=", t.id).execute();
    else
      await trx
        .insertInto("townships")
        .values({ id: t.id, ...values })
        .execute();
  },
};

const unitSheet: SheetDef<UnitRec> = {
  kind: "units",
  store: (r) => r.units,
  keyColumn: "name",
  parse(read) {
    const name = read.text("name", 60);
    const level = read.option("level", LEVELS);
    if (!name || !level) return null;
    return { name, level, deactivatedAt: null };
  },
  same: (a, b) => a.name === b.name && a.level === b.level,
  label: (u) => u.name,
  cells: (u, _r, t) => ({ name: u.name, level: label(t, "level", u.level) }),
  async write(trx, u, before) {
    if (before) {
      await trx
        .updateTable("sending_units")
        .set({ name_zh: u.name, level: u.level, name_source: "imported" })
        .where("id", "=", u.id)
        .execute();
      // A team's level is its sending unit's.
      if (before.level !== u.level) {
        await trx
          .updateTable("teams")
          .set({ level: u.level })
          .where("sending_unit_id", "=", u.id)
          .execute();
      }
    } else {
      await trx
        .insertInto("sending_units")
        .values({ id: u.id, name_zh: u.name, level: u.level, name_source: "imported" })
        .execute();
    }
  },
};

const villageSheet: SheetDef<VillageRec> = {
  kind: "villages",
  store: (r) => r.villages,
  keyColumn: "code",
  parse(read, registry, fail) {
    const code = read.text("code", 12);
    if (code && !/^\d{12}$/.test(code)) fail("code", "registry.villageCode");
    const name = read.text("name", 30);
    const townshipText = read.text("township", 30);
    const township = townshipText ? townshipRef(registry, townshipText) : undefined;
    if (townshipText && !township)
      fail("township", "registry.unknownTownship", { value: townshipText });
    if (township && /^\d{12}$/.test(code) && !code.startsWith(township.code)) {
      fail("code", "registry.villageCodeTownship", {
        code: township.code,
        township: township.name,
      });
    }
    const type = read.option("type", TYPES);
    const agriculturalPopulation = read.integer("agriculturalPopulation");
    const households = read.integer("households");
    const existing = code ? registry.villages.byKey.get(code) : undefined;
    let poorHouseholds = read.integer("poorHouseholds") ?? 0;
    let poorPeople = read.integer("poorPeople") ?? 0;
    if (existing?.hasRoster) {
      // The roster decides these; a sheet's figures are not compared or written.
      poorHouseholds = existing.poorHouseholds;
      poorPeople = existing.poorPeople;
    } else {
      if (households !== null && poorHouseholds > households) {
        fail("poorHouseholds", "registry.moreThan", { other: households });
      }
      if (agriculturalPopulation !== null && poorPeople > agriculturalPopulation) {
        fail("poorPeople", "registry.moreThan", { other: agriculturalPopulation });
      }
    }
    const place = position(read, fail, true);
    if (
      !code ||
      !name ||
      !township ||
      !type ||
      agriculturalPopulation === null ||
      households === null ||
      !place
    )
      return null;
    return {
      code,
      name,
      townshipId: township.id,
      type,
      agriculturalPopulation,
      households,
      poorHouseholds,
      poorPeople,
      lat: place.lat!,
      lon: place.lon!,
      hasRoster: existing?.hasRoster ?? false,
      positionSource: existing?.positionSource ?? "imported",
      deactivatedAt: existing?.deactivatedAt ?? null,
    };
  },
  same: (a, b) =>
    a.code === b.code &&
    a.name === b.name &&
    a.townshipId === b.townshipId &&
    a.type === b.type &&
    a.agriculturalPopulation === b.agriculturalPopulation &&
    a.households === b.households &&
    a.poorHouseholds === b.poorHouseholds &&
    a.poorPeople === b.poorPeople &&
    a.lat === b.lat &&
    a.lon === b.lon,
  label: (v) => `${v.name} · ${v.code}`,
  cells: (v, r, t) => ({
    code: v.code,
    name: v.name,
    township: r.townships.byId.get(v.townshipId)?.name ?? "",
    type: label(t, "villageType", v.type),
    agriculturalPopulation: v.agriculturalPopulation,
    households: v.households,
    poorHouseholds: v.poorHouseholds,
    poorPeople: v.poorPeople,
    lat: v.lat,
    lon: v.lon,
  }),
  async write(trx, v, before, { now, viewerId }) {
    const values = {
      code: v.code,
      code_source: "imported" as const,
      township_id: v.townshipId,
      name_zh: v.name,
      name_pinyin: placeNamePinyin(v.name),
      village_type: v.type,
      agricultural_population: v.agriculturalPopulation,
      households: v.households,
      poor_households: v.poorHouseholds,
      poor_people: v.poorPeople,
      lat: v.lat,
      lon: v.lon,
      updated_at: now,
    };
    if (before) {
      const renamed = before.name !== v.name || before.townshipId !== v.townshipId;
      const moved = before.lat !== v.lat || before.lon !== v.lon;
      await trx
        .updateTable("villages")
        .set({
          ...values,
          ...(renamed
            ? { name_source: "imported" as const, township_source: "imported" as const }
            : {}),
          ...(moved ? { position_source: "imported" as const } : {}),
        })
        .where("id", "=", v.id)
        .execute();
      if (moved) {
        await trx
          .insertInto("village_position_changes")
          .values({
            id: newId(),
            village_id: v.id,
            lat: v.lat,
            lon: v.lon,
            previous_lat: before.lat,
            previous_lon: before.lon,
            previous_source: before.positionSource,
            source: "imported",
            method: "import",
            changed_by: viewerId,
            changed_at: now,
          })
          .execute();
      }
    } else {
      await trx
        .insertInto("villages")
        .values({
          id: v.id,
          ...values,
          name_source: "imported",
          township_source: "imported",
          source_note: null,
          position_source: "imported",
          exit_status: "not_exited",
          exit_year: null,
        })
        .execute();
    }
    // Not a villageWrite: the history is kept here, readiness once for all by writeRows.
    await recordVillageHistory(trx, v.id, now);
  },
};

function unitRef(registry: Registry, text: string, column: string, fail: Fail) {
  if (!text) return undefined;
  const unit = registry.units.byKey.get(text);
  if (!unit) fail(column, "registry.unknownUnit", { value: text });
  return unit;
}

function villageRef(registry: Registry, text: string, fail: Fail) {
  if (!text) return undefined;
  const village = registry.villages.byKey.get(text);
  if (!village) fail("village", "registry.unknownVillage", { value: text });
  return village;
}

function dateRange(read: Reader, fail: Fail) {
  const startedOn = read.date("startedOn");
  const endedOn = read.date("endedOn");
  if (startedOn && endedOn && endedOn < startedOn) {
    fail("endedOn", "registry.endBeforeStart", { date: startedOn });
  }
  return { startedOn, endedOn };
}

const cadreSheet: SheetDef<CadreRec> = {
  kind: "cadres",
  store: (r) => r.cadres,
  keyColumn: "name",
  parse(read, registry, fail) {
    const name = read.text("name", 30);
    const unit = unitRef(registry, read.text("unit", 60), "unit", fail);
    const specialty = read.option("specialty", SPECIALTY_WORDS);
    const phone = read.text("phone", 20);
    if (phone && !/^\+?[\d\s-]{5,20}$/.test(phone))
      fail("phone", "registry.phone", { value: phone });
    if (!name || !unit || !specialty) return null;
    const existing = registry.cadres.byKey.get(cadreKey(name, unit.id));
    return {
      name,
      unitId: unit.id,
      specialty,
      phone: phone || null,
      deactivatedAt: existing?.deactivatedAt ?? null,
    };
  },
  same: (a, b) =>
    a.name === b.name &&
    a.unitId === b.unitId &&
    a.specialty === b.specialty &&
    a.phone === b.phone,
  label: (c, r) => `${c.name} · ${r.units.byId.get(c.unitId)?.name ?? ""}`,
  cells: (c, r, t) => ({
    name: c.name,
    unit: r.units.byId.get(c.unitId)?.name ?? "",
    specialty: label(t, "specialty", c.specialty),
    phone: c.phone ?? "",
  }),
  async write(trx, c, before) {
    const values = {
      name_zh: c.name,
      sending_unit_id: c.unitId,
      specialty: c.specialty,
      phone: c.phone,
      name_source: "imported" as const,
    };
    if (before) await trx.updateTable("cadres").set(values).where("id", "=", c.id).execute();
    else
      await trx
        .insertInto("cadres")
        .values({ id: c.id, ...values })
        .execute();
  },
};

const teamSheet: SheetDef<TeamRec> = {
  kind: "teams",
  store: (r) => r.teams,
  keyColumn: "startedOn",
  parse(read, registry, fail) {
    const village = villageRef(registry, read.text("village", 12), fail);
    const unit = unitRef(registry, read.text("unit", 60), "unit", fail);
    const { startedOn, endedOn } = dateRange(read, fail);
    if (!village || !unit || !startedOn) return null;
    return { villageId: village.id, unitId: unit.id, startedOn, endedOn };
  },
  check(team, registry, fail) {
    const other = registry.teams
      .inGroup(team.villageId)
      .find((t) => t.id !== team.id && overlaps(t, team));
    if (other) {
      fail("startedOn", "registry.teamOverlap", {
        start: other.startedOn,
        end: other.endedOn ?? "—",
      });
    }
    const members = registry.memberships.inGroup(`team:${team.id}`);
    const outside = members.find(
      (m) =>
        m.startedOn < team.startedOn ||
        (team.endedOn !== null && (m.endedOn ?? "9999") > team.endedOn),
    );
    if (outside) fail("endedOn", "registry.teamShorterThanMembers");
  },
  same: (a, b) =>
    a.villageId === b.villageId &&
    a.unitId === b.unitId &&
    a.startedOn === b.startedOn &&
    a.endedOn === b.endedOn,
  label: (t, r) => `${r.villages.byId.get(t.villageId)?.name ?? ""} · ${t.startedOn}`,
  cells: (t, r) => ({
    village: r.villages.byId.get(t.villageId)?.code ?? "",
    unit: r.units.byId.get(t.unitId)?.name ?? "",
    startedOn: t.startedOn,
    endedOn: t.endedOn ?? "",
  }),
  async write(trx, t, before, { registry }) {
    const values = {
      village_id: t.villageId,
      sending_unit_id: t.unitId,
      level: registry.units.byId.get(t.unitId)!.level,
      started_on: t.startedOn,
      ended_on: t.endedOn,
    };
    if (before) await trx.updateTable("teams").set(values).where("id", "=", t.id).execute();
    else
      await trx
        .insertInto("teams")
        .values({ id: t.id, ...values })
        .execute();
  },
};

const membershipSheet: SheetDef<MembershipRec> = {
  kind: "memberships",
  store: (r) => r.memberships,
  keyColumn: "startedOn",
  parse(read, registry, fail) {
    const name = read.text("cadre", 30);
    const unit = unitRef(registry, read.text("cadreUnit", 60), "cadreUnit", fail);
    const cadre = name && unit ? registry.cadres.byKey.get(cadreKey(name, unit.id)) : undefined;
    if (name && unit && !cadre) fail("cadre", "registry.unknownCadre", { name, unit: unit.name });
    const village = villageRef(registry, read.text("village", 12), fail);
    const role = read.option("role", ROLES);
    const { startedOn, endedOn } = dateRange(read, fail);
    const reason = read.option("endReason", REASONS);
    if (reason && !endedOn) fail("endReason", "registry.reasonWithoutEnd");
    const team = village && startedOn ? teamOn(registry, village.id, startedOn) : undefined;
    if (village && startedOn && !team) {
      fail("startedOn", "registry.noTeam", { village: village.name, date: startedOn });
    }
    if (team && team.endedOn !== null && (endedOn ?? "9999") > team.endedOn) {
      fail("endedOn", "registry.afterTeamEnd", { date: team.endedOn });
    }
    if (!cadre || !team || !role || !startedOn) return null;
    return {
      cadreId: cadre.id,
      teamId: team.id,
      role,
      startedOn,
      endedOn,
      endReason: endedOn ? reason : null,
    };
  },
  check(membership, registry, fail) {
    const other = registry.memberships
      .inGroup(`cadre:${membership.cadreId}`)
      .find((m) => m.id !== membership.id && overlaps(m, membership));
    if (other) {
      const team = registry.teams.byId.get(other.teamId);
      fail("startedOn", "registry.cadreBusy", {
        village: (team && registry.villages.byId.get(team.villageId)?.name) ?? "",
        start: other.startedOn,
      });
    }
  },
  same: (a, b) =>
    a.cadreId === b.cadreId &&
    a.teamId === b.teamId &&
    a.role === b.role &&
    a.startedOn === b.startedOn &&
    a.endedOn === b.endedOn &&
    a.endReason === b.endReason,
  label: (m, r) => {
    const team = r.teams.byId.get(m.teamId);
    return `${r.cadres.byId.get(m.cadreId)?.name ?? ""} · ${(team && r.villages.byId.get(team.villageId)?.name) ?? ""}`;
  },
  cells: (m, r, t) => {
    const cadre = r.cadres.byId.get(m.cadreId);
    const team = r.teams.byId.get(m.teamId);
    return {
      cadre: cadre?.name ?? "",
      cadreUnit: (cadre && r.units.byId.get(cadre.unitId)?.name) ?? "",
      village: (team && r.villages.byId.get(team.villageId)?.code) ?? "",
      role: label(t, "role", m.role),
      startedOn: m.startedOn,
      endedOn: m.endedOn ?? "",
      endReason: m.endReason ? label(t, "endReason", m.endReason) : "",
    };
  },
  async write(trx, m, before, { now }) {
    const values = {
      team_id: m.teamId,
      cadre_id: m.cadreId,
      role: m.role,
      started_on: m.startedOn,
      ended_on: m.endedOn,
      end_reason: m.endReason,
    };
    if (before)
      await trx.updateTable("team_memberships").set(values).where("id", "=", m.id).execute();
    else {
      await trx
        .insertInto("team_memberships")
        .values({ id: m.id, ...values, end_note: null, created_at: now })
        .execute();
    }
  },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one list of differently typed sheets
export const SHEETS: Record<SheetKind, SheetDef<any>> = {
  townships: townshipSheet,
  units: unitSheet,
  villages: villageSheet,
  cadres: cadreSheet,
  teams: teamSheet,
  memberships: membershipSheet,
};

// ---------------------------------------------------------------------------------------------
// Checking rows

export interface RowOutcome<R = unknown> {
  action: RowAction;
  issues: RowIssue[];
  record: R | null;
  before: R | undefined;
  label: string;
  /** The row's natural key, once it parsed (a file may not hold the same key twice). */
  key: string | null;
}

/**
 * Checks one row against the registry and, if it passes, applies it there (so the rows after it see
 * it). `id` is given when an admin form edits a known record; an import matches by natural key.
 */
export function checkRow(
  kind: SheetKind,
  cells: Cells,
  registry: Registry,
  options: { id?: string } = {},
): RowOutcome {
  const def = SHEETS[kind];
  const issues: RowIssue[] = [];
  const fail: Fail = (column, message, params) => issues.push({ column, message, params });
  for (const column of SHEET_COLUMNS[kind]) {
    if (column.required && !(cells[column.key] ?? "").trim()) fail(column.key, "registry.required");
  }
  const value = def.parse(new Reader(cells, fail), registry, fail);
  const fallbackLabel = Object.values(cells).filter(Boolean).slice(0, 2).join(" · ");
  if (!value || issues.length) {
    return {
      action: "error",
      issues,
      record: null,
      before: undefined,
      label: fallbackLabel,
      key: null,
    };
  }
  const store = def.store(registry);
  const key = store.keyOf({ id: "", ...value });
  const sameKey = store.byKey.get(key);
  let id: string;
  if (options.id) {
    if (sameKey && sameKey.id !== options.id) fail(def.keyColumn, "registry.duplicate");
    id = options.id;
  } else {
    id = sameKey?.id ?? newId();
  }
  const record = { ...value, id };
  def.check?.(record, registry, fail);
  if (issues.length)
    return { action: "error", issues, record: null, before: undefined, label: fallbackLabel, key };
  const before = store.byId.get(id);
  const action: RowAction = !before ? "new" : def.same(before, record) ? "unchanged" : "update";
  if (action !== "unchanged") store.set(record);
  return { action, issues, record, before, label: def.label(record, registry), key };
}

/** Writes the rows that checkRow judged new or updated, sheet by sheet in dependency order. */
export async function writeRows(
  trx: Transaction<DB>,
  rows: { kind: SheetKind; outcome: RowOutcome }[],
  context: WriteContext,
) {
  const written = rows.filter((r) => r.outcome.action === "new" || r.outcome.action === "update");
  for (const kind of SHEET_KINDS) {
    for (const { outcome } of written.filter((r) => r.kind === kind)) {
      await SHEETS[kind].write(trx, outcome.record, outcome.before, context);
    }
  }
  // The villages written get their readiness record in one go (a new one has none yet).
  const villages = written
    .filter((r) => r.kind === "villages")
    .map((r) => (r.outcome.record as VillageRec).id);
  if (villages.length) await refreshVillageProgress(trx, villages, context.now);
}

/** How the export and the admin lists order a sheet's rows: its first three cells as text. */
const SORT_COLUMNS = 3;

/** Rows by their first cells in zh-CN order (a Chinese name by its pinyin), then by id. */
function bySortKey(a: { id: string; key: string[] }, b: { id: string; key: string[] }) {
  for (let i = 0; i < SORT_COLUMNS; i++) {
    const order = compareChinese(a.key[i] ?? "", b.key[i] ?? "");
    if (order !== 0) return order;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const sortKey = (kind: SheetKind, cells: Record<string, string | number>) =>
  SHEET_COLUMNS[kind].slice(0, SORT_COLUMNS).map((column) => String(cells[column.key] ?? ""));

/** Every record of a sheet as cells, in a stable order (the export, and the admin lists). */
export function sheetRecords(kind: SheetKind, registry: Registry, t: Translate | null) {
  const def = SHEETS[kind];
  return [...def.store(registry).byId.values()]
    .map((record: { id: string }) => {
      const cells = def.cells(record, registry, t) as Record<string, string | number>;
      return { id: record.id, record, cells, key: sortKey(kind, cells) };
    })
    .sort(bySortKey)
    .map(({ record, cells }) => ({ record, cells }));
}

/** Rows a batch of the export reads at once. */
export const EXPORT_BATCH = 500;

/**
 * A sheet's rows for the export, `batchSize` at a time, exactly as sheetRecords gives them (the
 * same cells, the same order) without holding the registry: the sort keys are read narrowly for
 * every row (the first three cells, as SQL can give them), sorted here (zh-CN order is not
 * SQL's), then the records read a batch of ids at a time with what their cells name. The two
 * short lists (townships, units) are read whole. Rows are read outside a transaction, which
 * would hold the only connection for the whole download: a record changed while the file is
 * sent shows as it is when its batch is read, and one gone since is left out.
 */
export async function* sheetCellBatches(
  executor: Executor,
  kind: SheetKind,
  t: Translate,
  batchSize = EXPORT_BATCH,
): AsyncGenerator<Record<string, string | number>[]> {
  const base = await loadRegistry(executor, ["townships", "units"]);
  if (kind === "townships" || kind === "units") {
    const rows = sheetRecords(kind, base, t).map((r) => r.cells);
    for (let i = 0; i < rows.length; i += batchSize) yield rows.slice(i, i + batchSize);
    return;
  }
  const keys = (await sortKeys(executor, kind, t)).sort(bySortKey);
  const def = SHEETS[kind];
  for (let i = 0; i < keys.length; i += batchSize) {
    const ids = keys.slice(i, i + batchSize).map((k) => k.id);
    const registry = await batchRegistry(executor, kind, ids, base);
    const store = def.store(registry);
    yield ids.flatMap((id) => {
      const record = store.byId.get(id) as { id: string } | undefined;
      return record ? [def.cells(record, registry, t) as Record<string, string | number>] : [];
    });
  }
}

/** Each row's id and first three cells, as the sheet's `cells` write them, for every row. */
async function sortKeys(
  executor: Executor,
  kind: Exclude<SheetKind, "townships" | "units">,
  t: Translate,
): Promise<{ id: string; key: string[] }[]> {
  const text = (value: string | null) => value ?? "";
  switch (kind) {
    case "villages": {
      const rows = await executor
        .selectFrom("villages as v")
        .leftJoin("townships as tw", "tw.id", "v.township_id")
        .select(["v.id", "v.code", "v.name_zh", "tw.name_zh as township"])
        .execute();
      return rows.map((r) => ({ id: r.id, key: [r.code, r.name_zh, text(r.township)] }));
    }
    case "cadres": {
      const rows = await executor
        .selectFrom("cadres as c")
        .leftJoin("sending_units as u", "u.id", "c.sending_unit_id")
        .select(["c.id", "c.name_zh", "u.name_zh as unit", "c.specialty"])
        .execute();
      return rows.map((r) => ({
        id: r.id,
        key: [r.name_zh, text(r.unit), label(t, "specialty", r.specialty)],
      }));
    }
    case "teams": {
      const rows = await executor
        .selectFrom("teams as tm")
        .leftJoin("villages as v", "v.id", "tm.village_id")
        .leftJoin("sending_units as u", "u.id", "tm.sending_unit_id")
        .select(["tm.id", "v.code", "u.name_zh as unit", "tm.started_on"])
        .execute();
      return rows.map((r) => ({ id: r.id, key: [text(r.code), text(r.unit), r.started_on] }));
    }
    case "memberships": {
      const rows = await executor
        .selectFrom("team_memberships as m")
        .leftJoin("cadres as c", "c.id", "m.cadre_id")
        .leftJoin("sending_units as u", "u.id", "c.sending_unit_id")
        .leftJoin("teams as tm", "tm.id", "m.team_id")
        .leftJoin("villages as v", "v.id", "tm.village_id")
        .select(["m.id", "c.name_zh as cadre", "u.name_zh as unit", "v.code"])
        .execute();
      return rows.map((r) => ({ id: r.id, key: [text(r.cadre), text(r.unit), text(r.code)] }));
    }
  }
}

/**
 * A registry holding a batch of a sheet's records and what their cells name (townships and units
 * from `base`). Villages carry no roster flag here: no cell shows it.
 */
async function batchRegistry(
  executor: Executor,
  kind: Exclude<SheetKind, "townships" | "units">,
  ids: string[],
  base: Registry,
): Promise<Registry> {
  const registry = { ...emptyRegistry(), townships: base.townships, units: base.units };
  // Each id once; a batch holds at most `batchSize` of them.
  const unique = (wanted: readonly string[]) => [...new Set(wanted)];
  const none = <T>() => Promise.resolve([] as T[]);
  const read = {
    villages: (wanted: string[]) =>
      wanted.length
        ? executor.selectFrom("villages").selectAll().where("id", "in", unique(wanted)).execute()
        : none<Selectable<DB["villages"]>>(),
    cadres: (wanted: string[]) =>
      wanted.length
        ? executor.selectFrom("cadres").selectAll().where("id", "in", unique(wanted)).execute()
        : none<Selectable<DB["cadres"]>>(),
    teams: (wanted: string[]) =>
      wanted.length
        ? executor.selectFrom("teams").selectAll().where("id", "in", unique(wanted)).execute()
        : none<Selectable<DB["teams"]>>(),
  };
  if (kind === "villages") return registryOf({ villages: await read.villages(ids) }, registry);
  if (kind === "cadres") return registryOf({ cadres: await read.cadres(ids) }, registry);
  const memberships =
    kind === "memberships"
      ? await executor.selectFrom("team_memberships").selectAll().where("id", "in", ids).execute()
      : [];
  const [teams, cadres] = await Promise.all([
    read.teams(kind === "teams" ? ids : memberships.map((m) => m.team_id)),
    read.cadres(memberships.map((m) => m.cadre_id)),
  ]);
  const villages = await read.villages(teams.map((tm) => tm.village_id));
  return registryOf({ villages, cadres, teams, memberships }, registry);
}
