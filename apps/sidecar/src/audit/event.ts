/**
 * @module Validates an appended event and serialises it once, at `append`: the caller learns of a bad
 * event synchronously, and the queue holds a snapshot the caller can no longer mutate.
 */
import { CHECKPOINT_TYPE, SEGMENT_TYPE } from "./checkpoint.js";
import type { SourceRef } from "./record.js";

/** Anything with a string `type`; `AuditEvent` from @mcp-runtime/telemetry fits. */
export interface AuditEventInput {
  readonly type: string;
}

// Chain fields the log writes itself; an event carrying them would shadow or forge them.
const RESERVED_FIELDS = new Set(["seq", "prev", "hash", "src", "eventTs"]);

/**
 * The event's JSON members without braces, `"type"` first. The event's own `ts` (epoch ms at the
 * source) becomes `eventTs`, because the record's `ts` is the time the log wrote it.
 */
export function encodeEventMembers(event: AuditEventInput): string {
  const { type } = event;
  if (typeof type !== "string" || type === "")
    throw new TypeError('audit event "type" must be a non-empty string');
  if (type === CHECKPOINT_TYPE || type === SEGMENT_TYPE) {
    throw new TypeError(`audit event type "${type}" is reserved for the log itself`);
  }
  // A null prototype keeps a "__proto__" key from a parsed wire message an ordinary field.
  const fields: Record<string, unknown> = Object.create(null);
  fields.type = type;
  for (const [key, value] of Object.entries(event)) {
    if (key === "type") continue;
    if (key === "ts") fields.eventTs = value;
    else if (RESERVED_FIELDS.has(key))
      throw new TypeError(`audit event field "${key}" is reserved for the log itself`);
    else fields[key] = value;
  }
  return JSON.stringify(fields).slice(1, -1);
}

export function checkSource(source: SourceRef): SourceRef {
  if (typeof source.node !== "string" || source.node === "") {
    throw new TypeError('audit source "node" must be a non-empty string');
  }
  if (!Number.isSafeInteger(source.seq) || source.seq < 0) {
    throw new TypeError('audit source "seq" must be a non-negative integer');
  }
  return { node: source.node, seq: source.seq };
}
