import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { offlinePage, type OfflineTexts } from "~/sw/offline-page";
import {
  copyRefreshOf,
  inOfflineScope,
  normalizePath,
  offlineScope,
  offlineTime,
  pageCacheName,
  sameScope,
  verdictOf,
  type OfflineScope,
  type PageAnswer,
} from "~/utils/offline";

const ORIGIN = "https://zhucun.example";
const member = {
  id: "u1",
  role: "team_member",
  villageIds: ["v1"],
  teamIds: ["t1"],
};

describe("what a phone may keep offline", () => {
  it("is a team member's own work page, their village's six tabs, the new-case form and their team's log", () => {
    expect(offlineScope(member)).toEqual({
      userId: "u1",
      paths: [
        "/me",
        "/villages/v1",
        "/villages/v1/plan",
        "/villages/v1/households",
        "/villages/v1/projects",
        "/villages/v1/cases",
        "/villages/v1/cases/new",
        "/villages/v1/activity",
        "/teams/t1/logs",
      ],
    });
  });

  it("is nothing for the county and township roles, a cadre between teams, or before a password change", () => {
    for (const role of [
      "county_admin",
      "county_viewer",
      "county_organisation",
      "township_leader",
    ]) {
      expect(offlineScope({ ...member, role })).toEqual({ userId: "u1", paths: [] });
    }
    expect(offlineScope({ ...member, villageIds: [], teamIds: [] }).paths).toEqual([]);
    expect(offlineScope({ ...member, mustChangePassword: true }).paths).toEqual([]);
  });

  it("names pages the app has: each path matches a route file", () => {
    const routes = fs.readdirSync(path.resolve(import.meta.dirname, "../../app/routes"));
    // The route files behind each kind of path (Remix's flat routes: `.` is `/`, `$x` a param).
    const files: Record<string, string> = {
      "/me": "_app.me.tsx",
      "/villages/v1": "_app.villages.$villageId._index.tsx",
      "/villages/v1/plan": "_app.villages.$villageId.plan.tsx",
      "/villages/v1/households": "_app.villages.$villageId.households._index.tsx",
      "/villages/v1/projects": "_app.villages.$villageId.$board.tsx",
      "/villages/v1/cases": "_app.villages.$villageId.$board.tsx",
      "/villages/v1/cases/new": "_app.villages.$villageId.$board_.new.tsx",
      "/villages/v1/activity": "_app.villages.$villageId.activity.tsx",
      "/teams/t1/logs": "_app.teams.$teamId_.logs.tsx",
    };
    for (const p of offlineScope(member).paths) {
      expect(routes, p).toContain(files[p]);
    }
  });

  it("escapes ids into paths and cache names", () => {
    const scope = offlineScope({ ...member, villageIds: ["a/b"], teamIds: ["c d"] });
    expect(scope.paths).toContain("/villages/a%2Fb/plan");
    expect(scope.paths).toContain("/teams/c%20d/logs");
    expect(pageCacheName("x/y")).toBe("zhucun-pages-x%2Fy");
  });
});

describe("which requests the kept copy answers", () => {
  const scope = offlineScope(member);
  const url = (p: string, origin = ORIGIN) => new URL(p, origin);

  it("the scope's pages, with or without a trailing slash", () => {
    expect(inOfflineScope(scope, url("/me"), ORIGIN)).toBe(true);
    expect(inOfflineScope(scope, url("/villages/v1/plan/"), ORIGIN)).toBe(true);
    expect(inOfflineScope(scope, url("/teams/t1/logs#today"), ORIGIN)).toBe(true);
    expect(normalizePath("/")).toBe("/");
    expect(normalizePath("/me//")).toBe("/me");
  });

  it("nothing else: another village, a household's record, a filtered board, another site, no scope", () => {
    for (const p of [
      "/",
      "/villages",
      "/villages/v2/plan",
      "/villages/v1/households/h1",
      "/villages/v1/households.xlsx",
      "/villages/v1/cases?overdue=1",
      "/villages/v1/plan.data",
      "/teams/t2/logs",
      "/map",
    ]) {
      expect(inOfflineScope(scope, url(p), ORIGIN), p).toBe(false);
    }
    expect(inOfflineScope(scope, url("/me", "https://elsewhere.example"), ORIGIN)).toBe(false);
    expect(inOfflineScope(null, url("/me"), ORIGIN)).toBe(false);
    expect(inOfflineScope({ userId: "c", paths: [] }, url("/me"), ORIGIN)).toBe(false);
  });

  it("a scope is the same only for the same person and the same pages", () => {
    expect(sameScope(scope, offlineScope(member))).toBe(true);
    expect(sameScope(scope, { ...scope, userId: "u2" })).toBe(false);
    expect(sameScope(scope, offlineScope({ ...member, villageIds: ["v2"] }))).toBe(false);
    expect(sameScope(null, null)).toBe(true);
    expect(sameScope(scope, null)).toBe(false);
  });
});

describe("what an answer of the server means for the copies on this device", () => {
  const scope = offlineScope(member);
  const me = new URL("/me", ORIGIN);
  const page = (over: Partial<PageAnswer> = {}): PageAnswer => ({
    type: "basic",
    status: 200,
    url: me,
    user: "u1",
    html: true,
    ...over,
  });
  const verdict = (over: Partial<PageAnswer>, requested = me, s: OfflineScope | null = scope) =>
    verdictOf(page(over), requested, s, ORIGIN);

  it("a kept page drawn for its person refreshes its copy, and the page reloads its data", () => {
    expect(verdict({})).toEqual({ kind: "keep" });
    expect(copyRefreshOf(verdict({}))).toBe("fresh");
    expect(
      verdict(
        { url: new URL("/villages/v1/plan/", ORIGIN) },
        new URL("/villages/v1/plan/", ORIGIN),
      ),
    ).toEqual({
      kind: "keep",
    });
  });

  it("a page drawn for nobody (the sign-in page an ended, revoked or closed session reaches) clears everyone's", () => {
    const login = new URL("/login?redirectTo=%2Fme&ended=revoked", ORIGIN);
    expect(verdict({ user: null, url: login })).toEqual({ kind: "forget-everyone" });
    // Also when it is reached by another page's request, or the request was not for a kept page.
    expect(verdict({ user: null, url: login }, new URL("/map", ORIGIN))).toEqual({
      kind: "forget-everyone",
    });
    expect(verdict({ user: null, url: login }, me, null)).toEqual({ kind: "forget-everyone" });
    expect(copyRefreshOf({ kind: "forget-everyone" })).toBe("withdrawn");
  });

  it("a page drawn for someone else keeps only theirs, and withdraws the copy shown", () => {
    expect(verdict({ user: "u2" })).toEqual({ kind: "someone-else", userId: "u2" });
    expect(verdict({ user: "u2" }, me, null)).toEqual({ kind: "someone-else", userId: "u2" });
    expect(copyRefreshOf({ kind: "someone-else", userId: "u2" })).toBe("withdrawn");
  });

  it("a kept page refused to its person loses its copy: a redirect, 401, 403, 404, 410", () => {
    // The redirect's target is hidden from the worker (a navigation's answer): not this page now.
    expect(verdict({ type: "opaqueredirect", status: 0, user: null })).toEqual({
      kind: "drop-page",
    });
    // Followed, it led to the password change, drawn for the same person.
    expect(verdict({ url: new URL("/account/password?redirectTo=%2Fme", ORIGIN) })).toEqual({
      kind: "drop-page",
    });
    for (const status of [401, 403, 404, 410]) {
      expect(verdict({ status }), String(status)).toEqual({ kind: "drop-page" });
      expect(verdict({ status, user: null }), String(status)).toEqual({ kind: "drop-page" });
    }
    expect(copyRefreshOf({ kind: "drop-page" })).toBe("withdrawn");
  });

  it("says nothing when the answer is not the app's page, a server error, or outside the scope", () => {
    expect(verdict({ status: 500 })).toEqual({ kind: "no-word" });
    expect(verdict({ status: 503, user: null })).toEqual({ kind: "no-word" });
    // A captive portal's page, a file, another site.
    expect(verdict({ html: false })).toEqual({ kind: "no-word" });
    expect(verdict({ user: null, html: false })).toEqual({ kind: "no-word" });
    expect(verdict({ url: new URL("/me", "https://portal.example") })).toEqual({ kind: "no-word" });
    // Not kept: a filtered board, another village, a redirect of a page that is not kept.
    expect(verdict({}, new URL("/villages/v1/cases?overdue=1", ORIGIN))).toEqual({
      kind: "no-word",
    });
    expect(verdict({ status: 404 }, new URL("/villages/v2", ORIGIN))).toEqual({ kind: "no-word" });
    expect(verdict({ type: "opaqueredirect", status: 0 }, new URL("/map", ORIGIN))).toEqual({
      kind: "no-word",
    });
    expect(copyRefreshOf({ kind: "no-word" })).toBe("unreachable");
  });
});

describe("the offline note's time", () => {
  // 06:05 UTC is 14:05 in China.
  const saved = new Date("2026-12-03T06:05:00Z");

  it("is the hour and minute, China time, for a copy from today", () => {
    expect(offlineTime("zh-CN", saved, new Date("2026-12-03T09:00:00Z"))).toBe("14:05");
    expect(offlineTime("en", saved, new Date("2026-12-03T15:59:00Z"))).toBe("14:05");
  });

  it("carries the date for an older copy (China's day, not UTC's)", () => {
    expect(offlineTime("zh-CN", saved, new Date("2026-12-03T16:30:00Z"))).toBe("12月3日 14:05");
    expect(offlineTime("en", saved, new Date("2026-12-05T01:00:00Z"))).toBe("Dec 3 14:05");
  });

  it("reads as Intl writes it in China's time zone, every 97 minutes of a year", () => {
    const zone = { timeZone: "Asia/Shanghai" } as const;
    const day = new Intl.DateTimeFormat("en-CA", zone);
    for (const locale of ["zh-CN", "en"]) {
      const time = new Intl.DateTimeFormat(locale, {
        ...zone,
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      });
      const date = new Intl.DateTimeFormat(locale, { ...zone, month: "short", day: "numeric" });
      for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 97 * 60_000) {
        const at = new Date(t);
        const now = new Date(t + ((t / 60_000) % 2 ? 3_600_000 : 30 * 3_600_000));
        const expected =
          day.format(at) === day.format(now)
            ? time.format(at)
            : `${date.format(at)} ${time.format(at)}`;
        expect(offlineTime(locale, at, now)).toBe(expected);
      }
    }
  });
});

describe("the offline page", () => {
  const text = { banner: "b", refreshing: "r", title: "T", body: "B", retry: "R", home: "H" };
  const texts: OfflineTexts = {
    "zh-CN": { ...text, title: "离线" },
    en: { ...text, title: "Offline" },
  };

  it("is in both languages, and the page asked for is escaped into its link", () => {
    const html = offlinePage(texts, '/x?a="><script>');
    expect(html).toContain('<section lang="zh-CN"><h1>离线</h1>');
    expect(html).toContain('<section lang="en"><h1>Offline</h1>');
    expect(html).not.toContain("<script");
    expect(html).toContain('href="/x?a=&#34;&#62;&#60;script&#62;"');
  });
});
