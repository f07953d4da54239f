/**
 * 民情日记: a cadre's dated work-log entries, written for themselves, read by their team, township
 * and the county. An entry made in the village also counts as an in-village day.
 */
import type { LogPlace, NameSource } from "../../db/schema";
import { newId } from "../../db/ids";
import { db } from "~/db.server";
import { markPresent } from "~/models/attendance.server";
import { membershipOn, teamTarget } from "~/models/team-roster.server";
import { claimRequest } from "~/models/write-once.server";
import { done, guardedWrite, refuse, type WriteResult } from "~/models/write.server";
import { can, type Viewer } from "~/permissions";
import { today } from "~/utils/dates";
import { personPinyin } from "~/utils/pinyin.server";
import { addDays } from "~/utils/team-rules";

/** How far back an entry may be dated (a diary written up at the end of a busy week). */
export const LOG_BACKDATE_DAYS = 31;

export interface LogInput {
  loggedOn: string;
  place: LogPlace;
  body: string;
  householdId?: string;
  cardId?: string;
  /** The form's request id: the same id twice makes one entry (write-once.server.ts). */
  requestId?: string;
}

/** A cadre writes in their own team's log only, for a day they served in it. */
export async function addLog(
  viewer: Viewer,
  teamId: string,
  input: LogInput,
): Promise<WriteResult<string>> {
  return guardedWrite(async (trx, now) => {
    const team = await teamTarget(trx, teamId);
    if (!team || !can(viewer, "read:team", team)) return refuse.notFound();
    if (!viewer.cadreId || !can(viewer, "write:work-log", team)) return refuse.forbidden();
    if ((await membershipOn(trx, viewer.cadreId, today()))?.teamId !== teamId) {
      return refuse.forbidden();
    }
    const id = newId();
    const earlier = await claimRequest(trx, viewer.id, "log", input.requestId, id, now);
    if (earlier) return done(earlier);
    if (input.loggedOn > today()) return refuse.invalid("loggedOn", "form.dateInFuture");
    if (input.loggedOn < addDays(today(), -LOG_BACKDATE_DAYS)) {
      return refuse.invalid("loggedOn", "log.tooOld", { days: LOG_BACKDATE_DAYS });
    }
    const membership = await membershipOn(trx, viewer.cadreId, input.loggedOn);
    if (membership?.teamId !== teamId) return refuse.invalid("loggedOn", "log.notServing");
    if (input.householdId) {
      const household = await trx
        .selectFrom("households")
        .select("id")
        .where("id", "=", input.householdId)
        .where("village_id", "=", membership.villageId)
        .executeTakeFirst();
      if (!household) return refuse.invalid("householdId", "log.notOurHousehold");
    }
    if (input.cardId) {
      const card = await trx
        .selectFrom("cards")
        .select("id")
        .where("id", "=", input.cardId)
        .where("village_id", "=", membership.villageId)
        .executeTakeFirst();
      if (!card) return refuse.invalid("cardId", "log.notOurCard");
    }
    await trx
      .insertInto("work_logs")
      .values({
        id,
        cadre_id: viewer.cadreId,
        team_id: membership.teamId,
        logged_on: input.loggedOn,
        place: input.place,
        body: input.body,
        household_id: input.householdId ?? null,
        card_id: input.cardId ?? null,
        name_source: "imported",
        created_at: now,
        created_by: viewer.id,
      })
      .execute();
    if (input.place === "village") {
      await markPresent(trx, viewer.cadreId, membership.teamId, input.loggedOn);
    }
    return done(id);
  });
}

export interface LogEntry {
  id: string;
  loggedOn: string;
  place: LogPlace;
  body: string;
  nameSource: NameSource;
  cadre: { id: string; name: string; nameSource: NameSource };
  household: { id: string; head: string; code: string } | null;
  card: { id: string; title: string; board: "project" | "case" } | null;
  villageId: string;
}

/** A team's entries, newest first; a 404 (null) outside the viewer's jurisdiction. */
export async function teamLogs(
  viewer: Viewer,
  teamId: string,
  filter: { from?: string; to?: string; cadreId?: string; limit?: number } = {},
): Promise<LogEntry[] | null> {
  const team = await teamTarget(db, teamId);
  if (!team) return null;
  const target = { townshipId: team.townshipId, villageId: team.villageId };
  if (!can(viewer, "read:team", target) || !can(viewer, "read:work-log", target)) return null;
  let query = db
    .selectFrom("work_logs as l")
    .innerJoin("cadres as c", "c.id", "l.cadre_id")
    .leftJoin("households as h", "h.id", "l.household_id")
    .leftJoin("cards as k", "k.id", "l.card_id")
    .select([
      "l.id",
      "l.logged_on",
      "l.place",
      "l.body",
      "l.name_source",
      "c.id as cadre_id",
      "c.name_zh as cadre_name",
      "c.name_source as cadre_source",
      "h.id as household_id",
      "h.head_name",
      "h.code as household_code",
      "k.id as card_id",
      "k.title as card_title",
      "k.board as card_board",
    ])
    .where("l.team_id", "=", teamId);
  if (filter.from) query = query.where("l.logged_on", ">=", filter.from);
  if (filter.to) query = query.where("l.logged_on", "<=", filter.to);
  if (filter.cadreId) query = query.where("l.cadre_id", "=", filter.cadreId);
  const rows = await query
    .orderBy("l.logged_on", "desc")
    .orderBy("l.created_at", "desc")
    .limit(filter.limit ?? 200)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    loggedOn: r.logged_on,
    place: r.place,
    body: r.body,
    nameSource: r.name_source,
    cadre: { id: r.cadre_id, name: r.cadre_name, nameSource: r.cadre_source },
    household:
      r.household_id && r.head_name && r.household_code
        ? { id: r.household_id, head: r.head_name, code: r.household_code }
        : null,
    card:
      r.card_id && r.card_title && r.card_board
        ? { id: r.card_id, title: r.card_title, board: r.card_board }
        : null,
    villageId: team.villageId,
  }));
}

/** What a log entry may be linked to: the village's households and open cards. */
export async function logLinkOptions(villageId: string) {
  const [households, cards] = await Promise.all([
    db
      .selectFrom("households")
      .select(["id", "code", "head_name"])
      .where("village_id", "=", villageId)
      .orderBy("code")
      .execute(),
    db
      .selectFrom("cards")
      .select(["id", "title", "board"])
      .where("village_id", "=", villageId)
      .where("archived_at", "is", null)
      .orderBy("board")
      .orderBy("title")
      .execute(),
  ]);
  return {
    households: households.map((h) => ({
      id: h.id,
      label: `${h.code} ${h.head_name}`,
      search: personPinyin(h.head_name),
    })),
    cards: cards.map((c) => ({ id: c.id, title: c.title, board: c.board })),
  };
}
