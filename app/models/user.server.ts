import { db } from "~/db.server";
import { activeOn } from "~/models/periods.server";
import type { Viewer } from "~/permissions";
import { today } from "~/utils/dates";

/** The signed-in person with their jurisdiction, or null if the account is gone or deactivated. */
export async function getViewer(userId: string): Promise<Viewer | null> {
  const user = await db
    .selectFrom("users")
    .select([
      "id",
      "username",
      "display_name",
      "role",
      "township_id",
      "cadre_id",
      "must_change_password",
    ])
    .where("id", "=", userId)
    .where("deactivated_at", "is", null)
    .executeTakeFirst();
  if (!user) return null;

  let villageIds: string[] = [];
  let teamIds: string[] = [];
  if (user.role === "team_member" && user.cadre_id) {
    const on = today();
    const rows = await db
      .selectFrom("team_memberships as m")
      .innerJoin("teams as t", "t.id", "m.team_id")
      .select(["t.id", "t.village_id"])
      .where("m.cadre_id", "=", user.cadre_id)
      .where(activeOn("m", on))
      .where(activeOn("t", on))
      .execute();
    villageIds = [...new Set(rows.map((r) => r.village_id))];
    teamIds = [...new Set(rows.map((r) => r.id))];
  }
  return {
    id: user.id,
    username: user.username,
    displayName: user.display_name,
    role: user.role,
    townshipId: user.township_id,
    villageIds,
    teamIds,
    cadreId: user.role === "team_member" ? user.cadre_id : null,
    mustChangePassword: user.must_change_password === 1,
  };
}

/** The cadre behind a team member's account (for "my cards"), if any. */
export async function getViewerCadre(viewer: Viewer): Promise<string | undefined> {
  const row = await db
    .selectFrom("users")
    .select("cadre_id")
    .where("id", "=", viewer.id)
    .executeTakeFirst();
  return row?.cadre_id ?? undefined;
}
