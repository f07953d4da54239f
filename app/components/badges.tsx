import type { ExitStatus, NameSource, UnitLevel } from "../../db/schema";
import { useT } from "~/i18n";
import { STATUS_STYLE } from "~/utils/status-style";

/** Marks invented names and positions visibly, as the county asked, until its own data replaces them. */
export function DemoBadge({ source }: { source: NameSource | "demo" | string }) {
  const t = useT();
  if (source !== "demo") return null;
  return (
    <span className="badge badge-demo" title={t("demo.badgeTitle")}>
      {t("demo.badge")}
    </span>
  );
}

/** Exit status with a colour and a distinct symbol (shared with the map), never colour alone. */

export function ExitStatusBadge({ status }: { status: ExitStatus }) {
  const t = useT();
  return (
    <span className={`badge status status-${status}`}>
      <span aria-hidden="true">{STATUS_STYLE[status].symbol} </span>
      {t(`exitStatus.${status}`)}
    </span>
  );
}

export function LevelBadge({ level }: { level: UnitLevel }) {
  const t = useT();
  return <span className={`badge level level-${level}`}>{t(`level.${level}`)}</span>;
}
