import { describe, expect, it } from "vitest";
import { safeRedirect } from "~/auth.server";
import { db } from "~/db.server";
import { getViewer } from "~/models/user.server";
import { verifyLogin } from "./helpers";
import { databasePathFromUrl } from "../../db/connection";
import { DEMO_PASSWORD } from "../../db/seed/seed-demo";
import { seedOnce } from "./helpers";

describe("sign-in", () => {
  it("accepts the right password and refuses a wrong one or an unknown user alike", async () => {
    await seedOnce();
    expect(await verifyLogin("county", DEMO_PASSWORD)).toEqual({
      id: expect.any(String),
      username: "county",
      role: "county_admin",
      locale: null,
    });
    expect(await verifyLogin(" County ", DEMO_PASSWORD)).toMatchObject({ id: expect.any(String) });
    expect(await verifyLogin("county", "wrong")).toBeNull();
    expect(await verifyLogin("nobody", DEMO_PASSWORD)).toBeNull();
  });

  it("stores argon2id hashes, never the password", async () => {
    await seedOnce();
    const row = await db
      .selectFrom("users")
      .select("password_hash")
      .where("username", "=", "viewer")
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain(DEMO_PASSWORD);
  });

  it("refuses a deactivated account and drops its session", async () => {
    await seedOnce();
    const id = (await verifyLogin("xianaling", DEMO_PASSWORD))?.id;
    expect(id).toEqual(expect.any(String));
    await db
      .updateTable("users")
      .set({ deactivated_at: "2026-01-01T00:00:00Z" })
      .where("id", "=", id!)
      .execute();
    expect(await verifyLogin("xianaling", DEMO_PASSWORD)).toBeNull();
    expect(await getViewer(id!)).toBeNull();
    await db.updateTable("users").set({ deactivated_at: null }).where("id", "=", id!).execute();
  });

  it("derives a team member's village from their active membership", async () => {
    await seedOnce();
    const id = (await verifyLogin("weijia", DEMO_PASSWORD))?.id;
    const viewer = await getViewer(id!);
    const village = await db
      .selectFrom("villages")
      .select("id")
      .where("name_zh", "=", "魏家村")
      .executeTakeFirstOrThrow();
    expect(viewer?.villageIds).toEqual([village.id]);
    // Once the membership ends, the village is no longer theirs.
    const user = await db
      .selectFrom("users")
      .select("cadre_id")
      .where("id", "=", id!)
      .executeTakeFirstOrThrow();
    await db
      .updateTable("team_memberships")
      .set({ ended_on: "2020-12-31" })
      .where("cadre_id", "=", user.cadre_id!)
      .execute();
    expect((await getViewer(id!))?.villageIds).toEqual([]);
    await db
      .updateTable("team_memberships")
      .set({ ended_on: null })
      .where("cadre_id", "=", user.cadre_id!)
      .execute();
  });
});

describe("redirects and settings", () => {
  it("only follows same-site paths after sign-in", () => {
    expect(safeRedirect("/villages?x=1")).toBe("/villages?x=1");
    expect(safeRedirect("//evil.example")).toBe("/");
    expect(safeRedirect("https://evil.example")).toBe("/");
    expect(safeRedirect("/\\evil.example")).toBe("/");
    expect(safeRedirect(null)).toBe("/");
  });

  it("reads DATABASE_URL as a path or a file: URL", () => {
    expect(databasePathFromUrl(undefined)).toBe("./data/zhucun.db");
    expect(databasePathFromUrl("file:./data/x.db")).toBe("./data/x.db");
    expect(databasePathFromUrl("file:///srv/zhucun.db")).toBe("/srv/zhucun.db");
    expect(databasePathFromUrl("/tmp/a.db")).toBe("/tmp/a.db");
    expect(() => databasePathFromUrl("postgres://x/y")).toThrow(/not a SQLite/);
  });
});

describe("active periods", () => {
  it("do not count a team membership that has not started yet", async () => {
    await seedOnce();
    const id = (await verifyLogin("weijia", DEMO_PASSWORD))?.id;
    const user = await db
      .selectFrom("users")
      .select("cadre_id")
      .where("id", "=", id!)
      .executeTakeFirstOrThrow();
    await db
      .updateTable("team_memberships")
      .set({ started_on: "2999-01-01" })
      .where("cadre_id", "=", user.cadre_id!)
      .execute();
    expect((await getViewer(id!))?.villageIds).toEqual([]);
    await db
      .updateTable("team_memberships")
      .set({ started_on: "2016-02-25" })
      .where("cadre_id", "=", user.cadre_id!)
      .execute();
    expect((await getViewer(id!))?.villageIds).toHaveLength(1);
  });
});
