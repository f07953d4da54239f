import { memo } from "react";
import type { TableVillage } from "~/models/village.server";
import { formatPercent, useLocale, useT } from "~/i18n";
import { DemoBadge, ExitStatusBadge, LevelBadge } from "~/components/badges";
import { PlaceName } from "~/components/place-name";
import { useIncidenceThreshold } from "~/components/standards";
import { KeptRows } from "~/components/kept-rows";
import { RowLink, TableRegion } from "~/components/table-region";

/**
 * The accessible table of villages used by the village list, township and map pages. Memoised: on
 * the map page it stands beside state that changes while the map loads (the map data's fetcher, a
 * selected village), and drawing its 89 rows again each time kept a phone busy for nothing.
 */
export const VillageTable = memo(function VillageTable({
  villages,
  caption,
  showTownship = true,
  ownVillageIds = [],
}: {
  villages: TableVillage[];
  caption: string;
  showTownship?: boolean;
  ownVillageIds?: readonly string[];
}) {
  const t = useT();
  const locale = useLocale();
  const threshold = useIncidenceThreshold();
  const anyFull = villages.some((v) => v.access === "full");
  return (
    <TableRegion label={caption}>
      <thead>
        <tr>
          <th scope="col">{t("villages.col.name")}</th>
          {showTownship ? <th scope="col">{t("villages.col.township")}</th> : null}
          {anyFull ? <th scope="col">{t("villages.col.type")}</th> : null}
          <th scope="col">{t("villages.col.status")}</th>
          {anyFull ? (
            <>
              <th scope="col" className="num">
                {t("villages.col.poor")}
              </th>
              <th scope="col" className="num">
                {t("villages.col.incidence")}
              </th>
            </>
          ) : null}
          <th scope="col">{t("villages.col.team")}</th>
        </tr>
      </thead>
      <KeptRows
        rows={villages}
        render={(villages) =>
          villages.map((v) => (
            <tr key={v.id} className={ownVillageIds.includes(v.id) ? "row-own" : undefined}>
              <th scope="row">
                <PlaceName
                  to={`/villages/${v.id}`}
                  name={v.nameZh}
                  pinyin={v.namePinyin}
                  source={v.nameSource}
                >
                  {ownVillageIds.includes(v.id) ? (
                    <span className="badge badge-own">{t("villages.mine")}</span>
                  ) : null}
                </PlaceName>
              </th>
              {showTownship ? (
                <td data-label={t("villages.col.township")}>
                  <RowLink to={`/townships/${v.townshipId}`}>{v.townshipName}</RowLink>
                </td>
              ) : null}
              {anyFull ? (
                <td data-label={t("villages.col.type")}>
                  {v.access === "full" ? t(`villageType.${v.type}`) : "—"}
                </td>
              ) : null}
              <td data-label={t("villages.col.status")}>
                <ExitStatusBadge status={v.exitStatus} />
              </td>
              {anyFull ? (
                <>
                  <td className="num" data-label={t("villages.col.poor")}>
                    {v.access === "full" ? `${v.poorHouseholds} / ${v.poorPeople}` : "—"}
                  </td>
                  <td
                    className={`num${v.access === "full" && v.incidence >= threshold ? " over-threshold" : ""}`}
                    data-label={t("villages.col.incidence")}
                  >
                    {v.access === "full" ? formatPercent(locale, v.incidence) : "—"}
                  </td>
                </>
              ) : null}
              <td data-label={t("villages.col.team")}>
                {v.team ? (
                  <>
                    <LevelBadge level={v.team.level} /> {v.team.sendingUnit}{" "}
                    <DemoBadge source={v.team.sendingUnitSource} />
                  </>
                ) : (
                  "—"
                )}
              </td>
            </tr>
          ))
        }
      />
    </TableRegion>
  );
});
