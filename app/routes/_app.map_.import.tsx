import {
  data,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { readUploadForm } from "~/utils/upload.server";
import { FieldErrors } from "~/components/field-errors";
import { useT } from "~/i18n";
import { TableRegion } from "~/components/table-region";
import {
  commitImport,
  loadPlaceIndex,
  MAX_IMPORT_BYTES,
  parseImport,
  type ImportMessage,
  type ParsedImport,
} from "~/models/geo-import.server";
import { hasAnywhere } from "~/permissions";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "import.title");

async function requireImporter(request: Request) {
  const viewer = await requireViewer(request);
  if (!hasAnywhere(viewer, "manage:geodata")) notFound();
  return viewer;
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireImporter(request);
  return null;
}

type ActionResult =
  | { step: "error"; errors: ImportMessage[] }
  | {
      step: "preview" | "done";
      fileName: string;
      content: string;
      gcj02: boolean;
      kind: NonNullable<ParsedImport["kind"]>;
      total: number;
      errors: ImportMessage[];
      rows: { row: number; label: string; result: "update" | "unchanged" }[];
      written?: number;
    };

/** Preview (intent=preview, a file upload) and confirm (intent=commit, the same content back). */
export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireImporter(request);
  // Only the page's own multipart forms are accepted; anything else is a bad request, not a crash.
  const upload = await readUploadForm(request, MAX_IMPORT_BYTES, [
    "file",
    "gcj02",
    "fileName",
    "content",
  ]);
  if (!upload.ok) {
    const key = upload.reason === "too-large" ? "import.error.tooLarge" : "import.error.noFile";
    return data<ActionResult>({ step: "error", errors: [{ key }] }, { status: 400 });
  }
  const form = upload.form;
  const intent = form.get("intent");
  const gcj02 = form.get("gcj02") === "on";
  let fileName: string;
  let content: string;
  if (intent === "preview") {
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) {
      return data<ActionResult>(
        { step: "error", errors: [{ key: "import.error.noFile" }] },
        { status: 400 },
      );
    }
    fileName = file.name;
    content = await file.text();
  } else if (intent === "commit") {
    fileName = String(form.get("fileName") ?? "");
    content = String(form.get("content") ?? "");
  } else {
    throw new Response("Unknown intent", { status: 400 });
  }

  const parsed =
    intent === "commit"
      ? await commitImport(viewer, fileName, content, { gcj02 })
      : {
          ...parseImport(fileName, content, await loadPlaceIndex(), { gcj02 }),
          written: undefined,
        };
  if (parsed.kind === null) {
    return data<ActionResult>({ step: "error", errors: parsed.errors }, { status: 400 });
  }
  const result: ActionResult = {
    step: intent === "commit" && parsed.errors.length === 0 ? "done" : "preview",
    fileName,
    content,
    gcj02,
    kind: parsed.kind,
    total: parsed.total,
    errors: parsed.errors,
    rows: parsed.rows.map((r) => ({ row: r.row, label: r.label, result: r.result })),
    written: parsed.written,
  };
  return data(result, { status: parsed.errors.length > 0 ? 400 : 200 });
}

export default function ImportPage() {
  const t = useT();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const message = (m: ImportMessage) => t(m.key, m.params);
  const kindLabel = result && result.step !== "error" ? t(`import.kind.${result.kind}`) : "";

  return (
    <article className="stack-lg">
      <nav aria-label={t("nav.breadcrumb")} className="breadcrumb">
        <Link to="/map">{t("nav.map")}</Link>
      </nav>
      <header className="page-head">
        <h1>{t("import.title")}</h1>
        <p className="muted">{t("import.intro")}</p>
      </header>

      <Form method="post" encType="multipart/form-data" className="card stack">
        <input type="hidden" name="intent" value="preview" />
        <div className="field">
          <label htmlFor="import-file">{t("import.file")}</label>
          <input
            id="import-file"
            name="file"
            type="file"
            accept=".geojson,.json,.csv,application/geo+json,text/csv"
          />
        </div>
        <label className="checkbox">
          <input
            type="checkbox"
            name="gcj02"
            defaultChecked={result && result.step !== "error" ? result.gcj02 : false}
          />{" "}
          {t("import.gcj02")}
        </label>
        <div>
          <button type="submit" className="button" disabled={busy}>
            {t("import.preview")}
          </button>
        </div>
      </Form>

      {result?.step === "error" ? (
        <div role="alert" className="card import-errors">
          <FieldErrors errors={result.errors.map(message)} />
        </div>
      ) : null}

      {result && result.step !== "error" ? (
        <section className="card stack" aria-labelledby="preview-title">
          <h2 id="preview-title">{result.fileName}</h2>
          {result.step === "done" ? (
            <p role="status" className="saved">
              {t("import.done", { count: result.written ?? 0, kind: kindLabel })}
            </p>
          ) : (
            <p role="status">
              {t("import.summary", {
                kind: kindLabel,
                rows: result.total,
                ok: result.rows.length,
                errors: result.errors.length,
              })}
            </p>
          )}
          {result.errors.length > 0 ? (
            <div role="alert" className="import-errors">
              <p>
                <strong>{t("import.allOrNothing")}</strong>
              </p>
              <FieldErrors errors={result.errors.map(message)} />
            </div>
          ) : result.step === "preview" ? (
            <Form method="post" encType="multipart/form-data">
              <input type="hidden" name="intent" value="commit" />
              <input type="hidden" name="fileName" value={result.fileName} />
              <input type="hidden" name="content" value={result.content} />
              {result.gcj02 ? <input type="hidden" name="gcj02" value="on" /> : null}
              <p>{t("import.ready")}</p>
              <button type="submit" className="button button-primary" disabled={busy}>
                {t("import.confirm")}
              </button>
            </Form>
          ) : null}
          {result.rows.length > 0 ? (
            <TableRegion label={result.fileName}>
              <thead>
                <tr>
                  <th scope="col">{t("import.col.row")}</th>
                  <th scope="col">{t("import.col.target")}</th>
                  <th scope="col">{t("import.col.result")}</th>
                </tr>
              </thead>
              <tbody>
                {result.rows.slice(0, 500).map((r) => (
                  <tr key={r.row}>
                    <td data-label={t("import.col.row")}>{r.row}</td>
                    <th scope="row">{r.label}</th>
                    <td data-label={t("import.col.result")}>{t(`import.result.${r.result}`)}</td>
                  </tr>
                ))}
              </tbody>
            </TableRegion>
          ) : null}
        </section>
      ) : null}
    </article>
  );
}
