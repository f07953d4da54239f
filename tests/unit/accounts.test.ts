import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import {
  ACCOUNT_BATCH,
  accountCandidates,
  changePassword,
  createCadreAccounts,
  createTownshipLeaderAccount,
} from "~/models/account.server";
import { getViewer } from "~/models/user.server";
import { ALL_TEAMS } from "~/utils/accounts";
import { verifyLogin } from "./helpers";
import { oneTimePassword, proposeUsername } from "~/utils/credentials.server";
import { seedOnce, viewerFor, villageId } from "./helpers";

async function teamOf(village: string) {
  const team = await db
    .selectFrom("teams")
    .select("id")
    .where("village_id", "=", await villageId(village))
    .executeTakeFirstOrThrow();
  return team.id;
}

describe("credentials", () => {
  it("proposes a pinyin username, numbered when taken", () => {
    expect(proposeUsername("王建国", new Set())).toBe("wangjianguo");
    expect(proposeUsername("王建国", new Set(["wangjianguo"]))).toBe("wangjianguo2");
    expect(proposeUsername("王建国", new Set(["wangjianguo", "wangjianguo2"]))).toBe(
      "wangjianguo3",
    );
    expect(proposeUsername("Li Ming", new Set())).toBe("liming");
  });

  it("makes one-time passwords from letters and digits that read unambiguously", () => {
    const passwords = Array.from({ length: 50 }, () => oneTimePassword());
    for (const p of passwords) expect(p).toMatch(/^[a-hjkmnp-z2-9]{12}$/);
    expect(new Set(passwords).size).toBe(50);
  });
});

describe("accounts for a team", () => {
  beforeAll(async () => {
    await seedOnce();
  });

  it("lists the team's members with a proposal, or the account they have", async () => {
    const county = await viewerFor("county");
    const { candidates } = (await accountCandidates(county, await teamOf("魏家村")))!;
    expect(candidates.length).toBeGreaterThanOrEqual(3);
    // The demo's weijia account belongs to the team's leader.
    expect(candidates.filter((c) => c.existing === "weijia")).toHaveLength(1);
    const others = candidates.filter((c) => !c.existing);
    expect(others.every((c) => /^[a-z0-9]{2,32}$/.test(c.proposed))).toBe(true);
    expect(new Set(others.map((c) => c.proposed)).size).toBe(others.length);
    expect(
      await accountCandidates(await viewerFor("daqinggou"), await teamOf("魏家村")),
    ).toBeNull();
  });

  it("creates accounts all or none, with one-time passwords that must be changed", async () => {
    const county = await viewerFor("county");
    const team = await teamOf("北坡村");
    const [a, b] = (await accountCandidates(county, team))!.candidates.filter((c) => !c.existing);
    const usersBefore = await db.selectFrom("users").select("id").execute();

    // A taken username refuses the whole batch: nothing is written.
    const refused = await createCadreAccounts(county, team, [
      { cadreId: a!.cadreId, username: a!.proposed },
      { cadreId: b!.cadreId, username: "county" },
    ]);
    expect(refused).toMatchObject({
      ok: false,
      field: `username-${b!.cadreId}`,
      message: "account.usernameTaken",
    });
    expect(await db.selectFrom("users").select("id").execute()).toHaveLength(usersBefore.length);
    expect(
      await createCadreAccounts(county, team, [{ cadreId: a!.cadreId, username: "X y" }]),
    ).toMatchObject({ message: "account.usernameFormat" });
    expect(
      await createCadreAccounts(await viewerFor("daqinggou"), team, [
        { cadreId: a!.cadreId, username: "someone" },
      ]),
    ).toMatchObject({ ok: false, reason: "forbidden" });

    const created = await createCadreAccounts(county, team, [
      { cadreId: a!.cadreId, username: a!.proposed },
      { cadreId: b!.cadreId, username: b!.proposed },
    ]);
    if (!created.ok) throw new Error(JSON.stringify(created));
    expect(created.value.map((c) => c.username)).toEqual([a!.proposed, b!.proposed]);

    // The one-time password signs in, and the account must change it before anything else.
    const login = (await verifyLogin(a!.proposed, created.value[0]!.password))!;
    const viewer = (await getViewer(login.id))!;
    expect(viewer).toMatchObject({ role: "team_member", mustChangePassword: true });
    expect(viewer.villageIds).toEqual([await villageId("北坡村")]);

    // A second account for the same cadre is refused.
    expect(
      await createCadreAccounts(county, team, [{ cadreId: a!.cadreId, username: "another" }]),
    ).toMatchObject({ message: "account.hasAccount" });

    // Changing it: the current one must be right, the new one different; then the flag is gone.
    expect(await changePassword(viewer, "wrong", "a-new-secret-1")).toMatchObject({
      field: "current",
    });
    expect(
      await changePassword(viewer, created.value[0]!.password, created.value[0]!.password),
    ).toMatchObject({ field: "next" });
    expect((await changePassword(viewer, created.value[0]!.password, "a-new-secret-1")).ok).toBe(
      true,
    );
    expect((await getViewer(login.id))!.mustChangePassword).toBe(false);
    expect(await verifyLogin(a!.proposed, "a-new-secret-1")).not.toBeNull();
    expect(await verifyLogin(a!.proposed, created.value[0]!.password)).toBeNull();
  });
});

describe("an account for a township leader", () => {
  beforeAll(async () => {
    await seedOnce();
  });

  it("sees their township only, and must change the one-time password", async () => {
    const county = await viewerFor("county");
    const township = await db
      .selectFrom("townships")
      .select("id")
      .where("name_zh", "=", "七甲乡")
      .executeTakeFirstOrThrow();
    const input = { townshipId: township.id, name: "七甲乡领导", username: "qijia" };
    expect(await createTownshipLeaderAccount(county, { ...input, name: " " })).toMatchObject({
      field: "leaderName",
      message: "form.required",
    });
    expect(
      await createTownshipLeaderAccount(county, { ...input, username: "daqinggou" }),
    ).toMatchObject({ field: "leaderUsername", message: "account.usernameTaken" });
    expect(await createTownshipLeaderAccount(await viewerFor("daqinggou"), input)).toMatchObject({
      reason: "forbidden",
    });
    const created = await createTownshipLeaderAccount(county, input);
    if (!created.ok) throw new Error(JSON.stringify(created));
    const login = (await verifyLogin("qijia", created.value[0]!.password))!;
    expect(await getViewer(login.id)).toMatchObject({
      role: "township_leader",
      townshipId: township.id,
      mustChangePassword: true,
    });
  });
});

describe("accounts in bulk", () => {
  beforeAll(async () => {
    await seedOnce();
  });

  it("lists every serving cadre without an account, and creates accounts for those picked", async () => {
    const county = await viewerFor("county");
    const { candidates: all, total } = (await accountCandidates(county, ALL_TEAMS))!;
    // The first batch of those without an account, and how many there are in all.
    expect(total).toBeGreaterThan(ACCOUNT_BATCH);
    expect(all).toHaveLength(ACCOUNT_BATCH);
    expect(all.every((c) => c.existing === null && c.village.endsWith("村"))).toBe(true);
    expect(new Set(all.map((c) => c.proposed)).size).toBe(all.length);
    const picks = all.slice(0, 5).map((c) => ({ cadreId: c.cadreId, username: c.proposed }));
    const created = await createCadreAccounts(county, ALL_TEAMS, picks);
    expect(created.ok && created.value.map((c) => c.username)).toEqual(
      picks.map((p) => p.username),
    );
    const { candidates: after, total: left } = (await accountCandidates(county, ALL_TEAMS))!;
    expect(left).toBe(total - 5);
    // The next batch moves up: those with accounts are gone, the rest keep their order.
    expect(after.slice(0, ACCOUNT_BATCH - 5).map((c) => c.cadreId)).toEqual(
      all.slice(5).map((c) => c.cadreId),
    );
    // A second go for one of them is refused whole.
    const again = await createCadreAccounts(county, ALL_TEAMS, [
      { cadreId: after[0]!.cadreId, username: after[0]!.proposed },
      { cadreId: picks[0]!.cadreId, username: "someone-new" },
    ]);
    expect(again).toMatchObject({ ok: false, reason: "invalid", message: "account.hasAccount" });
    expect((await accountCandidates(county, ALL_TEAMS))!.total).toBe(total - 5);
  });
});
