import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import type { DB } from "../../db/schema";
import { migrations } from "../../db/migrations";
import { migrateToLatest, openDatabase } from "../../db/connection";

/**
 * Every column of the DB interface, spelled out. The type makes this list exhaustive (a column
 * missing here, or one the interface lacks, is a compile error); the test checks it against the
 * tables the migrations really build. Together they keep db/schema.ts and the migrations in step.
 */
const COLUMNS: { [T in keyof DB]: Record<keyof DB[T], true> } = {
  townships: {
    id: true,
    code: true,
    name_zh: true,
    name_pinyin: true,
    kind: true,
    lat: true,
    lon: true,
    deactivated_at: true,
    created_at: true,
  },
  villages: {
    id: true,
    code: true,
    code_source: true,
    township_id: true,
    name_zh: true,
    name_pinyin: true,
    name_source: true,
    township_source: true,
    source_note: true,
    lat: true,
    lon: true,
    position_source: true,
    village_type: true,
    agricultural_population: true,
    households: true,
    poor_households: true,
    poor_people: true,
    exit_status: true,
    exit_year: true,
    deactivated_at: true,
    created_at: true,
    updated_at: true,
  },
  sending_units: {
    id: true,
    name_zh: true,
    level: true,
    name_source: true,
    deactivated_at: true,
    created_at: true,
  },
  teams: {
    id: true,
    village_id: true,
    sending_unit_id: true,
    level: true,
    started_on: true,
    ended_on: true,
    created_at: true,
  },
  cadres: {
    id: true,
    name_zh: true,
    sending_unit_id: true,
    specialty: true,
    phone: true,
    name_source: true,
    deactivated_at: true,
    created_at: true,
  },
  team_memberships: {
    id: true,
    team_id: true,
    cadre_id: true,
    role: true,
    started_on: true,
    ended_on: true,
    end_reason: true,
    end_note: true,
    created_at: true,
  },
  village_position_changes: {
    id: true,
    village_id: true,
    lat: true,
    lon: true,
    previous_lat: true,
    previous_lon: true,
    previous_source: true,
    source: true,
    method: true,
    changed_by: true,
    changed_at: true,
  },
  exit_plans: {
    village_id: true,
    start_year: true,
    attack_end_year: true,
    end_year: true,
    target_exit_year: true,
    narrative: true,
    version: true,
    updated_at: true,
    updated_by: true,
  },
  plan_indicators: {
    id: true,
    village_id: true,
    kind: true,
    name: true,
    unit: true,
    comparison: true,
    threshold: true,
    baseline: true,
    target: true,
    current_value: true,
    measured_on: true,
    evidence: true,
    position: true,
    version: true,
    updated_at: true,
    updated_by: true,
  },
  plan_milestones: {
    id: true,
    village_id: true,
    title: true,
    due_on: true,
    owner_cadre_id: true,
    status: true,
    done_on: true,
    evidence: true,
    version: true,
    created_at: true,
    updated_at: true,
    updated_by: true,
  },
  plan_opinions: {
    id: true,
    village_id: true,
    gathered_on: true,
    source: true,
    content: true,
    recorded_by: true,
    created_at: true,
  },
  households: {
    id: true,
    village_id: true,
    code: true,
    head_name: true,
    name_source: true,
    members: true,
    main_cause: true,
    other_causes: true,
    help_measures: true,
    paired_cadre_id: true,
    identified_year: true,
    food: true,
    education: true,
    medical: true,
    housing: true,
    water: true,
    status: true,
    exit_year: true,
    exit_round: true,
    version: true,
    created_at: true,
    updated_at: true,
    updated_by: true,
  },
  household_incomes: {
    household_id: true,
    year: true,
    per_capita_income: true,
  },
  household_exit_steps: {
    id: true,
    household_id: true,
    round: true,
    step: true,
    done_on: true,
    note: true,
    recorded_by: true,
    recorded_at: true,
  },
  activity_log: {
    id: true,
    village_id: true,
    entity: true,
    entity_id: true,
    label: true,
    action: true,
    changes: true,
    actor_id: true,
    at: true,
  },
  cards: {
    id: true,
    board: true,
    village_id: true,
    column_key: true,
    position: true,
    title: true,
    kind: true,
    owner_cadre_id: true,
    household_id: true,
    person: true,
    urgency: true,
    budget: true,
    funding_source: true,
    milestone_id: true,
    start_on: true,
    due_on: true,
    follow_up_on: true,
    notes: true,
    name_source: true,
    archived_at: true,
    version: true,
    created_at: true,
    created_by: true,
    updated_at: true,
  },
  card_assignees: {
    card_id: true,
    cadre_id: true,
  },
  card_households: {
    card_id: true,
    household_id: true,
  },
  card_comments: {
    id: true,
    card_id: true,
    body: true,
    author_id: true,
    created_at: true,
  },
  card_events: {
    id: true,
    card_id: true,
    action: true,
    changes: true,
    actor_id: true,
    at: true,
  },
  check_ins: {
    id: true,
    cadre_id: true,
    team_id: true,
    day: true,
    source: true,
    reason: true,
    lat: true,
    lon: true,
    distance_m: true,
    created_at: true,
    created_by: true,
  },
  leave_requests: {
    id: true,
    cadre_id: true,
    team_id: true,
    starts_on: true,
    ends_on: true,
    reason: true,
    route: true,
    status: true,
    decided_by: true,
    decided_at: true,
    decision_note: true,
    returned_on: true,
    version: true,
    created_at: true,
    created_by: true,
    updated_at: true,
  },
  work_logs: {
    id: true,
    cadre_id: true,
    team_id: true,
    logged_on: true,
    place: true,
    body: true,
    household_id: true,
    card_id: true,
    name_source: true,
    created_at: true,
    created_by: true,
  },
  weekly_reports: {
    id: true,
    team_id: true,
    township_id: true,
    week_of: true,
    done: true,
    problems: true,
    next_plan: true,
    name_source: true,
    submitted_at: true,
    submitted_by: true,
    version: true,
    updated_at: true,
    updated_by: true,
  },
  notices: {
    id: true,
    kind: true,
    title: true,
    body: true,
    meeting_at: true,
    place: true,
    audience: true,
    audience_township_id: true,
    sender_id: true,
    sender_township_id: true,
    name_source: true,
    created_at: true,
  },
  notice_teams: { notice_id: true, team_id: true },
  notice_reads: { notice_id: true, user_id: true, read_at: true },
  village_history: {
    village_id: true,
    day: true,
    exit_status: true,
    poor_households: true,
    poor_people: true,
    agricultural_population: true,
    exited_change: true,
    poor_people_change: true,
    population_change: true,
    recorded_at: true,
  },
  presence_months: { cadre_id: true, team_id: true, month: true, days: true, day_count: true },
  village_progress: {
    village_id: true,
    has_roster: true,
    ready: true,
    blocking: true,
    cells: true,
    updated_at: true,
  },
  import_mappings: {
    sheet: true,
    headers_key: true,
    mapping: true,
    updated_by: true,
    updated_at: true,
  },
  township_boundaries: {
    township_id: true,
    geometry: true,
    source_name: true,
    imported_by: true,
    imported_at: true,
  },
  users: {
    id: true,
    username: true,
    password_hash: true,
    display_name: true,
    role: true,
    township_id: true,
    cadre_id: true,
    locale: true,
    deactivated_at: true,
    must_change_password: true,
    created_at: true,
  },
};

describe("database schema", () => {
  it("matches the DB interface table for table, column for column", async () => {
    const tables = await db.introspection.getTables();
    const actual = Object.fromEntries(
      tables.map((t) => [t.name, t.columns.map((c) => c.name).sort()]),
    );
    const expected = Object.fromEntries(
      Object.entries(COLUMNS).map(([table, cols]) => [table, Object.keys(cols).sort()]),
    );
    expect(actual).toEqual(expected);
  });

  it("runs with foreign keys on, WAL and a busy timeout", async () => {
    const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
    const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
    const timeout = await sql<{ timeout: number }>`pragma busy_timeout`.execute(db);
    expect(fk.rows[0]?.foreign_keys).toBe(1);
    expect(journal.rows[0]?.journal_mode).toBe("wal");
    expect(timeout.rows[0]?.timeout).toBeGreaterThanOrEqual(1000);
  });

  it("rejects values outside a status union (CHECK constraints mirror the types)", async () => {
    await expect(
      sql`insert into townships (id, code, name_zh, name_pinyin, kind) values ('x', '1', 'x', 'x', 'city')`.execute(
        db,
      ),
    ).rejects.toThrow(/CHECK constraint/);
  });

  it("migrates down and up again from the static registry", async () => {
    const scratch = openDatabase(":memory:");
    await migrateToLatest(scratch);
    for (const name of Object.keys(migrations).reverse()) {
      await migrations[name]!.down!(scratch);
    }
    expect((await scratch.introspection.getTables()).length).toBe(0);
    for (const name of Object.keys(migrations)) await migrations[name]!.up(scratch);
    expect((await scratch.introspection.getTables()).map((t) => t.name).sort()).toEqual(
      Object.keys(COLUMNS).sort(),
    );
    await scratch.destroy();
  });

  it("names migrations by UTC timestamp so they sort in the order they were written", () => {
    const names = Object.keys(migrations);
    expect(names.every((n) => /^\d{14}_[a-z0-9_]+$/.test(n))).toBe(true);
    expect([...names].sort()).toEqual(names);
  });
});
