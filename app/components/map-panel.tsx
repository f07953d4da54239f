/**
 * The village picked on the map, beside it: its facts, a link to its page, and for a county admin
 * the position form (dragging its marker, or typing). Loaded with the map's own chunk (a village is
 * picked on the map), not with the page (decision 018).
 */
import { Link, type useFetcher } from "@remix-run/react";
import { lazy, Suspense, type RefObject } from "react";
import { DemoBadge, ExitStatusBadge, LevelBadge } from "~/components/badges";
import type { PositionActionData } from "~/components/position-form";
import { useT } from "~/i18n";
import type { MapVillage } from "~/utils/map-data";

/** Only county admins correct positions: the form (with Conform and Zod) loads when they open it. */
const PositionForm = lazy(() =>
  import("~/components/position-form").then((m) => ({ default: m.PositionForm })),
);

export type Drag = { id: string; lat: number; lon: number } | null;

export function VillagePanel({
  village,
  canEdit,
  drag,
  setDrag,
  positionFetcher,
  onClose,
  headingRef,
}: {
  village: MapVillage;
  canEdit: boolean;
  drag: Drag;
  setDrag: (drag: Drag) => void;
  positionFetcher: ReturnType<typeof useFetcher<PositionActionData>>;
  onClose: () => void;
  headingRef: RefObject<HTMLHeadingElement>;
}) {
  const t = useT();
  return (
    <section className="card map-panel" aria-labelledby="panel-title">
      <div className="panel-head">
        <h2 id="panel-title" ref={headingRef} tabIndex={-1}>
          {village.nameZh}
        </h2>
        <button type="button" className="button-close" onClick={onClose}>
          {t("map.panel.close")}
        </button>
      </div>
      <p className="pinyin">{village.namePinyin}</p>
      <dl className="facts">
        <div>
          <dt>{t("village.township")}</dt>
          <dd>{village.townshipName}</dd>
        </div>
        {village.type ? (
          <div>
            <dt>{t("village.type")}</dt>
            <dd>{t(`villageType.${village.type}`)}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t("map.panel.progress")}</dt>
          <dd>
            <ExitStatusBadge status={village.exitStatus} />
          </dd>
        </div>
        <div>
          <dt>{t("village.team")}</dt>
          <dd>
            {village.teamLevel ? (
              <>
                <LevelBadge level={village.teamLevel} /> {village.sendingUnit}
              </>
            ) : (
              t("map.panel.teamNone")
            )}
          </dd>
        </div>
        <div>
          <dt>{t("village.position")}</dt>
          <dd>
            {village.lat.toFixed(4)}, {village.lon.toFixed(4)}{" "}
            <DemoBadge source={village.demoPosition ? "demo" : "surveyed"} />
          </dd>
        </div>
      </dl>
      <p>
        <Link to={`/villages/${village.id}`}>{t("map.panel.open")}</Link>
      </p>
      {canEdit && village.version ? (
        <details className="position-edit" onToggle={(e) => !e.currentTarget.open && setDrag(null)}>
          <summary>{t("position.title")}</summary>
          <Suspense fallback={<p className="muted">{t("map.loading")}</p>}>
            <PositionForm
              key={`${village.id}-${village.version}`}
              villageId={village.id}
              lat={drag?.id === village.id ? drag.lat : village.lat}
              lon={drag?.id === village.id ? drag.lon : village.lon}
              version={village.version}
              method={drag?.id === village.id ? "drag" : "typed"}
              fetcher={positionFetcher}
            >
              <button
                type="button"
                className="button"
                aria-pressed={drag?.id === village.id}
                onClick={() =>
                  setDrag(
                    drag?.id === village.id
                      ? null
                      : { id: village.id, lat: village.lat, lon: village.lon },
                  )
                }
              >
                {t("position.drag")}
              </button>
            </PositionForm>
          </Suspense>
          {drag?.id === village.id ? <p className="muted small">{t("position.dragHint")}</p> : null}
        </details>
      ) : null}
    </section>
  );
}
