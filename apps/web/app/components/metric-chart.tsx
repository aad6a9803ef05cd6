import { useEffect, useRef, useState } from "react";
import type uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

import { useColourScheme } from "../lib/use-colour-scheme.ts";

export interface ChartSeries {
  label: string;
  /** A colour token of app.css (`--chart-...`): charts take their colours from the theme. */
  color: string;
  values: (number | null)[];
  /** A target drawn as a dashed line. */
  dashed?: boolean;
}

export interface MetricChartProps {
  id: string;
  title: string;
  /** What the x positions are: bucket starts (a time series, with how a tick reads) or names (bars). */
  x: { kind: "time"; heading: string; seconds: number[]; labels: string[]; tick: (seconds: number) => string } | { kind: "category"; labels: string[] };
  series: ChartSeries[];
  /** How a value reads on the axis and in the table. */
  format: (value: number | null) => string;
  /** The y axis' fixed range, e.g. [0, 1] for rates; fitted to the values without. */
  range?: [number, number];
  /** Counts: ticks on whole numbers only. */
  whole?: boolean;
}

const cssColor = (token: string) => getComputedStyle(document.documentElement).getPropertyValue(token).trim() || "currentColor";

function options(props: MetricChartProps, plot: typeof uPlot, width: number): uPlot.Options {
  const { x } = props;
  const axisColor = cssColor("--chart-axis");
  const gridColor = cssColor("--chart-grid");
  const axis = { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor, width: 1 } };
  // Bars of several series stand side by side around their category.
  const barred = props.series.filter((series) => !series.dashed);
  const bars = (index: number) => plot.paths.bars?.({ size: [0.7 / barred.length, 40], align: barred.length === 1 ? 0 : index === 0 ? -1 : 1 });
  return {
    width,
    height: 240,
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: x.kind === "time" ? { time: true } : { time: false, range: [-0.5, x.labels.length - 0.5] },
      y: props.range ? { range: props.range } : { range: (_u, min, max) => [0, Math.max(max, min, 1) * 1.1] },
    },
    axes: [
      x.kind === "time"
        ? { ...axis, values: (_u, splits) => splits.map((seconds) => x.tick(seconds)) }
        : { ...axis, splits: () => x.labels.map((_, index) => index), values: (_u, splits) => splits.map((index) => x.labels[index] ?? "") },
      { ...axis, size: 64, ...(props.whole ? { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000] } : {}), values: (_u, splits) => splits.map((value) => props.format(value)) },
    ],
    tzDate: (seconds) => plot.tzDate(new Date(seconds * 1e3), "Etc/UTC"),
    series: [
      {},
      ...props.series.map((series) => {
        const barIndex = barred.indexOf(series);
        const path = x.kind === "category" && barIndex >= 0 ? bars(barIndex) : undefined;
        return {
          label: series.label,
          stroke: cssColor(series.color),
          width: series.dashed ? 1.5 : 2,
          ...(series.dashed ? { dash: [6, 4] } : {}),
          ...(path ? { paths: path, fill: cssColor(series.color), points: { show: false } } : {}),
        };
      }),
    ],
  };
}

/**
 * A chart drawn with uPlot in the browser once the page is hydrated (uPlot draws on a canvas, which
 * the server cannot), over a table of the same figures: the server renders the table, and once the
 * chart is drawn the table stays for screen readers only.
 */
export function MetricChart(props: MetricChartProps) {
  const container = useRef<HTMLDivElement>(null);
  /** The scheme the chart was last drawn in (null before it is drawn): tests wait for it after a change of theme. */
  const [drawnIn, setDrawnIn] = useState<"light" | "dark" | null>(null);
  const drawn = drawnIn !== null;
  // Drawn again only when the figures change, not each time the page around it renders.
  const latest = useRef(props);
  latest.current = props;
  const figures = JSON.stringify([props.x, props.series, props.range]);
  // The colours are read from the theme when drawing, so a change of theme draws the chart again.
  const scheme = useColourScheme();

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    let chart: uPlot | null = null;
    let cancelled = false;
    const resize = new ResizeObserver(() => chart?.setSize({ width: element.clientWidth, height: 240 }));
    void import("uplot").then(({ default: plot }) => {
      if (cancelled) return;
      const current = latest.current;
      const xs = current.x.kind === "time" ? current.x.seconds : current.x.labels.map((_, index) => index);
      chart = new plot(options(current, plot, element.clientWidth), [xs, ...current.series.map((series) => series.values)], element);
      resize.observe(element);
      setDrawnIn(scheme);
    });
    return () => {
      cancelled = true;
      resize.disconnect();
      chart?.destroy();
    };
  }, [figures, scheme]);

  return (
    <figure className="card chart" data-testid={`chart-${props.id}`} data-drawn={drawn ? "true" : "false"} data-drawn-in={drawnIn ?? undefined}>
      <figcaption className="chart-title">{props.title}</figcaption>
      <div ref={container} className="chart-canvas" aria-hidden="true" />
      {/* Hidden through a wrapper (a table keeps its width whatever width it is given); shown, it scrolls within the card on a phone. */}
      <div className={drawn ? "visually-hidden" : "chart-table"} data-testid={`chart-${props.id}-table`}>
        <table className={drawn ? undefined : "table chart-fallback"}>
          <caption className="visually-hidden">{props.title}</caption>
          <thead>
            <tr>
              <th scope="col">{props.x.kind === "time" ? props.x.heading : "Name"}</th>
              {props.series.map((series) => (
                <th key={series.label} scope="col">
                  {series.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.x.labels.map((label, index) => (
              <tr key={index}>
                <th scope="row">{label}</th>
                {props.series.map((series) => (
                  <td key={series.label} className="num">
                    {props.format(series.values[index] ?? null)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
