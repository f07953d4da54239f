import type { TeamMember } from "~/models/team.server";
import { formatDate, useLocale, useT } from "~/i18n";
import { DemoBadge } from "~/components/badges";
import { TableRegion } from "~/components/table-region";

export function TeamMembersTable({ members }: { members: TeamMember[] }) {
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
        </tr>
      </thead>
      <tbody>
        {members.map((m) => (
          <tr key={m.membershipId}>
            <th scope="row">
              <span lang="zh-CN">{m.name}</span> <DemoBadge source={m.nameSource} />
            </th>
            <td>{t(`membershipRole.${m.role}`)}</td>
            <td>{t(`specialty.${m.specialty}`)}</td>
            <td>{m.sendingUnit}</td>
            <td>{formatDate(locale, m.startedOn)}</td>
          </tr>
        ))}
      </tbody>
    </TableRegion>
  );
}
