/** @module What plugin authors write: `definePlugin` and the definition types, with input types inferred from schemas. */
import type {
  CallToolResult,
  ClientCapabilities,
  ContentBlock,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestParams,
  ElicitResult,
  GetPromptResult,
  Icon,
  JsonObject,
  ListRootsResult,
  LoggingLevel,
  PromptMessage,
  ResourceContents,
  ToolAnnotations,
} from "@mcp-runtime/protocol";
import type { SafeFetch } from "./safe-fetch.js";
import type { InferInput, SchemaLike } from "./schema.js";
import type { ScopedFs } from "./scoped-fs.js";

export interface PluginLogger {
  debug(message: string, data?: unknown): void;
  info(message: string, data?: unknown): void;
  warn(message: string, data?: unknown): void;
  error(message: string, data?: unknown): void;
  /** Any MCP logging level (notice, critical, ...). */
  at(level: LoggingLevel, message: string, data?: unknown): void;
}

/** What a handler gets besides its input. Identical in both protocol eras. */
export interface CallContext<Config = Record<string, unknown>> {
  /** Aborted when the client cancels, the call times out, or the runtime shuts down. */
  readonly signal: AbortSignal;
  /** This plugin's `config` from the operator's config file. */
  readonly config: Readonly<Config>;
  /** The authenticated caller (never the raw token); undefined when auth is off. */
  readonly subject: string | undefined;
  readonly protocolVersion: string;
  /** What the client declared it can do (per request in 2026-07-28, per session before). */
  readonly clientCapabilities: Readonly<ClientCapabilities>;
  /** The client's progress token for this call, when it asked for progress. */
  readonly progressToken: string | number | undefined;
  /** Reports progress to the client when it asked for it; values must increase. */
  progress(progress: number, total?: number, message?: string): void;
  /** Log messages to the client (MCP logging) at or above the level it chose. */
  readonly log: PluginLogger;
  /** Asks the user for input through the client (form or URL elicitation). */
  elicit(params: ElicitRequestParams, options?: { key?: string }): Promise<ElicitResult>;
  /** Asks the client's model for a completion. */
  sample(params: CreateMessageRequestParams, options?: { key?: string }): Promise<CreateMessageResult>;
  /** The client's roots (file:// URIs the user shared). */
  listRoots(options?: { key?: string }): Promise<ListRootsResult>;
  /** Read-only file access confined to the roots the operator granted this plugin. */
  readonly fs: ScopedFs;
  /** HTTP(S) limited to the operator's `sandbox.net.allow`; private addresses refused (SSRF guard). */
  readonly fetch: SafeFetch;
  /** Tells clients that lists or resources changed (list_changed / resources/updated notifications). */
  readonly notify: ChangeNotifier;
}

export interface ChangeNotifier {
  listChanged(kind: "tools" | "resources" | "prompts"): void;
  resourceUpdated(uri: string): void;
}

/** What a tool may return: a string (one text block), content blocks, or a full result. */
export type ToolReturn =
  | string
  | ContentBlock[]
  | CallToolResult
  | { structuredContent: JsonObject; content?: ContentBlock[] };

export interface ToolBatchOptions {
  /** most calls in one job (integer >= 1) */
  maxSize: number;
  /** longest a call waits for others before its job is enqueued (ms, >= 0) */
  maxWaitMs: number;
}

/** How results may be cached by the runtime. */
export interface CachePolicy {
  /** Absent: the operator's `cache.ttlSeconds`. */
  ttlSeconds?: number;
  /** "private" (default): one entry per caller; "public": one entry shared by every caller. */
  scope?: "private" | "public";
}

export interface ToolDefinition<
  S extends SchemaLike | undefined = SchemaLike | undefined,
  Config = Record<string, unknown>,
> {
  title?: string;
  description?: string;
  input?: S;
  output?: SchemaLike;
  annotations?: ToolAnnotations;
  icons?: Icon[];
  _meta?: JsonObject;
  /** Runs long: eligible to become an MCP task (queue issue). */
  longRunning?: boolean;
  /**
   * Batchable: queued calls are grouped into one job of at most `maxSize` calls, flushed when full
   * or `maxWaitMs` after its first call; each call still runs this handler and keeps its own result.
   */
  batch?: ToolBatchOptions;
  /** Cost units one call charges to the operator's budgets (integer >= 1; default 1). */
  cost?: number;
  /**
   * Opts the tool's results into the runtime's cache (same arguments, same caller: one run per
   * TTL). Only for tools annotated `readOnlyHint` and `idempotentHint`; error results are never cached.
   */
  cache?: boolean | CachePolicy;
  handler(
    input: S extends SchemaLike ? InferInput<S> : JsonObject,
    ctx: CallContext<Config>,
  ): ToolReturn | Promise<ToolReturn>;
}

/** What a resource read may return. */
export type ResourceReturn =
  | string
  | Uint8Array
  | { text: string; mimeType?: string }
  | { blob: string; mimeType?: string }
  | ResourceContents[];

export interface ResourceDefinition<Config = Record<string, unknown>> {
  uri: string;
  name?: string;
  title?: string;
  description?: string;
  mimeType?: string;
  size?: number;
  icons?: Icon[];
  _meta?: JsonObject;
  /** Reads are cached by default (operator's TTL, per caller); `false` never caches this resource. */
  cache?: false | CachePolicy;
  read(ctx: CallContext<Config>): ResourceReturn | Promise<ResourceReturn>;
}

export type Completer<Config = Record<string, unknown>> = (
  value: string,
  context: { arguments: Record<string, string>; config: Readonly<Config> },
) => string[] | Promise<string[]>;

export interface ResourceTemplateDefinition<Config = Record<string, unknown>> {
  uriTemplate: string;
  name?: string;
  title?: string;
  description?: string;
  mimeType?: string;
  icons?: Icon[];
  _meta?: JsonObject;
  /** Reads are cached by default (operator's TTL, per caller); `false` never caches them. */
  cache?: false | CachePolicy;
  /** Return undefined when the URI names nothing (the client gets "resource not found"). */
  read(
    uri: string,
    variables: Record<string, string | string[]>,
    ctx: CallContext<Config>,
  ): ResourceReturn | undefined | Promise<ResourceReturn | undefined>;
  /** Completions for template variables, by variable name. */
  complete?: Record<string, Completer<Config>>;
}

export interface PromptArgumentDefinition {
  title?: string;
  description?: string;
  required?: boolean;
}

export type PromptReturn = string | PromptMessage[] | GetPromptResult;

export interface PromptDefinition<Config = Record<string, unknown>> {
  title?: string;
  description?: string;
  arguments?: Record<string, PromptArgumentDefinition>;
  icons?: Icon[];
  get(args: Record<string, string>, ctx: CallContext<Config>): PromptReturn | Promise<PromptReturn>;
  /** Completions for arguments, by argument name. */
  complete?: Record<string, Completer<Config>>;
}

export interface PluginDefinition<
  Schemas extends Record<string, SchemaLike | undefined> = Record<string, SchemaLike | undefined>,
  Config = Record<string, unknown>,
> {
  name: string;
  version?: string;
  description?: string;
  /** Validates the operator's `config` for this plugin at load time. */
  config?: SchemaLike;
  tools?: { [K in keyof Schemas]: ToolDefinition<Schemas[K], Config> };
  /** Static resources, by name. */
  resources?: Record<string, ResourceDefinition<Config>>;
  /** Templated resources (RFC 6570), by name. */
  resourceTemplates?: Record<string, ResourceTemplateDefinition<Config>>;
  prompts?: Record<string, PromptDefinition<Config>>;
}

/**
 * Declares one tool outside `definePlugin` (tools split across modules) with its handler's input
 * type still inferred from `input`. Identity at run time.
 */
export function defineTool<S extends SchemaLike | undefined = undefined, Config = Record<string, unknown>>(
  definition: ToolDefinition<S, Config>,
): ToolDefinition<S, Config> {
  return definition;
}

const PLUGIN = Symbol.for("@mcp-runtime/plugin");

export type Plugin = PluginDefinition & { readonly [PLUGIN]: true };

/**
 * Declares a plugin. Input types of tool handlers are inferred from each tool's `input` schema.
 * Names are checked here so a mistake fails when the plugin is imported, not when it is called.
 */
export function definePlugin<
  const Schemas extends Record<string, SchemaLike | undefined>,
  Config = Record<string, unknown>,
>(definition: PluginDefinition<Schemas, Config>): Plugin {
  if (typeof definition !== "object" || definition === null)
    throw new TypeError("definePlugin() needs an object");
  if (typeof definition.name !== "string" || !/^[A-Za-z0-9_.-]{1,64}$/.test(definition.name)) {
    throw new TypeError('"name" must be 1-64 characters of letters, digits, "_", "-" or "."');
  }
  for (const [toolName, tool] of Object.entries(definition.tools ?? {}) as [string, ToolDefinition][]) {
    // Spec (2025-11-25 tool names): 1-128 chars of A-Z a-z 0-9 _ - . /
    if (!/^[A-Za-z0-9_./-]{1,128}$/.test(toolName))
      throw new TypeError(`tool name "${toolName}" is not a valid MCP tool name`);
    if (!isObject(tool)) throw new TypeError(`tool "${toolName}" must be an object`);
    if (typeof tool.handler !== "function")
      throw new TypeError(`tool "${toolName}" needs a handler function`);
    if (tool.batch !== undefined) checkBatch(toolName, tool.batch);
    if (tool.cost !== undefined && (!Number.isInteger(tool.cost) || tool.cost < 1))
      throw new TypeError(`tool "${toolName}": "cost" must be an integer >= 1`);
    if (tool.cache !== undefined && tool.cache !== false) {
      // A cached answer replaces a run: only sound when running again would change nothing.
      if (tool.annotations?.readOnlyHint !== true || tool.annotations?.idempotentHint !== true)
        throw new TypeError(
          `tool "${toolName}": "cache" needs annotations.readOnlyHint and annotations.idempotentHint`,
        );
      if (tool.cache !== true) checkCachePolicy(`tool "${toolName}"`, tool.cache);
    }
  }
  for (const [kind, entries] of [
    ["resource", definition.resources],
    ["resource template", definition.resourceTemplates],
  ] as const) {
    for (const [key, entry] of Object.entries(entries ?? {})) {
      // Found by fuzzing: a null entry crashed here with "Cannot read properties of null".
      if (!isObject(entry)) throw new TypeError(`${kind} "${key}" must be an object`);
      if (entry.cache !== undefined && entry.cache !== false)
        checkCachePolicy(`${kind} "${key}"`, entry.cache);
    }
  }
  for (const [key, entry] of Object.entries(definition.prompts ?? {}))
    if (!isObject(entry)) throw new TypeError(`prompt "${key}" must be an object`);
  return Object.freeze({ ...(definition as unknown as PluginDefinition), [PLUGIN]: true as const });
}

/** Definitions are typed, but plain JavaScript plugins can hand over anything. */
function isObject<T>(value: T): value is T & object {
  return typeof value === "object" && value !== null;
}

function checkCachePolicy(owner: string, policy: CachePolicy): void {
  if (typeof policy !== "object" || policy === null)
    throw new TypeError(`${owner}: "cache" must be true, false or { ttlSeconds, scope }`);
  const { ttlSeconds, scope } = policy;
  if (ttlSeconds !== undefined && (!Number.isInteger(ttlSeconds) || ttlSeconds < 0))
    throw new TypeError(`${owner}: "cache.ttlSeconds" must be an integer >= 0`);
  if (scope !== undefined && scope !== "private" && scope !== "public")
    throw new TypeError(`${owner}: "cache.scope" must be "private" or "public"`);
}

function checkBatch(toolName: string, batch: ToolBatchOptions): void {
  if (!Number.isInteger(batch?.maxSize) || batch.maxSize < 1)
    throw new TypeError(`tool "${toolName}": "batch.maxSize" must be an integer >= 1`);
  if (!Number.isFinite(batch.maxWaitMs) || batch.maxWaitMs < 0)
    throw new TypeError(`tool "${toolName}": "batch.maxWaitMs" must be a finite number >= 0`);
}

export function isPlugin(value: unknown): value is Plugin {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[PLUGIN] === true;
}
