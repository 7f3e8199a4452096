/**
 * @module 2026-07-28 request headers checked against the body (spec §5.1): `MCP-Protocol-Version`
 * must equal `_meta` protocolVersion, `Mcp-Method` the method, `Mcp-Name` the name or uri, and
 * `Mcp-Param-*` each argument a tool marks with `x-mcp-header`. Any miss is -32020, HTTP 400.
 * Values are trimmed; `=?base64?...?=` values are decoded first. Runtime-neutral (no node or express
 * code at run time): the express transport reads node's header record, the fetch handler a web `Headers`.
 */
import type { IncomingHttpHeaders } from "node:http";
import {
  type Catalog,
  type JsonRpcNotification,
  type JsonRpcRequest,
  MetaKey,
  type ToolEntry,
} from "@mcp-runtime/protocol";

/** Where `Mcp-Name` comes from, per method. */
const NAME_FIELD: ReadonlyMap<string, "name" | "uri" | "taskId"> = new Map([
  ["tools/call", "name"],
  ["prompts/get", "name"],
  ["resources/read", "uri"],
  // The tasks extension (SEP-2663) names the task in Mcp-Name.
  ["tasks/get", "taskId"],
  ["tasks/update", "taskId"],
  ["tasks/cancel", "taskId"],
]);

const SENTINEL_PREFIX = "=?base64?";
const SENTINEL_SUFFIX = "?=";
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Reads one header (lower-case name) as a trimmed string, undefined when absent. A plain function
 * taking the header holder, rather than a closure over it, so a check allocates nothing.
 */
type HeaderReader<H> = (headers: H, name: string) => string | undefined;

function single(value: string | string[] | undefined): string | undefined {
  return typeof value === "string" ? value.trim() : undefined;
}

/** Node's header record: repeated headers other than the list-valued ones arrive joined by node. */
function nodeHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  return single(headers[name]);
}

/** A web `Headers` (the fetch handler). */
function webHeader(headers: Headers, name: string): string | undefined {
  return headers.get(name)?.trim();
}

const UTF8 = new TextDecoder();

/** Decodes a header value (plain, or the Base64 sentinel); undefined when the encoding is invalid. */
export function decodeHeaderValue(raw: string): string | undefined {
  if (!raw.startsWith(SENTINEL_PREFIX) || !raw.endsWith(SENTINEL_SUFFIX)) return raw;
  const encoded = raw.slice(SENTINEL_PREFIX.length, raw.length - SENTINEL_SUFFIX.length);
  if (encoded.length % 4 !== 0 || !BASE64.test(encoded)) return undefined;
  // atob and TextDecoder rather than Buffer: serverless runtimes (Workers, Deno, Edge) lack Buffer.
  // Both decoders replace invalid UTF-8 the same way (WHATWG), so values decode as before.
  const binary = atob(encoded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return UTF8.decode(bytes);
}

interface HeaderParam {
  header: string;
  /** property path from the arguments object */
  path: readonly string[];
  type: "string" | "integer" | "boolean";
}

/** `x-mcp-header` arguments of a tool, computed once per registered entry. */
const paramCache = new WeakMap<ToolEntry, readonly HeaderParam[]>();

function headerParams(entry: ToolEntry): readonly HeaderParam[] {
  let params = paramCache.get(entry);
  if (params === undefined) {
    const found: HeaderParam[] = [];
    collect(entry.descriptor.inputSchema, [], found);
    params = found;
    paramCache.set(entry, params);
  }
  return params;
}

function collect(schema: unknown, path: string[], out: HeaderParam[]): void {
  if (typeof schema !== "object" || schema === null) return;
  const properties = (schema as { properties?: unknown }).properties;
  if (typeof properties !== "object" || properties === null) return;
  for (const [key, property] of Object.entries(properties)) {
    if (typeof property !== "object" || property === null) continue;
    const header = (property as Record<string, unknown>)["x-mcp-header"];
    const type = (property as Record<string, unknown>).type;
    if (typeof header === "string" && (type === "string" || type === "integer" || type === "boolean")) {
      out.push({ header: `mcp-param-${header.toLowerCase()}`, path: [...path, key], type });
    }
    // Only chains of `properties` count (spec: not items, combinators or $ref).
    collect(property, [...path, key], out);
  }
}

function valueAt(args: unknown, path: readonly string[]): unknown {
  let value = args;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function matchesParam(value: unknown, decoded: string, type: HeaderParam["type"]): boolean {
  if (type === "integer") return typeof value === "number" && decoded !== "" && Number(decoded) === value;
  if (type === "boolean") return decoded === String(value);
  return decoded === value;
}

/** Null when node's request headers agree with the body, else the message of the -32020 error. */
export function checkModernHeaders(
  headers: IncomingHttpHeaders,
  message: JsonRpcRequest | JsonRpcNotification,
  catalog: Catalog,
): string | null {
  // Named property loads, not `nodeHeader(headers, name)`: a keyed load per header measured ~30%
  // slower on this per-request path.
  return checkHeaderValues(
    single(headers["mcp-protocol-version"]),
    single(headers["mcp-method"]),
    single(headers["mcp-name"]),
    headers,
    nodeHeader,
    message,
    catalog,
  );
}

/** The same for a web `Headers` (the fetch handler). */
export function checkWebHeaders(
  headers: Headers,
  message: JsonRpcRequest | JsonRpcNotification,
  catalog: Catalog,
): string | null {
  return checkHeaderValues(
    webHeader(headers, "mcp-protocol-version"),
    webHeader(headers, "mcp-method"),
    webHeader(headers, "mcp-name"),
    headers,
    webHeader,
    message,
    catalog,
  );
}

/**
 * The check itself, on the three standard header values (trimmed, undefined when absent); `read`
 * looks up `Mcp-Param-*` headers, needed only for tools that declare `x-mcp-header` arguments.
 */
function checkHeaderValues<H>(
  version: string | undefined,
  method: string | undefined,
  rawName: string | undefined,
  headers: H,
  read: HeaderReader<H>,
  message: JsonRpcRequest | JsonRpcNotification,
  catalog: Catalog,
): string | null {
  if (version === undefined) return "Header mismatch: missing MCP-Protocol-Version header";
  const params = message.params;
  const meta = params?._meta as Record<string, unknown> | undefined;
  const metaVersion = meta?.[MetaKey.protocolVersion];
  if (typeof metaVersion === "string" && metaVersion !== version) {
    return "Header mismatch: MCP-Protocol-Version header does not match params._meta protocolVersion";
  }
  // Header requirements for notification POSTs are undefined (spec §5.1): only the version is checked.
  if (!("id" in message)) return null;
  if (method === undefined) return "Header mismatch: missing Mcp-Method header";
  if (method !== message.method)
    return "Header mismatch: Mcp-Method header does not match the request method";
  const field = NAME_FIELD.get(message.method);
  if (field === undefined) return null;
  if (rawName === undefined) return "Header mismatch: missing Mcp-Name header";
  const name = decodeHeaderValue(rawName);
  if (name === undefined) return "Header mismatch: Mcp-Name header has an invalid base64 value";
  const bodyName = params?.[field];
  if (typeof bodyName === "string" && bodyName !== name) {
    return `Header mismatch: Mcp-Name header does not match params.${field}`;
  }
  if (message.method !== "tools/call" || typeof bodyName !== "string") return null;
  const entry = catalog.tool(bodyName);
  if (entry === undefined) return null;
  const declared = headerParams(entry);
  for (const param of declared) {
    const value = valueAt(params?.arguments, param.path);
    if (value === undefined || value === null) continue;
    const raw = read(headers, param.header);
    if (raw === undefined) return `Header mismatch: missing ${param.header} header`;
    const decoded = decodeHeaderValue(raw);
    if (decoded === undefined) return `Header mismatch: ${param.header} header has an invalid base64 value`;
    if (!matchesParam(value, decoded, param.type)) {
      return `Header mismatch: ${param.header} header does not match the argument`;
    }
  }
  return null;
}
