/**
 * The county's list of teams, a page at a time: the page's teams come with their leaders, the
 * total counts every team the viewer may read, and the filter on the matching rule pages over the
 * mismatched teams only.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { listTeams } from "~/models/team-roster.server";
import type { Viewer } from "~/permissions";
import { seedOnce, viewerFor } from "./helpers";

let county: Viewer;
let township: Viewer;

beforeAll(async () => {
  await seedOnce();
  county = await viewerFor("county");
  township = await viewerFor("daqinggou");
});

describe("the list of teams", () => {
  it("pages the county's 89 teams, each page's with its members", async () => {
    const all = await listTeams(county);
    expect(all.total).toBe(89);
    expect(all.rows).toHaveLength(89);
    const second = await listTeams(county, {}, "2", 40);
    expect(second).toMatchObject({ total: 89, page: 2, pages: 3 });
    expect(second.rows.map((r) => r.id)).toEqual(all.rows.slice(40, 80).map((r) => r.id));
    // Members were read for the page's teams: the same leaders and counts as the whole list's.
    expect(second.rows).toEqual(all.rows.slice(40, 80));
    expect(second.rows.every((r) => r.memberCount > 0 && r.leader !== null)).toBe(true);
  });

  it("filters on the matching rule before paging, and counts only the mismatched", async () => {
    const all = await listTeams(county);
    const mismatched = all.rows.filter((r) => r.mismatch);
    expect(mismatched.length).toBeGreaterThan(0);
    const first = await listTeams(county, { mismatchOnly: true }, "1", 2);
    expect(first.total).toBe(mismatched.length);
    expect(first.rows).toEqual(mismatched.slice(0, 2));
    const last = await listTeams(county, { mismatchOnly: true }, "999", 2);
    expect(last.page).toBe(last.pages);
    expect(last.rows).toEqual(mismatched.slice((last.pages - 1) * 2));
  });

  it("holds a township leader to their township", async () => {
    const list = await listTeams(township);
    expect(list.total).toBe(7);
    expect(new Set(list.rows.map((r) => r.township.name))).toEqual(new Set(["大青沟镇"]));
  });
});
