/**
 * @module The verdict on one replayed call, against what was captured. `_meta` is ignored at every
 * depth, and a top-level `isError: false` counts as absent (the spec's default).
 *
 * - **identical**: deep-equal JSON (object key order ignored); for a captured JSON-RPC error, the
 *   replay failed with the same error code (messages may differ).
 * - **same-shape**: not identical, but the same structure: the same JSON type at every path (null,
 *   boolean, number, string, array, object), the same key set in every object, arrays of the same
 *   length, and equal values under the discriminator keys `type`, `mimeType` and `isError` — so only
 *   the values of other leaves differ (a text content whose text changed, a number that changed).
 * - **different**: anything else: a key added or gone, a type or array length changed, a content of
 *   another `type`, `isError` flipped, a result where an error was captured or another error code.
 * - **error**: the replay got no comparable answer where a result was captured: a transport failure,
 *   an HTTP error, a timeout, or a JSON-RPC error.
 *
 * A captured "[redacted]" (the runtime redacts configured paths of `structuredContent` too) matches
 * whatever the replay has at that path: the original value is unknown.
 */
import type { CaptureRecord } from "../capture/index.js";
import type { ReplayOutcome } from "./mcp-client.js";
import { REDACTED } from "./redacted.js";

export type Verdict = "identical" | "same-shape" | "different" | "error";

export interface Comparison {
  verdict: Verdict;
  /** the first differing JSON path (`$.content[0].text`), or what kind of answer differed */
  path?: string;
  /** the captured value there, as short JSON */
  before?: string;
  /** the replayed value there, as short JSON */
  after?: string;
}

const DISCRIMINATORS = new Set(["type", "mimeType", "isError"]);
const MAX_VALUE_CHARS = 60;

export function compareCall(captured: CaptureRecord, replayed: ReplayOutcome): Comparison {
  if (captured.result === undefined) {
    const code = captured.errorCode;
    if (replayed.kind === "rpc-error")
      return replayed.code === code
        ? { verdict: "identical" }
        : { verdict: "different", path: "error.code", before: String(code), after: String(replayed.code) };
    if (replayed.kind === "failure")
      return { verdict: "error", path: "transport", after: short(replayed.message) };
    return { verdict: "different", path: "$", before: `error ${code}`, after: "a result" };
  }
  if (replayed.kind === "failure")
    return { verdict: "error", path: "transport", after: short(replayed.message) };
  if (replayed.kind === "rpc-error")
    return {
      verdict: "error",
      path: "error",
      before: "a result",
      after: short(`${replayed.code} ${replayed.message}`),
    };
  const before = normalise(captured.result);
  const after = normalise(replayed.result);
  const valueDiff = firstDifference(before, after, "$", undefined, false);
  if (valueDiff === undefined) return { verdict: "identical" };
  const shapeDiff = firstDifference(before, after, "$", undefined, true);
  return shapeDiff === undefined
    ? { verdict: "same-shape", ...valueDiff }
    : { verdict: "different", ...shapeDiff };
}

/** Without `_meta` anywhere, and without a top-level `isError: false`. */
function normalise(result: Record<string, unknown>): Record<string, unknown> {
  const { isError, ...rest } = withoutMeta(result) as Record<string, unknown>;
  return isError === false || isError === undefined ? rest : { ...rest, isError };
}

function withoutMeta(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMeta);
  if (typeof value !== "object" || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (key !== "_meta") copy[key] = withoutMeta(item);
  return copy;
}

type JsonType = "null" | "boolean" | "number" | "string" | "array" | "object";

function jsonType(value: unknown): JsonType {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value as JsonType;
}

/**
 * The first path (keys in sorted order, depth first) where `a` and `b` differ; with `shapeOnly`,
 * leaf values count only under discriminator keys.
 */
function firstDifference(
  a: unknown,
  b: unknown,
  path: string,
  key: string | undefined,
  shapeOnly: boolean,
): Omit<Comparison, "verdict"> | undefined {
  if (a === REDACTED) return undefined;
  const type = jsonType(a);
  if (type !== jsonType(b)) return at(path, a, b);
  if (type === "array") {
    const left = a as unknown[];
    const right = b as unknown[];
    if (left.length !== right.length)
      return { path: `${path}.length`, before: String(left.length), after: String(right.length) };
    for (let index = 0; index < left.length; index++) {
      const found = firstDifference(left[index], right[index], `${path}[${index}]`, undefined, shapeOnly);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (type === "object") {
    const left = a as Record<string, unknown>;
    const right = b as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
    for (const name of keys) {
      const child = /^[A-Za-z_$][\w$]*$/.test(name) ? `${path}.${name}` : `${path}[${JSON.stringify(name)}]`;
      if (!(name in left) || !(name in right)) return at(child, left[name], right[name]);
      const found = firstDifference(left[name], right[name], child, name, shapeOnly);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (a === b) return undefined;
  if (shapeOnly && (key === undefined || !DISCRIMINATORS.has(key))) return undefined;
  return at(path, a, b);
}

function at(path: string, before: unknown, after: unknown): Omit<Comparison, "verdict"> {
  return { path, before: shortJson(before), after: shortJson(after) };
}

function shortJson(value: unknown): string {
  return value === undefined ? "(absent)" : short(JSON.stringify(value));
}

function short(text: string): string {
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}
