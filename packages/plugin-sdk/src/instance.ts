/**
 * @module The host side of a plugin: turns a definition into descriptors (JSON, so they can cross
 * a worker boundary) and callable entry points with normalised results. Runs wherever the plugin
 * code runs: in process, or in a sandbox host thread or process.
 */
import type {
  CallToolResult,
  ClientCapabilities,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestParams,
  ElicitResult,
  GetPromptResult,
  JsonObject,
  ListRootsResult,
  LoggingLevel,
  PromptDescriptor,
  PromptMessage,
  ReadResourceResult,
  ResourceContents,
  ResourceDescriptor,
  ResourceTemplateDescriptor,
  ToolDescriptor,
} from "@mcp-runtime/protocol";
import { InputRequiredSignal, JsonRpcError } from "@mcp-runtime/protocol/signals";
import type {
  CachePolicy,
  CallContext,
  ChangeNotifier,
  Completer,
  Plugin,
  PluginLogger,
  PromptReturn,
  ResourceReturn,
  ToolDefinition,
  ToolReturn,
} from "./define.js";
import { createSafeFetch, type SafeFetch, type SafeFetchInit } from "./safe-fetch.js";
import { type CompiledSchema, compileSchema, type ValidationResult } from "./schema.js";
import { createScopedFs, type ScopedFs } from "./scoped-fs.js";

/** What the host gives each call; the plugin sees it as a `CallContext`. */
export interface HostCallContext {
  signal: AbortSignal;
  /** Whether the call was cancelled already (cheaper than reading `signal`). */
  readonly cancelled?: boolean;
  /**
   * Registers the one function to run when the call is cancelled (hosts that proxy calls use it
   * instead of an AbortSignal listener, which would make an AbortController for every call).
   */
  onCancel?(listener: () => void): void;
  progressToken: string | number | undefined;
  subject: string | undefined;
  protocolVersion: string;
  clientCapabilities: ClientCapabilities;
  progress(progress: number, total?: number, message?: string): void;
  log(level: LoggingLevel, message: string, data?: unknown): void;
  elicit(params: ElicitRequestParams, options?: { key?: string }): Promise<ElicitResult>;
  sample(params: CreateMessageRequestParams, options?: { key?: string }): Promise<CreateMessageResult>;
  listRoots(options?: { key?: string }): Promise<ListRootsResult>;
  notify: ChangeNotifier;
}

export interface PluginManifest {
  name: string;
  version: string;
  description: string | undefined;
  tools: ToolDescriptor[];
  resources: ResourceDescriptor[];
  resourceTemplates: (ResourceTemplateDescriptor & { key: string; completable: string[] })[];
  prompts: (PromptDescriptor & { completable: string[] })[];
  /** names of tools declared long-running */
  longRunningTools: string[];
  /** tools declared batchable, with their window */
  batchableTools: BatchableTool[];
  /** costs and caching declared by the plugin (absent in manifests built by hand: no declarations) */
  policies?: PluginPolicies;
}

/** What a plugin declares about costs and caching; the operator's config may override it. */
export interface PluginPolicies {
  /** by tool name: cost units per call, and result caching (opt-in) */
  tools: Record<string, { cost?: number; cache?: CachePolicy }>;
  /** by resource URI: `false` = never cache its reads */
  resources: Record<string, CachePolicy | false>;
  /** by URI template */
  templates: Record<string, CachePolicy | false>;
}

export interface BatchableTool {
  name: string;
  maxSize: number;
  maxWaitMs: number;
}

export interface PluginInstanceOptions {
  /** the operator's `config` for this plugin */
  config?: Record<string, unknown>;
  /** file system roots granted to `ctx.fs` */
  fsRoots?: readonly string[];
  /** `_meta` merged into each descriptor, e.g. the plugin id for operators */
  descriptorMeta?: JsonObject;
  /** hosts `ctx.fetch` may reach (the operator's `sandbox.net.allow`); default none */
  netAllow?: readonly string[];
}

export type PluginInstanceErrorCode = "ERR_PLUGIN_CONFIG" | "ERR_PLUGIN_UNKNOWN_ENTRY";

export class PluginInstanceError extends Error {
  readonly code: PluginInstanceErrorCode;
  constructor(code: PluginInstanceErrorCode, message: string) {
    super(message);
    this.name = "PluginInstanceError";
    this.code = code;
  }
}

const EMPTY_OBJECT_SCHEMA: JsonObject = { type: "object", properties: {} };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Errors that belong to the protocol (input required, JSON-RPC errors) pass through untouched. */
function isProtocolSignal(cause: unknown): boolean {
  return cause instanceof JsonRpcError || cause instanceof InputRequiredSignal;
}

function normaliseToolReturn(value: ToolReturn): CallToolResult {
  if (typeof value === "string") return { content: [{ type: "text", text: value }] };
  if (Array.isArray(value)) return { content: value };
  if (isRecord(value) && Array.isArray(value.content)) return value as CallToolResult;
  if (isRecord(value) && isRecord(value.structuredContent)) {
    // Spec: a tool returning structured content SHOULD also return it serialised as text.
    return {
      content: [{ type: "text", text: JSON.stringify(value.structuredContent) }],
      structuredContent: value.structuredContent,
    };
  }
  throw new TypeError("tool handler returned neither a string, content blocks nor a CallToolResult");
}

function normaliseResource(
  uri: string,
  mimeType: string | undefined,
  value: ResourceReturn,
): ReadResourceResult {
  if (Array.isArray(value)) return { contents: value };
  if (typeof value === "string") return { contents: [withMime({ uri, text: value }, mimeType)] };
  if (value instanceof Uint8Array) {
    return { contents: [withMime({ uri, blob: Buffer.from(value).toString("base64") }, mimeType)] };
  }
  if ("text" in value) return { contents: [withMime({ uri, text: value.text }, value.mimeType ?? mimeType)] };
  return { contents: [withMime({ uri, blob: value.blob }, value.mimeType ?? mimeType)] };
}

function withMime(contents: ResourceContents, mimeType: string | undefined): ResourceContents {
  return mimeType === undefined ? contents : { ...contents, mimeType };
}

function normalisePrompt(value: PromptReturn, description: string | undefined): GetPromptResult {
  if (typeof value === "string") {
    const result: GetPromptResult = { messages: [{ role: "user", content: { type: "text", text: value } }] };
    if (description !== undefined) result.description = description;
    return result;
  }
  if (Array.isArray(value)) {
    const result: GetPromptResult = { messages: value as PromptMessage[] };
    if (description !== undefined) result.description = description;
    return result;
  }
  return value;
}

function errorText(cause: unknown): string {
  if (cause instanceof Error && cause.message) return cause.message;
  return "the tool failed";
}

interface CompiledTool {
  definition: ToolDefinition;
  input: CompiledSchema;
}

export class PluginInstance {
  private readonly plugin: Plugin;
  private readonly config: Readonly<Record<string, unknown>>;
  private readonly fs: ScopedFs;
  private readonly fetch: SafeFetch;
  private readonly descriptorMeta: JsonObject | undefined;
  private readonly tools = new Map<string, CompiledTool>();
  private described: PluginManifest | undefined;

  private constructor(
    plugin: Plugin,
    config: Record<string, unknown>,
    fs: ScopedFs,
    descriptorMeta: JsonObject | undefined,
    fetch: SafeFetch,
  ) {
    this.plugin = plugin;
    this.config = Object.freeze(config);
    this.fs = fs;
    this.fetch = fetch;
    this.descriptorMeta = descriptorMeta;
    for (const [name, definition] of Object.entries(plugin.tools ?? {}) as [string, ToolDefinition][]) {
      this.tools.set(name, { definition, input: compileSchema(definition.input, EMPTY_OBJECT_SCHEMA) });
    }
  }

  /**
   * What the plugin offers, with JSON Schemas for `tools/list`. Built on first use: a plugin host
   * only runs handlers, so it never converts a schema.
   */
  get manifest(): PluginManifest {
    this.described ??= this.describe();
    return this.described;
  }

  private describe(): PluginManifest {
    const { plugin, descriptorMeta } = this;
    const withMeta = <T extends { _meta?: JsonObject }>(descriptor: T): T =>
      descriptorMeta === undefined
        ? descriptor
        : { ...descriptor, _meta: { ...descriptor._meta, ...descriptorMeta } };

    const tools: ToolDescriptor[] = [];
    const longRunningTools: string[] = [];
    const batchableTools: BatchableTool[] = [];
    const policies: PluginPolicies = { tools: {}, resources: {}, templates: {} };
    for (const [name, { definition, input }] of this.tools) {
      const { cost, cache } = definition;
      if (cost !== undefined || (cache !== undefined && cache !== false))
        policies.tools[name] = {
          ...(cost === undefined ? {} : { cost }),
          ...(cache === undefined || cache === false ? {} : { cache: cache === true ? {} : cache }),
        };
      const descriptor: ToolDescriptor = { name, inputSchema: input.jsonSchema };
      if (definition.title !== undefined) descriptor.title = definition.title;
      if (definition.description !== undefined) descriptor.description = definition.description;
      if (definition.output !== undefined)
        descriptor.outputSchema = compileSchema(definition.output, {}).jsonSchema;
      if (definition.annotations !== undefined) descriptor.annotations = definition.annotations;
      if (definition.icons !== undefined) descriptor.icons = definition.icons;
      if (definition._meta !== undefined) descriptor._meta = definition._meta;
      if (definition.longRunning) longRunningTools.push(name);
      if (definition.batch) {
        const { maxSize, maxWaitMs } = definition.batch;
        batchableTools.push({ name, maxSize, maxWaitMs });
      }
      tools.push(withMeta(descriptor));
    }
    const resources = Object.entries(plugin.resources ?? {}).map(([key, r]) => {
      const descriptor: ResourceDescriptor = { uri: r.uri, name: r.name ?? key };
      if (r.title !== undefined) descriptor.title = r.title;
      if (r.description !== undefined) descriptor.description = r.description;
      if (r.mimeType !== undefined) descriptor.mimeType = r.mimeType;
      if (r.size !== undefined) descriptor.size = r.size;
      if (r.icons !== undefined) descriptor.icons = r.icons;
      if (r._meta !== undefined) descriptor._meta = r._meta;
      if (r.cache !== undefined) policies.resources[r.uri] = r.cache;
      return withMeta(descriptor);
    });
    const resourceTemplates = Object.entries(plugin.resourceTemplates ?? {}).map(([key, t]) => {
      const descriptor: ResourceTemplateDescriptor & { key: string; completable: string[] } = {
        uriTemplate: t.uriTemplate,
        name: t.name ?? key,
        key,
        completable: Object.keys(t.complete ?? {}),
      };
      if (t.title !== undefined) descriptor.title = t.title;
      if (t.description !== undefined) descriptor.description = t.description;
      if (t.mimeType !== undefined) descriptor.mimeType = t.mimeType;
      if (t.icons !== undefined) descriptor.icons = t.icons;
      if (t._meta !== undefined) descriptor._meta = t._meta;
      if (t.cache !== undefined) policies.templates[t.uriTemplate] = t.cache;
      return withMeta(descriptor);
    });
    const prompts = Object.entries(plugin.prompts ?? {}).map(([name, p]) => {
      const descriptor: PromptDescriptor & { completable: string[] } = {
        name,
        completable: Object.keys(p.complete ?? {}),
      };
      if (p.title !== undefined) descriptor.title = p.title;
      if (p.description !== undefined) descriptor.description = p.description;
      if (p.icons !== undefined) descriptor.icons = p.icons;
      if (p.arguments !== undefined) {
        descriptor.arguments = Object.entries(p.arguments).map(([argName, a]) => ({ name: argName, ...a }));
      }
      return withMeta(descriptor);
    });
    return {
      name: plugin.name,
      version: plugin.version ?? "0.0.0",
      description: plugin.description,
      tools,
      resources,
      resourceTemplates,
      prompts,
      longRunningTools,
      batchableTools,
      policies,
    };
  }

  static async create(plugin: Plugin, options: PluginInstanceOptions = {}): Promise<PluginInstance> {
    let config = options.config ?? {};
    if (plugin.config !== undefined) {
      const checked = compileSchema(plugin.config, EMPTY_OBJECT_SCHEMA).validate(config);
      if (!checked.ok)
        throw new PluginInstanceError(
          "ERR_PLUGIN_CONFIG",
          `plugin "${plugin.name}" config: ${checked.message}`,
        );
      config = checked.value;
    }
    const fs = await createScopedFs(options.fsRoots ?? []);
    const fetch = createSafeFetch({ allow: options.netAllow ?? [] });
    return new PluginInstance(plugin, config, fs, options.descriptorMeta, fetch);
  }

  validateToolInput(name: string, args: unknown): ValidationResult<JsonObject> {
    const tool = this.tools.get(name);
    if (!tool) return { ok: false, message: `unknown tool ${name}` };
    return tool.input.validate(args);
  }

  /** Runs a tool with already validated input; failures become `isError` results. */
  async callTool(name: string, input: JsonObject, host: HostCallContext): Promise<CallToolResult> {
    const tool = this.tools.get(name);
    if (!tool) throw new PluginInstanceError("ERR_PLUGIN_UNKNOWN_ENTRY", `unknown tool ${name}`);
    try {
      return normaliseToolReturn(await tool.definition.handler(input as never, this.context(host)));
    } catch (cause) {
      if (isProtocolSignal(cause)) throw cause;
      return { content: [{ type: "text", text: errorText(cause) }], isError: true };
    }
  }

  async readResource(uri: string, host: HostCallContext): Promise<ReadResourceResult | undefined> {
    for (const definition of Object.values(this.plugin.resources ?? {})) {
      if (definition.uri === uri)
        return normaliseResource(uri, definition.mimeType, await definition.read(this.context(host)));
    }
    return undefined;
  }

  async readTemplate(
    key: string,
    uri: string,
    variables: Record<string, string | string[]>,
    host: HostCallContext,
  ): Promise<ReadResourceResult | undefined> {
    const definition = this.plugin.resourceTemplates?.[key];
    if (!definition)
      throw new PluginInstanceError("ERR_PLUGIN_UNKNOWN_ENTRY", `unknown resource template ${key}`);
    const value = await definition.read(uri, variables, this.context(host));
    return value === undefined ? undefined : normaliseResource(uri, definition.mimeType, value);
  }

  async getPrompt(
    name: string,
    args: Record<string, string>,
    host: HostCallContext,
  ): Promise<GetPromptResult> {
    const definition = this.plugin.prompts?.[name];
    if (!definition) throw new PluginInstanceError("ERR_PLUGIN_UNKNOWN_ENTRY", `unknown prompt ${name}`);
    return normalisePrompt(await definition.get(args, this.context(host)), definition.description);
  }

  async complete(
    ref: { kind: "prompt"; name: string } | { kind: "template"; key: string },
    argument: string,
    value: string,
    context: Record<string, string>,
  ): Promise<{ values: string[]; total?: number; hasMore?: boolean }> {
    const completers: Record<string, Completer> | undefined =
      ref.kind === "prompt"
        ? this.plugin.prompts?.[ref.name]?.complete
        : this.plugin.resourceTemplates?.[ref.key]?.complete;
    const completer = completers?.[argument];
    if (!completer) return { values: [] };
    const values = await completer(value, { arguments: context, config: this.config });
    return { values: values.slice(0, 100), total: values.length, hasMore: values.length > 100 };
  }

  private context(host: HostCallContext): CallContext {
    return new BoundCallContext(host, this.config, this.fs, this.fetch);
  }
}

/** The plugin-facing view of one call; methods live on the prototype so a call allocates one object. */
class BoundCallContext implements CallContext, PluginLogger {
  constructor(
    private readonly host: HostCallContext,
    readonly config: Readonly<Record<string, unknown>>,
    readonly fs: ScopedFs,
    private readonly guardedFetch: SafeFetch,
  ) {}

  /** The call's AbortSignal applies unless the handler passes its own. */
  fetch(url: string | URL, init?: SafeFetchInit): Promise<Response> {
    return this.guardedFetch(url, init?.signal ? init : { ...init, signal: this.host.signal });
  }

  get signal(): AbortSignal {
    return this.host.signal;
  }
  get subject(): string | undefined {
    return this.host.subject;
  }
  get progressToken(): string | number | undefined {
    return this.host.progressToken;
  }
  get protocolVersion(): string {
    return this.host.protocolVersion;
  }
  get clientCapabilities(): ClientCapabilities {
    return this.host.clientCapabilities;
  }
  get notify(): ChangeNotifier {
    return this.host.notify;
  }
  get log(): PluginLogger {
    return this;
  }
  progress(progress: number, total?: number, message?: string): void {
    this.host.progress(progress, total, message);
  }
  debug(message: string, data?: unknown): void {
    this.host.log("debug", message, data);
  }
  info(message: string, data?: unknown): void {
    this.host.log("info", message, data);
  }
  warn(message: string, data?: unknown): void {
    this.host.log("warning", message, data);
  }
  error(message: string, data?: unknown): void {
    this.host.log("error", message, data);
  }
  at(level: LoggingLevel, message: string, data?: unknown): void {
    this.host.log(level, message, data);
  }
  elicit(params: ElicitRequestParams, options?: { key?: string }): Promise<ElicitResult> {
    return this.host.elicit(params, options);
  }
  sample(params: CreateMessageRequestParams, options?: { key?: string }): Promise<CreateMessageResult> {
    return this.host.sample(params, options);
  }
  listRoots(options?: { key?: string }): Promise<ListRootsResult> {
    return this.host.listRoots(options);
  }
}
