import { describe, expect, it } from "vitest";
import {
  filterVillages,
  matchesQuery,
  plainPinyin,
  type ListableVillage,
} from "~/utils/village-list";

const v = (over: Partial<ListableVillage> & { nameZh: string }): ListableVillage => ({
  namePinyin: "",
  townshipId: "a",
  townshipCode: "1",
  exitStatus: "not_exited",
  ...over,
});

const villages = [
  v({
    nameZh: "魏家村",
    namePinyin: "Wèijiā Cūn",
    townshipId: "b",
    townshipCode: "2",
    type: "industry",
    incidence: 0.01,
    poorPeople: 3,
  }),
  v({ nameZh: "东沟村", namePinyin: "Dōnggōu Cūn", type: "weak", incidence: 0.12, poorPeople: 50 }),
  v({
    nameZh: "西梁村",
    namePinyin: "Xīliáng Cūn",
    exitStatus: "exited",
    type: "weak",
    incidence: 0.005,
    poorPeople: 2,
  }),
  v({ nameZh: "程家村", namePinyin: "Chéngjiā Cūn", townshipCode: "1", exitStatus: "exited" }), // a summary: no type/figures
];

describe("village list filtering", () => {
  it("strips tones and spaces from pinyin for searching", () => {
    expect(plainPinyin("Wèijiā Cūn")).toBe("weijiacun");
    expect(matchesQuery(villages[0]!, "weijia")).toBe(true);
    expect(matchesQuery(villages[0]!, "魏家")).toBe(true);
    expect(matchesQuery(villages[0]!, "dong")).toBe(false);
  });

  it("counts each facet over the other filters", () => {
    const r = filterVillages(villages, { status: "exited", type: "weak" });
    expect(r.villages.map((x) => x.nameZh)).toEqual(["西梁村"]);
    // status counts ignore the status filter but keep type=weak
    expect(r.byStatus).toEqual({ not_exited: 1, exited: 1 });
    // type counts ignore the type filter but keep status=exited; a summary row has no type
    expect(r.byType).toEqual({ weak: 1 });
    expect(r.total).toBe(4);
  });

  it("sorts by incidence with unknown figures last, and by township code then name", () => {
    expect(filterVillages(villages, { sort: "incidence" }).villages.map((x) => x.nameZh)).toEqual([
      "东沟村",
      "魏家村",
      "西梁村",
      "程家村",
    ]);
    expect(filterVillages(villages, {}).villages.map((x) => x.nameZh)).toEqual([
      "程家村",
      "东沟村",
      "西梁村",
      "魏家村",
    ]);
  });

  it("filters by township", () => {
    expect(filterVillages(villages, { townshipId: "b" }).villages.map((x) => x.nameZh)).toEqual([
      "魏家村",
    ]);
  });
});
