import { useSearchParams } from "@remix-run/react";
import { useT } from "~/i18n";

/**
 * The confirmation after a form redirected back with `?saved=<what>`: "saved.<what>" from the
 * catalogue when there is one, else the generic message. A status region, so it is announced.
 */
export function SavedNotice() {
  const t = useT();
  const [searchParams] = useSearchParams();
  const saved = searchParams.get("saved");
  if (!saved) return null;
  const key = `saved.${saved}`;
  return (
    <p role="status" className="saved">
      {t.has(key) ? t(key) : t("form.savedMessage")}
    </p>
  );
}
