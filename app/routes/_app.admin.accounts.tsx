import {
  data,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { DemoBadge } from "~/components/badges";
import { FieldErrors } from "~/components/field-errors";
import { FilterSelect } from "~/components/filter-select";
import { TableRegion } from "~/components/table-region";
import { messageWithParams, translateMessage, useT } from "~/i18n";
import {
  accountCandidates,
  activeTeamCount,
  createCadreAccounts,
  teamChoices,
  createTownshipLeaderAccount,
  type Credential,
} from "~/models/account.server";
import { listTownshipOptions } from "~/models/township.server";
import { hasCountyWide } from "~/permissions";
import { AccountsFormFields } from "~/schemas/forms.server";
import { ALL_TEAMS } from "~/utils/accounts";
import { pageTitle } from "~/utils/meta";
import { readForm } from "~/utils/form-guard.server";

export const meta: MetaFunction = (args) => pageTitle(args, "account.admin.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  if (!hasCountyWide(viewer, "manage:account")) notFound();
  const url = new URL(request.url);
  const teamId = (url.searchParams.get("team") ?? "").slice(0, 64);
  // The chosen team (by its id), to know its township and that it is active.
  const chosen =
    teamId && teamId !== ALL_TEAMS ? (await teamChoices(viewer, { teamId }))?.[0] : undefined;
  const townshipId = (url.searchParams.get("township") || chosen?.township.id || "").slice(0, 64);
  // A county's teams are one list; where there are more than a list can hold (a province's
  // thousands), the township is chosen first and its teams are listed.
  // Only the teams listed are read: all of them, one township's, or none yet.
  const total = (await activeTeamCount(viewer)) ?? notFound();
  const oneList = total <= TEAMS_IN_ONE_LIST;
  const teams =
    oneList || townshipId ? ((await teamChoices(viewer, oneList ? {} : { townshipId })) ?? []) : [];
  const team =
    teamId === ALL_TEAMS
      ? { id: ALL_TEAMS, village: null, source: "verified" as const }
      : chosen
        ? { id: chosen.id, village: chosen.village, source: chosen.source }
        : null;
  const found = team ? await accountCandidates(viewer, team.id) : null;
  return {
    teams: teams.map((t) => ({
      id: t.id,
      label: oneList ? `${t.township.name} · ${t.village}` : t.village,
    })),
    oneList,
    townshipId,
    team,
    candidates: found?.candidates ?? [],
    candidatesTotal: found?.total ?? 0,
    townships: await listTownshipOptions(viewer),
  };
}

/** Teams listed in one select; past this, the township is chosen first. */
const TEAMS_IN_ONE_LIST = 200;

type Reply =
  | { ok: true; credentials: Credential[] }
  | { ok: false; field: string; message: string; picked: string[]; typed: Record<string, string> };

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  if (!hasCountyWide(viewer, "manage:account")) notFound();
  const form = await readForm(request, [AccountsFormFields, /^username-[\w-]{1,64}$/]);
  if (form.get("intent") === "leader") {
    const typed = {
      township: String(form.get("township") ?? "").slice(0, 64),
      leaderName: String(form.get("leaderName") ?? "").slice(0, 100),
      leaderUsername: String(form.get("leaderUsername") ?? "").slice(0, 64),
    };
    const result = await createTownshipLeaderAccount(viewer, {
      townshipId: typed.township,
      name: typed.leaderName,
      username: typed.leaderUsername,
    });
    if (result.ok) return data<Reply>({ ok: true, credentials: result.value });
    const [field, message] =
      result.reason === "invalid"
        ? [result.field, messageWithParams(result.message, result.params)]
        : ["form", "form.forbidden"];
    return data<Reply>(
      { ok: false, field, message, picked: [], typed },
      { status: result.reason === "forbidden" ? 403 : 400 },
    );
  }
  const teamId = String(form.get("teamId") ?? "");
  const picked = form.getAll("pick").map(String);
  const typed = Object.fromEntries(
    [...form.entries()]
      .filter(([k]) => k.startsWith("username-"))
      .map(([k, v]) => [k.slice("username-".length), String(v).slice(0, 64)]),
  );
  const result = await createCadreAccounts(
    viewer,
    teamId,
    picked.map((cadreId) => ({ cadreId, username: typed[cadreId] ?? "" })),
  );
  if (result.ok) return data<Reply>({ ok: true, credentials: result.value });
  if (result.reason === "not-found") notFound();
  const [field, message] =
    result.reason === "invalid"
      ? [result.field, messageWithParams(result.message, result.params)]
      : ["form", "form.forbidden"];
  return data<Reply>(
    { ok: false, field, message, picked, typed },
    { status: result.reason === "forbidden" ? 403 : 400 },
  );
}

export default function AdminAccounts() {
  const t = useT();
  const { teams, team, candidates, candidatesTotal, townships, oneList, townshipId } =
    useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";

  if (reply?.ok) {
    return (
      <article className="stack-lg">
        <header className="page-head">
          <h1>{t("account.admin.created", { n: reply.credentials.length })}</h1>
          <p className="conflict" role="alert">
            {t("account.admin.shownOnce")}
          </p>
          <div className="button-row no-print">
            <button type="button" className="button js-only" onClick={() => window.print()}>
              {t("bulletin.print")}
            </button>
            <a
              className="button"
              href={team ? `/admin/accounts?team=${team.id}` : "/admin/accounts"}
            >
              {t("account.admin.done")}
            </a>
          </div>
        </header>
        <TableRegion label={t("account.admin.sheet")}>
          <thead>
            <tr>
              <th scope="col">{t("account.admin.name")}</th>
              <th scope="col">{t("login.username")}</th>
              <th scope="col">{t("account.admin.oneTime")}</th>
            </tr>
          </thead>
          <tbody>
            {reply.credentials.map((c) => (
              <tr key={c.username}>
                <th scope="row">{c.name}</th>
                <td data-label={t("login.username")}>
                  <code>{c.username}</code>
                </td>
                <td data-label={t("account.admin.oneTime")}>
                  <code className="one-time">{c.password}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </TableRegion>
        <p className="small muted">{t("account.admin.firstSignIn")}</p>
      </article>
    );
  }

  const failed = reply && !reply.ok ? reply : null;
  const teamFailure = failed && !("township" in failed.typed) ? failed : null;
  const leaderFailure = failed && "township" in failed.typed ? failed : null;
  return (
    <article className="stack-lg">
      <header className="page-head">
        <h1>{t("account.admin.title")}</h1>
        <p className="muted">{t("account.admin.intro")}</p>
      </header>
      <Form method="get" className="filters" aria-label={t("account.admin.chooseTeam")}>
        {oneList ? null : (
          <FilterSelect
            name="township"
            label={t("villages.filter.township")}
            value={townshipId || undefined}
            allLabel={t("account.admin.chooseTownship")}
            options={townships.map((o) => ({ value: o.id, label: o.name }))}
          />
        )}
        <FilterSelect
          name="team"
          label={t("account.admin.team")}
          value={team?.id}
          allLabel={t("account.admin.chooseTeam")}
          options={[
            { value: ALL_TEAMS, label: t("account.admin.allTeams") },
            ...teams.map((o) => ({ value: o.id, label: o.label })),
          ]}
        />
        <div className="filter-actions">
          <button type="submit" className="button">
            {t("account.admin.show")}
          </button>
        </div>
      </Form>
      {team ? (
        <Form method="post" className="stack">
          <input type="hidden" name="teamId" value={team.id} />
          <h2>
            {team.village ?? t("account.admin.allTeams")} <DemoBadge source={team.source} />
          </h2>
          {team.village === null ? (
            <p className="muted">
              {t("account.admin.allTeamsHint", { count: candidatesTotal })}
              {candidatesTotal > candidates.length
                ? ` ${t("account.admin.batch", { shown: candidates.length })}`
                : ""}
            </p>
          ) : null}
          {teamFailure?.field === "form" ? (
            <FieldErrors id="accounts-error" errors={[teamFailure.message]} />
          ) : null}
          <TableRegion label={t("account.admin.members")}>
            <thead>
              <tr>
                <th scope="col">{t("account.admin.create")}</th>
                <th scope="col">{t("account.admin.name")}</th>
                <th scope="col">{t("login.username")}</th>
              </tr>
            </thead>
            <tbody>
              {candidates.map((c) => {
                const error =
                  teamFailure?.field === `username-${c.cadreId}`
                    ? translateMessage(t, teamFailure.message)
                    : null;
                return (
                  <tr key={c.cadreId}>
                    <td data-label={t("account.admin.create")}>
                      {c.existing ? null : (
                        <input
                          type="checkbox"
                          name="pick"
                          value={c.cadreId}
                          id={`pick-${c.cadreId}`}
                          defaultChecked={
                            teamFailure ? teamFailure.picked.includes(c.cadreId) : true
                          }
                          aria-label={t("account.admin.pick", { name: c.name })}
                        />
                      )}
                    </td>
                    <th scope="row">
                      {c.name} <DemoBadge source={c.nameSource} />{" "}
                      <span className="muted small">
                        {team.village === null ? `${c.village} · ` : null}
                        {t(`membershipRole.${c.role}`)}
                      </span>
                    </th>
                    <td data-label={t("login.username")}>
                      {c.existing ? (
                        <span className="muted">
                          {t("account.admin.has", { username: c.existing })}
                        </span>
                      ) : (
                        <>
                          <input
                            name={`username-${c.cadreId}`}
                            defaultValue={teamFailure?.typed[c.cadreId] ?? c.proposed}
                            aria-label={t("account.admin.usernameFor", { name: c.name })}
                            aria-invalid={error ? true : undefined}
                            aria-describedby={error ? `error-${c.cadreId}` : undefined}
                            autoComplete="off"
                            spellCheck={false}
                          />
                          {error ? (
                            <FieldErrors
                              id={`error-${c.cadreId}`}
                              errors={[teamFailure!.message]}
                            />
                          ) : null}
                        </>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </TableRegion>
          {candidates.some((c) => !c.existing) ? (
            <div>
              <button type="submit" className="button button-primary" disabled={busy}>
                {t("account.admin.submit")}
              </button>
            </div>
          ) : (
            <p>{t("account.admin.allHave")}</p>
          )}
        </Form>
      ) : null}
      <LeaderForm townships={townships} failed={leaderFailure} busy={busy} />
    </article>
  );
}

function LeaderForm({
  townships,
  failed,
  busy,
}: {
  townships: { id: string; name: string }[];
  failed: { field: string; message: string; typed: Record<string, string> } | null;
  busy: boolean;
}) {
  const t = useT();
  const errorFor = (field: string) =>
    failed?.field === field ? (
      <FieldErrors id={`${field}-error`} errors={[failed.message]} />
    ) : null;
  const typed = failed?.typed ?? {};
  return (
    <Form method="post" className="card form-grid" aria-labelledby="leader-heading">
      <h2 id="leader-heading">{t("account.leader.title")}</h2>
      <input type="hidden" name="intent" value="leader" />
      <div className="field">
        <label htmlFor="leader-township">{t("villages.filter.township")}</label>
        <select id="leader-township" name="township" defaultValue={typed.township ?? ""} required>
          <option value="">{t("account.leader.chooseTownship")}</option>
          {townships.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
        {errorFor("township")}
      </div>
      <div className="field">
        <label htmlFor="leader-name">{t("account.admin.name")}</label>
        <input id="leader-name" name="leaderName" defaultValue={typed.leaderName ?? ""} />
        {errorFor("leaderName")}
      </div>
      <div className="field">
        <label htmlFor="leader-username">{t("login.username")}</label>
        <input
          id="leader-username"
          name="leaderUsername"
          defaultValue={typed.leaderUsername ?? ""}
          autoComplete="off"
          spellCheck={false}
          aria-describedby="leader-username-hint"
        />
        <span id="leader-username-hint" className="hint">
          {t("account.leader.usernameHint")}
        </span>
        {errorFor("leaderUsername")}
      </div>
      <div>
        <button type="submit" className="button button-primary" disabled={busy}>
          {t("account.leader.submit")}
        </button>
      </div>
    </Form>
  );
}
