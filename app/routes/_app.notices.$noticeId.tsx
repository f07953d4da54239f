import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { notFound, requireViewer } from "~/auth.server";
import { DemoBadge } from "~/components/badges";
import { SavedNotice } from "~/components/saved-notice";
import { TableRegion } from "~/components/table-region";
import { formatDateTime, formatLocalDateTime, useLocale, useT } from "~/i18n";
import { getNotice, markRead } from "~/models/notice.server";
import { namedPageTitle } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = (args) =>
  namedPageTitle(args, args.data?.notice.title);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request);
  const notice = await getNotice(viewer, params.noticeId ?? "");
  if (!notice) notFound();
  return { notice };
}

/** 已阅: the recipient confirms reading. */
export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request);
  const result = await markRead(viewer, params.noticeId ?? "");
  if (!result.ok) notFound();
  return redirect(`/notices/${params.noticeId}?saved=notice-read`);
}

export default function NoticePage() {
  const t = useT();
  const locale = useLocale();
  const { notice } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  return (
    <article className="stack-lg">
      <nav aria-label={t("nav.breadcrumb")} className="breadcrumb">
        <Link to="/notices">{t("notice.title")}</Link>
      </nav>
      <header className="page-head">
        <h1>
          {notice.title} <DemoBadge source={notice.nameSource} />
        </h1>
        <p className="muted">
          <span className="badge">{t(`notice.kind.${notice.kind}`)}</span>{" "}
          {notice.senderTownship ?? t("notice.fromCounty")}
          {notice.sender ? ` · ${notice.sender}` : ""} · {formatDateTime(locale, notice.createdAt)}
        </p>
      </header>
      <SavedNotice />
      <section className="card stack">
        {notice.meetingAt || notice.place ? (
          <dl className="facts">
            {notice.meetingAt ? (
              <div>
                <dt>{t("notice.meetingAtLabel")}</dt>
                <dd>{formatLocalDateTime(locale, notice.meetingAt)}</dd>
              </div>
            ) : null}
            {notice.place ? (
              <div>
                <dt>{t("notice.place")}</dt>
                <dd>{notice.place}</dd>
              </div>
            ) : null}
          </dl>
        ) : null}
        <p className="pre">{notice.body}</p>
        <p className="small muted">
          {t(`notice.audience.${notice.audience}`)}
          {notice.audienceTownship ? ` · ${notice.audienceTownship}` : ""}
        </p>
        {notice.isRecipient ? (
          notice.readAt ? (
            <p className="saved">
              {t("notice.readAt", { when: formatDateTime(locale, notice.readAt) })}
            </p>
          ) : (
            <Form method="post">
              <button
                type="submit"
                className="button button-primary"
                disabled={navigation.state === "submitting"}
              >
                {t("notice.confirmRead")}
              </button>
            </Form>
          )
        ) : null}
      </section>
      {notice.readers ? (
        <section className="stack" aria-labelledby="readers">
          <h2 id="readers">
            {t("notice.readers", {
              read: notice.readers.filter((r) => r.reads.length).length,
              teams: notice.readers.length,
            })}
          </h2>
          <TableRegion label={t("notice.readersTable")}>
            <thead>
              <tr>
                <th scope="col">{t("teams.col.village")}</th>
                <th scope="col">{t("villages.filter.township")}</th>
                <th scope="col">{t("notice.readBy.col")}</th>
              </tr>
            </thead>
            <tbody>
              {notice.readers.map((r) => (
                <tr key={r.team.id}>
                  <th scope="row">
                    <Link to={`/teams/${r.team.id}`}>{r.team.village}</Link>
                  </th>
                  <td data-label={t("villages.filter.township")}>{r.team.township}</td>
                  <td data-label={t("notice.readBy.col")}>
                    {r.reads.length ? (
                      r.reads.map((x) => (
                        <span key={x.name} className="reader">
                          {x.name} · {formatDateTime(locale, x.at)}
                        </span>
                      ))
                    ) : (
                      <span className="badge badge-unmet">{t("notice.notRead")}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </TableRegion>
        </section>
      ) : null}
    </article>
  );
}
