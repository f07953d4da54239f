import { describe, expect, it } from "vitest";
import {
  can,
  townshipAccess,
  villageAccess,
  villageListScope,
  type Permission,
  type Viewer,
} from "~/permissions";

const DAQINGGOU = "tw-daqinggou";
const XIAOSUANGOU = "tw-xiaosuangou";
const WEIJIA = { townshipId: DAQINGGOU, villageId: "v-weijia" };
const NEIGHBOUR = { townshipId: DAQINGGOU, villageId: "v-neighbour" }; // same township, other team
const XIANALING = { townshipId: XIAOSUANGOU, villageId: "v-xianaling" };

const base = {
  id: "u",
  username: "u",
  displayName: "u",
  townshipId: null,
  villageIds: [],
  teamIds: [],
  cadreId: null,
} as const;
const viewers: Record<string, Viewer> = {
  county: { ...base, role: "county_admin" },
  viewer: { ...base, role: "county_viewer" },
  zuzhibu: { ...base, role: "county_organisation" },
  daqinggou: { ...base, role: "township_leader", townshipId: DAQINGGOU },
  weijia: { ...base, role: "team_member", villageIds: ["v-weijia"] },
};

type Row = [viewer: string, permission: Permission, target: typeof WEIJIA, allowed: boolean];
const matrix: Row[] = [
  // county admin: everything, everywhere
  ["county", "read:village", XIANALING, true],
  ["county", "update:village", XIANALING, true],
  ["county", "read:household", WEIJIA, true],
  ["county", "manage:account", WEIJIA, true],
  ["county", "update:village-position", XIANALING, true],
  ["county", "manage:geodata", XIANALING, true],
  ["viewer", "update:village-position", XIANALING, false],
  ["daqinggou", "update:village-position", WEIJIA, false],
  ["weijia", "update:village-position", WEIJIA, false],
  ["weijia", "manage:geodata", WEIJIA, false],
  // county viewer: reads everything, changes nothing
  ["viewer", "read:village", XIANALING, true],
  ["viewer", "read:household", XIANALING, true],
  ["viewer", "update:village", WEIJIA, false],
  ["viewer", "manage:account", WEIJIA, false],
  // township leader: reads their township only
  ["daqinggou", "read:village", WEIJIA, true],
  ["daqinggou", "read:village", NEIGHBOUR, true],
  ["daqinggou", "read:household", WEIJIA, true],
  ["daqinggou", "read:team", WEIJIA, true],
  ["daqinggou", "read:village", XIANALING, false],
  ["daqinggou", "read:village-summary", XIANALING, false],
  ["daqinggou", "read:household", XIANALING, false],
  ["daqinggou", "update:village", WEIJIA, false],
  // team member: edits their own village; elsewhere only the public summary, never households
  ["weijia", "read:village", WEIJIA, true],
  ["weijia", "update:village", WEIJIA, true],
  ["weijia", "read:household", WEIJIA, true],
  ["weijia", "update:household", WEIJIA, true],
  ["weijia", "read:village", NEIGHBOUR, false],
  ["weijia", "read:village-summary", NEIGHBOUR, true],
  ["weijia", "read:household", NEIGHBOUR, false],
  ["weijia", "update:village", NEIGHBOUR, false],
  ["weijia", "read:household", XIANALING, false],
  ["weijia", "read:team", XIANALING, false],
  ["weijia", "read:team-summary", XIANALING, true],
  ["weijia", "manage:account", WEIJIA, false],
  // teams at work: the organisation department decides long leave and sends notices, edits nothing
  ["zuzhibu", "approve:leave", XIANALING, true],
  ["zuzhibu", "post:notice", XIANALING, true],
  ["zuzhibu", "read:bulletin", WEIJIA, true],
  ["zuzhibu", "update:village", WEIJIA, false],
  ["zuzhibu", "manage:team-roster", WEIJIA, false],
  ["county", "manage:team-roster", WEIJIA, true],
  ["viewer", "approve:leave", WEIJIA, false],
  ["viewer", "post:notice", WEIJIA, false],
  ["viewer", "read:bulletin", WEIJIA, true],
  // a township leader decides short leave, sends notices and reads the bulletin for their township only
  ["daqinggou", "approve:leave", WEIJIA, true],
  ["daqinggou", "approve:leave", XIANALING, false],
  ["daqinggou", "post:notice", NEIGHBOUR, true],
  ["daqinggou", "read:bulletin", XIANALING, false],
  ["daqinggou", "manage:team-roster", WEIJIA, false],
  // a cadre writes their own team's log and report, reads their own team's attendance
  ["weijia", "write:work-log", WEIJIA, true],
  ["weijia", "submit:weekly-report", WEIJIA, true],
  ["weijia", "submit:weekly-report", NEIGHBOUR, false],
  ["weijia", "read:attendance", NEIGHBOUR, false],
  ["weijia", "approve:leave", WEIJIA, false],
  ["weijia", "read:bulletin", WEIJIA, false],
];

describe("permission matrix", () => {
  it.each(matrix)("%s → %s on %o is %s", (who, permission, target, allowed) => {
    expect(can(viewers[who]!, permission, target)).toBe(allowed);
  });

  it("grades village access as full, summary or none", () => {
    expect(villageAccess(viewers.county!, XIANALING)).toBe("full");
    expect(villageAccess(viewers.daqinggou!, WEIJIA)).toBe("full");
    expect(villageAccess(viewers.daqinggou!, XIANALING)).toBeNull();
    expect(villageAccess(viewers.weijia!, WEIJIA)).toBe("full");
    expect(villageAccess(viewers.weijia!, XIANALING)).toBe("summary");
  });

  it("grades township pages the same way", () => {
    expect(townshipAccess(viewers.viewer!, { townshipId: XIAOSUANGOU })).toBe("full");
    expect(townshipAccess(viewers.daqinggou!, { townshipId: DAQINGGOU })).toBe("full");
    expect(townshipAccess(viewers.daqinggou!, { townshipId: XIAOSUANGOU })).toBeNull();
    expect(townshipAccess(viewers.weijia!, { townshipId: XIAOSUANGOU })).toBe("summary");
  });

  it("never lets a township leader without a township see any township", () => {
    const broken: Viewer = { ...base, role: "township_leader", townshipId: null };
    expect(can(broken, "read:village", WEIJIA)).toBe(false);
    expect(villageListScope(broken).townshipId).toBeDefined();
  });
});
