/**
 * @module The runtime's Prometheus metrics on a private prom-client `Registry`. Per-request methods
 * (`observeRequest`, `requestStarted`, `authFailed`, ...) only bump plain numbers; everything else,
 * including the provider gauges, is computed when `metrics()` is scraped.
 */
import { collectDefaultMetrics, Registry } from "prom-client";
import { LabeledCounts } from "./labeled-counts.js";
import { type Provider, ProviderSource } from "./provider-source.js";
import { DURATION_BUCKETS, type RequestSeries, RequestTable, UNKNOWN_TOOL_LABEL } from "./request-table.js";
import {
  type NamedSample,
  type Sample,
  ScrapedCounter,
  ScrapedGauge,
  ScrapedHistogram,
} from "./scraped-metrics.js";

/** What the queue provider returns (BullMQ's `getJobCounts` shape). */
export interface QueueJobCounts {
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
}

/** What the cache provider returns (the cache package's `stats()`); entries/bytes only for memory. */
export interface CacheCounts {
  evictions: number;
  entries?: number;
  bytes?: number;
}

/** What a cache lookup was for. */
export type CacheKind = "resource" | "tool" | "large_result";
/** Why a captured call was not sent: the link's buffer was full, the record too large, the sidecar away. */
export type CaptureDropReason = "buffer_full" | "too_large" | "sidecar_away";

/** Which limit refused a request (the protocol's `RateLimitData.limit`). */
export type LimitKind = "client" | "tool" | "budget";

export type BreakerState = "closed" | "half-open" | "open";

/** One plugin's sandbox pool, as the sandbox package's `PoolHealth` reports it. */
export interface SandboxHealth {
  plugin: string;
  breaker: BreakerState;
  workers: number;
  ready: number;
  crashes: number;
  restarts: number;
}

export interface RuntimeMetricsOptions {
  /** also collect prom-client's default process/Node.js metrics; `prefix` is prepended to their names */
  processMetrics?: boolean | { prefix?: string };
  /** labels added to every sample, e.g. `{ node: "runtime-1" }` */
  defaultLabels?: Record<string, string>;
  /**
   * Whether a tool name belongs to the catalogue. Names it rejects are counted as `(unknown)`, so a
   * client inventing tool names cannot grow cardinality. Consulted once per new name; known names
   * are then cached.
   */
  knownTool?: (name: string) => boolean;
  /** distinct `method` label values before new ones collapse to `(other)`; default 64 */
  maxMethods?: number;
  /** (method, tool) series before new tools collapse to `(other)`; default 2000 */
  maxSeries?: number;
  /** how long a scrape waits for an async provider; default 2000 ms */
  providerTimeoutMs?: number;
  /** `mcp_sessions_active` */
  sessions?: Provider<number>;
  /** `mcp_queue_jobs{state}` (the queue package's `metrics()`) */
  queue?: Provider<QueueJobCounts>;
  /** `mcp_sandbox_workers`, `mcp_sandbox_restarts_total`, `mcp_sandbox_crashes_total`, `mcp_sandbox_breaker_state` */
  sandboxes?: Provider<readonly SandboxHealth[]>;
  /** `mcp_audit_buffer_events` */
  auditBuffer?: Provider<number>;
  /** `mcp_sidecar_connected` (true or 1 when connected; `undefined` when there is no sidecar) */
  sidecarConnected?: Provider<boolean | number>;
  /** `mcp_cache_entries`, `mcp_cache_bytes`, `mcp_cache_evictions_total` */
  cache?: Provider<CacheCounts>;
}

const BREAKER_VALUE: Readonly<Record<BreakerState, number>> = { closed: 0, "half-open": 1, open: 2 };
const QUEUE_STATES = ["waiting", "active", "delayed", "completed", "failed"] as const;
/** auth failure statuses kept as distinct labels; anything else is `other` */
const MAX_AUTH_STATUSES = 16;

function positiveInt(value: number | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0)
    throw new TypeError(`"${option}" option must be a positive integer`);
  return value;
}

function finite(value: unknown): number | undefined {
  const n = typeof value === "boolean" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}

export class RuntimeMetrics {
  /** the registry everything is registered on; add the runtime's own metrics here if needed */
  readonly registry: Registry;
  readonly contentType: string;

  private readonly table: RequestTable;
  private inFlight = 0;
  private auditDroppedCount = 0;
  private readonly authFailures = new Map<number, { labels: { status: string }; value: number }>();
  private readonly reloads = { applied: 0, refused: 0 };
  private readonly cacheLookups = new LabeledCounts(["kind", "outcome"] as const, 16);
  private readonly cacheErrors = new LabeledCounts(["kind"] as const, 16);
  private readonly limited: LabeledCounts<"limit" | "tool">;
  private readonly budgetWarnings: LabeledCounts<"tool">;
  private limiterErrors = 0;
  /** latest outcome per eval name (configured checks only) */
  private readonly evalPassing = new Map<string, { labels: { eval: string; tool: string }; value: number }>();
  private readonly evalRuns = new LabeledCounts(["eval", "tool", "status"] as const, 1000);
  private readonly captureDrops = new LabeledCounts(["reason"] as const, 8);
  private readonly knownTool: ((name: string) => boolean) | undefined;
  private readonly sources: ProviderSource<unknown>[] = [];

  constructor(options: RuntimeMetricsOptions = {}) {
    const registry = new Registry();
    this.registry = registry;
    this.contentType = registry.contentType;
    if (options.defaultLabels !== undefined) registry.setDefaultLabels(options.defaultLabels);
    const timeoutMs = positiveInt(options.providerTimeoutMs, 2000, "providerTimeoutMs");
    const maxSeries = positiveInt(options.maxSeries, 2000, "maxSeries");
    this.limited = new LabeledCounts(["limit", "tool"] as const, maxSeries);
    this.budgetWarnings = new LabeledCounts(["tool"] as const, maxSeries);
    this.knownTool = options.knownTool;
    this.table = new RequestTable({
      knownTool: options.knownTool,
      maxMethods: positiveInt(options.maxMethods, 64, "maxMethods"),
      maxSeries,
      buckets: DURATION_BUCKETS,
    });

    this.registerRequestMetrics(registry);
    this.registerProviderMetrics(registry, options, timeoutMs);
    this.registerEventCounters(registry);

    if (options.processMetrics) {
      const prefix = typeof options.processMetrics === "object" ? options.processMetrics.prefix : undefined;
      collectDefaultMetrics({ register: registry, ...(prefix === undefined ? {} : { prefix }) });
    }
  }

  /**
   * Counts one finished request. `tool` is the tool name for `tools/call` and `""` otherwise;
   * `status` is the runtime's outcome (`ok`, `error`, `tool_error`, ...); `errorCode` the JSON-RPC
   * code when there was one. Cost: two Map lookups and a few increments.
   */
  observeRequest(method: string, tool: string, status: string, seconds: number, errorCode?: number): void {
    this.table.series(method, tool).observe(status, seconds, errorCode);
  }

  requestStarted(): void {
    this.inFlight++;
  }

  requestFinished(): void {
    this.inFlight--;
  }

  /** Audit events the runtime had to drop (buffer full, sidecar away too long). */
  auditDropped(count = 1): void {
    if (count > 0) this.auditDroppedCount += count;
  }

  /** A request refused by authentication; `status` is the HTTP status (401, 403). */
  authFailed(status: number): void {
    let cell = this.authFailures.get(status);
    if (cell === undefined) {
      const key = this.authFailures.size < MAX_AUTH_STATUSES ? status : -1;
      cell = this.authFailures.get(key);
      if (cell === undefined) {
        cell = { labels: { status: key === -1 ? "other" : String(key) }, value: 0 };
        this.authFailures.set(key, cell);
      }
    }
    cell.value++;
  }

  configReload(outcome: "applied" | "refused"): void {
    this.reloads[outcome]++;
  }

  /** One cache lookup (a hit, or a miss that ran the plugin). */
  cacheLookup(kind: CacheKind, hit: boolean): void {
    this.cacheLookups.add([kind, hit ? "hit" : "miss"]);
  }

  /** The cache backend failed and the call ran uncached (Redis away, an entry that did not decrypt). */
  cacheError(kind: string): void {
    this.cacheErrors.add([kind]);
  }

  /** A request refused by a rate limit or budget; `tool` is "" for per-client limits. */
  rateLimited(limit: LimitKind, tool: string): void {
    this.limited.add([limit, this.toolLabel(tool)]);
  }

  /** A subject's use of a tool budget crossed the warning ratio (80 %) in this period. */
  budgetWarning(tool: string): void {
    this.budgetWarnings.add([this.toolLabel(tool)]);
  }

  /** The limiter backend could not answer (the call was then admitted or refused per config). */
  limiterError(): void {
    this.limiterErrors++;
  }

  /** Requests being handled now (what `mcp_requests_in_flight` reports). */
  get requestsInFlight(): number {
    return this.inFlight;
  }

  /** One eval run: `mcp_eval_passing{eval,tool}` set to 1 or 0, `mcp_eval_runs_total{eval,tool,status}` + 1. */
  evalResult(name: string, tool: string, status: "pass" | "fail"): void {
    const value = status === "pass" ? 1 : 0;
    const cell = this.evalPassing.get(name);
    if (cell !== undefined && cell.labels.tool === tool) cell.value = value;
    else this.evalPassing.set(name, { labels: { eval: name, tool }, value });
    this.evalRuns.add([name, tool, status]);
  }

  /** The evals configured now: the gauge forgets every other (a removed check stops reporting). */
  retainEvals(names: ReadonlySet<string>): void {
    for (const name of this.evalPassing.keys()) if (!names.has(name)) this.evalPassing.delete(name);
  }

  /** Captured calls not sent to the sidecar (`mcp_capture_dropped_total{reason}`). */
  captureDropped(reason: CaptureDropReason, count = 1): void {
    if (count > 0) this.captureDrops.add([reason], count);
  }

  private toolLabel(tool: string): string {
    if (tool === "" || this.knownTool === undefined) return tool;
    return this.knownTool(tool) ? tool : UNKNOWN_TOOL_LABEL;
  }

  /** The exposition text for a scrape; serve it with {@link contentType}. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  private registerRequestMetrics(registry: Registry): void {
    const table = this.table;
    new ScrapedCounter(
      {
        name: "mcp_requests_total",
        help: "MCP requests handled, by JSON-RPC method, tool and outcome",
        labelNames: ["method", "tool", "status"],
        registry,
      },
      () => {
        const out: Sample<"method" | "tool" | "status">[] = [];
        for (const series of table.all) {
          for (const cell of series.statuses) out.push({ labels: cell.labels, value: cell.count });
        }
        return out;
      },
    );
    new ScrapedHistogram(
      {
        name: "mcp_request_duration_seconds",
        help: "MCP request duration in seconds, by JSON-RPC method and tool",
        labelNames: ["method", "tool"],
        buckets: DURATION_BUCKETS,
        registry,
      },
      () => histogramSamples("mcp_request_duration_seconds", table.all),
    );
    new ScrapedCounter(
      {
        name: "mcp_request_errors_total",
        help: "MCP requests that ended in a JSON-RPC error, by method, tool and error code",
        labelNames: ["method", "tool", "code"],
        registry,
      },
      () => {
        const out: Sample<"method" | "tool" | "code">[] = [];
        for (const series of table.all) {
          for (const cell of series.codes) out.push({ labels: cell.labels, value: cell.count });
        }
        return out;
      },
    );
    new ScrapedGauge(
      { name: "mcp_requests_in_flight", help: "MCP requests being handled now", labelNames: [], registry },
      () => [{ labels: {}, value: this.inFlight }],
    );
  }

  private source<T>(name: string, provider: Provider<T>, timeoutMs: number): ProviderSource<T> {
    const source = new ProviderSource(name, provider, timeoutMs);
    this.sources.push(source);
    return source;
  }

  private registerProviderMetrics(
    registry: Registry,
    options: RuntimeMetricsOptions,
    timeoutMs: number,
  ): void {
    const single = (name: string, help: string, provider: Provider<unknown>) => {
      const source = this.source(name, provider, timeoutMs);
      new ScrapedGauge({ name, help, labelNames: [], registry }, async () => {
        const value = finite(await source.read());
        return value === undefined ? undefined : [{ labels: {}, value }];
      });
    };
    if (options.sessions)
      single("mcp_sessions_active", "MCP sessions open on this runtime", options.sessions);
    if (options.auditBuffer) {
      single(
        "mcp_audit_buffer_events",
        "Audit events buffered, not yet acknowledged by the sidecar",
        options.auditBuffer,
      );
    }
    if (options.sidecarConnected) {
      single("mcp_sidecar_connected", "1 when the sidecar WebSocket is connected", options.sidecarConnected);
    }
    if (options.queue) {
      const source = this.source("mcp_queue_jobs", options.queue, timeoutMs);
      new ScrapedGauge(
        { name: "mcp_queue_jobs", help: "Jobs in the task queue, by state", labelNames: ["state"], registry },
        async () => {
          const counts = await source.read();
          if (counts === undefined) return undefined;
          const out: Sample<"state">[] = [];
          for (const state of QUEUE_STATES) {
            const value = finite(counts[state]);
            if (value !== undefined) out.push({ labels: { state }, value });
          }
          return out;
        },
      );
    }
    if (options.cache) {
      const source = this.source("mcp_cache", options.cache, timeoutMs);
      const pick = (key: keyof CacheCounts) => async () => {
        const value = finite((await source.read())?.[key]);
        return value === undefined ? undefined : [{ labels: {}, value }];
      };
      new ScrapedGauge(
        { name: "mcp_cache_entries", help: "Entries in the memory cache", labelNames: [], registry },
        pick("entries"),
      );
      new ScrapedGauge(
        { name: "mcp_cache_bytes", help: "Bytes held by the memory cache", labelNames: [], registry },
        pick("bytes"),
      );
      new ScrapedCounter(
        {
          name: "mcp_cache_evictions_total",
          help: "Cache entries evicted to stay within the size bounds",
          labelNames: [],
          registry,
        },
        pick("evictions"),
      );
    }
    if (options.sandboxes)
      this.registerSandboxMetrics(registry, this.source("sandboxes", options.sandboxes, timeoutMs));
  }

  private registerSandboxMetrics(registry: Registry, source: ProviderSource<readonly SandboxHealth[]>): void {
    const perPlugin =
      <T extends string>(pick: (pool: SandboxHealth) => readonly Sample<T>[]) =>
      async (): Promise<Sample<T>[] | undefined> => {
        const pools = await source.read();
        return pools?.flatMap(pick);
      };
    new ScrapedGauge(
      {
        name: "mcp_sandbox_workers",
        help: "Sandbox workers per plugin; state ready or not_ready (starting or restarting)",
        labelNames: ["plugin", "state"],
        registry,
      },
      perPlugin((p) => [
        { labels: { plugin: p.plugin, state: "ready" }, value: p.ready },
        { labels: { plugin: p.plugin, state: "not_ready" }, value: Math.max(0, p.workers - p.ready) },
      ]),
    );
    new ScrapedCounter(
      {
        name: "mcp_sandbox_restarts_total",
        help: "Sandbox worker restarts per plugin",
        labelNames: ["plugin"],
        registry,
      },
      perPlugin((p) => [{ labels: { plugin: p.plugin }, value: p.restarts }]),
    );
    new ScrapedCounter(
      {
        name: "mcp_sandbox_crashes_total",
        help: "Sandbox worker crashes per plugin counted by the circuit breaker",
        labelNames: ["plugin"],
        registry,
      },
      perPlugin((p) => [{ labels: { plugin: p.plugin }, value: p.crashes }]),
    );
    new ScrapedGauge(
      {
        name: "mcp_sandbox_breaker_state",
        help: "Sandbox circuit breaker per plugin: 0 closed, 1 half-open, 2 open",
        labelNames: ["plugin"],
        registry,
      },
      perPlugin((p) => [{ labels: { plugin: p.plugin }, value: BREAKER_VALUE[p.breaker] ?? 2 }]),
    );
  }

  private registerEventCounters(registry: Registry): void {
    new ScrapedCounter(
      {
        name: "mcp_audit_events_dropped_total",
        help: "Audit events dropped by the runtime",
        labelNames: [],
        registry,
      },
      () => [{ labels: {}, value: this.auditDroppedCount }],
    );
    new ScrapedCounter(
      {
        name: "mcp_auth_failures_total",
        help: "Requests refused by authentication, by HTTP status",
        labelNames: ["status"],
        registry,
      },
      () => Array.from(this.authFailures.values(), (cell) => ({ labels: cell.labels, value: cell.value })),
    );
    new ScrapedCounter(
      {
        name: "mcp_config_reloads_total",
        help: "Configuration changes applied or refused",
        labelNames: ["outcome"],
        registry,
      },
      () => [
        { labels: { outcome: "applied" }, value: this.reloads.applied },
        { labels: { outcome: "refused" }, value: this.reloads.refused },
      ],
    );
    new ScrapedCounter(
      {
        name: "mcp_cache_requests_total",
        help: "Cache lookups by what was looked up (resource, tool, large_result) and outcome (hit, miss)",
        labelNames: ["kind", "outcome"],
        registry,
      },
      () => this.cacheLookups.samples(),
    );
    new ScrapedCounter(
      {
        name: "mcp_cache_errors_total",
        help: "Cache backend failures; the call ran uncached",
        labelNames: ["kind"],
        registry,
      },
      () => this.cacheErrors.samples(),
    );
    new ScrapedCounter(
      {
        name: "mcp_rate_limited_total",
        help: "Requests refused by a limit (client, tool, budget), by tool",
        labelNames: ["limit", "tool"],
        registry,
      },
      () => this.limited.samples(),
    );
    new ScrapedCounter(
      {
        name: "mcp_budget_warnings_total",
        help: "Times a subject's use of a tool budget crossed 80 % of it in a period",
        labelNames: ["tool"],
        registry,
      },
      () => this.budgetWarnings.samples(),
    );
    new ScrapedCounter(
      {
        name: "mcp_limits_backend_errors_total",
        help: "Limit checks the limiter backend (Redis) could not answer",
        labelNames: [],
        registry,
      },
      () => [{ labels: {}, value: this.limiterErrors }],
    );
    new ScrapedGauge(
      {
        name: "mcp_eval_passing",
        help: "1 when the eval's last run passed, 0 when it failed (configured evals that ran)",
        labelNames: ["eval", "tool"],
        registry,
      },
      () => Array.from(this.evalPassing.values(), (cell) => ({ labels: cell.labels, value: cell.value })),
    );
    new ScrapedCounter(
      {
        name: "mcp_eval_runs_total",
        help: "Eval runs by eval, tool and status (pass, fail)",
        labelNames: ["eval", "tool", "status"],
        registry,
      },
      () => this.evalRuns.samples(),
    );
    new ScrapedCounter(
      {
        name: "mcp_capture_dropped_total",
        help: "Captured calls not sent to the sidecar, by reason (buffer_full, too_large, sidecar_away)",
        labelNames: ["reason"],
        registry,
      },
      () => this.captureDrops.samples(),
    );
    // Registered last: Registry.metrics() starts every get() in order, so by the time this one runs
    // every provider of the scrape is in flight and its failure lands in this same scrape.
    const sources = this.sources;
    new ScrapedCounter(
      {
        name: "mcp_metrics_collect_errors_total",
        help: "Scrapes in which a metrics provider threw, rejected or timed out, by provider",
        labelNames: ["provider"],
        registry,
      },
      async () => {
        await Promise.all(sources.map((s) => s.settled()));
        return sources.map((s) => ({ labels: { provider: s.name }, value: s.failures }));
      },
    );
  }
}

function histogramSamples(name: string, all: readonly RequestSeries[]): NamedSample<"method" | "tool">[] {
  const bucketName = `${name}_bucket`;
  const out: NamedSample<"method" | "tool">[] = [];
  for (const series of all) {
    let cumulative = 0;
    const labels = series.bucketLabels;
    for (let i = 0; i < labels.length; i++) {
      cumulative += series.buckets[i] ?? 0;
      out.push({ metricName: bucketName, labels: labels[i] ?? {}, value: cumulative });
    }
    out.push({ metricName: `${name}_sum`, labels: series.labels, value: series.sum });
    out.push({ metricName: `${name}_count`, labels: series.labels, value: series.count });
  }
  return out;
}
