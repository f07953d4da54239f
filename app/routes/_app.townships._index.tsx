import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireViewer } from "~/auth.server";
import { useT } from "~/i18n";
import { listTownships } from "~/models/township.server";
import { pageTitle } from "~/utils/meta";
import { TableRegion } from "~/components/table-region";

export const meta: MetaFunction = (args) => pageTitle(args, "townships.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  return { townships: await listTownships(viewer) };
}

export default function Townships() {
  const t = useT();
  const { townships } = useLoaderData<typeof loader>();
  const showPoor = townships.some((tw) => tw.poorPeople !== null);
  return (
    <>
      <div className="page-head">
        <h1>{t("townships.title")}</h1>
        <p className="muted">{t("townships.intro")}</p>
      </div>
      <TableRegion label={t("townships.tableCaption")}>
        <thead>
          <tr>
            <th scope="col">{t("townships.col.name")}</th>
            <th scope="col">{t("townships.col.code")}</th>
            <th scope="col" className="num">
              {t("townships.col.villages")}
            </th>
            <th scope="col" className="num">
              {t("townships.col.exited")}
            </th>
            {showPoor ? (
              <th scope="col" className="num">
                {t("townships.col.poorPeople")}
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {townships.map((tw) => (
            <tr key={tw.id}>
              <th scope="row">
                <Link to={`/townships/${tw.id}`}>{tw.name}</Link>
                <span className="pinyin">{tw.namePinyin}</span>
              </th>
              <td data-label={t("townships.col.code")}>{tw.code}</td>
              <td className="num" data-label={t("townships.col.villages")}>
                {tw.villages}
              </td>
              <td className="num" data-label={t("townships.col.exited")}>
                <progress max={tw.villages || 1} value={tw.exited} aria-hidden="true" /> {tw.exited}
              </td>
              {showPoor ? (
                <td className="num" data-label={t("townships.col.poorPeople")}>
                  {tw.poorPeople ?? "—"}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </TableRegion>
    </>
  );
}
