/**
 * @module Work inside a child span of its request's span (sandbox calls, queue submissions). Under
 * a request the sampler dropped no span is made: it would be dropped too, at a cost.
 */
import type { SpanHandle, Tracing } from "@mcp-runtime/telemetry/tracing";
import { Observation } from "./request-observer.js";

export async function inChildSpan<T>(
  tracing: Tracing,
  name: string,
  observation: unknown,
  attributes: Record<string, string>,
  work: () => Promise<T>,
  describe?: (span: SpanHandle, result: T) => void,
): Promise<T> {
  const parent = observation instanceof Observation ? observation.span : undefined;
  if (parent === undefined || !parent.recording) return work();
  const span = tracing.startSpan(name, parent, attributes, "internal");
  try {
    const result = await work();
    describe?.(span, result);
    return result;
  } catch (cause) {
    span.error(cause instanceof Error ? cause.name : "thrown");
    throw cause;
  } finally {
    span.end();
  }
}
