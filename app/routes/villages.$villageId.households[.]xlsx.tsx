import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireViewer } from "~/auth.server";
import { translate } from "~/i18n/catalogues.server";
import { resolveLocale } from "~/i18n/locale.server";
import { rosterSheet } from "~/models/household-import.server";
import { today } from "~/utils/dates";
import { workbookStream, xlsxResponse } from "~/utils/spreadsheet.server";

/** The household roster as .xlsx, in the columns the import reads; `?template=1` gives the headers only. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const locale = await resolveLocale(request);
  const template = new URL(request.url).searchParams.has("template");
  const sheet = await rosterSheet(viewer, params.villageId ?? "", locale, { template });
  if (!sheet.ok) notFound();
  const name = translate(locale, "roster.sheetName");
  const body = workbookStream(
    [
      {
        name,
        columns: sheet.columns,
        rows: sheet.rows,
      },
    ],
    { creator: translate(locale, "app.name") },
  );
  const file = template
    ? `${translate(locale, "roster.templateName")}.xlsx`
    : `${sheet.village.nameZh}-${name}-${today()}.xlsx`;
  return xlsxResponse(body, file);
}
