/**
 * @module `SpanHandle` over an OpenTelemetry span, and the parent-context building for
 * `startSpan`. Parents are explicit (no context manager), so each span keeps the one `Context`
 * its children need, built only when a child asks.
 */
import {
  type Context,
  isSpanContextValid,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  type SpanOptions,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { TraceState } from "@opentelemetry/core";
import { formatTraceparent, type TraceParent } from "../traceparent.js";
import type { Attributes, AttributeValue, SpanHandle, SpanKindName } from "../tracing-types.js";
import { DroppedSpan } from "./dropped-span.js";
import type { HeadSampler } from "./head-sampler.js";

/** OpenTelemetry semantic convention for JSON-RPC error codes (semconv rpc.jsonrpc.*). */
const ERROR_CODE_ATTRIBUTE = "rpc.jsonrpc.error_code";

const KINDS: Readonly<Record<SpanKindName, SpanKind>> = {
  server: SpanKind.SERVER,
  internal: SpanKind.INTERNAL,
  client: SpanKind.CLIENT,
};
/** shared options for spans started without attributes, one per kind */
const BARE_OPTIONS: Readonly<Record<SpanKindName, SpanOptions>> = {
  server: Object.freeze({ kind: SpanKind.SERVER }),
  internal: Object.freeze({ kind: SpanKind.INTERNAL }),
  client: Object.freeze({ kind: SpanKind.CLIENT }),
};

export class OtelSpanHandle implements SpanHandle {
  readonly recording: boolean;
  private readonly context: SpanContext;
  private childContext: Context | undefined;

  constructor(private readonly span: Span) {
    this.context = span.spanContext();
    this.recording = span.isRecording();
  }

  get traceId(): string {
    return this.context.traceId;
  }

  get spanId(): string {
    return this.context.spanId;
  }

  setAttribute(key: string, value: AttributeValue): void {
    this.span.setAttribute(key, value);
  }

  setAttributes(attributes: Attributes): void {
    this.span.setAttributes(attributes);
  }

  error(message: string, code?: number): void {
    this.span.setStatus({ code: SpanStatusCode.ERROR, message });
    if (code !== undefined) this.span.setAttribute(ERROR_CODE_ATTRIBUTE, code);
  }

  end(): void {
    this.span.end();
  }

  traceparent(): string {
    const ctx = this.context;
    return isSpanContextValid(ctx) ? formatTraceparent(ctx.traceId, ctx.spanId, ctx.traceFlags) : "";
  }

  /** the context a child of this span starts in */
  asParent(): Context {
    if (this.childContext === undefined) this.childContext = trace.setSpan(ROOT_CONTEXT, this.span);
    return this.childContext;
  }
}

function parentContext(parent: TraceParent | SpanHandle | undefined): Context {
  if (parent === undefined) return ROOT_CONTEXT;
  if (parent instanceof OtelSpanHandle) return parent.asParent();
  if ("parentId" in parent) {
    const remote: SpanContext = {
      traceId: parent.traceId,
      spanId: parent.parentId,
      // Only the sampled bit means anything to the SDK's samplers at level 1.
      traceFlags: parent.flags & 1,
      isRemote: true,
    };
    if (parent.tracestate !== undefined) remote.traceState = new TraceState(parent.tracestate);
    return trace.setSpanContext(ROOT_CONTEXT, remote);
  }
  // A SpanHandle from elsewhere: continue its trace by id.
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: parent.traceId,
    spanId: parent.spanId,
    traceFlags: parent.recording ? 1 : 0,
  });
}

/** The parent's sampled flag for the head sampler; `undefined` for a root span. */
function sampledFlag(parent: TraceParent | SpanHandle | undefined): boolean | undefined {
  if (parent === undefined) return undefined;
  return "parentId" in parent ? (parent.flags & 1) === 1 : parent.recording;
}

/**
 * The body of `Tracing.startSpan` over any OpenTelemetry tracer (the SDK's, or a no-op one). With a
 * head sampler, a span it drops never reaches the tracer (see head-sampler.ts).
 */
export function startSpanWith(
  tracer: Tracer,
  sample: HeadSampler | undefined,
  name: string,
  parent: TraceParent | SpanHandle | undefined,
  attributes: Attributes | undefined,
  kind: SpanKindName = "internal",
): SpanHandle {
  if (sample !== undefined) {
    const local = parent !== undefined && !("parentId" in parent);
    if (!sample(sampledFlag(parent), local)) return new DroppedSpan(parent?.traceId);
  }
  const options: SpanOptions =
    attributes === undefined
      ? (BARE_OPTIONS[kind] ?? BARE_OPTIONS.internal)
      : { kind: KINDS[kind], attributes };
  return new OtelSpanHandle(tracer.startSpan(name, options, parentContext(parent)));
}
