/**
 * @module Calls per second and p99 latency over the last ten minutes, drawn by uPlot. The chart is
 * made once and fed new data on every frame (`setData`), which is what uPlot is fast at; it sizes
 * itself to its box.
 */
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import { type ToolView, WINDOW_SECONDS } from "../../src/dashboard/protocol.js";

const HEIGHT = 220;
// 7:1 and 5.9:1 on white, and told apart by dash as well as colour.
const CALLS_COLOUR = "#1d4ed8";
const P99_COLOUR = "#9a3412";
const AXIS = { stroke: "#1f2937", grid: { stroke: "#e5e7eb" }, ticks: { stroke: "#d1d5db" } };

/**
 * One x value per whole second of the window (from the sidecar's start while that is less than the
 * window ago; the second under way is left out, as its partial count would read as a drop):
 * seconds without calls are 0 calls and no latency.
 */
export function chartData(
  tools: readonly ToolView[],
  nowSeconds: number,
  sinceSeconds: number,
): uPlot.AlignedData {
  const end = nowSeconds - 1;
  const start = Math.max(end - WINDOW_SECONDS, Math.min(sinceSeconds, end - 60)) + 1;
  const length = end - start + 1;
  const xs = new Float64Array(length);
  const calls = new Float64Array(length);
  const p99: (number | null)[] = new Array(length).fill(null);
  for (let i = 0; i < length; i++) xs[i] = start + i;
  for (const tool of tools) {
    for (const point of tool.points) {
      const i = point.t - start;
      if (i < 0 || i >= length) continue;
      calls[i] = (calls[i] ?? 0) + point.calls;
      const previous = p99[i] ?? null;
      if (point.p99 !== null && (previous === null || point.p99 > previous)) p99[i] = point.p99;
    }
  }
  return [xs, calls, p99];
}

function options(width: number, title: string): uPlot.Options {
  return {
    width,
    height: HEIGHT,
    title,
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, calls: { auto: true, range: (_u, _min, max) => [0, Math.max(1, max)] } },
    series: [
      {},
      {
        label: "calls/s",
        scale: "calls",
        stroke: CALLS_COLOUR,
        width: 2,
        value: (_u, v) => (v ?? 0).toFixed(0),
      },
      {
        label: "p99 ms",
        scale: "ms",
        stroke: P99_COLOUR,
        width: 2,
        dash: [6, 4],
        spanGaps: false,
        value: (_u, v) => (v === null ? "—" : v.toFixed(1)),
      },
    ],
    axes: [
      AXIS,
      { ...AXIS, scale: "calls", label: "calls/s" },
      { ...AXIS, scale: "ms", side: 1, label: "p99 ms", grid: { show: false } },
    ],
  };
}

export function CallsChart({ data, title }: { data: uPlot.AlignedData; title: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);

  useEffect(() => {
    const element = box.current;
    if (element === null) return undefined;
    const chart = new uPlot(options(element.clientWidth, title), data, element);
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: element.clientWidth, height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = undefined;
    };
    // The chart is rebuilt only when its title (the chosen tool) changes; data flows in below.
  }, [title]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return <div class="chart" ref={box} />;
}
