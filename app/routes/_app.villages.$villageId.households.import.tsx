import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { ImportRowsTable, SpreadsheetUploadForm } from "~/components/import-rows";
import { db } from "~/db.server";
import { formatList, translateMessage, messageWithParams, useLocale, useT } from "~/i18n";
import { authorizeVillage } from "~/models/access.server";
import { ROSTER_COLUMNS, columnKey } from "~/utils/roster-columns";
import {
  commitImport,
  guessMapping,
  mappingFromForm,
  previewImport,
  type ImportPreview,
  type Mapping,
} from "~/models/household-import.server";
import { villageTabTitle } from "~/utils/meta";
import { readUploadForm } from "~/utils/upload.server";
import {
  MAX_SPREADSHEET_BYTES,
  tablesFromForm,
  uploadedSpreadsheet,
  type Table,
  warmXlsxParser,
} from "~/utils/spreadsheet.server";

export const meta: MetaFunction = (args) => villageTabTitle(args, "import.households.title");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const villageId = params.villageId ?? "";
  const auth = await authorizeVillage(db, viewer, villageId, "update:household");
  if (!auth.ok) notFound();
  // ExcelJS loads while the person chooses a file, not after they send it (a CSV needs none).
  void warmXlsxParser();
  return { villageId, maxMb: MAX_SPREADSHEET_BYTES / 1024 / 1024 };
}

type ActionData =
  | { step: "error"; error: string }
  | {
      step: "preview" | "rejected";
      fileName: string;
      table: string;
      headers: string[];
      mapping: Mapping;
      preview: ImportPreview;
    };

/** upload (a file) → preview (mapping changed) → commit; every step re-reads and re-checks everything. */
export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  const villageId = params.villageId ?? "";
  const auth = await authorizeVillage(db, viewer, villageId, "update:household");
  if (!auth.ok && auth.reason === "not-found") notFound();
  if (!auth.ok)
    return data<ActionData>({ step: "error", error: "form.forbidden" }, { status: 403 });

  // Room for the parsed table sent back with the preview; the file itself is capped when read.
  const upload = await readUploadForm(request, MAX_SPREADSHEET_BYTES * 2, [
    "file",
    "table",
    "fileName",
    /^map\.[A-Za-z]{1,40}$/,
  ]);
  if (!upload.ok && upload.reason !== "too-large") {
    return data<ActionData>({ step: "error", error: "spreadsheet.noFile" }, { status: 400 });
  }
  if (!upload.ok) {
    return data<ActionData>(
      {
        step: "error",
        error: messageWithParams("spreadsheet.tooLarge", {
          mb: MAX_SPREADSHEET_BYTES / 1024 / 1024,
        }),
      },
      { status: 413 },
    );
  }
  const form = upload.form;

  const intent = form.get("intent");
  let table: Table;
  let fileName: string;
  let mapping: Mapping;
  if (intent === "upload") {
    const upload = await uploadedSpreadsheet(form, { firstSheetOnly: true });
    if (!upload.ok)
      return data<ActionData>({ step: "error", error: upload.error }, { status: 400 });
    table = upload.tables[0]!;
    fileName = upload.fileName;
    mapping = guessMapping(table.headers);
  } else if (intent === "preview" || intent === "commit") {
    const parsed = tablesFromForm(form.get("table"))?.[0];
    if (!parsed)
      return data<ActionData>({ step: "error", error: "spreadsheet.noFile" }, { status: 400 });
    table = parsed;
    fileName = String(form.get("fileName") ?? "").slice(0, 200);
    mapping = mappingFromForm(form, table.headers.length);
  } else {
    return data<ActionData>({ step: "error", error: "form.invalid" }, { status: 400 });
  }

  if (intent === "commit") {
    const result = await commitImport(viewer, villageId, table, mapping, fileName);
    if (result.ok) {
      return redirect(
        `/villages/${villageId}/households?imported=${result.counts.new + result.counts.update}`,
      );
    }
    if (result.reason !== "rejected") {
      if (result.reason === "not-found") notFound();
      return data<ActionData>({ step: "error", error: "form.forbidden" }, { status: 403 });
    }
    const { ok: _ok, reason: _reason, ...preview } = result;
    return data<ActionData>(
      {
        step: "rejected",
        fileName,
        table: JSON.stringify(table),
        headers: table.headers,
        mapping,
        preview,
      },
      { status: 422 },
    );
  }
  const preview = await previewImport(viewer, villageId, table, mapping);
  if (!preview.ok) notFound();
  const { ok: _ok, ...rest } = preview;
  return data<ActionData>({
    step: "preview",
    fileName,
    table: JSON.stringify(table),
    headers: table.headers,
    mapping,
    preview: rest,
  });
}

export default function ImportHouseholds() {
  const t = useT();
  const locale = useLocale();
  const { villageId, maxMb } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";

  return (
    <div className="stack-lg">
      <p>
        <Link to={`/villages/${villageId}/households`}>← {t("household.backToList")}</Link>
      </p>
      <h2>{t("import.households.title")}</h2>
      <section className="card stack">
        <p>{t("import.households.intro", { mb: maxMb })}</p>
        <p>
          <a href={`/villages/${villageId}/households.xlsx?template=1`} download>
            {t("import.households.template")}
          </a>
        </p>
        <SpreadsheetUploadForm
          id="roster-file"
          label={t("import.households.file")}
          submit={t("import.households.upload")}
          busy={busy}
        />
      </section>

      {result?.step === "error" ? (
        <p role="alert" className="error-box">
          {translateMessage(t, result.error)}
        </p>
      ) : null}

      {result && result.step !== "error" ? (
        <section className="card stack" aria-labelledby="preview-title">
          <h3 id="preview-title">{t("import.households.preview", { file: result.fileName })}</h3>
          {result.step === "rejected" ? (
            <p role="alert" className="error-box">
              {t("import.households.rejected", { count: result.preview.counts.error })}
            </p>
          ) : null}
          <p role="status">
            {t("import.households.counts", {
              total: result.preview.rows.length,
              created: result.preview.counts.new,
              updated: result.preview.counts.update,
              unchanged: result.preview.counts.unchanged,
              errors: result.preview.counts.error,
            })}
          </p>
          {result.preview.missingColumns.length ? (
            <p role="alert" className="error-box">
              {t("import.households.missing", {
                columns: formatList(
                  locale,
                  result.preview.missingColumns.map((c) => t(columnKey(c))),
                ),
              })}
            </p>
          ) : null}
          <Form method="post" encType="multipart/form-data" className="stack">
            <input type="hidden" name="table" value={result.table} />
            <input type="hidden" name="fileName" value={result.fileName} />
            <details open={result.preview.missingColumns.length > 0}>
              <summary>{t("import.households.mapping")}</summary>
              <div className="form-grid">
                {ROSTER_COLUMNS.map((column) => (
                  <div className="field" key={column}>
                    <label htmlFor={`map-${column}`}>{t(columnKey(column))}</label>
                    <select
                      id={`map-${column}`}
                      name={`map.${column}`}
                      defaultValue={result.mapping[column] ?? ""}
                    >
                      <option value="">{t("import.households.notInFile")}</option>
                      {result.headers.map((h, i) => (
                        <option key={i} value={i}>
                          {h || t("import.households.column", { n: i + 1 })}
                        </option>
                      ))}
                    </select>
                  </div>
                ))}
              </div>
              <p className="muted small">
                {result.preview.incomeYears.length
                  ? t("import.households.incomeColumns", {
                      years: formatList(locale, result.preview.incomeYears.map(String)),
                    })
                  : t("import.households.noIncomeColumns")}
              </p>
              <button type="submit" name="intent" value="preview" className="button">
                {t("import.households.remap")}
              </button>
            </details>
            <ImportRowsTable
              label={t("import.households.rows")}
              columns={[t("household.code"), t("household.head")]}
              rows={result.preview.rows}
              cells={(r) => [r.code, r.headName]}
              issueText={(r, column, message) =>
                t("import.households.issue", { row: r.row, column, message })
              }
              moreText={(shown, total) => t("import.households.moreRows", { shown, total })}
            />
            <button
              type="submit"
              name="intent"
              value="commit"
              className="button button-primary"
              disabled={
                busy || result.preview.counts.error > 0 || result.preview.missingColumns.length > 0
              }
            >
              {t("import.households.commit", {
                count: result.preview.counts.new + result.preview.counts.update,
              })}
            </button>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
