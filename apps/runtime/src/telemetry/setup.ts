/**
 * @module Starts what the config's `telemetry` section asks for: Prometheus metrics (on unless
 * `metrics: false`), OpenTelemetry tracing (when an OTLP endpoint is set; the SDK is only loaded
 * then), and the sidecar link (when `sidecar` is set). Also reports every reload, applied or
 * refused, to the log, the metrics and the audit trail.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { CaptureConfig, RuntimeConfig } from "@mcp-runtime/config";
import type { QueueMetrics } from "@mcp-runtime/queue";
import type { PoolHealth } from "@mcp-runtime/sandbox";
import { type CacheCounts, RuntimeMetrics, type StatusEval } from "@mcp-runtime/telemetry";
import type { Tracing } from "@mcp-runtime/telemetry/tracing";
import type { Logger } from "../logger.js";
import type { ReloadOutcome, ReloadRequest } from "../reload/config-reloader.js";
import type { UpstreamHealth } from "../upstreams/types.js";
import { RUNTIME_VERSION } from "../version.js";
import { CallCapture } from "./capture.js";
import type { SidecarLink } from "./sidecar-link.js";
import { buildStatus } from "./status.js";

export interface TelemetrySources {
  sessions(): number;
  queue(): Promise<QueueMetrics | undefined>;
  sandboxes(): readonly PoolHealth[];
  /** the cache's counters (`undefined` until the cache exists) */
  cache(): CacheCounts | undefined;
  /** whether a tool name is in the catalogue (others are counted as "(unknown)") */
  knownTool(name: string): boolean;
  /** the file the runtime was started from: its sha256 is the config version the sidecar is told */
  configFile: string | undefined;
  reload(request: ReloadRequest): Promise<ReloadOutcome>;
  /** what this process does, for the status frame */
  role: "serve" | "worker";
  upstreams(): readonly UpstreamHealth[];
  /** the latest eval outcomes (none on a worker) */
  evals(): readonly StatusEval[];
  /** the sidecar relays an operator's request for an eval run */
  runEvals(actor: string): void;
}

export interface Telemetry {
  readonly metrics: RuntimeMetrics | undefined;
  readonly tracing: Tracing | undefined;
  readonly link: SidecarLink | undefined;
  /** logs, counts and audits the outcome of a reload */
  reported(request: ReloadRequest, outcome: ReloadOutcome): void;
  /** the call capture these settings ask for; undefined when capture is off or there is no sidecar */
  captureFor(settings: CaptureConfig): CallCapture | undefined;
  close(): Promise<void>;
}

export async function startTelemetry(
  config: RuntimeConfig,
  logger: Logger,
  sources: TelemetrySources,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Telemetry> {
  const settings = config.telemetry;
  let link: SidecarLink | undefined;
  const metrics = settings.metrics
    ? new RuntimeMetrics({
        knownTool: sources.knownTool,
        sessions: sources.sessions,
        queue: sources.queue,
        sandboxes: sources.sandboxes,
        cache: sources.cache,
        auditBuffer: () => link?.bufferedEvents ?? 0,
        sidecarConnected: () => (link === undefined ? undefined : link.connected ? 1 : 0),
      })
    : undefined;
  const tracingWanted =
    env.OTEL_SDK_DISABLED !== "true" &&
    (settings.otlp !== undefined || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined);
  const tracing = tracingWanted
    ? await (await import("@mcp-runtime/telemetry/tracing")).startTracing({
        serviceName: "mcp-runtime",
        serviceVersion: RUNTIME_VERSION,
        ...(settings.otlp === undefined ? {} : { endpoint: settings.otlp }),
        env,
      })
    : undefined;
  let configVersion: string | undefined;
  if (settings.sidecar !== undefined) {
    if (sources.configFile !== undefined) {
      configVersion = await readFile(sources.configFile, "utf8").then(
        (text) => createHash("sha256").update(text).digest("hex"),
        () => undefined,
      );
    }
    const { SidecarLink } = await import("./sidecar-link.js");
    link = new SidecarLink({
      url: settings.sidecar,
      version: RUNTIME_VERSION,
      maxBufferedEvents: settings.auditBufferEvents,
      logger,
      configVersion: () => configVersion,
      ...(env.MCP_SIDECAR_TOKEN ? { token: env.MCP_SIDECAR_TOKEN } : {}),
      onDropped: (count) => metrics?.auditDropped(count),
      onCaptureDropped: (reason, count) => metrics?.captureDropped(reason, count),
      onRunEvals: (actor) => sources.runEvals(actor),
      status: () =>
        buildStatus({
          role: sources.role,
          startedAt: Math.round(performance.timeOrigin),
          sessions: sources.sessions,
          // Counted by the request metrics; without them (telemetry.metrics: false) it is not known.
          inFlight: () => metrics?.requestsInFlight ?? 0,
          queue: sources.queue,
          sandboxes: sources.sandboxes,
          upstreams: sources.upstreams,
          evals: sources.evals,
          configVersion: () => configVersion,
        }),
      onConfig: async (push) => {
        const outcome = await sources.reload({
          file: sources.configFile ?? push.file,
          text: push.text,
          source: "sidecar",
        });
        return outcome.ok
          ? { ok: true, changes: outcome.changes }
          : { ok: false, reason: outcome.reason ?? "refused" };
      },
    });
    link.start();
  }
  return {
    metrics,
    tracing,
    link,
    reported(request, outcome) {
      metrics?.configReload(outcome.ok ? "applied" : "refused");
      if (outcome.ok) {
        configVersion = outcome.version;
        logger.info({
          msg: "config reloaded",
          source: request.source,
          version: outcome.version,
          changes: outcome.changes,
        });
      } else {
        logger.warn({
          msg: "config change refused",
          source: request.source,
          version: outcome.version,
          reason: outcome.reason,
        });
      }
      link?.push({
        type: "config_change",
        ts: Date.now(),
        version: outcome.version,
        source: request.source,
        status: outcome.ok ? "applied" : "refused",
        ...(outcome.ok ? { changes: outcome.changes } : { reason: outcome.reason ?? "refused" }),
      });
    },
    captureFor(capture) {
      if (link !== undefined) return CallCapture.create(capture, { sink: link, metrics, logger });
      if (Object.keys(capture.tools).length > 0)
        logger.warn({
          msg: "telemetry.capture names tools but no sidecar is configured: nothing is captured",
        });
      return undefined;
    },
    async close() {
      await link?.close();
      await tracing?.shutdown();
    },
  };
}
