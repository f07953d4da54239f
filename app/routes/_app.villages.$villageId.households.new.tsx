import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { HouseholdForm } from "~/components/household-form";
import { useT } from "~/i18n";
import { db } from "~/db.server";
import { authorizeVillage } from "~/models/access.server";
import { createHousehold, incomeYears } from "~/models/household.server";
import { teamCadres } from "~/models/team.server";
import { HouseholdSchema, householdInput, parseWithZod } from "~/schemas/forms.server";
import { formReply, invalidReply } from "~/utils/form-reply.server";
import { villageTabTitle } from "~/utils/meta";
import { readForm } from "~/utils/form-guard.server";

export const meta: MetaFunction = (args) => villageTabTitle(args, "household.add");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const villageId = params.villageId ?? "";
  const auth = await authorizeVillage(db, viewer, villageId, "update:household");
  if (!auth.ok) notFound();
  const [years, cadres] = await Promise.all([
    incomeYears(db, villageId),
    teamCadres(db, villageId),
  ]);
  return { villageId, years, cadres };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  const villageId = params.villageId ?? "";
  const submission = parseWithZod(await readForm(request, HouseholdSchema), {
    schema: HouseholdSchema,
  });
  if (submission.status !== "success") return invalidReply("household", submission);
  const result = await createHousehold(viewer, villageId, householdInput(submission.value));
  return formReply(
    "household",
    submission,
    result,
    result.ok ? `/villages/${villageId}/households/${result.value}?saved=1` : "",
  );
}

export default function NewHousehold() {
  const t = useT();
  const { villageId, years, cadres } = useLoaderData<typeof loader>();
  return (
    <div className="stack-lg">
      <p>
        <Link to={`/villages/${villageId}/households`}>← {t("household.backToList")}</Link>
      </p>
      <h2>{t("household.add")}</h2>
      <HouseholdForm
        household={null}
        years={years}
        cadres={cadres}
        submitLabel={t("household.addSubmit")}
      />
    </div>
  );
}
