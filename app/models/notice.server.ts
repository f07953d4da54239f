/**
 * Notices (会议通知 and announcements) from the county or a township to teams. The addressed teams
 * are resolved when the notice is sent, so a later rotation does not change who it was sent to;
 * each recipient confirms reading it, and the sender sees who has.
 */
import type { NameSource, NoticeAudience, NoticeKind } from "../../db/schema";
import { newId } from "../../db/ids";
import { db } from "~/db.server";
import { activeOn } from "~/models/periods.server";
import { done, guardedWrite, refuse, type WriteResult } from "~/models/write.server";
import { claimRequest } from "~/models/write-once.server";
import { can, hasCountyWide, MATCHES_NOTHING, type Viewer } from "~/permissions";
import { today } from "~/utils/dates";

export interface NoticeInput {
  kind: NoticeKind;
  title: string;
  body: string;
  meetingAt?: string;
  place?: string;
  audience: NoticeAudience;
  townshipId?: string;
  teamIds: string[];
  /** The form's request id: the same id twice sends one notice (write-once.server.ts). */
  requestId?: string;
  /** The sender has seen how many teams it goes to (asked for at NOTICE_CONFIRM_TEAMS or more). */
  confirmed?: boolean;
}

/** A notice to this many teams or more is sent only once the sender confirms the count. */
export const NOTICE_CONFIRM_TEAMS = 10;

export async function sendNotice(viewer: Viewer, input: NoticeInput): Promise<WriteResult<string>> {
  return guardedWrite(async (trx, now) => {
    const county = hasCountyWide(viewer, "post:notice");
    const ownTownship = viewer.role === "township_leader" ? viewer.townshipId : null;
    if (!county && !(ownTownship && can(viewer, "post:notice", { townshipId: ownTownship }))) {
      return refuse.forbidden();
    }
    const id = newId();
    const earlier = await claimRequest(trx, viewer.id, "notice", input.requestId, id, now);
    if (earlier) return done(earlier);
    if (input.kind === "meeting" && !input.meetingAt) {
      return refuse.invalid("meetingAt", "notice.meetingNeedsTime");
    }
    let teamQuery = trx
      .selectFrom("teams as t")
      .innerJoin("villages as v", "v.id", "t.village_id")
      .select(["t.id", "v.township_id"])
      .where(activeOn("t", today()));
    let audienceTownship: string | null = null;
    if (input.audience === "all") {
      if (!county) return refuse.invalid("audience", "notice.audienceOutOfScope");
    } else if (input.audience === "township") {
      audienceTownship = county ? (input.townshipId ?? null) : ownTownship;
      if (!audienceTownship) return refuse.invalid("townshipId", "form.required");
      if (!county && audienceTownship !== ownTownship) {
        return refuse.invalid("townshipId", "notice.audienceOutOfScope");
      }
      teamQuery = teamQuery.where("v.township_id", "=", audienceTownship);
    } else {
      if (input.teamIds.length === 0) return refuse.invalid("teamIds", "notice.noTeams");
      teamQuery = teamQuery.where("t.id", "in", input.teamIds);
    }
    const teams = await teamQuery.execute();
    if (input.audience === "teams") {
      const outside = teams.length !== new Set(input.teamIds).size;
      const foreign = !county && teams.some((t) => t.township_id !== ownTownship);
      if (outside || foreign) return refuse.invalid("teamIds", "notice.audienceOutOfScope");
    }
    if (teams.length === 0) return refuse.invalid("audience", "notice.noTeams");
    if (teams.length >= NOTICE_CONFIRM_TEAMS && !input.confirmed) {
      return refuse.invalid("confirmed", "notice.confirmSend", { teams: teams.length });
    }
    await trx
      .insertInto("notices")
      .values({
        id,
        kind: input.kind,
        title: input.title,
        body: input.body,
        meeting_at: input.kind === "meeting" ? (input.meetingAt ?? null) : null,
        place: input.kind === "meeting" ? (input.place ?? null) : null,
        audience: input.audience,
        audience_township_id: audienceTownship,
        sender_id: viewer.id,
        sender_township_id: county ? null : ownTownship,
        name_source: "imported",
        created_at: now,
      })
      .execute();
    await trx
      .insertInto("notice_teams")
      .values(teams.map((t) => ({ notice_id: id, team_id: t.id })))
      .execute();
    return done(id);
  });
}

export interface NoticeSummary {
  id: string;
  kind: NoticeKind;
  title: string;
  meetingAt: string | null;
  place: string | null;
  createdAt: string;
  sender: string | null;
  senderTownship: string | null;
  nameSource: NameSource;
  /** For a recipient: when they confirmed reading it. */
  readAt: string | null;
  /** For a sender: teams addressed, and how many have at least one reader. */
  teams?: number;
  teamsRead?: number;
}

function noticeQuery() {
  return db
    .selectFrom("notices as n")
    .leftJoin("users as s", "s.id", "n.sender_id")
    .leftJoin("townships as tw", "tw.id", "n.sender_township_id")
    .select([
      "n.id",
      "n.kind",
      "n.title",
      "n.meeting_at",
      "n.place",
      "n.created_at",
      "n.name_source",
      "s.display_name as sender",
      "tw.name_zh as sender_township",
    ]);
}

/**
 * A cadre's notices (those sent to their team), unread first; for a township leader or the county,
 * the notices they may oversee: the county's to all teams and those sent within their jurisdiction.
 */
export async function listNotices(viewer: Viewer): Promise<{
  received: NoticeSummary[];
  sent: NoticeSummary[];
  /** For the county: what townships sent to their own teams, apart from the county's own. */
  fromTownships: NoticeSummary[];
}> {
  const teamIds = [...viewer.teamIds];
  const received = teamIds.length
    ? await noticeQuery()
        .leftJoin("notice_reads as r", (j) =>
          j.onRef("r.notice_id", "=", "n.id").on("r.user_id", "=", viewer.id),
        )
        .select("r.read_at")
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom("notice_teams as nt")
              .select("nt.notice_id")
              .whereRef("nt.notice_id", "=", "n.id")
              .where("nt.team_id", "in", teamIds),
          ),
        )
        .orderBy("n.created_at", "desc")
        .limit(100)
        .execute()
    : [];
  let sent: NoticeSummary[] = [];
  let fromTownships: NoticeSummary[] = [];
  if (viewer.role !== "team_member") {
    const sentQuery = () =>
      noticeQuery()
        .select((eb) => [
          eb
            .selectFrom("notice_teams as nt")
            .select((c) => c.fn.countAll<number>().as("n"))
            .whereRef("nt.notice_id", "=", "n.id")
            .as("teams"),
          eb
            .selectFrom("notice_teams as nt")
            .select((c) => c.fn.countAll<number>().as("n"))
            .whereRef("nt.notice_id", "=", "n.id")
            .where((w) =>
              w.exists(
                w
                  .selectFrom("notice_reads as r")
                  .innerJoin("users as u", "u.id", "r.user_id")
                  .innerJoin("team_memberships as m", "m.cadre_id", "u.cadre_id")
                  .select("r.user_id")
                  .whereRef("r.notice_id", "=", "n.id")
                  .whereRef("m.team_id", "=", "nt.team_id"),
              ),
            )
            .as("teams_read"),
        ])
        .orderBy("n.created_at", "desc")
        .limit(100);
    const withCounts = (rows: Awaited<ReturnType<ReturnType<typeof sentQuery>["execute"]>>) =>
      rows.map((r) => ({
        ...summary(r),
        readAt: null,
        teams: Number(r.teams ?? 0),
        teamsRead: Number(r.teams_read ?? 0),
      }));
    if (viewer.role === "township_leader") {
      // Their own notices, and the county's that reached their township's teams.
      const query = sentQuery().where((eb) =>
        eb.or([
          eb("n.sender_township_id", "=", viewer.townshipId),
          eb.exists(
            eb
              .selectFrom("notice_teams as nt")
              .innerJoin("teams as t", "t.id", "nt.team_id")
              .innerJoin("villages as v", "v.id", "t.village_id")
              .select("nt.notice_id")
              .whereRef("nt.notice_id", "=", "n.id")
              .where("v.township_id", "=", viewer.townshipId),
          ),
        ]),
      );
      sent = withCounts(await query.execute());
    } else {
      // The county: its own notices as sent, the townships' apart.
      sent = withCounts(await sentQuery().where("n.sender_township_id", "is", null).execute());
      fromTownships = withCounts(
        await sentQuery().where("n.sender_township_id", "is not", null).execute(),
      );
    }
  }
  return {
    received: received
      .map((r) => ({ ...summary(r), readAt: r.read_at ?? null }))
      .sort((a, b) => Number(a.readAt !== null) - Number(b.readAt !== null)),
    sent,
    fromTownships,
  };
}

function summary(r: {
  id: string;
  kind: NoticeKind;
  title: string;
  meeting_at: string | null;
  place: string | null;
  created_at: string;
  name_source: NameSource;
  sender: string | null;
  sender_township: string | null;
}): Omit<NoticeSummary, "readAt"> {
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    meetingAt: r.meeting_at,
    place: r.place,
    createdAt: r.created_at,
    sender: r.sender,
    senderTownship: r.sender_township,
    nameSource: r.name_source,
  };
}

export async function unreadCount(viewer: Viewer): Promise<number> {
  const teamIds = [...viewer.teamIds];
  if (teamIds.length === 0) return 0;
  const row = await db
    .selectFrom("notice_teams as nt")
    .select((eb) => eb.fn.count<number>("nt.notice_id").distinct().as("n"))
    .where("nt.team_id", "in", teamIds)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("notice_reads as r")
            .select("r.notice_id")
            .whereRef("r.notice_id", "=", "nt.notice_id")
            .where("r.user_id", "=", viewer.id),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export interface NoticePage extends NoticeSummary {
  body: string;
  audience: NoticeAudience;
  audienceTownship: string | null;
  isRecipient: boolean;
  /** For those who oversee it: every addressed team and who of it has read the notice, when. */
  readers:
    | {
        team: { id: string; village: string; township: string };
        reads: { name: string; at: string }[];
      }[]
    | null;
}

/** A notice for a recipient (their team was addressed) or an overseer (sender's jurisdiction). */
export async function getNotice(viewer: Viewer, id: string): Promise<NoticePage | null> {
  const notice = await noticeQuery()
    .leftJoin("townships as at", "at.id", "n.audience_township_id")
    .select(["n.body", "n.audience", "at.name_zh as audience_township", "n.sender_township_id"])
    .where("n.id", "=", id)
    .executeTakeFirst();
  if (!notice) return null;
  const addressed = await db
    .selectFrom("notice_teams as nt")
    .innerJoin("teams as t", "t.id", "nt.team_id")
    .innerJoin("villages as v", "v.id", "t.village_id")
    .innerJoin("townships as tw", "tw.id", "v.township_id")
    .select(["t.id", "v.id as village_id", "v.name_zh", "v.township_id", "tw.name_zh as township"])
    .where("nt.notice_id", "=", id)
    .orderBy("tw.code")
    .orderBy("v.code")
    .execute();
  const mine = viewer.teamIds;
  const isRecipient = addressed.some((t) => mine.includes(t.id));
  const oversees =
    viewer.role !== "team_member" &&
    (viewer.role !== "township_leader" ||
      notice.sender_township_id === viewer.townshipId ||
      addressed.some((t) => t.township_id === viewer.townshipId));
  if (!isRecipient && !oversees) return null;
  const read = isRecipient
    ? await db
        .selectFrom("notice_reads")
        .select("read_at")
        .where("notice_id", "=", id)
        .where("user_id", "=", viewer.id)
        .executeTakeFirst()
    : undefined;
  let readers: NoticePage["readers"] = null;
  if (oversees) {
    const visibleTeams = addressed.filter((t) =>
      can(viewer, "read:team", { townshipId: t.township_id, villageId: t.village_id }),
    );
    const reads = await db
      .selectFrom("notice_reads as r")
      .innerJoin("users as u", "u.id", "r.user_id")
      .innerJoin("team_memberships as m", "m.cadre_id", "u.cadre_id")
      .select(["m.team_id", "u.display_name", "r.read_at"])
      .distinct()
      .where("r.notice_id", "=", id)
      .execute();
    readers = visibleTeams.map((t) => ({
      team: { id: t.id, village: t.name_zh, township: t.township },
      reads: reads
        .filter((r) => r.team_id === t.id)
        .map((r) => ({ name: r.display_name, at: r.read_at })),
    }));
  }
  return {
    ...summary(notice),
    readAt: read?.read_at ?? null,
    body: notice.body,
    audience: notice.audience,
    audienceTownship: notice.audience_township,
    isRecipient,
    readers,
  };
}

/** A recipient confirms reading (已阅); a second confirmation changes nothing. */
export async function markRead(viewer: Viewer, id: string): Promise<WriteResult> {
  return guardedWrite(async (trx, now) => {
    // A notice not addressed to one of the viewer's teams does not exist for them.
    const addressed = viewer.teamIds.length
      ? await trx
          .selectFrom("notice_teams")
          .select("team_id")
          .where("notice_id", "=", id)
          .where("team_id", "in", [...viewer.teamIds])
          .executeTakeFirst()
      : undefined;
    if (!addressed) return refuse.notFound();
    await trx
      .insertInto("notice_reads")
      .values({ notice_id: id, user_id: viewer.id, read_at: now })
      .onConflict((oc) => oc.doNothing())
      .execute();
    return done(undefined);
  });
}

/** Teams a sender may address individually, by township (for the compose form). */
export async function addressableTeams(viewer: Viewer, townshipId?: string) {
  const county = hasCountyWide(viewer, "post:notice");
  let query = addressable(viewer, county).select([
    "t.id",
    "v.name_zh as village",
    "tw.id as township_id",
    "tw.name_zh as township",
  ]);
  if (townshipId) query = query.where("v.township_id", "=", townshipId);
  return query.orderBy("tw.code").orderBy("v.code").execute();
}

/** How many active teams a sender can address, per township (a province's picker asks for one). */
export async function addressableCounts(viewer: Viewer): Promise<Record<string, number>> {
  const county = hasCountyWide(viewer, "post:notice");
  const rows = await addressable(viewer, county)
    .select((eb) => ["tw.id as township_id", eb.fn.countAll<number>().as("n")])
    .groupBy("tw.id")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.township_id, Number(r.n)]));
}

function addressable(viewer: Viewer, county: boolean) {
  let query = db
    .selectFrom("teams as t")
    .innerJoin("villages as v", "v.id", "t.village_id")
    .innerJoin("townships as tw", "tw.id", "v.township_id")
    .where(activeOn("t", today()));
  if (!county) query = query.where("v.township_id", "=", viewer.townshipId ?? MATCHES_NOTHING);
  return query;
}
