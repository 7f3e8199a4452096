/** @module Each tool's last minute in a table, and its calls and p99 over ten minutes in a chart. */
import { useMemo, useState } from "preact/hooks";
import type { ToolView } from "../../src/dashboard/protocol.js";
import { CallsChart, chartData } from "./chart.js";
import { EmptyRow } from "./empty-row.js";
import { count, ms, percent } from "./format.js";

const ALL = "";

export function Tools({ tools, ts, since }: { tools: ToolView[]; ts: number; since: number }) {
  const [chosen, setChosen] = useState(ALL);
  const sorted = useMemo(
    () => [...tools].sort((a, b) => b.calls - a.calls || a.tool.localeCompare(b.tool)),
    [tools],
  );
  const data = useMemo(
    () =>
      chartData(
        chosen === ALL ? tools : tools.filter((tool) => tool.tool === chosen),
        Math.floor(ts / 1000),
        Math.floor(since / 1000),
      ),
    [tools, chosen, ts, since],
  );
  const title = chosen === ALL ? "All tools" : chosen;

  return (
    <section aria-labelledby="tools-heading" class="panel wide">
      <h2 id="tools-heading">Tools</h2>
      <div class="split">
        <table>
          <caption>Calls in the last minute, over every runtime</caption>
          <thead>
            <tr>
              <th scope="col">Tool</th>
              <th scope="col" class="num">
                Calls/min
              </th>
              <th scope="col" class="num">
                Error rate
              </th>
              <th scope="col" class="num">
                p50
              </th>
              <th scope="col" class="num">
                p99
              </th>
            </tr>
          </thead>
          <tbody>
            {sorted.length === 0 && <EmptyRow columns={5} text="No tool calls yet." />}
            {sorted.map((tool) => (
              <tr key={tool.tool} data-testid="tool-row" data-tool={tool.tool} data-calls={tool.calls}>
                <th scope="row">
                  {tool.tool}
                  {tool.plugin !== undefined && tool.plugin !== tool.tool && (
                    <span class="muted"> ({tool.plugin})</span>
                  )}
                </th>
                <td class="num">{count(tool.calls)}</td>
                <td class={tool.errorRate > 0 ? "num bad-text" : "num"}>{percent(tool.errorRate)}</td>
                <td class="num">{ms(tool.p50)}</td>
                <td class="num">{ms(tool.p99)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <figure class="chart-box">
          <figcaption>
            <label>
              Chart{" "}
              <select value={chosen} onChange={(event) => setChosen(event.currentTarget.value)}>
                <option value={ALL}>All tools</option>
                {sorted.map((tool) => (
                  <option key={tool.tool} value={tool.tool}>
                    {tool.tool}
                  </option>
                ))}
              </select>
            </label>{" "}
            calls per second (solid) and p99 latency (dashed), up to the last 10 minutes
          </figcaption>
          <CallsChart data={data} title={title} />
        </figure>
      </div>
    </section>
  );
}
