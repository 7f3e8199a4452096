/**
 * @module Public entry of @mcp-runtime/telemetry: runtime metrics on prom-client, W3C trace context,
 * pseudonymous ids, structured logs, the tracing contract, and the runtime-to-sidecar message types.
 * The OpenTelemetry SDK lives behind `@mcp-runtime/telemetry/tracing` so that nothing here loads it.
 */

/** prom-client, re-exported so the sidecar builds its own metrics without depending on it directly */
export { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
export { TelemetryError, type TelemetryErrorCode } from "./errors.js";
export type {
  AckMessage,
  AdminActionEvent,
  AuditEvent,
  AuthFailureEvent,
  CallOutcome,
  CapturedCall,
  CaptureMessage,
  ConfigChangeEvent,
  ConfigPushMessage,
  ConfigResultMessage,
  EvalResultEvent,
  EvalTrigger,
  EventBatchMessage,
  HelloMessage,
  RunEvalsMessage,
  RuntimeToSidecar,
  SidecarToRuntime,
  StatusEval,
  StatusMessage,
  StatusSandbox,
  StatusUpstream,
  ToolCallEvent,
} from "./events.js";
export { STATUS_INTERVAL_MS } from "./events.js";
export { createIdHasher, hashId, type IdHasherOptions, setHashSalt } from "./hash-id.js";
export { createLogger, type Logger, type LogLevel, scrub } from "./logger.js";
export type { Provider } from "./metrics/provider-source.js";
export { DURATION_BUCKETS, OTHER_LABEL, UNKNOWN_TOOL_LABEL } from "./metrics/request-table.js";
export {
  type BreakerState,
  type CacheCounts,
  type CacheKind,
  type CaptureDropReason,
  type LimitKind,
  type QueueJobCounts,
  RuntimeMetrics,
  type RuntimeMetricsOptions,
  type SandboxHealth,
} from "./metrics/runtime-metrics.js";
export { formatTraceparent, parseTraceparent, type TraceParent } from "./traceparent.js";
export type { Attributes, AttributeValue, SpanHandle, SpanKindName, Tracing } from "./tracing-types.js";
