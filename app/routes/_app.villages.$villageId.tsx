import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { DemoBadge, ExitStatusBadge } from "~/components/badges";
import { useT, type MessageKey } from "~/i18n";
import { getVillage } from "~/models/village.server";
import { skipRevalidationWhenQueued } from "~/outbox/client-action";

/**
 * The village frame: name, status and the tabs (each a real URL). Tabs other than the overview
 * exist only for those who see the village in full; their own loaders check that again.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const village = await getVillage(viewer, params.villageId ?? "");
  if (!village) notFound();
  return {
    village: {
      id: village.id,
      nameZh: village.nameZh,
      namePinyin: village.namePinyin,
      nameSource: village.nameSource,
      townshipId: village.townshipId,
      townshipName: village.townshipName,
      exitStatus: village.exitStatus,
      exitYear: village.exitYear,
      full: village.access === "full",
    },
    own: viewer.villageIds.includes(village.id),
  };
}

const TABS: { to: string; label: MessageKey; end?: boolean }[] = [
  { to: "", label: "village.tab.overview", end: true },
  { to: "plan", label: "village.tab.plan" },
  { to: "households", label: "village.tab.households" },
  { to: "projects", label: "village.tab.projects" },
  { to: "cases", label: "village.tab.cases" },
  { to: "activity", label: "village.tab.activity" },
];

/** A write kept on the phone (no connection) does not reload the page's data. */
export const shouldRevalidate = skipRevalidationWhenQueued;

export default function VillageLayout() {
  const t = useT();
  const { village, own } = useLoaderData<typeof loader>();
  return (
    <article className="stack-lg">
      <nav aria-label={t("nav.breadcrumb")} className="breadcrumb">
        <Link to="/villages">{t("nav.villages")}</Link> ›{" "}
        <Link to={`/townships/${village.townshipId}`}>{village.townshipName}</Link>
      </nav>
      <header className="page-head">
        <h1>
          <span lang="zh-CN">{village.nameZh}</span> <DemoBadge source={village.nameSource} />
          {own ? <span className="badge badge-own">{t("villages.mine")}</span> : null}
        </h1>
        <p className="pinyin">{village.namePinyin}</p>
        <p>
          <ExitStatusBadge status={village.exitStatus} />
          {village.exitYear ? (
            <span className="muted">
              {" "}
              · {t("village.exitYear")} {village.exitYear}
            </span>
          ) : null}
        </p>
      </header>
      {village.full ? (
        <nav aria-label={t("village.tabs")} className="tabs">
          {TABS.map((tab) => (
            <NavLink
              key={tab.label}
              to={tab.to ? `/villages/${village.id}/${tab.to}` : `/villages/${village.id}`}
              end={tab.end}
              prefetch="intent"
              className="tab"
            >
              {t(tab.label)}
            </NavLink>
          ))}
        </nav>
      ) : null}
      <Outlet />
    </article>
  );
}
