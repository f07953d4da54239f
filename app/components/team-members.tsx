import { Link } from "@remix-run/react";
import type { TeamMember } from "~/models/team.server";
import type { MembershipRecord } from "~/models/team-roster.server";
import { formatDate, useLocale, useT } from "~/i18n";
import { DemoBadge } from "~/components/badges";
import { TableRegion } from "~/components/table-region";

interface MonthRecord {
  inVillage: number;
  expected: number;
  leaveDays: number;
}

/**
 * The team's current members. With `attendance`, each member's in-village days this month so far
 * against what the rule expects of them: a record for the county to follow up, not a score.
 */
export function TeamMembersTable({
  members,
  attendance,
  rule,
}: {
  members: TeamMember[];
  attendance?: Record<string, MonthRecord> | null;
  rule?: number;
}) {
  const t = useT();
  const locale = useLocale();
  return (
    <TableRegion label={t("team.members")}>
      <thead>
        <tr>
          <th scope="col">{t("team.col.name")}</th>
          <th scope="col">{t("team.col.role")}</th>
          <th scope="col">{t("team.col.specialty")}</th>
          <th scope="col">{t("team.col.unit")}</th>
          <th scope="col">{t("team.col.since")}</th>
          {attendance ? <th scope="col">{t("team.col.days", { rule: rule ?? 0 })}</th> : null}
        </tr>
      </thead>
      <tbody>
        {members.map((m) => {
          const record = attendance?.[m.cadreId];
          return (
            <tr key={m.membershipId}>
              <th scope="row">
                <Link to={`/cadres/${m.cadreId}`} lang="zh-CN">
                  {m.name}
                </Link>{" "}
                <DemoBadge source={m.nameSource} />
              </th>
              <td data-label={t("team.col.role")}>{t(`membershipRole.${m.role}`)}</td>
              <td data-label={t("team.col.specialty")}>{t(`specialty.${m.specialty}`)}</td>
              <td data-label={t("team.col.unit")}>{m.sendingUnit}</td>
              <td data-label={t("team.col.since")}>{formatDate(locale, m.startedOn)}</td>
              {attendance ? (
                <td data-label={t("team.col.days", { rule: rule ?? 0 })}>
                  {record
                    ? t("attendance.cell", { days: record.inVillage, expected: record.expected })
                    : "—"}
                  {record?.leaveDays ? (
                    <span className="small muted">
                      {" "}
                      · {t("attendance.leaveDays", { days: record.leaveDays })}
                    </span>
                  ) : null}
                </td>
              ) : null}
            </tr>
          );
        })}
      </tbody>
    </TableRegion>
  );
}

/**
 * Memberships with their period and why each ended: a team's former members (`show="cadre"`) or
 * the teams a cadre served in (`show="team"`). History survives every rotation.
 */
export function MembershipHistoryTable({
  rows,
  show,
  label,
}: {
  rows: MembershipRecord[];
  show: "cadre" | "team";
  label: string;
}) {
  const t = useT();
  const locale = useLocale();
  return (
    <TableRegion label={label}>
      <thead>
        <tr>
          <th scope="col">{show === "cadre" ? t("team.col.name") : t("team.village")}</th>
          <th scope="col">{t("team.col.role")}</th>
          <th scope="col">{t("team.col.period")}</th>
          <th scope="col">{t("team.col.endReason")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((m) => (
          <tr key={m.id}>
            <th scope="row">
              {show === "cadre" ? (
                <>
                  <Link to={`/cadres/${m.cadreId}`}>{m.cadreName}</Link>{" "}
                  <DemoBadge source={m.cadreSource} />
                </>
              ) : (
                <Link to={`/teams/${m.teamId}`}>{m.village.name}</Link>
              )}
            </th>
            <td data-label={t("team.col.role")}>{t(`membershipRole.${m.role}`)}</td>
            <td data-label={t("team.col.period")}>
              {formatDate(locale, m.startedOn)} –{" "}
              {m.endedOn ? formatDate(locale, m.endedOn) : t("cadre.present")}
            </td>
            <td data-label={t("team.col.endReason")}>
              {m.endReason ? t(`rotation.reason.${m.endReason}`) : "—"}
              {m.endNote ? <span className="small muted"> · {m.endNote}</span> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </TableRegion>
  );
}
