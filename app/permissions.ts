/**
 * The one place that decides who may read or change what (docs/architecture.md, "Permissions").
 * Pure and shared: loaders and actions call it on the server for every request; components call
 * the same functions only to hide what the server would refuse anyway.
 *
 * A permission is `action:entity:access`; access is the jurisdiction it covers:
 * `any` (the whole county), `township` (the viewer's township), `own` (the viewer's team's village).
 */
import type { UserRole } from "../db/schema";

/**
 * A value no id, code or key takes: what a filter compares with when it must match no row (a
 * township leader without a township). Plain text, valid on both engines (PostgreSQL refuses NUL).
 */
export const MATCHES_NOTHING = "\u2205none";

export type Action =
  | "read"
  | "update"
  | "manage"
  | "approve"
  | "post"
  | "submit"
  | "write"
  | "reveal"
  | "review"
  | "decide"
  | "override";
export type Entity =
  | "village-position"
  | "geodata"
  | "village"
  | "village-summary"
  | "team"
  | "team-summary"
  | "township"
  | "household"
  | "account"
  | "team-roster"
  | "attendance"
  | "leave"
  | "work-log"
  | "weekly-report"
  | "township-report"
  | "notice"
  | "bulletin"
  | "dashboard"
  | "registry"
  | "settings"
  | "audit"
  | "session"
  | "household-identity"
  | "village-exit";
export type Access = "any" | "township" | "own";
export type Permission = `${Action}:${Entity}`;
type ScopedPermission = `${Permission}:${Access}`;

export const ROLE_PERMISSIONS: Record<UserRole, readonly ScopedPermission[]> = {
  county_admin: [
    "read:village:any",
    "update:village:any",
    "read:team:any",
    "update:team:any",
    "read:township:any",
    "read:household:any",
    "update:household:any",
    "manage:account:any",
    "manage:registry:any",
    "update:village-position:any",
    "manage:geodata:any",
    "manage:team-roster:any",
    "read:attendance:any",
    "approve:leave:any",
    "read:work-log:any",
    "read:weekly-report:any",
    "post:notice:any",
    "read:bulletin:any",
    "read:dashboard:any",
    "manage:settings:any",
    "read:audit:any",
    "manage:session:any",
    "reveal:household-identity:any",
    // The village exit: the county may propose for a team, decides and announces, checks later,
    // and alone may propose past a failing readiness item (with a written reason).
    "submit:village-exit:any",
    "decide:village-exit:any",
    "override:village-exit:any",
  ],
  // The county organisation department (县委组织部): reads everything, decides long leave, sends
  // notices and reads the bulletin; it does not edit plans, rosters or boards.
  county_organisation: [
    "read:village:any",
    "read:team:any",
    "read:township:any",
    "read:household:any",
    "read:attendance:any",
    "approve:leave:any",
    "read:work-log:any",
    "read:weekly-report:any",
    "post:notice:any",
    "read:bulletin:any",
    "read:dashboard:any",
  ],
  county_viewer: [
    "read:village:any",
    "read:team:any",
    "read:township:any",
    "read:household:any",
    "read:attendance:any",
    "read:work-log:any",
    "read:weekly-report:any",
    "read:bulletin:any",
    "read:dashboard:any",
  ],
  township_leader: [
    "read:village:township",
    "read:team:township",
    "read:township:township",
    "read:household:township",
    "read:attendance:township",
    "approve:leave:township",
    "read:work-log:township",
    "read:weekly-report:township",
    "submit:township-report:township",
    "post:notice:township",
    "read:bulletin:township",
    "read:dashboard:township",
    "review:village-exit:township",
  ],
  // A cadre acts for themselves (check-in, leave, log); the team's report is written by its leads.
  team_member: [
    "read:village:own",
    "update:village:own",
    "read:team:own",
    "read:household:own",
    "update:household:own",
    "reveal:household-identity:own",
    "read:village-summary:any",
    "read:team-summary:any",
    "read:attendance:own",
    "write:work-log:own",
    "read:work-log:own",
    "read:weekly-report:own",
    "submit:weekly-report:own",
    "submit:village-exit:own",
  ],
};

/** The signed-in person as the permission checks see them. */
export interface Viewer {
  id: string;
  username: string;
  displayName: string;
  role: UserRole;
  /** A township leader's township. */
  townshipId: string | null;
  /** The villages of the teams a team member currently serves in (usually one). */
  villageIds: readonly string[];
  /** Those teams themselves (notices are addressed to teams). */
  teamIds: readonly string[];
  /** The cadre behind a team member's account: the person who checks in, logs and takes leave. */
  cadreId: string | null;
  /** Signed in with a one-time password that must be replaced before anything else. */
  mustChangePassword?: boolean;
  /** The session this request came with (its id: the hash of the cookie's token). */
  sessionId?: string;
}

/** What a check is about: a village (with its township), or a township alone. */
export interface Target {
  townshipId: string;
  villageId?: string;
}

function covers(viewer: Viewer, access: Access, target: Target): boolean {
  switch (access) {
    case "any":
      return true;
    case "township":
      return viewer.townshipId !== null && viewer.townshipId === target.townshipId;
    case "own":
      return target.villageId !== undefined && viewer.villageIds.includes(target.villageId);
  }
}

export function can(viewer: Viewer, permission: Permission, target: Target): boolean {
  return ROLE_PERMISSIONS[viewer.role].some((scoped) => {
    const i = scoped.lastIndexOf(":");
    return (
      scoped.slice(0, i) === permission && covers(viewer, scoped.slice(i + 1) as Access, target)
    );
  });
}

/** Whether the viewer has a permission anywhere at all (e.g. to show a menu entry). */
export function hasAnywhere(viewer: Viewer, permission: Permission): boolean {
  return ROLE_PERMISSIONS[viewer.role].some((scoped) => scoped.startsWith(`${permission}:`));
}

/** Whether the viewer holds a permission for the whole county (`any`): the county roles' reach. */
export function hasCountyWide(viewer: Viewer, permission: Permission): boolean {
  return ROLE_PERMISSIONS[viewer.role].includes(`${permission}:any`);
}

export type VillageAccess = "full" | "summary";

/** Full record, public summary (name, township, status, team), or nothing (the page is a 404). */
export function villageAccess(viewer: Viewer, target: Required<Target>): VillageAccess | null {
  if (can(viewer, "read:village", target)) return "full";
  if (can(viewer, "read:village-summary", target)) return "summary";
  return null;
}

export function teamAccess(viewer: Viewer, target: Required<Target>): VillageAccess | null {
  if (can(viewer, "read:team", target)) return "full";
  if (can(viewer, "read:team-summary", target)) return "summary";
  return null;
}

/** A township page lists its villages: visible in full to county roles and its own leader, as summaries to team members. */
export function townshipAccess(viewer: Viewer, target: Target): VillageAccess | null {
  if (can(viewer, "read:township", target)) return "full";
  if (can(viewer, "read:village-summary", target)) return "summary";
  return null;
}

/**
 * The SQL-level narrowing of village lists for this viewer: a township leader's lists never load
 * other townships. Row-level access is still decided by villageAccess for every row.
 */
export function villageListScope(viewer: Viewer): { townshipId?: string } {
  if (viewer.role === "township_leader")
    return { townshipId: viewer.townshipId ?? MATCHES_NOTHING };
  return {};
}
