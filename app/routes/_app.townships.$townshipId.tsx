import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { namedPageTitle } from "~/utils/meta";
import { VillageTable } from "~/components/village-table";
import { useT } from "~/i18n";
import { getTownship } from "~/models/township.server";

export const meta: MetaFunction<typeof loader> = (args) =>
  namedPageTitle(args, args.data?.township.name);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const township = await getTownship(viewer, params.townshipId ?? "");
  if (!township) notFound();
  return { township, ownVillageIds: viewer.villageIds };
}

export default function TownshipPage() {
  const t = useT();
  const { township, ownVillageIds } = useLoaderData<typeof loader>();
  return (
    <article className="stack-lg">
      <nav aria-label={t("nav.breadcrumb")} className="breadcrumb">
        <Link to="/townships">{t("nav.townships")}</Link>
      </nav>
      <header className="page-head">
        <h1>{t("township.title", { name: township.name })}</h1>
        <p className="pinyin">{township.namePinyin}</p>
      </header>
      <section className="card">
        <dl className="facts">
          <div>
            <dt>{t("township.code")}</dt>
            <dd>{township.code}</dd>
          </div>
          <div>
            <dt>{t("township.kind")}</dt>
            <dd>{t(`townshipKind.${township.kind}`)}</dd>
          </div>
          <div>
            <dt>{t("township.villages")}</dt>
            <dd>
              {t("township.progress", { exited: township.exited, total: township.villages.length })}
            </dd>
          </div>
        </dl>
      </section>
      <section aria-labelledby="villages">
        <h2 id="villages">{t("township.villages")}</h2>
        <VillageTable
          villages={township.villages}
          caption={t("township.villages")}
          showTownship={false}
          ownVillageIds={ownVillageIds}
        />
      </section>
    </article>
  );
}
