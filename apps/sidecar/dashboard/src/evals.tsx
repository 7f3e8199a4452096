/** @module The evals: each check's latest outcome and, per tool, how many of its checks pass. */
import type { EvalRatio, EvalView } from "../../src/dashboard/protocol.js";
import { ActionButton } from "./action-button.js";
import { StatusBadge } from "./badge.js";
import { EmptyRow } from "./empty-row.js";
import { time } from "./format.js";

const order = { fail: 0, pending: 1, pass: 2 } as const;

export function Evals({
  evals,
  ratios,
  csrfToken,
}: {
  evals: EvalView[];
  ratios: EvalRatio[];
  csrfToken: string;
}) {
  const sorted = [...evals].sort((a, b) => order[a.status] - order[b.status] || a.eval.localeCompare(b.eval));
  return (
    <section aria-labelledby="evals-heading" class="panel">
      <div class="panel-head">
        <h2 id="evals-heading">Evals</h2>
        <ActionButton action="run-evals" label="Run evals now" csrfToken={csrfToken} />
      </div>
      <table>
        <caption>Latest result of each check (the worst over the runtimes that run it)</caption>
        <thead>
          <tr>
            <th scope="col">Eval</th>
            <th scope="col">Tool</th>
            <th scope="col">Status</th>
            <th scope="col">Reason</th>
            <th scope="col">Last run</th>
            <th scope="col" class="num">
              Pass / fail
            </th>
          </tr>
        </thead>
        <tbody>
          {sorted.length === 0 && <EmptyRow columns={6} text="No evals configured." />}
          {sorted.map((view) => (
            <tr key={view.eval} data-testid="eval-row" data-eval={view.eval} data-status={view.status}>
              <th scope="row">{view.eval}</th>
              <td>{view.tool}</td>
              <td>
                <StatusBadge status={view.status} />
              </td>
              <td class="reason">{view.reason ?? "—"}</td>
              <td title={view.node === undefined ? undefined : `reported by ${view.node}`}>
                {time(view.lastRun)}
              </td>
              <td class="num">
                {view.passes} / {view.failures}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {ratios.length > 0 && (
        <table class="compact">
          <caption>Passing checks per tool</caption>
          <thead>
            <tr>
              <th scope="col">Tool</th>
              <th scope="col" class="num">
                Passing
              </th>
            </tr>
          </thead>
          <tbody>
            {ratios.map((ratio) => (
              <tr key={ratio.tool} data-testid="eval-ratio-row" data-tool={ratio.tool}>
                <th scope="row">{ratio.tool}</th>
                <td class={ratio.passing < ratio.total ? "num bad-text" : "num"}>
                  {ratio.passing} of {ratio.total}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
