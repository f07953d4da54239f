import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, NavLink, Outlet, useLocation, useRouteLoaderData } from "@remix-run/react";
import { requireViewer } from "~/auth.server";
import { hasAnywhere, hasCountyWide } from "~/permissions";
import { pendingForViewer } from "~/models/leave.server";
import { unreadCount } from "~/models/notice.server";
import { ErrorPage } from "~/components/error-page";
import { useLocale, useT } from "~/i18n";
import type { loader as rootLoader } from "~/root";

/**
 * Every page behind sign-in shares this layout; the loader turns anonymous visitors to /login and
 * gives the navigation what it shows: which entries apply, unread notices, leave to decide.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const [unread, pendingLeave] = await Promise.all([unreadCount(viewer), pendingForViewer(viewer)]);
  return {
    cadre: viewer.cadreId !== null,
    dashboard: hasAnywhere(viewer, "read:dashboard"),
    bulletin: hasAnywhere(viewer, "read:bulletin"),
    accounts: hasCountyWide(viewer, "manage:account"),
    admin: hasCountyWide(viewer, "manage:registry"),
    unread,
    pendingLeave,
  };
}

function LanguageSwitch() {
  const t = useT();
  const locale = useLocale();
  const location = useLocation();
  return (
    <Form method="post" action="/locale" className="language-switch" reloadDocument={false}>
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
    </Form>
  );
}

/** A menu entry that stays current on every page of its section (both boards, not only the one it opens). */
function SectionLink({
  to,
  section,
  pathname,
  children,
}: {
  to: string;
  section: string;
  pathname: string;
  children: React.ReactNode;
}) {
  const current = pathname.startsWith(section);
  return (
    <Link
      to={to}
      className={current ? "active" : undefined}
      aria-current={current ? "page" : undefined}
    >
      {children}
    </Link>
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
      <Link to="/" className="brand">
        <img src="/favicon.svg" alt="" width={28} height={28} />
        <span>{t("app.name")}</span>
      </Link>
      <nav aria-label={t("nav.main")} className="main-nav">
        {nav?.cadre ? <NavLink to="/me">{t("nav.me")}</NavLink> : null}
        {nav?.dashboard ? <NavLink to="/dashboard">{t("nav.dashboard")}</NavLink> : null}
        <NavLink to="/map">{t("nav.map")}</NavLink>
        <NavLink to="/villages">{t("nav.villages")}</NavLink>
        <NavLink to="/townships">{t("nav.townships")}</NavLink>
        <SectionLink to="/boards/cases" section="/boards/" pathname={pathname}>
          {t("nav.boards")}
        </SectionLink>
        <NavLink to="/teams">{t("nav.teams")}</NavLink>
        <NavLink to="/reports/weekly">{t("nav.reports")}</NavLink>
        {nav?.bulletin ? <NavLink to="/reports/monthly">{t("nav.bulletin")}</NavLink> : null}
        <NavLink to="/notices">
          {t("nav.notices")}
          {nav?.unread ? (
            <span className="nav-badge" aria-label={t("nav.unreadBadge", { count: nav.unread })}>
              {nav.unread}
            </span>
          ) : null}
        </NavLink>
        <NavLink to="/leave">
          {t("nav.leave")}
          {nav?.pendingLeave ? (
            <span
              className="nav-badge"
              aria-label={t("nav.pendingBadge", { count: nav.pendingLeave })}
            >
              {nav.pendingLeave}
            </span>
          ) : null}
        </NavLink>
        {nav?.admin ? <NavLink to="/admin">{t("nav.admin")}</NavLink> : null}
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
                <Link to="/account/password">{t("account.password.title")}</Link>
                <br />
                <Link to="/account/sessions">{t("sessions.title")}</Link>
                {nav?.accounts ? (
                  <>
                    <br />
                    <Link to="/admin/accounts">{t("account.admin.title")}</Link>
                  </>
                ) : null}
              </p>
              <Form method="post" action="/logout">
                <button type="submit" className="button">
                  {t("nav.signOut")}
                </button>
              </Form>
            </div>
          </details>
        ) : null}
      </div>
    </header>
  );
}

function Shell({ children }: { children: React.ReactNode }) {
  const t = useT();
  const demo = useRouteLoaderData<typeof rootLoader>("root")?.demo;
  return (
    <>
      <a className="skip-link" href="#main">
        {t("app.skipToContent")}
      </a>
      <Header />
      {demo ? (
        <p className="demo-banner" role="note">
          {t("demo.banner")}
        </p>
      ) : null}
      <main id="main" className="page">
        {children}
      </main>
    </>
  );
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
      <ErrorPage />
    </Shell>
  );
}
