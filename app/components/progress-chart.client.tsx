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
  /** Shorter labels for the axis ("1月" for 2019-01), where the heading gives the rest. */
  ticks?: string[];
  series: ChartSeries[];
  /** Format of the axis values (a ratio as a percentage); counts otherwise. */
  formatLeft?: (value: number) => string;
  formatRight?: (value: number) => string;
  height?: number;
}

const AXIS_FONT = "12px system-ui, -apple-system, sans-serif";

/**
 * How far to turn the axis labels: not at all when the widest fits its slot, 40° when a slot
 * still holds a line of text, upright (90°) when the slots are narrower than that.
 */
function labelAngle(ticks: string[], plotWidth: number, widest: number) {
  const slot = plotWidth / Math.max(1, ticks.length);
  if (widest + 8 <= slot) return 0;
  return slot >= 26 ? 40 : 90;
}

function measureWidest(ticks: string[]) {
  const context = document.createElement("canvas").getContext("2d");
  if (!context) return Math.max(0, ...ticks.map((t) => t.length * 12));
  context.font = AXIS_FONT;
  return Math.max(0, ...ticks.map((t) => context.measureText(t).width));
}

export default function ProgressChart({ spec }: { spec: ChartSpec }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const { labels, series } = spec;
    const ticks = spec.ticks ?? labels;
    const n = labels.length;
    const hasRight = series.some((s) => s.right);
    const leftSize = spec.formatLeft ? 58 : 50;
    const rightSize = hasRight ? 58 : 0;
    const height = spec.height ?? 260;
    const bars = uPlot.paths.bars!({ size: [0.6, 48] });
    const widest = measureWidest(ticks);
    const width = () => Math.max(280, element.clientWidth);
    const angleAt = (w: number) => labelAngle(ticks, w - leftSize - rightSize, widest);
    const build = (angle: number) => {
      const radians = (angle * Math.PI) / 180;
      const options: uPlot.Options = {
        width: width(),
        height: height + (angle ? Math.ceil(widest * Math.sin(radians)) : 0),
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
            font: AXIS_FONT,
            splits: () => labels.map((_, i) => i),
            values: (_u, splits) => splits.map((i) => ticks[i] ?? ""),
            rotate: angle,
            size: angle ? Math.ceil(widest * Math.sin(radians) + 12 * Math.cos(radians)) + 14 : 40,
            gap: 4,
          },
          {
            scale: "y",
            size: leftSize,
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
                  size: rightSize,
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
      return new uPlot(options, data, element);
    };
    let angle = angleAt(width());
    let plot = build(angle);
    // A new width may need the labels turned another way, which only a new plot can do.
    const observer = new ResizeObserver(() => {
      const next = angleAt(width());
      if (next === angle) {
        plot.setSize({ width: width(), height: plot.height });
        return;
      }
      angle = next;
      plot.destroy();
      plot = build(angle);
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [spec]);
  return <div ref={box} className="chart" aria-hidden="true" />;
}
