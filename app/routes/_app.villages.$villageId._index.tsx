import { useIncidenceThreshold } from "~/components/standards";
import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { notFound, requireViewer, safeRedirect } from "~/auth.server";
import type { PositionActionData } from "~/components/position-form";
import { lazyComponent } from "~/utils/lazy-component";
import { Suspense } from "react";
import { can } from "~/permissions";
import { moveVillage, positionHistory, villageVersion } from "~/models/position.server";
import { PositionSchema, parseWithZod } from "~/schemas/forms.server";
import { namedPageTitle } from "~/utils/meta";
import { DemoBadge, LevelBadge } from "~/components/badges";
import { TeamMembersTable } from "~/components/team-members";
import { formatDate, formatDateTime, formatPercent, useLocale, useT } from "~/i18n";
import { listActiveMembers } from "~/models/team.server";
import { getVillage } from "~/models/village.server";
import { readForm, replyOf } from "~/utils/form-guard.server";

/**
 * The position form, with Conform, for those who may move the village (few of its readers): the
 * server draws it and the browser hydrates it from its own chunk, out of the page's first load
 * (decision 018).
 */
const PositionForm = lazyComponent(() =>
  import("~/components/position-form").then((m) => m.PositionForm),
);

export const meta: MetaFunction<typeof loader> = (args) =>
  namedPageTitle(args, args.data?.village.nameZh);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const village = await getVillage(viewer, params.villageId ?? "");
  if (!village) notFound();
  const members =
    village.access === "full" && village.team
      ? ((await listActiveMembers([village.team.id])).get(village.team.id) ?? [])
      : [];
  const canMove = can(viewer, "update:village-position", {
    townshipId: village.townshipId,
    villageId: village.id,
  });
  const [history, version] = canMove
    ? await Promise.all([positionHistory(village.id), villageVersion(village.id)])
    : [[], null];
  return {
    village,
    members,
    canMove,
    history,
    version,
  };
}

/** The village page's writes, by intent. Today: correcting the position (county admin). */
export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  const formData = await readForm(request, PositionSchema);
  if (formData.get("intent") !== "move") throw new Response("Unknown intent", { status: 400 });

  const submission = parseWithZod(formData, { schema: PositionSchema });
  if (submission.status !== "success") return data(replyOf(submission), { status: 400 });
  const { lat, lon, method, version } = submission.value;
  const result = await moveVillage(viewer, {
    villageId: params.villageId ?? "",
    lat,
    lon,
    method,
    expectedVersion: version,
  });
  if (!result.ok && result.reason === "not-found") notFound();
  if (!result.ok)
    return data(replyOf(submission, { formErrors: ["position.stale"] }), { status: 409 });

  const redirectTo = formData.get("redirectTo");
  if (typeof redirectTo === "string") return redirect(safeRedirect(redirectTo));
  const reply: PositionActionData = {
    ...replyOf(submission),
    saved: true,
    version: result.version,
  };
  return reply;
}

export default function VillagePage() {
  const t = useT();
  const locale = useLocale();
  const { village, members, canMove, history, version } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const full = village.access === "full" ? village : null;
  const threshold = useIncidenceThreshold();

  return (
    <div className="stack-lg">
      {!full ? <p className="notice">{t("village.summaryNotice")}</p> : null}

      <section aria-labelledby="facts" className="card">
        <h2 id="facts" className="visually-hidden">
          {t("village.figures")}
        </h2>
        <dl className="facts">
          <div>
            <dt>{t("village.township")}</dt>
            <dd>
              <Link to={`/townships/${village.townshipId}`}>{village.townshipName}</Link>{" "}
              {full ? <DemoBadge source={full.townshipSource} /> : null}
            </dd>
          </div>
          {full ? (
            <>
              <div>
                <dt>{t("village.type")}</dt>
                <dd>{t(`villageType.${full.type}`)}</dd>
              </div>
              <div>
                <dt>{t("village.code")}</dt>
                <dd>
                  {full.code} <DemoBadge source={full.codeSource} />
                </dd>
              </div>
            </>
          ) : null}
          <div>
            <dt>{t("village.position")}</dt>
            <dd>
              {t("village.positionValue", {
                lat: village.lat.toFixed(4),
                lon: village.lon.toFixed(4),
                source: t(`positionSource.${village.positionSource}`),
              })}{" "}
              <DemoBadge source={village.positionSource} />
            </dd>
          </div>
          {full?.nameNote ? (
            <div>
              <dt>{t("village.source")}</dt>
              <dd>{t.has(full.nameNote) ? t(full.nameNote) : full.nameNote}</dd>
            </div>
          ) : null}
        </dl>
      </section>

      {canMove && version ? (
        <section aria-labelledby="position" className="card">
          <h2 id="position">{t("position.title")}</h2>
          {searchParams.get("saved") === "position" ? (
            <p role="status" className="saved">
              {t("position.saved")}
            </p>
          ) : null}
          <Suspense fallback={<p className="small muted">{t("form.loadingEditor")}</p>}>
            <PositionForm
              key={version}
              villageId={village.id}
              lat={village.lat}
              lon={village.lon}
              version={version}
              lastResult={actionData as PositionActionData | undefined}
              redirectTo={`/villages/${village.id}?saved=position`}
            />
          </Suspense>
          {history.length > 0 ? (
            <>
              <h3>{t("position.history")}</h3>
              <ul className="history">
                {history.map((h) => (
                  <li key={h.id}>
                    {h.lat.toFixed(5)}, {h.lon.toFixed(5)} —{" "}
                    {t("position.historyRow", {
                      when: formatDateTime(locale, h.changedAt),
                      who: h.changedBy,
                      method: t(`position.method.${h.method}`),
                    })}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
      ) : null}

      {full ? (
        <section aria-labelledby="figures" className="card">
          <h2 id="figures">{t("village.figures")}</h2>
          <dl className="stats">
            <div>
              <dt>{t("village.population")}</dt>
              <dd>{t("village.people", { count: full.agriculturalPopulation })}</dd>
            </div>
            <div>
              <dt>{t("village.households")}</dt>
              <dd>{t("village.householdsCount", { count: full.households })}</dd>
            </div>
            <div>
              <dt>{t("village.poorHouseholds")}</dt>
              <dd>{t("village.householdsCount", { count: full.poorHouseholds })}</dd>
            </div>
            <div>
              <dt>{t("village.poorPeople")}</dt>
              <dd>{t("village.people", { count: full.poorPeople })}</dd>
            </div>
            <div>
              <dt>{t("village.incidence")}</dt>
              <dd className={full.incidence >= threshold ? "over-threshold" : "under-threshold"}>
                {formatPercent(locale, full.incidence)}
              </dd>
            </div>
          </dl>
          <p className="muted small">{t("village.incidenceHint")}</p>
        </section>
      ) : null}

      <section aria-labelledby="team" className="card">
        <h2 id="team">{t("village.team")}</h2>
        {village.team ? (
          <>
            <dl className="facts">
              <div>
                <dt>{t("team.level")}</dt>
                <dd>
                  <LevelBadge level={village.team.level} />
                </dd>
              </div>
              <div>
                <dt>{t("team.unit")}</dt>
                <dd>
                  {village.team.sendingUnit} <DemoBadge source={village.team.sendingUnitSource} />
                </dd>
              </div>
              {full && members[0] ? (
                <div>
                  <dt>{t("team.since")}</dt>
                  <dd>{formatDate(locale, members[0].startedOn)}</dd>
                </div>
              ) : null}
              <div>
                <dt>{t("team.members")}</dt>
                <dd>{t("team.memberCount", { count: village.team.cadreCount })}</dd>
              </div>
            </dl>
            {full ? <TeamMembersTable members={members} /> : null}
            <p>
              <Link to={`/teams/${village.team.id}`}>{t("team.view")}</Link>
            </p>
          </>
        ) : (
          <p>{t("village.noTeam")}</p>
        )}
      </section>
    </div>
  );
}
