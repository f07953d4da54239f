/**
 * The county admin's rotation forms on a team page: assign a cadre from the reserve, and for each
 * current member recall them or replace them with someone from the reserve. All are plain forms.
 */
import { InputField, SelectField } from "~/components/form-fields";
import { EditForm, useEditForm, useFormReply } from "~/components/form-reply";
import { useT } from "~/i18n";
import type { TeamMember } from "~/models/team.server";
import { MEMBERSHIP_ROLES, type Specialty } from "../../db/schema";

interface ReserveCadre {
  id: string;
  name: string;
  specialty: Specialty;
  unit: string;
}

function useCadreOptions(reserve: readonly ReserveCadre[]) {
  const t = useT();
  return reserve.map((c) => ({
    value: c.id,
    label: `${c.name} · ${t(`specialty.${c.specialty}`)} · ${c.unit}`,
  }));
}

export function AssignForm({ reserve, today }: { reserve: ReserveCadre[]; today: string }) {
  const t = useT();
  const { form, fields, reply } = useEditForm(
    "assign",
    () => import("~/schemas/forms").then((m) => m.AssignSchema),
    {
      role: "member",
      startedOn: today,
    },
  );
  const options = useCadreOptions(reserve);
  if (!reserve.length) return <p className="muted">{t("rotation.noReserve")}</p>;
  return (
    <EditForm
      form={form}
      formId="assign"
      intent="assign"
      reply={reply}
      submitLabel={t("rotation.assignSubmit")}
    >
      <SelectField field={fields.cadreId} label={t("rotation.cadre")} options={options} empty="" />
      <SelectField
        field={fields.role}
        label={t("team.col.role")}
        options={MEMBERSHIP_ROLES.map((r) => ({ value: r, label: t(`membershipRole.${r}`) }))}
      />
      <InputField field={fields.startedOn} type="date" label={t("rotation.startedOn")} />
    </EditForm>
  );
}

function EndForm({ member, today }: { member: TeamMember; today: string }) {
  const t = useT();
  const formId = `end-${member.membershipId}`;
  const { form, fields, reply } = useEditForm(
    formId,
    () => import("~/schemas/forms").then((m) => m.EndMembershipSchema),
    {
      leavesOn: today,
      reason: "recalled",
    },
  );
  return (
    <EditForm
      form={form}
      formId={formId}
      intent="end"
      reply={reply}
      hidden={{ membershipId: member.membershipId }}
      submitLabel={t("rotation.endSubmit", { name: member.name })}
    >
      <InputField
        field={fields.leavesOn}
        type="date"
        label={t("rotation.leavesOn")}
        hint={t("rotation.leavesOnHint")}
      />
      <SelectField
        field={fields.reason}
        label={t("rotation.reason")}
        options={(["recalled", "rotated"] as const).map((r) => ({
          value: r,
          label: t(`rotation.reason.${r}`),
        }))}
      />
      <InputField field={fields.note} label={t("rotation.note")} className="wide" />
    </EditForm>
  );
}

function ReplaceForm({
  member,
  reserve,
  today,
}: {
  member: TeamMember;
  reserve: ReserveCadre[];
  today: string;
}) {
  const t = useT();
  const formId = `replace-${member.membershipId}`;
  const { form, fields, reply } = useEditForm(
    formId,
    () => import("~/schemas/forms").then((m) => m.ReplaceSchema),
    { on: today },
  );
  const options = useCadreOptions(reserve);
  return (
    <EditForm
      form={form}
      formId={formId}
      intent="replace"
      reply={reply}
      hidden={{ membershipId: member.membershipId }}
      submitLabel={t("rotation.replaceSubmit", { name: member.name })}
    >
      <SelectField
        field={fields.cadreId}
        label={t("rotation.successor")}
        options={options}
        empty=""
      />
      <InputField field={fields.on} type="date" label={t("rotation.replaceOn")} />
      <InputField field={fields.note} label={t("rotation.note")} className="wide" />
    </EditForm>
  );
}

function MemberRotation({
  member,
  reserve,
  today,
}: {
  member: TeamMember;
  reserve: ReserveCadre[];
  today: string;
}) {
  const t = useT();
  // Opened again when one of its forms answered (an error to read), closed otherwise.
  const endReply = useFormReply(`end-${member.membershipId}`);
  const replaceReply = useFormReply(`replace-${member.membershipId}`);
  const answered = endReply ?? replaceReply;
  return (
    <details className="disclosure" open={Boolean(answered)}>
      <summary>{t("rotation.changeMember", { name: member.name })}</summary>
      <div className="stack">
        <h3 className="small-heading">{t("rotation.end")}</h3>
        <EndForm member={member} today={today} />
        {reserve.length ? (
          <>
            <h3 className="small-heading">{t("rotation.replace")}</h3>
            <ReplaceForm member={member} reserve={reserve} today={today} />
          </>
        ) : null}
      </div>
    </details>
  );
}

export function RotationForms({
  members,
  reserve,
  today,
}: {
  members: TeamMember[];
  reserve: ReserveCadre[];
  today: string;
}) {
  return (
    <div className="stack">
      {members.map((m) => (
        <MemberRotation key={m.membershipId} member={m} reserve={reserve} today={today} />
      ))}
    </div>
  );
}
