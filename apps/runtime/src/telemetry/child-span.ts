/**
 * @module Work inside a child span of its request's span (sandbox calls, queue submissions). Under
 * a request the sampler dropped no span is made: it would be dropped too, at a cost. That path is
 * not an async function either: it hands back `work()`'s own promise, with no wrapper promise and
 * its extra microtask turns, on nine requests in ten at the default sampler.
 */
import type { SpanHandle, Tracing } from "@mcp-runtime/telemetry/tracing";
import { Observation } from "./request-observer.js";

export function inChildSpan<T>(
  tracing: Tracing,
  name: string,
  observation: unknown,
  attributes: Record<string, string>,
  work: () => Promise<T>,
  describe?: (span: SpanHandle, result: T) => void,
): Promise<T> {
  const parent = observation instanceof Observation ? observation.span : undefined;
  if (parent === undefined || !parent.recording) {
    try {
      return work();
    } catch (cause) {
      // As an async function would: a synchronous throw becomes a rejection.
      return Promise.reject(cause);
    }
  }
  return recorded(tracing.startSpan(name, parent, attributes, "internal"), work, describe);
}

async function recorded<T>(
  span: SpanHandle,
  work: () => Promise<T>,
  describe: ((span: SpanHandle, result: T) => void) | undefined,
): Promise<T> {
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
