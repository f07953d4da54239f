import type { LoaderFunctionArgs } from "@remix-run/node";
import { teamRulesOn } from "~/models/county-rules.server";
import { clockOffset } from "~/utils/clock";
import { today } from "~/utils/dates";
import { Form, Outlet, useLocation, useNavigate, useRouteLoaderData } from "@remix-run/react";
import { Suspense, useEffect, useRef, useState } from "react";
import { requireViewer } from "~/auth.server";
import { hasAnywhere, hasCountyWide } from "~/permissions";
import { pendingForViewer } from "~/models/leave.server";
import { unreadCount } from "~/models/notice.server";
import { ErrorPage } from "~/components/error-page.lazy";
import { formatDate, useLocale, useT } from "~/i18n";
import type { loader as rootLoader } from "~/root";
import { setOutboxUser, skipRevalidationWhenQueued } from "~/outbox/client-action";
import type { OutboxPanel } from "~/components/outbox-panel";
import tabIcons from "~/components/tab-icons.svg";

/**
 * Every page behind sign-in shares this layout; the loader turns anonymous visitors to /login and
 * gives the navigation what it shows: which entries apply, unread notices, leave to decide.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const [unread, pendingLeave, rules] = await Promise.all([
    unreadCount(viewer),
    pendingForViewer(viewer),
    teamRulesOn(),
  ]);
  return {
    /** A demo's business date, shown in its banner (null for a county's database). */
    demoDate: clockOffset() !== 0 ? today() : null,
    /** The county's incidence standard in effect (a ratio): figures above it are marked. */
    incidenceThreshold: rules.incidenceThresholdPercent / 100,
    role: viewer.role,
    /** Whose writes this browser may keep while offline (app/outbox). */
    userId: viewer.id,
    /** A team member's village and team: their board and work log are tabs on a phone. */
    village: viewer.villageIds[0] ?? null,
    team: viewer.teamIds[0] ?? null,
    cadre: viewer.cadreId !== null,
    dashboard: hasAnywhere(viewer, "read:dashboard"),
    bulletin: hasAnywhere(viewer, "read:bulletin"),
    accounts: hasCountyWide(viewer, "manage:account"),
    admin: hasCountyWide(viewer, "manage:registry"),
    unread,
    pendingLeave,
    /** A phone's bottom tabs (TabBar), decided here: the role's rules stay off the page's code. */
    tabs: tabsFor({
      role: viewer.role,
      cadre: viewer.cadreId !== null,
      village: viewer.villageIds[0] ?? null,
      team: viewer.teamIds[0] ?? null,
    }),
  };
}

function LanguageSwitch() {
  const t = useT();
  const locale = useLocale();
  const location = useLocation();
  return (
    // A full page load: the other language's catalogue is fetched as the page starts.
    <form method="post" action="/locale" className="language-switch">
      <input type="hidden" name="locale" value={locale === "zh-CN" ? "en" : "zh-CN"} />
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      <button
        type="submit"
        className="button-link"
        aria-label={t("locale.switchLabel")}
        lang={locale === "zh-CN" ? "en" : "zh-CN"}
      >
        {t("locale.switchTo")}
      </button>
    </form>
  );
}

/**
 * Whether `pathname` is the page `to` or one below it, as a router NavLink decides (not minding
 * case or a trailing slash).
 */
function isCurrentPath(pathname: string, to: string) {
  const here = pathname.toLowerCase();
  const page = to.toLowerCase().replace(/(.)\/$/, "$1");
  return here === page || (here.startsWith(page) && here[page.length] === "/");
}

/**
 * A link of the layout: a plain anchor, followed in the page by useInPageLinks' one listener (a
 * router Link or NavLink is a dozen hooks, and the layout draws ~35 links on every page: ~1.5 ms of
 * the server's time a page). Marked current as a NavLink marks it: on its page and the pages below
 * it, or (`section`) on every page of its section.
 */
function NavAnchor({
  to,
  pathname,
  section,
  className,
  current: currentProp,
  children,
}: {
  to: string;
  /** Where the page is (the layout reads the location once). */
  pathname?: string;
  section?: string;
  className?: string;
  /** Whether it is the current page, when the caller decides. */
  current?: boolean;
  children: React.ReactNode;
}) {
  const current =
    currentProp ??
    (pathname === undefined
      ? false
      : section
        ? pathname.startsWith(section)
        : isCurrentPath(pathname, to));
  const classes = [className, current && pathname !== undefined ? "active" : null]
    .filter(Boolean)
    .join(" ");
  return (
    <a
      href={to}
      data-nav=""
      className={classes || undefined}
      aria-current={current ? "page" : undefined}
    >
      {children}
    </a>
  );
}

/**
 * The layout's links (NavAnchor, `data-nav`) and the tables' (RowLink, `data-row-link`) followed
 * in the page by one listener, as a router Link would: a plain left click navigates without loading
 * the page (the same address again replaces the history entry); a click with a modifier, or on a
 * link to another window or site, is the browser's; without JavaScript the links lead there.
 */
function useInPageLinks() {
  const navigate = useNavigate();
  useEffect(() => {
    const follow = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0) return;
      if (event.metaKey || event.altKey || event.ctrlKey || event.shiftKey) return;
      const link =
        event.target instanceof Element && event.target.closest("a[data-nav],a[data-row-link]");
      if (!(link instanceof HTMLAnchorElement) || (link.target && link.target !== "_self")) return;
      const url = new URL(link.href);
      if (url.origin !== location.origin) return;
      event.preventDefault();
      const to = url.pathname + url.search + url.hash;
      void navigate(to, { replace: to === location.pathname + location.search + location.hash });
    };
    document.addEventListener("click", follow);
    return () => document.removeEventListener("click", follow);
  }, [navigate]);
}

type NavData = ReturnType<typeof useRouteLoaderData<typeof loader>>;

/** Every page of the main menu this person may open: the header's menu, and "more" on a phone. */
function MenuLinks({ nav, pathname }: { nav: NavData; pathname: string }) {
  const t = useT();
  return (
    <>
      {nav?.cadre ? (
        <NavAnchor to="/me" pathname={pathname}>
          {t("nav.me")}
        </NavAnchor>
      ) : null}
      {nav?.dashboard ? (
        <NavAnchor to="/dashboard" pathname={pathname}>
          {t("nav.dashboard")}
        </NavAnchor>
      ) : null}
      <NavAnchor to="/map" pathname={pathname}>
        {t("nav.map")}
      </NavAnchor>
      <NavAnchor to="/villages" pathname={pathname}>
        {t("nav.villages")}
      </NavAnchor>
      <NavAnchor to="/townships" pathname={pathname}>
        {t("nav.townships")}
      </NavAnchor>
      <NavAnchor to="/boards/cases" section="/boards/" pathname={pathname}>
        {t("nav.boards")}
      </NavAnchor>
      <NavAnchor to="/teams" pathname={pathname}>
        {t("nav.teams")}
      </NavAnchor>
      <NavAnchor to="/reports/weekly" pathname={pathname}>
        {t("nav.reports")}
      </NavAnchor>
      {nav?.bulletin ? (
        <NavAnchor to="/reports/monthly" pathname={pathname}>
          {t("nav.bulletin")}
        </NavAnchor>
      ) : null}
      <NavAnchor to="/notices" pathname={pathname}>
        {t("nav.notices")}
        <CountBadge count={nav?.unread ?? 0} label="nav.unreadBadge" />
      </NavAnchor>
      <NavAnchor to="/leave" pathname={pathname}>
        {t("nav.leave")}
        <CountBadge count={nav?.pendingLeave ?? 0} label="nav.pendingBadge" />
      </NavAnchor>
      {nav?.admin ? (
        <NavAnchor to="/admin" pathname={pathname}>
          {t("nav.admin")}
        </NavAnchor>
      ) : null}
    </>
  );
}

/** A count on a menu entry, read out with what it counts ("2 条未读", "1 条待审批"). */
function CountBadge({
  count,
  label,
}: {
  count: number;
  label: "nav.unreadBadge" | "nav.pendingBadge";
}) {
  const t = useT();
  return count ? (
    <span className="nav-badge" aria-label={t(label, { count })}>
      {count}
    </span>
  ) : null;
}

type TabKey =
  | "me"
  | "board"
  | "log"
  | "dashboard"
  | "map"
  | "villages"
  | "teams"
  | "leave"
  | "notices"
  | "bulletin"
  | "admin";

/**
 * The four things each role does most, as a phone's bottom tab bar; everything else is under
 * "more". A team member: my work, their village's case board, the team's work log, notices.
 */
function tabsFor(nav: {
  role: string;
  cadre: boolean;
  village: string | null;
  team: string | null;
}): { key: TabKey; to: string }[] {
  const target: Record<TabKey, string> = {
    me: "/me",
    board: `/villages/${nav.village}/cases`,
    log: `/teams/${nav.team}/logs`,
    dashboard: "/dashboard",
    map: "/map",
    villages: "/villages",
    teams: "/teams",
    leave: "/leave",
    notices: "/notices",
    bulletin: "/reports/monthly",
    admin: "/admin",
  };
  return tabKeysFor(nav).map((key) => ({ key, to: target[key] }));
}

function tabKeysFor(nav: {
  role: string;
  cadre: boolean;
  village: string | null;
  team: string | null;
}): TabKey[] {
  switch (nav.role) {
    case "team_member":
      return [
        nav.cadre ? "me" : "villages",
        nav.village ? "board" : "map",
        nav.team ? "log" : "teams",
        "notices",
      ];
    case "township_leader":
      return ["dashboard", "map", "teams", "leave"];
    case "county_organisation":
      return ["dashboard", "teams", "leave", "notices"];
    case "county_admin":
      return ["dashboard", "map", "teams", "admin"];
    default:
      return ["dashboard", "map", "villages", "notices"];
  }
}

/**
 * A tab's icon, drawn from one sprite file (app/components/tab-icons.svg: hashed, cached for good,
 * kept offline by the service worker) rather than as path data in every page's JavaScript.
 */
function TabIcon({ name }: { name: TabKey | "more" }) {
  return (
    <svg
      className="tab-icon"
      viewBox="0 0 24 24"
      width="24"
      height="24"
      aria-hidden="true"
      focusable="false"
    >
      <use href={`${tabIcons}#${name}`} />
    </svg>
  );
}

/**
 * A phone's navigation (below 720 px; wider screens use the header's menu): a bottom tab bar with
 * the role's four daily places and "more", which opens every other page, the account and the
 * language. Works without JavaScript (links and a details element); closes on navigation.
 */
function TabBar({ nav, pathname }: { nav: NonNullable<NavData>; pathname: string }) {
  const t = useT();
  const { tabs } = nav;
  const current = ({ key: tab, to }: { key: TabKey; to: string }) => {
    if (tab === "board")
      return (
        pathname.startsWith(`/villages/${nav.village}/`) && /\/(cases|projects)$/.test(pathname)
      );
    if (tab === "teams") return pathname.startsWith("/teams") && !pathname.endsWith("/logs");
    return pathname === to || pathname.startsWith(`${to}/`);
  };
  // Badges of pages that are not tabs show on "more", so none goes unseen.
  const hidden =
    (tabs.some((tab) => tab.key === "notices") ? 0 : nav.unread) +
    (tabs.some((tab) => tab.key === "leave") ? 0 : nav.pendingLeave);
  const root = useRouteLoaderData<typeof rootLoader>("root");
  const more = useRef<HTMLDetailsElement>(null);
  // "More" closes when the page changes (a link in it was followed)…
  useEffect(() => {
    if (more.current) more.current.open = false;
  }, [pathname]);
  // …and on a tap outside it or on Escape, as a phone's menus do.
  useEffect(() => {
    const close = (event: Event) => {
      const details = more.current;
      if (!details?.open) return;
      if (
        event instanceof KeyboardEvent
          ? event.key === "Escape"
          : !details.contains(event.target as Node)
      )
        details.open = false;
    };
    document.addEventListener("pointerdown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("pointerdown", close);
      document.removeEventListener("keydown", close);
    };
  }, []);
  return (
    <nav className="tab-bar" aria-label={t("tab.label")}>
      {tabs.map((tab) => (
        <NavAnchor key={tab.key} to={tab.to} className="tab-link" current={current(tab)}>
          <TabIcon name={tab.key} />
          <span className="tab-text">{t(`tab.${tab.key}`)}</span>
          {tab.key === "notices" ? <CountBadge count={nav.unread} label="nav.unreadBadge" /> : null}
          {tab.key === "leave" ? (
            <CountBadge count={nav.pendingLeave} label="nav.pendingBadge" />
          ) : null}
        </NavAnchor>
      ))}
      <details className="tab-more" ref={more}>
        <summary className="tab-link">
          <TabIcon name="more" />
          <span className="tab-text">{t("tab.more")}</span>
          {hidden ? (
            <span className="nav-badge" aria-label={t("tab.moreBadge", { count: hidden })}>
              {hidden}
            </span>
          ) : null}
        </summary>
        <div className="tab-more-panel">
          <nav aria-label={t("tab.allPages")} className="more-links">
            <MenuLinks nav={nav} pathname={pathname} />
          </nav>
          {root?.viewer ? (
            <div className="more-account">
              <p className="muted small">
                {t("nav.signedInAs", { name: root.viewer.username })} ·{" "}
                {t(`role.${root.viewer.role}`)}
              </p>
              <NavAnchor to="/account/password">{t("account.password.title")}</NavAnchor>
              <NavAnchor to="/account/sessions">{t("sessions.title")}</NavAnchor>
              {nav.accounts ? (
                <NavAnchor to="/admin/accounts">{t("account.admin.title")}</NavAnchor>
              ) : null}
            </div>
          ) : null}
        </div>
      </details>
    </nav>
  );
}

function Header() {
  const t = useT();
  const root = useRouteLoaderData<typeof rootLoader>("root");
  const viewer = root?.viewer;
  const nav = useRouteLoaderData<typeof loader>("routes/_app");
  // Re-keyed on navigation so the open menu closes when the person moves to another page.
  const { pathname } = useLocation();
  return (
    <header className="site-header">
      <NavAnchor to="/" className="brand" current={false}>
        <img src="/favicon.svg" alt="" width={28} height={28} />
        <span>{t("app.name")}</span>
      </NavAnchor>
      <nav aria-label={t("nav.main")} className="main-nav">
        <MenuLinks nav={nav} pathname={pathname} />
      </nav>
      <div className="header-tools">
        <LanguageSwitch />
        {viewer ? (
          <details className="user-menu" key={pathname}>
            <summary>
              <span className="visually-hidden">{t("nav.account")}: </span>
              {viewer.displayName}
            </summary>
            <div className="user-menu-panel">
              <p>
                {t("nav.signedInAs", { name: viewer.username })}
                <br />
                <span className="muted">{t(`role.${viewer.role}`)}</span>
              </p>
              <p>
                <NavAnchor to="/account/password">{t("account.password.title")}</NavAnchor>
                <br />
                <NavAnchor to="/account/sessions">{t("sessions.title")}</NavAnchor>
                {nav?.accounts ? (
                  <>
                    <br />
                    <NavAnchor to="/admin/accounts">{t("account.admin.title")}</NavAnchor>
                  </>
                ) : null}
              </p>
              <form
                method="post"
                action="/logout"
                onSubmit={(event) => {
                  event.preventDefault();
                  const form = event.currentTarget;
                  // Loaded when used (kept offline by the service worker); if it cannot be, the
                  // form posts as it does without JavaScript.
                  import("~/outbox/sign-out").then(
                    (m) =>
                      m.signOut(form, nav?.userId ?? null, (count) =>
                        window.confirm(t("outbox.signOutConfirm", { count })),
                      ),
                    () => form.submit(),
                  );
                }}
              >
                <button type="submit" className="button">
                  {t("nav.signOut")}
                </button>
              </form>
            </div>
          </details>
        ) : null}
      </div>
    </header>
  );
}

/**
 * The note that the data is invented. It can be folded to one line for the browser session (it
 * takes room on a phone); folded, it still says so.
 */
function DemoBanner({ folded, date }: { folded: boolean; date: string | null }) {
  const t = useT();
  const locale = useLocale();
  const location = useLocation();
  return (
    <div className={folded ? "demo-banner folded" : "demo-banner"} role="note">
      <Form method="post" action="/banner" className="demo-banner-form">
        <input type="hidden" name="fold" value={folded ? "0" : "1"} />
        <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
        <span>
          {date ? (
            <strong className="demo-date">
              {t("demo.date", { date: formatDate(locale, date) })}
            </strong>
          ) : null}{" "}
          {folded ? t("demo.short") : t("demo.banner")}
        </span>
        <button
          type="submit"
          className="banner-toggle"
          aria-label={folded ? t("demo.unfoldLabel") : t("demo.foldLabel")}
        >
          {folded ? t("demo.unfold") : t("demo.fold")}
        </button>
      </Form>
    </div>
  );
}

function Shell({ children }: { children: React.ReactNode }) {
  const t = useT();
  const root = useRouteLoaderData<typeof rootLoader>("root");
  const demo = root?.demo;
  const folded = root?.demoFolded ?? false;
  const nav = useRouteLoaderData<typeof loader>("routes/_app");
  const { pathname } = useLocation();
  useInPageLinks();
  return (
    <>
      <a className="skip-link" href="#main">
        {t("app.skipToContent")}
      </a>
      <Header />
      {demo ? <DemoBanner folded={folded} date={nav?.demoDate ?? null} /> : null}
      <main id="main" className="page">
        <OutboxSlot userId={nav?.userId ?? null} />
        {children}
      </main>
      {nav ? <TabBar nav={nav} pathname={pathname} /> : null}
    </>
  );
}

/** A write kept on the phone (no connection) does not reload the page's data. */
export const shouldRevalidate = skipRevalidationWhenQueued;

type Panel = typeof OutboxPanel;

/** The outbox of writes kept on this phone, once the page has hydrated (it needs IndexedDB). */
function OutboxSlot({ userId }: { userId: string | null }) {
  const [Panel, setPanel] = useState<Panel | null>(null);
  useEffect(() => {
    setOutboxUser(userId);
    if (!userId || !("indexedDB" in window)) return;
    let live = true;
    void import("~/components/outbox-panel").then((m) => {
      if (live) setPanel(() => m.OutboxPanel);
    });
    // Loaded now, while there is a connection: a form kept on the phone later needs it at once.
    void import("~/outbox/queue");
    return () => {
      live = false;
    };
  }, [userId]);
  return Panel && userId ? <Panel userId={userId} /> : null;
}

export default function AppLayout() {
  return (
    <Shell>
      <Outlet />
    </Shell>
  );
}

export function ErrorBoundary() {
  return (
    <Shell>
      <Suspense fallback={null}>
        <ErrorPage />
      </Suspense>
    </Shell>
  );
}
