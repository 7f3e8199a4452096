/**
 * @module Two `Tracing`s as one: `serve --trace` beside OpenTelemetry export. Each span is started
 * in both; the exported one gives the ids (so `traceparent` propagation is unchanged) and each
 * side's children hang under that side's own parent span.
 */
import type {
  Attributes,
  AttributeValue,
  SpanHandle,
  SpanKindName,
  TraceParent,
  Tracing,
} from "@mcp-runtime/telemetry";

class TeeSpan implements SpanHandle {
  constructor(
    readonly first: SpanHandle,
    readonly second: SpanHandle,
  ) {}
  get traceId(): string {
    return this.first.traceId;
  }
  get spanId(): string {
    return this.first.spanId;
  }
  get recording(): boolean {
    return this.first.recording || this.second.recording;
  }
  setAttribute(key: string, value: AttributeValue): void {
    this.first.setAttribute(key, value);
    this.second.setAttribute(key, value);
  }
  setAttributes(attributes: Attributes): void {
    this.first.setAttributes(attributes);
    this.second.setAttributes(attributes);
  }
  error(message: string, code?: number): void {
    this.first.error(message, code);
    this.second.error(message, code);
  }
  end(): void {
    this.first.end();
    this.second.end();
  }
  traceparent(): string {
    return this.first.traceparent();
  }
}

/** `undefined` first: the second alone. */
export function teeTracing(first: Tracing | undefined, second: Tracing): Tracing {
  if (first === undefined) return second;
  return {
    enabled: true,
    startSpan(
      name: string,
      parent: TraceParent | SpanHandle | undefined,
      attributes?: Attributes,
      kind?: SpanKindName,
    ): SpanHandle {
      if (parent instanceof TeeSpan)
        return new TeeSpan(
          first.startSpan(name, parent.first, attributes, kind),
          second.startSpan(name, parent.second, attributes, kind),
        );
      const span = first.startSpan(name, parent, attributes, kind);
      // The second side joins the first's trace, so its lines and the exported spans share an id.
      const joined: TraceParent = { traceId: span.traceId, parentId: span.spanId, flags: 1 };
      return new TeeSpan(span, second.startSpan(name, joined, attributes, kind));
    },
    forceFlush: () => Promise.all([first.forceFlush(), second.forceFlush()]).then(() => {}),
    shutdown: () => Promise.all([first.shutdown(), second.shutdown()]).then(() => {}),
  };
}
