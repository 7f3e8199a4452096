/**
 * @module Recovers the id of a message too large to parse, from its first and last few hundred
 * bytes, so that its JSON-RPC error can carry the id (JSON-RPC 2.0 §5: null only when the id cannot
 * be detected). Cheap on purpose: the body of an oversize message is never decoded. Shared by the
 * stdio and WebSocket transports.
 */
import type { JsonRpcId } from "./jsonrpc.js";

/** How much of an oversize message's start and end is kept to find its id. */
export const ID_PROBE_BYTES = 512;

const ID_VALUE = String.raw`("(?:[^"\\]|\\.){0,200}"|-?\d{1,20})`;
// SDK clients spread the request before adding `jsonrpc` and `id`, so the id often comes last.
const TAIL_ID = new RegExp(String.raw`[{,]\s*"id"\s*:\s*${ID_VALUE}\s*\}\s*$`);
const VALUE_AFTER_KEY = new RegExp(String.raw`^\s*:\s*${ID_VALUE}\s*[,}]`);

function idFrom(literal: string | undefined): JsonRpcId | undefined {
  if (literal === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(literal);
    return typeof value === "string" || typeof value === "number" ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The id among the top-level members at the start of `head` (nested `"id"` keys are skipped). */
function leadingId(head: string): JsonRpcId | undefined {
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < head.length; i++) {
    const c = head[i];
    if (c === '"') {
      let end = i + 1;
      while (end < head.length && head[end] !== '"') end += head[end] === "\\" ? 2 : 1;
      if (end >= head.length) return undefined;
      if (depth === 1 && expectKey && end === i + 3 && head.startsWith('"id"', i)) {
        return idFrom(VALUE_AFTER_KEY.exec(head.slice(end + 1))?.[1]);
      }
      expectKey = false;
      i = end;
    } else if (c === "{") {
      depth++;
      expectKey = true;
    } else if (c === "[") depth++;
    else if (c === "}" || c === "]") depth--;
    else if (c === ",") expectKey = true;
    else if (c === ":") expectKey = false;
  }
  return undefined;
}

/** The id of an oversize message from its start and end, or null when it cannot be found cheaply. */
export function oversizeMessageId(head: string, tail: string): JsonRpcId | null {
  if (!head.trimStart().startsWith("{")) return null;
  return leadingId(head) ?? idFrom(TAIL_ID.exec(tail)?.[1]) ?? null;
}
