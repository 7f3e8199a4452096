/**
 * @module What a client may see of a failure's text (issue 18): no stack frames, no file paths
 * (POSIX, Windows, `file://` URLs, anything under node_modules) and no secrets (telemetry's
 * `scrub`). Only failures pay for it: the patterns are compiled once, and the runtime calls this
 * on error paths alone, keeping the full text for its log.
 */
import { type CallToolResult, JsonRpcError } from "@mcp-runtime/protocol";
import { SandboxError } from "@mcp-runtime/sandbox";
import { scrub } from "../logger.js";

/** "    at fn (file:///x.js:1:2)" lines, with the line break before them. */
const STACK_FRAME = /\r?\n[ \t]*at [^\r\n]*/g;
/**
 * One pass over the paths: `file:` URLs; Windows drive and UNC paths; any token through
 * node_modules; absolute (or `~/`) POSIX paths of two segments or more, with a `:line:column` (`/data` alone is too often a route
 * or a resource name to count). The lookbehind keeps URLs' own paths (`https://host/a/b`) and
 * relative paths (`tools/call`): those follow a word character, a colon or a slash.
 */
const PATH = new RegExp(
  [
    String.raw`\bfile:\/\/[^\s"'<>()]*`,
    String.raw`(?<![\w/])(?:[A-Za-z]:[\\/]|\\\\)[^\s"'<>|*?()]+`,
    String.raw`[^\s"'<>()]*node_modules[^\s"'<>()]*`,
    String.raw`(?<![\w:/.~-])~?\/(?:[\w.@+~%-]+\/)+[\w.@+~%-]*(?::\d+)*`,
  ].join("|"),
  "g",
);
const LINE_BREAKS = /\s*[\r\n]+\s*/g;
/** Long enough for any honest reason; a dump of internal state is cut. */
const MAX_CHARS = 1_000;

export function clientSafeMessage(text: string): string {
  const safe = String(scrub(text))
    .replace(STACK_FRAME, "")
    .replace(PATH, "[path]")
    .replace(LINE_BREAKS, " ")
    .trim();
  return safe.length > MAX_CHARS ? `${safe.slice(0, MAX_CHARS)}…` : safe;
}

/** `cause` with a client-safe message, of a class the layers above still recognise. */
export function clientSafeError(cause: unknown): { error: unknown; full: string } | undefined {
  if (!(cause instanceof Error)) return undefined;
  const safe = clientSafeMessage(cause.message);
  if (safe === cause.message) return undefined;
  let error: Error;
  if (cause instanceof JsonRpcError) {
    const data = cause.data === undefined ? undefined : scrubData(cause.data);
    error = new JsonRpcError(cause.code, safe, data);
  } else if (cause instanceof SandboxError) error = new SandboxError(cause.code, safe, { cause });
  else {
    error = new Error(safe, { cause });
    error.name = cause.name;
  }
  return { error, full: cause.message };
}

/** Error data as the client may see it: strings made client-safe, structure kept (bounded). */
function scrubData(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return clientSafeMessage(value);
  if (typeof value !== "object" || value === null || depth >= 4) return depth >= 4 ? "[depth]" : value;
  if (Array.isArray(value)) return value.map((item) => scrubData(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = scrubData(item, depth + 1);
  return out;
}

/** An `isError` result with its text made client-safe; undefined when nothing needed it. */
export function clientSafeResult(
  result: CallToolResult,
): { result: CallToolResult; full: string } | undefined {
  let changed = false;
  const full: string[] = [];
  const content = result.content.map((block) => {
    if (block.type !== "text") return block;
    const safe = clientSafeMessage(block.text);
    if (safe === block.text) return block;
    changed = true;
    full.push(block.text);
    return { ...block, text: safe };
  });
  return changed ? { result: { ...result, content }, full: full.join("\n") } : undefined;
}
