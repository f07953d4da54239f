/**
 * The routes as the built server has them, and real record ids to fill their parameters with:
 * shared by the access matrix and the fuzz specs, which both run against an isolated server.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openDatabase, type IsolatedServer } from "./isolated-server";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface ManifestRoute {
  id: string;
  /** The full URL pattern, e.g. "/villages/:villageId/plan"; null for a pathless layout. */
  pattern: string | null;
  params: string[];
  index: boolean;
  hasLoader: boolean;
  hasAction: boolean;
}

interface BuildRoute {
  id: string;
  path?: string;
  parentId?: string;
  index: boolean;
  loader: boolean;
  action: boolean;
}

/**
 * Reads `routes` from build/index.js. The build opens its database when imported (and migrates
 * it), so it is imported in a child process on an in-memory database, never in this worker.
 */
export async function loadRouteManifest(): Promise<ManifestRoute[]> {
  const script = `
    const build = await import(${JSON.stringify(path.join(ROOT, "build", "index.js"))});
    const routes = Object.values(build.routes).map((r) => ({
      id: r.id, path: r.path, parentId: r.parentId, index: Boolean(r.index),
      loader: typeof r.module.loader === "function", action: typeof r.module.action === "function",
    }));
    process.stdout.write(JSON.stringify(routes));
    process.exit(0);`;
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      ["--input-type=module", "-e", script],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          NODE_ENV: "production",
          DATABASE_URL: ":memory:",
          SESSION_SECRET: "route-manifest-0123456789abcdef0123456789",
        },
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, out) => (error ? reject(error) : resolve(out)),
    ),
  );
  const routes = JSON.parse(stdout) as BuildRoute[];
  const byId = new Map(routes.map((r) => [r.id, r]));
  const segments = (route: BuildRoute): string[] => {
    const parent = route.parentId ? byId.get(route.parentId) : undefined;
    return [...(parent ? segments(parent) : []), ...(route.path ? [route.path] : [])];
  };
  return routes
    .map((route) => {
      const pathless = route.id !== "root" && !route.path && !route.index;
      const pattern = pathless ? null : `/${segments(route).join("/")}`;
      return {
        id: route.id,
        pattern,
        params: [...(pattern ?? "").matchAll(/:(\w+)|\/(\*)$/g)].map((m) => (m[1] ?? m[2])!),
        index: route.index,
        hasLoader: route.loader,
        hasAction: route.action,
      };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** The demo roles, in the order the matrix table lists their statuses. */
export const ROLES = [
  "county",
  "zuzhibu",
  "viewer",
  "daqinggou",
  "xiaosuangou",
  "weijia",
  "xianaling",
] as const;
export type Role = (typeof ROLES)[number];

/**
 * The two sides of the demo a scope check can tell apart: A is 魏家村 in 大青沟镇 (weijia's village,
 * daqinggou's township), B is 下纳岭村 in 小蒜沟镇 (xianaling's, xiaosuangou's).
 */
export type Side = "A" | "B";

/** Each role's own side ("in scope"); the county roles' reach covers both, A is theirs here. */
export const HOME: Record<Role, Side> = {
  county: "A",
  zuzhibu: "A",
  viewer: "A",
  daqinggou: "A",
  xiaosuangou: "B",
  weijia: "A",
  xianaling: "B",
};

/** Roles whose jurisdiction stops at their side: nothing of the other side may reach them. */
export const NARROW_ROLES: readonly Role[] = ["daqinggou", "xiaosuangou", "weijia", "xianaling"];

export interface SideIds {
  villageId: string;
  townshipId: string;
  teamId: string;
  householdId: string;
  cardId: string;
  cadreId: string;
  /** An evidence file of this side's exit procedure, or a made-up id if it has none. */
  fileId: string;
  /** The team member's account of this side (weijia, xianaling). */
  userId: string;
  /**
   * A notice this side's team received. The demo has one notice for 大青沟镇's teams only and none
   * for 小蒜沟镇 alone, so B's is one sent to every team (A's roles read it too).
   */
  noticeId: string;
  /**
   * Ids of this side's records that must never reach the other side's narrow roles: households
   * and cards (other than the ones its URLs name), which its own pages show in their links.
   */
  sentinels: string[];
}

export interface DemoIds {
  A: SideIds;
  B: SideIds;
  /** A week both villages' teams and both townships reported (so a stale version is a 409). */
  week: string;
  /** An account no spec signs in as (its sessions may be ended, its password reset). */
  spareUserId: string;
}

/** Real ids by name from the server's own database (the demo seed is deterministic). */
export function demoIds(server: IsolatedServer): DemoIds {
  const db = openDatabase(server);
  try {
    const one = <T>(sql: string, ...args: unknown[]): T => {
      const row = db.prepare(sql).get(...args) as T | undefined;
      if (row === undefined) throw new Error(`demo data: nothing for ${sql} ${args.join(", ")}`);
      return row;
    };
    const many = (sql: string, ...args: unknown[]) =>
      db
        .prepare(sql)
        .pluck()
        .all(...args) as string[];
    const side = (village: string, username: string): SideIds => {
      const v = one<{ id: string; township_id: string }>(
        "select id, township_id from villages where name_zh = ?",
        village,
      );
      const user = one<{ id: string; cadre_id: string }>(
        "select id, cadre_id from users where username = ?",
        username,
      );
      const households = many("select id from households where village_id = ? order by id", v.id);
      const cards = many(
        "select id from cards where village_id = ? and archived_at is null order by id",
        v.id,
      );
      const teamId = one<{ id: string }>(
        "select id from teams where village_id = ? and ended_on is null",
        v.id,
      ).id;
      const noticeId =
        many(
          `select n.id from notices n join notice_teams nt on nt.notice_id = n.id
           where n.audience = 'township' and n.audience_township_id = ? and nt.team_id = ?`,
          v.township_id,
          teamId,
        )[0] ??
        one<{ id: string }>(
          "select id from notices where audience = 'all' order by created_at, id limit 1",
        ).id;
      const fileId =
        many("select id from village_exit_files where village_id = ? order by id", v.id)[0] ??
        "no-such-file";
      if (households.length < 6 || cards.length < 3) {
        throw new Error(`demo data: too few households or cards in ${village}`);
      }
      return {
        villageId: v.id,
        townshipId: v.township_id,
        teamId,
        householdId: households[0]!,
        cardId: cards[0]!,
        cadreId: user.cadre_id,
        userId: user.id,
        fileId,
        noticeId,
        sentinels: [...households.slice(1, 6), ...cards.slice(1, 3)],
      };
    };
    const A = side("魏家村", "weijia");
    const B = side("下纳岭村", "xianaling");
    const week = one<{ week_of: string }>(
      `select week_of from weekly_reports where team_id in (?, ?) or township_id in (?, ?)
       group by week_of having count(*) = 4 order by week_of desc limit 1`,
      A.teamId,
      B.teamId,
      A.townshipId,
      B.townshipId,
    ).week_of;
    const spareUserId = one<{ id: string }>("select id from users where username = 'zuzhibu'").id;
    return { A, B, week, spareUserId };
  } finally {
    db.close();
  }
}

/** Parameters no scope tells apart: the same value on both sides. */
const FIXED_PARAMS: Record<string, (ids: DemoIds) => string> = {
  week: (ids) => ids.week,
  board: () => "projects",
  kind: () => "villages",
  archiveId: () => "no-such-archive",
  "*": () => "no-such-page",
};

/** Parameters naming a record of one side. */
const SIDE_PARAMS: Record<string, (side: SideIds) => string> = {
  villageId: (s) => s.villageId,
  householdId: (s) => s.householdId,
  townshipId: (s) => s.townshipId,
  teamId: (s) => s.teamId,
  cardId: (s) => s.cardId,
  cadreId: (s) => s.cadreId,
  noticeId: (s) => s.noticeId,
  userId: (s) => s.userId,
  fileId: (s) => s.fileId,
  // admin/:kind/:id with kind "villages"
  id: (s) => s.villageId,
};

export function isScoped(route: ManifestRoute) {
  return route.params.some((p) => p in SIDE_PARAMS);
}

/** Routes naming a village and a record inside it: the record can come from the other village. */
export function hasNestedRecord(route: ManifestRoute) {
  return route.params.includes("villageId") && route.params.includes("householdId");
}

/**
 * The route's URL with its parameters filled from one side; `recordSide` takes the records inside
 * a village (a household) from another side than the village itself.
 */
export function fillPattern(
  route: ManifestRoute,
  ids: DemoIds,
  side: Side,
  recordSide: Side = side,
): string {
  if (route.pattern === null) throw new Error(`${route.id} has no URL of its own`);
  const value = (param: string) => {
    const fixed = FIXED_PARAMS[param];
    if (fixed) return fixed(ids);
    const fromSide = SIDE_PARAMS[param];
    if (!fromSide) throw new Error(`${route.id}: no way to fill the parameter "${param}"`);
    return fromSide(ids[param === "householdId" ? recordSide : side]);
  };
  return route.pattern
    .replace(/:(\w+)/g, (_, param: string) => encodeURIComponent(value(param)))
    .replace(/\/\*$/, () => `/${value("*")}`);
}

/** Where a POST to the route goes: an index route's action is addressed with `?index`. */
export function actionUrl(route: ManifestRoute, url: string) {
  return route.index ? `${url}${url.includes("?") ? "&" : "?"}index` : url;
}

export function knownParam(param: string) {
  return param in FIXED_PARAMS || param in SIDE_PARAMS;
}
