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
  return membersInOrder(event, type) ?? membersRebuilt(event, type);
}

/**
 * The members of `{ ...event, node }` (a runtime's event stamped with its node id) without copying
 * the event: the node goes last, as the spread puts it, unless the event has a `node` of its own,
 * which the spread overwrites in place. The copy cost more than the rest of the encoding together.
 */
export function encodeStampedMembers(event: AuditEventInput, node: string): string {
  if (hasOwn(event, "node")) {
    const stamped: AuditEventInput & { node: string } = { ...event, node };
    return encodeEventMembers(stamped);
  }
  const members = encodeEventMembers(event);
  if (node !== memberNode) {
    nodeMember = `,"node":${JSON.stringify(node)}`;
    memberNode = node;
  }
  return members + nodeMember;
}

const hasOwn = Object.hasOwn;
let memberNode = "";
let nodeMember = "";
let headType = "";
let head = "";
let membersHead = "";

/**
 * The common shape (every runtime event: `type`, then `ts`, then the rest) in one native
 * `JSON.stringify` of the event itself, with `"ts":` renamed in the text: a few times cheaper than
 * rebuilding the object, and the same text, because the members keep their order. Returns undefined
 * (the caller rebuilds) for anything else: another order, an index-like key (those are written
 * first), a reserved field, or a `toJSON`.
 */
function membersInOrder(event: AuditEventInput, type: string): string | undefined {
  if (
    hasOwn(event, "seq") ||
    hasOwn(event, "prev") ||
    hasOwn(event, "hash") ||
    hasOwn(event, "src") ||
    hasOwn(event, "eventTs") ||
    typeof (event as { toJSON?: unknown }).toJSON === "function"
  )
    return undefined;
  if (type !== headType) {
    const typeJson = JSON.stringify(type);
    head = `{"type":${typeJson},"ts":`;
    membersHead = `"type":${typeJson},"eventTs":`;
    headType = type;
  }
  let text: string;
  try {
    text = JSON.stringify(event);
  } catch {
    return undefined; // the rebuild throws the error it always threw
  }
  return text.startsWith(head) ? `${membersHead}${text.slice(head.length, -1)}` : undefined;
}

function membersRebuilt(event: AuditEventInput, type: string): string {
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
