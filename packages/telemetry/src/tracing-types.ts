/**
 * @module The tracing contract the runtime codes against. It lives in the light entry so the
 * runtime can hold a `Tracing | undefined` without loading the SDK; `startTracing` from
 * `@mcp-runtime/telemetry/tracing` provides the implementation.
 */
import type { TraceParent } from "./traceparent.js";

/** Span attribute values as OpenTelemetry accepts them. */
export type AttributeValue =
  | string
  | number
  | boolean
  | readonly string[]
  | readonly number[]
  | readonly boolean[];
export type Attributes = Readonly<Record<string, AttributeValue | undefined>>;
export type SpanKindName = "server" | "internal" | "client";

/** One span. Methods on a non-recording span are no-ops; `traceparent()` still propagates. */
export interface SpanHandle {
  /** 32 lowercase hex */
  readonly traceId: string;
  /** 16 lowercase hex */
  readonly spanId: string;
  /** false when the sampler dropped the span: skip computing attributes then */
  readonly recording: boolean;
  setAttribute(key: string, value: AttributeValue): void;
  setAttributes(attributes: Attributes): void;
  /** marks the span failed (status ERROR, `message`, no stack); `code` becomes `rpc.jsonrpc.error_code` */
  error(message: string, code?: number): void;
  end(): void;
  /** the W3C `traceparent` for this span, to send upstream; `""` when there is no valid trace */
  traceparent(): string;
}

export interface Tracing {
  /** false for the no-op tracing (`OTEL_SDK_DISABLED=true`, `OTEL_TRACES_EXPORTER=none`) */
  readonly enabled: boolean;
  /**
   * Starts a span. `parent` is a remote parent (parsed `traceparent`), a local span (its child), or
   * `undefined` for a new trace. Nothing is added to the span beyond `attributes`.
   */
  startSpan(
    name: string,
    parent: TraceParent | SpanHandle | undefined,
    attributes?: Attributes,
    kind?: SpanKindName,
  ): SpanHandle;
  /** exports every ended span now */
  forceFlush(): Promise<void>;
  /** flushes, stops exporting and releases the global tracer provider */
  shutdown(): Promise<void>;
}
