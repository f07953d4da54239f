import type { ReactNode } from "react";
import type { NameSource } from "../../db/schema";
import { DemoBadge } from "~/components/badges";
import { RowLink } from "~/components/table-region";
import { useLocale } from "~/i18n";

/**
 * A township's or village's name in a table (a TableRegion, which makes its link navigate in the
 * page): a link to its page, the demo badge for invented names, and, for English readers, its
 * reading in pinyin underneath.
 */
export function PlaceName({
  to,
  name,
  pinyin,
  source,
  children,
}: {
  to: string;
  name: string;
  pinyin: string;
  source?: NameSource | null;
  /** Further badges after the demo badge ("mine"). */
  children?: ReactNode;
}) {
  const locale = useLocale();
  return (
    <>
      <RowLink to={to} lang="zh-CN">
        {name}
      </RowLink>
      {source ? (
        <>
          {" "}
          <DemoBadge source={source} />
        </>
      ) : null}
      {children}
      {locale === "en" && pinyin ? <span className="pinyin">{pinyin}</span> : null}
    </>
  );
}
