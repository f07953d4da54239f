import { today } from "~/utils/dates";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireViewer } from "~/auth.server";
import { serverTranslator } from "~/i18n/catalogues.server";
import { isLocale } from "~/i18n";
import { resolveLocale } from "~/i18n/locale.server";
import { registrySheets } from "~/models/registry-import.server";
import { SHEET_KINDS, isSheetKind, sheetLabelKey } from "~/utils/registry-sheets";
import { workbookStream, xlsxResponse } from "~/utils/spreadsheet.server";

/**
 * The registry as .xlsx: `?template=1` for blank templates, `?sheet=<kind>` for one sheet,
 * `?lang=en|zh-CN` for the headers' language (else the page's). Streamed: its rows are read a
 * batch at a time as the file is sent; who may have it is decided before.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const url = new URL(request.url);
  const lang = url.searchParams.get("lang");
  const locale = isLocale(lang) ? lang : await resolveLocale(request);
  const sheet = url.searchParams.get("sheet");
  const template = url.searchParams.get("template") === "1";
  const kinds = isSheetKind(sheet) ? [sheet] : SHEET_KINDS;
  const sheets = await registrySheets(viewer, locale, { template, kinds });
  if (!sheets) notFound();
  const t = serverTranslator(locale);
  const what = isSheetKind(sheet) ? t(sheetLabelKey(sheet)) : t("registry.data.all");
  const name = template
    ? t("registry.data.templateFile", { what })
    : t("registry.data.exportFile", { what, date: today() });
  const body = workbookStream(sheets, { creator: t("app.name"), what: "registry workbook" });
  return xlsxResponse(body, `${name}.xlsx`);
}
