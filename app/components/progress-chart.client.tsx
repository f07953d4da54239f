/**
 * A small chart drawn with uPlot (canvas), loaded lazily after hydration. It is a picture of the
 * data table printed next to it: the table is what screen readers, no-JS browsers and print read,
 * so the canvas is hidden from assistive technology.
 */
import { useEffect, useRef } from "react";
import uPlot from "uplot";

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color: string;
  /** Bars drawn at the same place overlap: list wider totals first, their parts after. */
  kind: "bar" | "line";
  dash?: boolean;
  /** Right axis, for a percentage next to counts. */
  right?: boolean;
}

export interface ChartSpec {
  labels: string[];
  series: ChartSeries[];
  /** Format of the axis values (a ratio as a percentage); counts otherwise. */
  formatLeft?: (value: number) => string;
  formatRight?: (value: number) => string;
  height?: number;
}

export default function ProgressChart({ spec }: { spec: ChartSpec }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const { labels, series } = spec;
    const n = labels.length;
    const hasRight = series.some((s) => s.right);
    const bars = uPlot.paths.bars!({ size: [0.6, 48] });
    const width = () => Math.max(280, element.clientWidth);
    const rotate = n > 8 && width() < 900;
    const options: uPlot.Options = {
      width: width(),
      height: spec.height ?? 260,
      legend: { show: true, live: false },
      cursor: { show: false },
      scales: {
        x: { time: false, range: () => [-0.5, n - 0.5] },
        y: {
          range: (_u, _min, max) => [0, Math.max(spec.formatLeft ? 0.01 : 1, max) * 1.1],
        },
        ...(hasRight ? { r: { range: (_u, _min, max) => [0, Math.max(0.01, max) * 1.15] } } : {}),
      },
      axes: [
        {
          splits: () => labels.map((_, i) => i),
          values: (_u, splits) => splits.map((i) => labels[i] ?? ""),
          rotate: rotate ? -40 : 0,
          size: rotate ? 70 : 40,
          gap: 4,
        },
        {
          scale: "y",
          size: spec.formatLeft ? 58 : 50,
          values: (_u, splits) =>
            splits.map((v) =>
              spec.formatLeft ? spec.formatLeft(v) : Number.isInteger(v) ? String(v) : "",
            ),
        },
        ...(hasRight
          ? [
              {
                scale: "r",
                side: 1 as const,
                size: 58,
                grid: { show: false },
                values: (_u: uPlot, splits: number[]) =>
                  splits.map((v) => (spec.formatRight ? spec.formatRight(v) : String(v))),
              },
            ]
          : []),
      ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          scale: s.right ? "r" : "y",
          stroke: s.color,
          width: s.kind === "bar" ? 0 : 2,
          fill: s.kind === "bar" ? s.color : undefined,
          dash: s.dash ? [6, 4] : undefined,
          paths: s.kind === "bar" ? bars : undefined,
          points: { show: s.kind === "line", size: 5 },
          spanGaps: true,
        })),
      ],
    };
    const data: uPlot.AlignedData = [labels.map((_, i) => i), ...series.map((s) => s.values)];
    const plot = new uPlot(options, data, element);
    const observer = new ResizeObserver(() =>
      plot.setSize({ width: width(), height: spec.height ?? 260 }),
    );
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [spec]);
  return <div ref={box} className="chart" aria-hidden="true" />;
}
