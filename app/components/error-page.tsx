import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";
import { useT } from "~/i18n";

/**
 * The translated error page. 404 covers "does not exist" and "outside your jurisdiction" alike, so a
 * page never confirms that a record the viewer may not see exists. No stack traces, ever.
 */
export function ErrorPage({ standalone = false }: { standalone?: boolean }) {
  const error = useRouteError();
  const t = useT();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const [title, body] =
    status === 404
      ? [t("error.notFound.title"), t("error.notFound.body")]
      : status === 403
        ? [t("error.forbidden.title"), t("error.forbidden.body")]
        : [t("error.generic.title"), t("error.generic.body")];
  const content = (
    <section className="error-page" aria-labelledby="error-title">
      <p className="error-status">{status}</p>
      <h1 id="error-title">{title}</h1>
      <p>{body}</p>
      <p>
        <Link to="/">{t("error.backHome")}</Link>
      </p>
    </section>
  );
  return standalone ? <main className="page page-narrow">{content}</main> : content;
}
