import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";
import { useHasMessages, useT } from "~/i18n";

/**
 * Used only when the root loader itself failed, so no catalogue reached the page: the one place
 * with text outside the catalogues, in both languages at once.
 */
const NO_CATALOGUE = {
  title: "出错了 · Something went wrong",
  body: "系统遇到了问题，请稍后重试。Zhucun ran into a problem; please try again later.",
  back: "返回首页 · Back to the start page",
};

/**
 * The translated error page. 404 covers "does not exist" and "outside your jurisdiction" alike, so a
 * page never confirms that a record the viewer may not see exists. No stack traces, ever.
 */
export function ErrorPage({ standalone = false }: { standalone?: boolean }) {
  const error = useRouteError();
  const t = useT();
  const hasMessages = useHasMessages();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  let [title, body] =
    status === 404
      ? [t("error.notFound.title"), t("error.notFound.body")]
      : status === 403
        ? [t("error.forbidden.title"), t("error.forbidden.body")]
        : status === 413
          ? [t("error.tooLarge.title"), t("error.tooLarge.body")]
          : status === 429 || status === 503
            ? [t("error.tooMany.title"), t("error.tooMany.body")]
            : status >= 400 && status < 500
              ? [t("error.badRequest.title"), t("error.badRequest.body")]
              : [t("error.generic.title"), t("error.generic.body")];
  if (!hasMessages) {
    [title, body] = [NO_CATALOGUE.title, NO_CATALOGUE.body];
  }
  const content = (
    <section className="error-page" aria-labelledby="error-title">
      <p className="error-status">{status}</p>
      <h1 id="error-title">{title}</h1>
      <p>{body}</p>
      <p>
        <Link to="/">{hasMessages ? t("error.backHome") : NO_CATALOGUE.back}</Link>
      </p>
    </section>
  );
  return standalone ? <main className="page page-narrow">{content}</main> : content;
}
