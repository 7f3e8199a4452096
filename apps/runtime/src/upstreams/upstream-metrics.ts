/**
 * @module Upstream series on the runtime's Prometheus registry: `mcp_upstream_up`,
 * `mcp_upstream_sessions` and `mcp_upstream_restarts_total`, labelled by upstream id. Every
 * upstream of a registry shares the three metrics (prom-client refuses a second registration of a
 * name), and a closed upstream removes its series so that a reload leaves no stale ones (unless a
 * newer instance of the same id took them over).
 */
import { Counter, Gauge, type Registry } from "@mcp-runtime/telemetry";

type Label = "upstream";

/**
 * The instance that owns each upstream id's series. A reload that replaces an upstream starts the
 * new one before it closes the old one: the old one's close must not remove the new one's series.
 */
const owners = new WeakMap<Registry, Map<string, UpstreamMetrics>>();

function shared<M>(registry: Registry, name: string, make: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? make();
}

export class UpstreamMetrics {
  private readonly labels: { upstream: string };
  private readonly up: Gauge<Label>;
  private readonly sessions: Gauge<Label>;
  private readonly restarts: Counter<Label>;
  private readonly owned: Map<string, UpstreamMetrics>;

  constructor(registry: Registry, upstream: string) {
    this.labels = { upstream };
    let owned = owners.get(registry);
    if (owned === undefined) {
      owned = new Map();
      owners.set(registry, owned);
    }
    owned.set(upstream, this);
    this.owned = owned;
    const registers = [registry];
    this.up = shared(
      registry,
      "mcp_upstream_up",
      () =>
        new Gauge({
          name: "mcp_upstream_up",
          help: "1 while the upstream is ready, else 0",
          labelNames: ["upstream"],
          registers,
        }),
    );
    this.sessions = shared(
      registry,
      "mcp_upstream_sessions",
      () =>
        new Gauge({
          name: "mcp_upstream_sessions",
          help: "Upstream sessions open (processes, for stdio upstreams)",
          labelNames: ["upstream"],
          registers,
        }),
    );
    this.restarts = shared(
      registry,
      "mcp_upstream_restarts_total",
      () =>
        new Counter({
          name: "mcp_upstream_restarts_total",
          help: "Times the upstream was restarted after its process died or it failed a health check",
          labelNames: ["upstream"],
          registers,
        }),
    );
    this.restarts.inc(this.labels, 0);
  }

  setUp(ready: boolean): void {
    this.up.set(this.labels, ready ? 1 : 0);
  }

  setSessions(count: number): void {
    this.sessions.set(this.labels, count);
  }

  restarted(): void {
    this.restarts.inc(this.labels);
  }

  remove(): void {
    if (this.owned.get(this.labels.upstream) !== this) return;
    this.owned.delete(this.labels.upstream);
    this.up.remove(this.labels);
    this.sessions.remove(this.labels);
    this.restarts.remove(this.labels);
  }
}
