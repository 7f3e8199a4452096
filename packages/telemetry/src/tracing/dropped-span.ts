/**
 * @module The span of a request the head sampler dropped: no OpenTelemetry object, no export, only
 * ids, so that logs and audit records can still name the trace and `traceparent()` can pass it on
 * (flags 00). Ids come from a pool of random bytes, made only when something reads them.
 */
import { randomFillSync } from "node:crypto";
import { formatTraceparent } from "../traceparent.js";
import type { Attributes, AttributeValue, SpanHandle } from "../tracing-types.js";

/** 512 trace ids' worth of randomness per `randomFillSync` call (one syscall, not one per id). */
const POOL_BYTES = 8192;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let offset = POOL_BYTES;

const ALL_ZERO = { 8: "0".repeat(16), 16: "0".repeat(32) } as const;

/** `bytes` random bytes as lowercase hex, never all zero (W3C: an all-zero id is invalid). */
export function randomHexId(bytes: 8 | 16): string {
  for (;;) {
    if (offset + bytes > POOL_BYTES) {
      randomFillSync(pool);
      offset = 0;
    }
    const id = pool.toString("hex", offset, offset + bytes);
    offset += bytes;
    if (id !== ALL_ZERO[bytes]) return id;
  }
}

export class DroppedSpan implements SpanHandle {
  readonly recording = false;
  private trace: string | undefined;
  private span: string | undefined;

  /** `traceId`: the parent's trace, continued; a new one is drawn when read if there is none. */
  constructor(traceId: string | undefined) {
    this.trace = traceId;
  }

  get traceId(): string {
    this.trace ??= randomHexId(16);
    return this.trace;
  }

  get spanId(): string {
    this.span ??= randomHexId(8);
    return this.span;
  }

  setAttribute(_key: string, _value: AttributeValue): void {}
  setAttributes(_attributes: Attributes): void {}
  error(_message: string, _code?: number): void {}
  end(): void {}

  traceparent(): string {
    return formatTraceparent(this.traceId, this.spanId, 0);
  }
}
