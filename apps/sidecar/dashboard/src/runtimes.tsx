/** @module The runtimes connected to the sidecar, their sandbox pools and hosted upstreams. */
import type { RuntimeView } from "../../src/dashboard/protocol.js";
import { Badge, StatusBadge } from "./badge.js";
import { EmptyRow } from "./empty-row.js";
import { count, shortNode, shortVersion, time } from "./format.js";

function RuntimeTable({ runtimes }: { runtimes: RuntimeView[] }) {
  return (
    <table>
      <caption>Runtimes (status every second)</caption>
      <thead>
        <tr>
          <th scope="col">Node</th>
          <th scope="col">Role</th>
          <th scope="col" class="num">
            Sessions
          </th>
          <th scope="col" class="num">
            In flight
          </th>
          <th scope="col">Queue (waiting / active / failed)</th>
          <th scope="col">Config</th>
          <th scope="col">Connected</th>
          <th scope="col">State</th>
        </tr>
      </thead>
      <tbody>
        {runtimes.length === 0 && <EmptyRow columns={8} text="No runtime is connected." />}
        {runtimes.map(({ node, remote, connectedAt, status, stale }) => (
          <tr key={node} data-testid="runtime-row" data-node={node} data-stale={stale}>
            <th scope="row" title={remote}>
              {node}
            </th>
            <td>{status?.role ?? "—"}</td>
            <td class="num">{status ? count(status.sessions) : "—"}</td>
            <td class="num">{status ? count(status.inFlight) : "—"}</td>
            <td>
              {status?.queue
                ? `${status.queue.waiting} / ${status.queue.active} / ${status.queue.failed}`
                : "—"}
            </td>
            <td title={status?.configVersion}>
              <code>{shortVersion(status?.configVersion)}</code>
            </td>
            <td>{time(connectedAt)}</td>
            <td>{stale ? <Badge tone="warn">stale</Badge> : <Badge tone="good">reporting</Badge>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SandboxTable({ runtimes }: { runtimes: RuntimeView[] }) {
  const rows = runtimes.flatMap(({ node, status }) =>
    (status?.sandboxes ?? []).map((pool) => ({ node, pool })),
  );
  return (
    <table>
      <caption>Sandbox pools</caption>
      <thead>
        <tr>
          <th scope="col">Plugin</th>
          <th scope="col">Node</th>
          <th scope="col">Mode</th>
          <th scope="col" class="num">
            Ready / workers
          </th>
          <th scope="col" class="num">
            Restarts
          </th>
          <th scope="col" class="num">
            Crashes
          </th>
          <th scope="col">Breaker</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && <EmptyRow columns={7} text="No sandboxed plugin." />}
        {rows.map(({ node, pool }) => (
          <tr key={`${node}/${pool.plugin}`} data-testid="sandbox-row" data-plugin={pool.plugin}>
            <th scope="row">{pool.plugin}</th>
            <td class="nowrap" title={node}>
              {shortNode(node)}
            </td>
            <td>{pool.mode}</td>
            <td class="num">
              {pool.ready} / {pool.workers}
            </td>
            <td class="num">{count(pool.restarts)}</td>
            <td class={pool.crashes > 0 ? "num bad-text" : "num"}>{count(pool.crashes)}</td>
            <td>
              <StatusBadge status={pool.breaker} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function UpstreamTable({ runtimes }: { runtimes: RuntimeView[] }) {
  const rows = runtimes.flatMap(({ node, status }) =>
    (status?.upstreams ?? []).map((upstream) => ({ node, upstream })),
  );
  return (
    <table>
      <caption>Hosted upstreams</caption>
      <thead>
        <tr>
          <th scope="col">Upstream</th>
          <th scope="col">Node</th>
          <th scope="col">Kind</th>
          <th scope="col">State</th>
          <th scope="col" class="num">
            Sessions
          </th>
          <th scope="col" class="num">
            Restarts
          </th>
          <th scope="col">Last error</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && <EmptyRow columns={7} text="No hosted upstream." />}
        {rows.map(({ node, upstream }) => (
          <tr key={`${node}/${upstream.id}`} data-testid="upstream-row" data-upstream={upstream.id}>
            <th scope="row">{upstream.id}</th>
            <td class="nowrap" title={node}>
              {shortNode(node)}
            </td>
            <td>{upstream.kind}</td>
            <td>
              <StatusBadge status={upstream.state} />
            </td>
            <td class="num">{count(upstream.sessions)}</td>
            <td class="num">{count(upstream.restarts)}</td>
            <td class="reason">{upstream.lastError ?? "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Runtimes({ runtimes }: { runtimes: RuntimeView[] }) {
  return (
    <section aria-labelledby="runtimes-heading" class="panel wide">
      <h2 id="runtimes-heading">Runtimes</h2>
      <RuntimeTable runtimes={runtimes} />
      <div class="split">
        <SandboxTable runtimes={runtimes} />
        <UpstreamTable runtimes={runtimes} />
      </div>
    </section>
  );
}
