import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { HouseholdForm } from "~/components/household-form";
import { useT } from "~/i18n";
import { db } from "~/db.server";
import { getHousehold, incomeYears, updateHousehold } from "~/models/household.server";
import { teamCadres } from "~/models/team.server";
import { HouseholdSchema, householdInput, parseWithZod } from "~/schemas/forms.server";
import { formReply, invalidReply } from "~/utils/form-reply.server";
import { readForm } from "~/utils/form-guard.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.household.headName} · ${data.village.nameZh}` : "" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const villageId = params.villageId ?? "";
  const result = await getHousehold(viewer, villageId, params.householdId ?? "");
  if (!result.ok || !result.canEdit) notFound();
  const [years, cadres] = await Promise.all([
    incomeYears(db, villageId),
    teamCadres(db, villageId),
  ]);
  // Years the household already has an income for stay on the form even outside the programme.
  const allYears = [...new Set([...years, ...result.household.incomes.map((i) => i.year)])].sort();
  return { household: result.household, village: result.village, years: allYears, cadres };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  const villageId = params.villageId ?? "";
  const householdId = params.householdId ?? "";
  const submission = parseWithZod(await readForm(request, HouseholdSchema), {
    schema: HouseholdSchema,
  });
  if (submission.status !== "success") return invalidReply("household", submission);
  if (submission.value.version === undefined) {
    return invalidReply("household", submission);
  }
  const result = await updateHousehold(viewer, villageId, householdId, {
    ...householdInput(submission.value),
    version: submission.value.version,
  });
  return formReply(
    "household",
    submission,
    result,
    `/villages/${villageId}/households/${householdId}?saved=1`,
  );
}

export default function EditHousehold() {
  const t = useT();
  const { household, years, cadres } = useLoaderData<typeof loader>();
  return (
    <div className="stack-lg">
      <p>
        <Link to={`/villages/${household.villageId}/households/${household.id}`}>
          ← {household.headName}
        </Link>
      </p>
      <h2>{t("household.edit")}</h2>
      <HouseholdForm
        household={household}
        years={years}
        cadres={cadres}
        submitLabel={t("form.save")}
      />
    </div>
  );
}
