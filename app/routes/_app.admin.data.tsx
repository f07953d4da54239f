import {
  data,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { ImportRowsTable, SpreadsheetUploadForm } from "~/components/import-rows";
import { TableRegion } from "~/components/table-region";
import { formatList, messageWithParams, translateMessage, useLocale, useT } from "~/i18n";
import { resolveLocale } from "~/i18n/locale.server";
import {
  commitWorkbook,
  previewWorkbook,
  proposeSheets,
  sheetsFromForm,
} from "~/models/registry-import.server";
import { hasCountyWide } from "~/permissions";
import { pageTitle } from "~/utils/meta";
import {
  SHEET_COLUMNS,
  SHEET_KINDS,
  columnLabelKey,
  sheetLabelKey,
  type RowAction,
  type SheetPreview,
} from "~/utils/registry-sheets";
import {
  MAX_SPREADSHEET_BYTES,
  tablesFromForm,
  uploadedSpreadsheet,
  type Table,
  warmXlsxParser,
} from "~/utils/spreadsheet.server";
import { readUploadForm } from "~/utils/upload.server";

export const meta: MetaFunction = (args) => pageTitle(args, "registry.data.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  if (!hasCountyWide(viewer, "manage:registry")) notFound();
  // ExcelJS loads while the person chooses a file, not after they send it.
  void warmXlsxParser();
  return { maxMb: MAX_SPREADSHEET_BYTES / 1024 / 1024 };
}

type ActionData =
  | { step: "error"; error: string }
  | { step: "done"; fileName: string; counts: Record<RowAction, number> }
  | { step: "preview" | "rejected"; fileName: string; tables: string; previews: SheetPreview[] };

/** upload → preview (kinds or mapping changed) → commit; every step re-reads and re-checks everything. */
export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  if (!hasCountyWide(viewer, "manage:registry")) notFound();
  const locale = await resolveLocale(request);
  // Room for the parsed tables sent back with the preview; the file itself is capped when read.
  const upload = await readUploadForm(request, MAX_SPREADSHEET_BYTES * 3, [
    "file",
    "tables",
    "fileName",
    /^kind\.\d{1,2}$/,
    /^map\.\d{1,2}\.[A-Za-z]{1,40}$/,
  ]);
  if (!upload.ok) {
    return upload.reason !== "too-large"
      ? data<ActionData>({ step: "error", error: "spreadsheet.noFile" }, { status: 400 })
      : data<ActionData>(
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
  let fileName: string;
  let tables: Table[];
  let sheets;
  if (intent === "upload") {
    const upload = await uploadedSpreadsheet(form);
    if (!upload.ok)
      return data<ActionData>({ step: "error", error: upload.error }, { status: 400 });
    fileName = upload.fileName;
    tables = upload.tables;
    sheets = await proposeSheets(tables);
  } else if (intent === "preview" || intent === "commit") {
    const parsed = tablesFromForm(form.get("tables"));
    if (!parsed) {
      return data<ActionData>({ step: "error", error: "registry.data.invalid" }, { status: 400 });
    }
    fileName = String(form.get("fileName") ?? "").slice(0, 200);
    tables = parsed;
    sheets = sheetsFromForm(form, tables);
  } else {
    return data<ActionData>({ step: "error", error: "form.invalid" }, { status: 400 });
  }

  if (intent === "commit") {
    const result = await commitWorkbook(viewer, sheets, locale);
    if (result.ok) return data<ActionData>({ step: "done", fileName, counts: result.counts });
    if (result.reason !== "rejected") notFound();
    return data<ActionData>(
      { step: "rejected", fileName, tables: JSON.stringify(tables), previews: result.previews },
      { status: 422 },
    );
  }
  const preview = await previewWorkbook(viewer, sheets, locale);
  if (!preview.ok) notFound();
  return data<ActionData>({
    step: "preview",
    fileName,
    tables: JSON.stringify(tables),
    previews: preview.previews,
  });
}

export default function RegistryData() {
  const t = useT();
  const { maxMb } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";

  return (
    <div className="stack-lg">
      <p>
        <Link to="/admin">← {t("admin.title")}</Link>
      </p>
      <h1>{t("registry.data.title")}</h1>
      <p>{t("registry.data.intro")}</p>

      <section className="card stack" aria-labelledby="templates-title">
        <h2 id="templates-title">{t("registry.data.templates")}</h2>
        {/* Compact, yet too wide for a phone in English: cards there. */}
        <TableRegion label={t("registry.data.templates")} compact stack>
          <thead>
            <tr>
              <th scope="col">{t("registry.data.sheet")}</th>
              <th scope="col">{t("registry.data.templates")}</th>
            </tr>
          </thead>
          <tbody>
            {[null, ...SHEET_KINDS].map((kind) => {
              const what = kind ? t(sheetLabelKey(kind)) : t("registry.data.templateAll");
              const query = `template=1${kind ? `&sheet=${kind}` : ""}`;
              return (
                <tr key={kind ?? "all"}>
                  <th scope="row">{what}</th>
                  <td data-label={t("registry.data.templates")}>
                    <a
                      href={`/admin/data.xlsx?${query}&lang=zh-CN`}
                      download
                      aria-label={`${what} · ${t("registry.data.zh")}`}
                    >
                      {t("registry.data.zh")}
                    </a>
                    {" · "}
                    <a
                      href={`/admin/data.xlsx?${query}&lang=en`}
                      download
                      aria-label={`${what} · ${t("registry.data.en")}`}
                    >
                      {t("registry.data.en")}
                    </a>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </TableRegion>
        <p>
          <a href="/admin/data.xlsx" download className="button">
            {t("registry.data.export")}
          </a>{" "}
          <span className="muted small">{t("registry.data.exportHint")}</span>
        </p>
      </section>

      <section className="card stack" aria-labelledby="upload-title">
        <h2 id="upload-title">{t("registry.data.upload")}</h2>
        <SpreadsheetUploadForm
          id="registry-file"
          label={t("registry.data.file", { mb: maxMb })}
          submit={t("registry.data.upload")}
          busy={busy}
        />
      </section>

      {result?.step === "error" ? (
        <p role="alert" className="error-box">
          {translateMessage(t, result.error)}
        </p>
      ) : null}

      {result?.step === "done" ? (
        <p role="status" className="saved">
          {result.counts.new + result.counts.update === 0
            ? t("registry.data.nothing")
            : t("registry.data.done", {
                created: result.counts.new,
                updated: result.counts.update,
              })}
        </p>
      ) : null}

      {result && (result.step === "preview" || result.step === "rejected") ? (
        <Preview result={result} busy={busy} />
      ) : null}
    </div>
  );
}

function Preview({
  result,
  busy,
}: {
  result: {
    step: "preview" | "rejected";
    fileName: string;
    tables: string;
    previews: SheetPreview[];
  };
  busy: boolean;
}) {
  const t = useT();
  const total = (action: RowAction) => result.previews.reduce((n, p) => n + p.counts[action], 0);
  const blocked = result.previews.some((p) => p.counts.error > 0 || p.missing.length > 0);
  const changes = total("new") + total("update");
  return (
    <section className="card stack" aria-labelledby="preview-title">
      <h2 id="preview-title">{t("registry.data.preview", { file: result.fileName })}</h2>
      {blocked ? (
        <p role="alert" className="error-box">
          {t("registry.data.rejected", { count: total("error") })}
        </p>
      ) : null}
      <Form method="post" encType="multipart/form-data" className="stack">
        <input type="hidden" name="tables" value={result.tables} />
        <input type="hidden" name="fileName" value={result.fileName} />
        {result.previews.map((preview) => (
          <SheetSection key={preview.index} preview={preview} />
        ))}
        <div className="button-row">
          <button type="submit" name="intent" value="preview" className="button">
            {t("registry.data.remap")}
          </button>
          <button
            type="submit"
            name="intent"
            value="commit"
            className="button button-primary"
            disabled={busy || blocked}
          >
            {t("registry.data.commit", { count: changes })}
          </button>
        </div>
      </Form>
    </section>
  );
}

function SheetSection({ preview }: { preview: SheetPreview }) {
  const t = useT();
  const locale = useLocale();
  const id = `sheet-${preview.index}`;
  const kind = preview.kind;
  return (
    <section className="stack" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>
        {t("registry.data.sheetTitle", { sheet: preview.name })}
        {kind ? (
          <span className="muted small">
            {" "}
            {t("registry.data.recognisedAs", { kind: t(sheetLabelKey(kind)) })}
          </span>
        ) : null}
      </h3>
      <div className="field">
        <label htmlFor={`${id}-kind`}>{t("registry.data.sheetKind")}</label>
        <select id={`${id}-kind`} name={`kind.${preview.index}`} defaultValue={kind ?? ""}>
          <option value="">{t("registry.data.ignore")}</option>
          {SHEET_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(sheetLabelKey(k))}
            </option>
          ))}
        </select>
      </div>
      {!kind ? (
        <p className="muted">{t("registry.data.unrecognised", { sheet: preview.name })}</p>
      ) : (
        <>
          <p role="status">
            {t("registry.data.sheetCounts", {
              total: preview.rows.length,
              created: preview.counts.new,
              updated: preview.counts.update,
              unchanged: preview.counts.unchanged,
              errors: preview.counts.error,
            })}
          </p>
          {preview.missing.length ? (
            <p role="alert" className="error-box">
              {t("registry.data.missing", {
                columns: formatList(
                  locale,
                  preview.missing.map((c) => t(columnLabelKey(kind, c))),
                ),
              })}
            </p>
          ) : null}
          <details open={preview.missing.length > 0}>
            <summary>{t("registry.data.mapping")}</summary>
            <div className="form-grid">
              {SHEET_COLUMNS[kind].map((column) => (
                <div className="field" key={column.key}>
                  <label htmlFor={`${id}-map-${column.key}`}>
                    {t(columnLabelKey(kind, column.key))}
                    {column.required ? " *" : ""}
                  </label>
                  <select
                    id={`${id}-map-${column.key}`}
                    name={`map.${preview.index}.${column.key}`}
                    defaultValue={preview.mapping[column.key] ?? ""}
                  >
                    <option value="">{t("registry.data.notInFile")}</option>
                    {preview.headers.map((h, i) => (
                      <option key={i} value={i}>
                        {h || t("registry.data.column", { n: i + 1 })}
                      </option>
                    ))}
                  </select>
                </div>
              ))}
            </div>
          </details>
          {preview.rows.length ? (
            // A sheet with nothing to change or fix keeps its rows folded away.
            <details open={preview.counts.unchanged < preview.rows.length}>
              <summary>{t("registry.data.rowsOf", { sheet: preview.name })}</summary>
              <ImportRowsTable
                label={`${t("registry.data.sheetTitle", { sheet: preview.name })} · ${t("import.rows.result")}`}
                columns={[t("registry.data.what")]}
                rows={preview.rows}
                cells={(r) => [r.label]}
                issueText={(r, column, message) =>
                  t("registry.data.issue", { sheet: preview.name, row: r.row, column, message })
                }
                moreText={(shown, total) => t("registry.data.moreRows", { shown, total })}
              />
            </details>
          ) : null}
        </>
      )}
    </section>
  );
}
