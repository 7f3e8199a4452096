/**
 * @module A `tool_call` audit event written straight to JSON text, byte for byte what
 * `JSON.stringify` gives for the same event built in the same key order. Every call makes one and
 * the sidecar link keeps events as text anyway; generic `JSON.stringify` of the 7-10 key object was
 * about a microsecond a call under load, this a fraction of it (names are quoted once, then cached).
 */
import type { CallOutcome } from "@mcp-runtime/telemetry";

/** The variable parts of one event; the order of the JSON keys is fixed below. */
export interface ToolCallFields {
  ts: number;
  tool: string;
  era: "legacy" | "modern";
  outcome: CallOutcome;
  durationMs: number;
  subject: string | undefined;
  plugin: string | undefined;
  code: number | undefined;
  traceId: string | undefined;
}

/** JSON string literals of tool and plugin names, which repeat; bounded so odd names cannot grow it. */
const quotedNames = new Map<string, string>();
const MAX_QUOTED = 4096;

function quotedName(name: string): string {
  let quoted = quotedNames.get(name);
  if (quoted === undefined) {
    quoted = JSON.stringify(name);
    if (quotedNames.size < MAX_QUOTED) quotedNames.set(name, quoted);
  }
  return quoted;
}

/** Same text as `JSON.stringify({type, ts, tool, era, outcome, durationMs, subject?, plugin?, code?, traceId?})`. */
export function toolCallJson(f: ToolCallFields): string {
  let json = `{"type":"tool_call","ts":${f.ts},"tool":${quotedName(f.tool)},"era":"${f.era}","outcome":"${f.outcome}","durationMs":${f.durationMs}`;
  if (f.subject !== undefined) json += `,"subject":${JSON.stringify(f.subject)}`;
  if (f.plugin !== undefined) json += `,"plugin":${quotedName(f.plugin)}`;
  if (f.code !== undefined) json += `,"code":${f.code}`;
  // Trace ids are lowercase hex (ours or a parsed traceparent): nothing to escape.
  if (f.traceId !== undefined) json += `,"traceId":"${f.traceId}"`;
  return `${json}}`;
}
