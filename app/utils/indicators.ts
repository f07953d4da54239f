/** How an indicator reads: its name (catalogue or the team's own) and its values in the reader's terms. */
import { formatNumber, formatPercent, formatYuan, type Locale, type Translate } from "~/i18n";

export function indicatorName(t: Translate, indicator: { kind: string; name: string | null }) {
  if (indicator.kind === "custom") return indicator.name ?? "";
  const key = `indicator.kind.${indicator.kind}`;
  return t.has(key) ? t(key) : indicator.kind;
}

export function formatIndicatorValue(
  t: Translate,
  locale: Locale,
  indicator: { comparison: string; unit: string | null },
  value: number | null,
) {
  if (value === null || value === undefined) return "—";
  if (indicator.comparison === "yes") return value >= 1 ? t("common.yes") : t("common.no");
  if (indicator.unit === "ratio") return formatPercent(locale, value);
  if (indicator.unit === "yuan_per_year")
    return t("unit.yuanPerYear", { value: formatYuan(locale, value) });
  return indicator.unit
    ? `${formatNumber(locale, value)} ${indicator.unit}`
    : formatNumber(locale, value);
}
