/** @module The config the runtimes run and the history of reloads, refused ones with their reason. */
import type { DashboardSnapshot } from "../../src/dashboard/protocol.js";
import { ActionButton } from "./action-button.js";
import { StatusBadge } from "./badge.js";
import { EmptyRow } from "./empty-row.js";
import { isoTime, shortNode, shortVersion, time } from "./format.js";

export function Config({ config, csrfToken }: { config: DashboardSnapshot["config"]; csrfToken: string }) {
  return (
    <section aria-labelledby="config-heading" class="panel">
      <div class="panel-head">
        <h2 id="config-heading">Config</h2>
        <ActionButton action="reload-config" label="Reload config" csrfToken={csrfToken} />
      </div>
      <p>
        Current version:{" "}
        <code title={config.version} data-testid="config-version">
          {shortVersion(config.version)}
        </code>
      </p>
      <table>
        <caption>Reload history, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Version</th>
            <th scope="col">Source</th>
            <th scope="col">Status</th>
            <th scope="col">Changes or reason</th>
          </tr>
        </thead>
        <tbody>
          {config.history.length === 0 && (
            <EmptyRow columns={5} text="No config change since the sidecar started." />
          )}
          {config.history.map((change) => (
            <tr
              key={`${change.ts}/${change.version}/${change.node ?? ""}`}
              data-testid="config-row"
              data-status={change.status}
            >
              <td>
                <time dateTime={isoTime(change.ts)}>{time(change.ts)}</time>
              </td>
              <th scope="row" title={change.version}>
                <code>{shortVersion(change.version)}</code>
              </th>
              <td title={change.node}>
                {change.node === undefined ? change.source : `${change.source} (${shortNode(change.node)})`}
              </td>
              <td>
                <StatusBadge status={change.status} />
              </td>
              <td class="reason">
                {change.status === "refused" ? (change.reason ?? "—") : (change.changes?.join(", ") ?? "—")}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
