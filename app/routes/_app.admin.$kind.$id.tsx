import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { adminKindOf } from "~/utils/admin-kind.server";
import { RegistryField } from "~/components/registry-field";
import { messageWithParams, useT } from "~/i18n";
import { adminForm, saveRecord } from "~/models/registry-admin.server";
import { hasCountyWide } from "~/permissions";
import { pageTitle } from "~/utils/meta";
import { SHEET_COLUMNS, sheetLabelKey } from "~/utils/registry-sheets";
import { readForm } from "~/utils/form-guard.server";

export const meta: MetaFunction<typeof loader> = (args) =>
  pageTitle(args, args.data ? sheetLabelKey(args.data.kind) : "admin.title");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const kind = adminKindOf(params);
  const id = params.id === "new" ? null : (params.id ?? "");
  const form = await adminForm(viewer, kind, id);
  if (!form) notFound();
  return { kind, id, ...form };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  const kind = adminKindOf(params);
  if (!hasCountyWide(viewer, "manage:registry")) notFound();
  const id = params.id === "new" ? null : (params.id ?? "");
  const form = await readForm(
    request,
    SHEET_COLUMNS[kind].map((c) => c.key),
  );
  const cells = Object.fromEntries(
    SHEET_COLUMNS[kind].map((c) => [c.key, String(form.get(c.key) ?? "").slice(0, 200)]),
  );
  const result = await saveRecord(viewer, kind, id, cells);
  if (result.ok) return redirect(`/admin/${kind}?saved=admin`);
  if (result.reason !== "invalid") notFound();
  // Every problem next to its field, and every typed value kept.
  const errors: Record<string, string[]> = {};
  for (const issue of result.issues) {
    (errors[issue.column] ??= []).push(messageWithParams(issue.message, issue.params));
  }
  return data({ errors, cells }, { status: 400 });
}

export default function AdminRecord() {
  const t = useT();
  const { kind, id, label, cells, locked, options } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const values: Record<string, string> = actionData?.cells ?? cells;
  const title = id ? t("admin.editTitle", { name: label ?? "" }) : t(`admin.add.${kind}`);
  return (
    <div className="stack-lg">
      <p>
        <Link to={`/admin/${kind}`}>← {t("admin.back")}</Link>
      </p>
      <h1>{title}</h1>
      {actionData?.errors ? (
        <p role="alert" className="error-box">
          {t("form.invalid")}
        </p>
      ) : null}
      <Form method="post" className="card stack" noValidate>
        <div className="form-grid">
          {SHEET_COLUMNS[kind].map((column) => (
            <RegistryField
              key={column.key}
              kind={kind}
              column={column}
              value={values[column.key] ?? ""}
              errors={actionData?.errors[column.key]}
              options={options}
              locked={locked.includes(column.key)}
            />
          ))}
        </div>
        <div className="button-row">
          <button
            type="submit"
            className="button button-primary"
            disabled={navigation.state === "submitting"}
          >
            {t("admin.save")}
          </button>
          {kind === "teams" && id ? (
            <Link to={`/teams/${id}`} className="button">
              {t("registry.sheet.memberships")}
            </Link>
          ) : null}
        </div>
      </Form>
    </div>
  );
}
