/**
 * @module W3C trace context in the HTTP headers continues in the protocol core as
 * `_meta.traceparent` (and `tracestate`), unless a request carries its own.
 */
import type { DecodedFrame, JsonObject } from "@mcp-runtime/protocol";

/** Copies the `traceparent` (and `tracestate`) headers into each request's `_meta` unless it has its own. */
export function carryTraceContext(frame: DecodedFrame, traceparent: string, tracestate: unknown): void {
  if (frame.kind === "batch") {
    for (const part of frame.messages) carryTraceContext(part, traceparent, tracestate);
    return;
  }
  if (frame.kind !== "message" || !("method" in frame.message)) return;
  const message = frame.message;
  const params = message.params ?? {};
  message.params = params;
  const meta = (params._meta ?? {}) as JsonObject;
  params._meta = meta;
  if (meta.traceparent !== undefined) return;
  meta.traceparent = traceparent;
  if (typeof tracestate === "string") meta.tracestate = tracestate;
}
