/**
 * Who may read and write what, route by route: the table access-matrix.spec.ts checks against the
 * built server's route manifest. Every route needs an entry; a new route without one fails the
 * spec, and so does an entry for a route that is gone.
 *
 * A row gives one status per role, in this order:
 *
 *          county zuzhibu viewer daqinggou xiaosuangou weijia xianaling
 *
 * `in` fills the route's parameters from the role's own side of the demo, `out` from the other
 * side (see route-manifest.ts: A = 魏家村 in 大青沟镇, B = 下纳岭村 in 小蒜沟镇; the county roles'
 * "own" side is A, and B is within their reach too), `cross` takes the village from the role's side
 * and the household inside it from the other (an id swapped into a URL the role may open).
 * `anon` is the status without a session; a 302 there must lead to /login?redirectTo=<the URL>
 * (without Remix's `?index`, which the action never sees).
 *
 * POST bodies are chosen to get past the form checks and as far as the route's own permission
 * check, and never to succeed: a stale version (409 for those who may write), an id that does not
 * exist, a date too old. So a 404 or 403 there is the scope check answering, not the form's. Two
 * actions take no fields and do succeed: 已阅 on a notice (marks it read) and sign-out (of a session
 * made for it). fuzz.spec.ts starts its well-shaped hostile forms from these bodies too.
 * To see what the server answers today: MATRIX_PRINT=1 npx playwright test access-matrix.
 */

export type ProbeBody =
  { form: Record<string, string | string[]> } | { multipart: Record<string, string> };

export interface Probe {
  anon: number;
  /** Where an anonymous request is redirected, if not to the sign-in page. */
  anonLocation?: string;
  in: string;
  /** Required for routes whose parameters name a record of one side. */
  out?: string;
  /** Required for routes naming a village and a household inside it. */
  cross?: string;
}

export interface MatrixEntry {
  /** A route with no URL of its own (a layout): its loader runs under its children's checks. */
  layout?: string;
  /** Query string for the GET (a page that is a 404 without one). */
  query?: string;
  get?: Probe;
  post?: Probe & {
    body: ProbeBody;
    /** The POST ends the session it comes with: it is sent with a session of its own. */
    endsSession?: true;
  };
  /** Why a row is what it is, where that is not obvious. */
  note?: string;
}

const ALL_200 = "200 200 200 200 200 200 200";
const ALL_404 = "404 404 404 404 404 404 404";
const ALL_400 = "400 400 400 400 400 400 400";
/** Only the county admin gets past the route's check; a malformed form is a 400 for them. */
const ADMIN_400 = "400 404 404 404 404 404 404";
const ADMIN_200 = "200 404 404 404 404 404 404";

/** A household form as the page sends it, valid for the schema. */
const household = (extra: Record<string, string>) => ({
  form: {
    intent: "household",
    code: "MATRIX-PROBE",
    headName: "矩阵探测",
    members: "3",
    mainCause: "illness",
    identifiedYear: "2016",
    food: "met",
    education: "met",
    medical: "met",
    housing: "met",
    water: "met",
    ...extra,
  },
});

export const MATRIX: Record<string, MatrixEntry> = {
  root: { layout: "the document and its loader run under every page" },
  "routes/_app": { layout: "the signed-in layout: every page below checks it (302 to /login)" },

  "routes/_index": {
    get: { anon: 302, in: "302 302 302 302 302 302 302" },
    note: "team members go to /me, everyone else to /dashboard",
  },
  "routes/_app.$": { get: { anon: 302, in: ALL_404 } },
  "routes/healthz": { get: { anon: 200, in: ALL_200 } },
  "routes/login": {
    get: { anon: 200, in: "302 302 302 302 302 302 302" },
    post: {
      body: { form: { username: "", password: "" } },
      anon: 400,
      in: "302 302 302 302 302 302 302",
    },
    note:
      "signed in, the page's loader sends anyone to / — after the action, as Remix renders the " +
      "page again, so even an empty sign-in form ends in that redirect (the session is unchanged)",
  },
  "routes/logout": {
    get: { anon: 302, anonLocation: "/", in: "302 302 302 302 302 302 302" },
    post: {
      body: { form: {} },
      anon: 302,
      anonLocation: "/login",
      in: "302 302 302 302 302 302 302",
      endsSession: true,
    },
  },
  "routes/locale": {
    get: { anon: 302, anonLocation: "/", in: "302 302 302 302 302 302 302" },
    post: { body: { form: { locale: "xx", redirectTo: "/" } }, anon: 400, in: ALL_400 },
  },
  "routes/banner": {
    get: { anon: 302, anonLocation: "/", in: "302 302 302 302 302 302 302" },
    post: { body: { form: { fold: "maybe", redirectTo: "/" } }, anon: 400, in: ALL_400 },
    note: "folds the demo note for the browser session: a cookie, open to anyone, like /locale",
  },
  "routes/map.villages[.]json": { get: { anon: 302, in: ALL_200 } },
  "routes/villages[.]geojson": { get: { anon: 401, in: ALL_200 } },
  "routes/admin.audit.archives.$archiveId": {
    get: { anon: 302, in: ALL_404 },
    note: "a fresh database has no archives: 404 for the admin too",
  },
  "routes/admin.audit[.]csv": { get: { anon: 302, in: ADMIN_200 } },
  "routes/admin.audit[.]jsonl": { get: { anon: 302, in: ADMIN_200 } },
  "routes/admin.data[.]xlsx": { get: { anon: 302, in: ADMIN_200 } },
  "routes/dashboard[.]xlsx": { get: { anon: 302, in: "200 200 200 200 200 404 404" } },
  "routes/reports.monthly[.]xlsx": { get: { anon: 302, in: "200 200 200 200 200 404 404" } },
  "routes/villages.$villageId.households[.]xlsx": {
    get: { anon: 302, in: ALL_200, out: "200 200 200 404 404 404 404" },
  },
  "routes/villages.$villageId.exit-files.$fileId": {
    get: { anon: 302, in: "200 200 200 200 404 200 404", out: ALL_404 },
    note:
      "an exit step's evidence file: 魏家村 (A) is in the exit procedure with a demo file, 下纳岭村 " +
      "(B) has none, so B's id is made up — the narrow roles of B asking for A's real file is the check",
  },
  "routes/villages.$villageId.plan[.]xlsx": {
    get: { anon: 302, in: ALL_200, out: "200 200 200 404 404 404 404" },
  },

  "routes/_app.account.password": {
    get: { anon: 302, in: ALL_200 },
    post: { body: { form: { formId: "password" } }, anon: 302, in: ALL_400 },
  },
  "routes/_app.account.sessions": {
    get: { anon: 302, in: ALL_200 },
    post: { body: { form: { intent: "matrix-probe" } }, anon: 302, in: ALL_400 },
  },
  "routes/_app.admin._index": { get: { anon: 302, in: ADMIN_200 } },
  "routes/_app.admin.$kind._index": {
    get: { anon: 302, in: ADMIN_200 },
    post: { body: { form: { intent: "matrix-probe" } }, anon: 302, in: ADMIN_400 },
  },
  "routes/_app.admin.$kind.$id": {
    get: { anon: 302, in: ADMIN_200, out: ADMIN_200 },
    post: { body: { form: {} }, anon: 302, in: ADMIN_400, out: ADMIN_400 },
    note: "kind = villages, id = the side's village; empty cells are refused",
  },
  "routes/_app.admin.accounts": {
    get: { anon: 302, in: ADMIN_200 },
    post: { body: { form: { intent: "leader" } }, anon: 302, in: ADMIN_400 },
  },
  "routes/_app.admin.audit": { get: { anon: 302, in: ADMIN_200 } },
  "routes/_app.admin.data": {
    get: { anon: 302, in: ADMIN_200 },
    post: { body: { multipart: { intent: "matrix-probe" } }, anon: 302, in: ADMIN_400 },
  },
  "routes/_app.admin.settings": {
    get: { anon: 302, in: ADMIN_200 },
    post: { body: { form: {} }, anon: 302, in: ADMIN_400 },
  },
  "routes/_app.admin.users._index": { get: { anon: 302, in: ADMIN_200 } },
  "routes/_app.admin.users.$userId": {
    get: { anon: 302, in: ADMIN_200, out: ADMIN_200 },
    post: { body: { form: { intent: "matrix-probe" } }, anon: 302, in: ADMIN_400, out: ADMIN_400 },
    note: "userId = the side's team member account",
  },

  "routes/_app.boards.$board": { get: { anon: 302, in: ALL_200 } },
  "routes/_app.cadres.$cadreId": {
    get: { anon: 302, in: ALL_200, out: "200 200 200 404 404 404 404" },
  },
  "routes/_app.cards.$cardId": {
    get: { anon: 302, in: ALL_200, out: "200 200 200 404 404 404 404" },
    post: {
      body: { form: { intent: "move", column: "in_progress", version: "999999" } },
      anon: 302,
      in: "409 403 403 403 403 409 409",
      out: "409 403 403 404 404 404 404",
    },
  },
  "routes/_app.dashboard._index": { get: { anon: 302, in: "200 200 200 200 200 404 404" } },
  "routes/_app.dashboard.villages": {
    query: "?figure=all",
    get: { anon: 302, in: "200 200 200 200 200 404 404" },
  },
  "routes/_app.leave": {
    get: { anon: 302, in: ALL_200 },
    post: { body: { form: { intent: "cancel", id: "no-such-leave" } }, anon: 302, in: ALL_404 },
  },
  "routes/_app.map": { get: { anon: 302, in: ALL_200 } },
  "routes/_app.map_.import": {
    get: { anon: 302, in: ADMIN_200 },
    post: { body: { multipart: { intent: "matrix-probe" } }, anon: 302, in: ADMIN_400 },
  },
  "routes/_app.me": {
    get: { anon: 302, in: "404 404 404 404 404 200 200" },
    post: {
      body: { form: { intent: "late-check-in", day: "2014-01-02", reason: "matrix probe" } },
      anon: 302,
      in: "403 403 403 403 403 400 400",
    },
  },
  "routes/_app.notices._index": {
    get: { anon: 302, in: ALL_200 },
    post: {
      body: {
        form: {
          intent: "send",
          kind: "announcement",
          title: "matrix probe",
          body: "matrix probe",
          audience: "teams",
          teamIds: ["no-such-team"],
        },
      },
      anon: 302,
      in: "400 400 403 400 400 403 403",
    },
  },
  "routes/_app.notices.$noticeId": {
    get: { anon: 302, in: ALL_200, out: "200 200 200 200 404 200 404" },
    post: {
      body: { form: {} },
      anon: 302,
      in: "404 404 404 404 404 302 302",
      out: "404 404 404 404 404 302 404",
    },
    note:
      "A's notice went to 大青沟镇's teams only; B's is one sent to every team (the demo has no " +
      "notice for 小蒜沟镇 alone), so A's roles read it. 已阅 (the POST, which takes no fields) " +
      "is for recipients, team members; anyone else gets a 404 — it marks the notice read",
  },
  "routes/_app.reports.monthly": { get: { anon: 302, in: "200 200 200 200 200 404 404" } },
  "routes/_app.reports.weekly._index": {
    get: { anon: 302, in: "200 200 200 200 200 302 302" },
    note: "a team member is sent to their own team's report",
  },
  "routes/_app.reports.weekly.$week.teams.$teamId": {
    get: { anon: 302, in: ALL_200, out: "200 200 200 404 404 404 404" },
    post: {
      body: { form: { intent: "submit", done: "matrix probe", version: "999999" } },
      anon: 302,
      in: "403 403 403 403 403 409 409",
      out: "403 403 403 404 404 404 404",
    },
  },
  "routes/_app.reports.weekly.$week.townships.$townshipId": {
    get: { anon: 302, in: "200 200 200 200 200 404 404", out: "200 200 200 404 404 404 404" },
    post: {
      body: { form: { intent: "submit", done: "matrix probe", version: "999999" } },
      anon: 302,
      in: "403 403 403 409 409 404 404",
      out: "403 403 403 404 404 404 404",
    },
  },
  "routes/_app.teams._index": { get: { anon: 302, in: ALL_200 } },
  "routes/_app.teams.$teamId": {
    get: { anon: 302, in: ALL_200, out: "200 200 200 404 404 200 200" },
    post: {
      body: {
        form: {
          intent: "assign",
          cadreId: "no-such-cadre",
          role: "member",
          startedOn: "2017-01-01",
        },
      },
      anon: 302,
      in: "400 403 403 403 403 403 403",
      out: "400 403 403 404 404 404 404",
    },
    note: "another team is a public summary for a team member, but never theirs to change: 404",
  },
  "routes/_app.teams.$teamId_.logs": {
    get: { anon: 302, in: ALL_200, out: "200 200 200 404 404 404 404" },
    post: {
      body: {
        form: { intent: "log", loggedOn: "2014-01-02", place: "village", body: "matrix probe" },
      },
      anon: 302,
      in: "403 403 403 403 403 400 400",
      out: "403 403 403 404 404 404 404",
    },
  },
  "routes/_app.townships._index": { get: { anon: 302, in: ALL_200 } },
  "routes/_app.townships.$townshipId": {
    get: { anon: 302, in: ALL_200, out: "200 200 200 404 404 200 200" },
  },

  "routes/_app.villages._index": { get: { anon: 302, in: ALL_200 } },
  "routes/_app.villages.$villageId": {
    get: { anon: 302, in: ALL_200, out: "200 200 200 404 404 200 200" },
    note: "the village frame: other villages are a public summary for team members",
  },
  "routes/_app.villages.$villageId._index": {
    get: { anon: 302, in: ALL_200, out: "200 200 200 404 404 200 200" },
    post: {
      body: {
        form: { intent: "move", lat: "41.08", lon: "114.0", method: "typed", version: "stale" },
      },
      anon: 302,
      in: "409 404 404 404 404 404 404",
      out: "409 404 404 404 404 404 404",
    },
  },
  "routes/_app.villages.$villageId.$board": {
    get: { anon: 302, in: ALL_200, out: "200 200 200 404 404 404 404" },
  },
  "routes/_app.villages.$villageId.$board_.new": {
    get: { anon: 302, in: "200 404 404 404 404 200 200", out: "200 404 404 404 404 404 404" },
    post: {
      body: {
        form: {
          intent: "create",
          board: "project",
          title: "matrix probe",
          kind: "industry",
          ownerId: "no-such-cadre",
        },
      },
      anon: 302,
      in: "400 403 403 403 403 400 400",
      out: "400 403 403 404 404 404 404",
    },
  },
  "routes/_app.villages.$villageId.activity": {
    get: { anon: 302, in: ALL_200, out: "200 200 200 404 404 404 404" },
  },
  "routes/_app.villages.$villageId.households._index": {
    get: { anon: 302, in: ALL_200, out: "200 200 200 404 404 404 404" },
  },
  "routes/_app.villages.$villageId.households.$householdId": {
    get: { anon: 302, in: ALL_200, out: "200 200 200 404 404 404 404", cross: ALL_404 },
    post: {
      body: {
        form: { intent: "step", version: "999999", step: "appraisal", doneOn: "2017-01-01" },
      },
      anon: 302,
      in: "409 403 403 403 403 409 409",
      out: "409 403 403 404 404 404 404",
      cross: "404 403 403 403 403 404 404",
    },
    note:
      "cross: the write checks the village first, so one who may read it but not write gets its " +
      "403 before the (foreign) household is looked up; its existence is never confirmed",
  },
  "routes/_app.villages.$villageId.households.$householdId_.edit": {
    get: {
      anon: 302,
      in: "200 404 404 404 404 200 200",
      out: "200 404 404 404 404 404 404",
      cross: ALL_404,
    },
    post: {
      body: household({ version: "999999" }),
      anon: 302,
      in: "409 403 403 403 403 409 409",
      out: "409 403 403 404 404 404 404",
      cross: "404 403 403 403 403 404 404",
    },
  },
  "routes/_app.villages.$villageId.households.import": {
    get: { anon: 302, in: "200 404 404 404 404 200 200", out: "200 404 404 404 404 404 404" },
    post: {
      body: { multipart: { intent: "matrix-probe" } },
      anon: 302,
      in: "400 403 403 403 403 400 400",
      out: "400 403 403 404 404 404 404",
    },
  },
  "routes/_app.villages.$villageId.households.new": {
    get: { anon: 302, in: "200 404 404 404 404 200 200", out: "200 404 404 404 404 404 404" },
    post: {
      body: household({ pairedCadreId: "no-such-cadre" }),
      anon: 302,
      in: "400 403 403 403 403 400 400",
      out: "400 403 403 404 404 404 404",
    },
  },
  "routes/_app.villages.$villageId.plan_.exit": {
    get: { anon: 302, in: ALL_200, out: "200 200 200 404 404 404 404" },
    post: {
      body: {
        multipart: { intent: "step", step: "proposal", after: "stale", doneOn: "2018-01-01" },
      },
      anon: 302,
      in: "409 403 403 403 403 409 409",
      out: "409 403 403 404 404 404 404",
    },
    note: "a proposal from a page shown before the last step: 409 for those who may propose",
  },
  "routes/_app.villages.$villageId.plan": {
    get: { anon: 302, in: ALL_200, out: "200 200 200 404 404 404 404" },
    post: {
      body: {
        form: {
          intent: "plan",
          version: "999999",
          startYear: "2016",
          attackEndYear: "2020",
          endYear: "2022",
          targetExitYear: "2019",
        },
      },
      anon: 302,
      in: "409 403 403 403 403 409 409",
      out: "409 403 403 404 404 404 404",
    },
  },
};
