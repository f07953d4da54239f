/** The parts every spreadsheet import shares (the household roster, the county registry). */
import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { TableRegion } from "~/components/table-region";
import { messageWithParams, translateMessage, useT, type MessageKey } from "~/i18n";

/** The upload form: one .xlsx or .csv file, posted as multipart with `intent=upload`. */
export function SpreadsheetUploadForm({
  id,
  label,
  submit,
  busy,
}: {
  id: string;
  label: string;
  submit: string;
  busy: boolean;
}) {
  return (
    <Form method="post" encType="multipart/form-data" className="stack">
      <input type="hidden" name="intent" value="upload" />
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <input id={id} type="file" name="file" accept=".xlsx,.csv" required />
      </div>
      <button type="submit" className="button button-primary" disabled={busy}>
        {submit}
      </button>
    </Form>
  );
}

type Action = "new" | "update" | "unchanged" | "error";

interface Row {
  row: number;
  action: Action;
  issues: { column: string; message: string; params?: Record<string, string | number> }[];
}

const SHOWN_ROWS = 200;

/**
 * An import preview's rows: the row number, what the row is about, and its result (new, update,
 * unchanged, or error with every reason). Errors first, so the reason is the first thing read,
 * then what will change; long files show their first rows and say how many there are.
 */
export function ImportRowsTable<R extends Row>({
  label,
  columns,
  cells,
  rows,
  issueText,
  moreText,
}: {
  label: string;
  /** Headers of the columns between the row number and the result. */
  columns: string[];
  cells: (row: R) => ReactNode[];
  rows: R[];
  /** One reason as a sentence, from the row, its column and the translated message. */
  issueText: (row: R, column: string, message: string) => string;
  moreText: (shown: number, total: number) => string;
}) {
  const t = useT();
  const ordered = (["error", "new", "update", "unchanged"] as const).flatMap((action) =>
    rows.filter((r) => r.action === action),
  );
  const shown = ordered.slice(0, SHOWN_ROWS);
  return (
    <>
      <TableRegion label={label}>
        <thead>
          <tr>
            <th scope="col">{t("import.rows.number")}</th>
            {columns.map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
            <th scope="col">{t("import.rows.result")}</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.row} className={r.action === "error" ? "row-error" : undefined}>
              {/* A bare number: its card on a phone says what it is ("Row 12"). */}
              <th scope="row" data-label={t("import.rows.number")}>
                {r.row}
              </th>
              {cells(r).map((cell, i) => (
                <td key={i} data-label={columns[i]}>
                  {cell}
                </td>
              ))}
              <td data-label={t("import.rows.result")}>
                <span className={`import-${r.action}`}>{t(`import.action.${r.action}`)}</span>
                {r.issues.length ? (
                  <ul className="field-errors">
                    {r.issues.map((issue, i) => (
                      <li key={i}>
                        {issueText(
                          r,
                          issue.column,
                          translateMessage(
                            t,
                            messageWithParams(issue.message as MessageKey, issue.params),
                          ),
                        )}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </TableRegion>
      {rows.length > SHOWN_ROWS ? (
        <p className="muted small">{moreText(SHOWN_ROWS, rows.length)}</p>
      ) : null}
    </>
  );
}
