/**
 * @module Caching of plugin results: `resources/read` (static and templated) and the results of
 * opted-in read-only, idempotent tools. One policy decides what is cached, for how long and for
 * whom (per subject unless declared public); the same policy gives 2026-07-28 clients their
 * `ttlMs`/`cacheScope`. Entries join invalidation groups per URI and per plugin, so a plugin's
 * `notifications/resources/updated` or `list_changed` (and a reload that replaces it) drops them.
 */
import { type Cache, type Codec, keyPart } from "@mcp-runtime/cache";
import type { CacheConfig, CacheRule } from "@mcp-runtime/config";
import type { CachePolicy, PluginPolicies } from "@mcp-runtime/plugin-sdk/host";
import type {
  CallToolResult,
  JsonObject,
  ReadResourceResult,
  RequestContext,
  ToolDescriptor,
} from "@mcp-runtime/protocol";
import type { CacheKind, RuntimeMetrics } from "@mcp-runtime/telemetry";
import type { Logger } from "../logger.js";

type ToolCall = (args: JsonObject, ctx: RequestContext) => Promise<CallToolResult>;
type ResourceRead = (uri: string, ctx: RequestContext) => Promise<ReadResourceResult>;
type TemplateRead = (
  uri: string,
  variables: Record<string, string | string[]>,
  ctx: RequestContext,
) => Promise<ReadResourceResult | undefined>;

/** What one cached read or call resolves to, before the era's hints are added. */
interface Effective {
  ttlMs: number;
  scope: "private" | "public";
}

const TOOL_RESULT: Codec<CallToolResult> = {
  // Error results are never cached: the next call may well succeed.
  encode: (result) => (result.isError === true ? undefined : JSON.stringify(result)),
  decode: (text) => JSON.parse(text) as CallToolResult,
};
const READ_RESULT: Codec<ReadResourceResult | undefined> = {
  encode: (result) => (result === undefined ? undefined : JSON.stringify(result)),
  decode: (text) => JSON.parse(text) as ReadResourceResult,
};

const ANONYMOUS = "-";

/** The invalidation group of a URI, from its key part (computed once per read). */
function uriGroupOf(uriPart: string): string {
  return `u|${uriPart}`;
}

export interface ResultCacheOptions {
  cache: Cache;
  config: CacheConfig;
  metrics: RuntimeMetrics | undefined;
  logger: Logger;
}

export class ResultCache {
  readonly cache: Cache;
  private config: CacheConfig;
  private readonly metrics: RuntimeMetrics | undefined;
  private readonly logger: Logger;
  /** tool name to its effective rule (config beats the plugin's declaration); rebuilt on change */
  private toolRules = new Map<string, CacheRule>();
  private readonly declared = new Map<
    string,
    { descriptor: ToolDescriptor; cache: CachePolicy | undefined }
  >();
  private readonly subjectKeys = new Map<string, string>();

  constructor(options: ResultCacheOptions) {
    this.cache = options.cache;
    this.config = options.config;
    this.metrics = options.metrics;
    this.logger = options.logger;
  }

  /** Applies a reloaded `cache` section (TTLs, opt-ins); the backend itself needs a restart. */
  update(config: CacheConfig): void {
    this.config = config;
    this.rebuildToolRules();
  }

  /** Takes the loaded plugins' tools and declared caching (at start-up and after each reload). */
  indexTools(manifests: readonly { tools: readonly ToolDescriptor[]; policies?: PluginPolicies }[]): void {
    this.declared.clear();
    for (const { tools, policies } of manifests)
      for (const descriptor of tools)
        this.declared.set(descriptor.name, { descriptor, cache: policies?.tools[descriptor.name]?.cache });
    this.rebuildToolRules();
  }

  /** Drops what a plugin's change made stale; never rejects (a failure is logged and counted). */
  invalidate(group: string): Promise<void> {
    return this.cache.invalidate(group).then(
      () => {},
      (cause: unknown) => this.failed("invalidate", cause),
    );
  }

  /** The group of every entry read from `uri` (whatever the subject). */
  static uriGroup(uri: string): string {
    return uriGroupOf(keyPart(uri));
  }

  static pluginGroup(pluginId: string, kind: "resources" | "tools"): string {
    return `p|${pluginId}|${kind}`;
  }

  wrapTool(pluginId: string, name: string, call: ToolCall): ToolCall {
    const groups = [ResultCache.pluginGroup(pluginId, "tools")];
    const prefix = `t|${keyPart(name)}|`;
    return (args, ctx) => {
      const rule = this.toolRules.get(name);
      if (rule === undefined) return call(args, ctx);
      const effective = this.effective(rule);
      if (effective.ttlMs === 0) return call(args, ctx);
      const key = `${prefix}${this.scopeKey(effective.scope, ctx)}|${keyPart(stableJson(args))}`;
      return this.lookup("tool", key, effective.ttlMs, groups, () => call(args, ctx), TOOL_RESULT).then(
        (found) => found.value,
      );
    };
  }

  wrapResource(
    pluginId: string,
    uri: string,
    declared: CachePolicy | false | undefined,
    read: ResourceRead,
  ): ResourceRead {
    const part = keyPart(uri);
    const groups = [uriGroupOf(part), ResultCache.pluginGroup(pluginId, "resources")];
    return (requested, ctx) =>
      this.readThrough(declared, part, groups, ctx, () =>
        read(requested, ctx),
      ) as Promise<ReadResourceResult>;
  }

  wrapTemplate(
    pluginId: string,
    declared: CachePolicy | false | undefined,
    read: TemplateRead,
  ): TemplateRead {
    const pluginGroup = ResultCache.pluginGroup(pluginId, "resources");
    return (uri, variables, ctx) => {
      const part = keyPart(uri);
      return this.readThrough(declared, part, [uriGroupOf(part), pluginGroup], ctx, () =>
        read(uri, variables, ctx),
      );
    };
  }

  /** A read from the cache when its policy allows, with the 2026-07-28 hints either way. */
  private async readThrough(
    declared: CachePolicy | false | undefined,
    uriPart: string,
    groups: readonly string[],
    ctx: RequestContext,
    read: () => Promise<ReadResourceResult | undefined>,
  ): Promise<ReadResourceResult | undefined> {
    const effective = this.resourceRule(declared);
    if (effective === undefined) {
      const result = await read();
      return result === undefined ? undefined : withHints(result, ctx, 0, "private");
    }
    const key = `r|${uriPart}|${this.scopeKey(effective.scope, ctx)}`;
    const found = await this.lookup("resource", key, effective.ttlMs, groups, read, READ_RESULT);
    return found.value === undefined ? undefined : withHints(found.value, ctx, found.ttlMs, effective.scope);
  }

  private async lookup<T>(
    kind: CacheKind,
    key: string,
    ttlMs: number,
    groups: readonly string[],
    compute: () => Promise<T>,
    codec: Codec<T>,
  ): Promise<{ value: T; ttlMs: number }> {
    const found = await this.cache.getOrCompute(key, { ttlMs, groups }, compute, codec);
    this.metrics?.cacheLookup(kind, found.hit);
    return found;
  }

  private resourceRule(declared: CachePolicy | false | undefined): Effective | undefined {
    if (declared === false || !this.config.resources) return undefined;
    const effective = this.effective(declared ?? { scope: "private" });
    return effective.ttlMs === 0 ? undefined : effective;
  }

  private effective(rule: {
    ttlSeconds?: number | undefined;
    scope?: "private" | "public" | undefined;
  }): Effective {
    if (this.config.ttlSeconds === 0) return { ttlMs: 0, scope: "private" };
    const seconds = rule.ttlSeconds ?? this.config.ttlSeconds;
    return { ttlMs: seconds * 1000, scope: rule.scope ?? "private" };
  }

  /** `p` for public entries; a hash of the subject for private ones (subjects never appear in keys). */
  private scopeKey(scope: "private" | "public", ctx: RequestContext): string {
    if (scope === "public") return "p";
    const subject = ctx.identity.subject ?? ANONYMOUS;
    let key = this.subjectKeys.get(subject);
    if (key === undefined) {
      if (this.subjectKeys.size >= 10_000) this.subjectKeys.clear();
      key = `s:${keyPart(`subject\u0000${subject}`)}`;
      this.subjectKeys.set(subject, key);
    }
    return key;
  }

  private rebuildToolRules(): void {
    const rules = new Map<string, CacheRule>();
    for (const [name, { descriptor, cache }] of this.declared) {
      const configured = this.config.tools[name];
      const rule =
        configured ??
        (cache === undefined ? undefined : { scope: cache.scope ?? "private", ...pickTtl(cache) });
      if (rule === undefined) continue;
      const hints = descriptor.annotations;
      if (hints?.readOnlyHint !== true || hints?.idempotentHint !== true) {
        this.logger.warn({
          msg: "tool result caching refused",
          tool: name,
          reason: "the tool is not annotated readOnlyHint and idempotentHint",
        });
        continue;
      }
      rules.set(name, rule);
    }
    for (const name of Object.keys(this.config.tools))
      if (!this.declared.has(name))
        this.logger.debug({ msg: "cache.tools names a tool no plugin offers (yet)", tool: name });
    this.toolRules = rules;
  }

  private failed(operation: string, cause: unknown): void {
    this.metrics?.cacheError("backend");
    this.logger.warn({
      msg: "cache operation failed",
      operation,
      error: cause instanceof Error ? cause.message : String(cause),
    });
  }
}

function pickTtl(policy: CachePolicy): { ttlSeconds?: number } {
  return policy.ttlSeconds === undefined ? {} : { ttlSeconds: policy.ttlSeconds };
}

/** 2026-07-28 read results carry how long the client may reuse them and who may share them. */
export function withHints(
  result: ReadResourceResult,
  ctx: RequestContext,
  ttlMs: number,
  scope: "private" | "public",
): ReadResourceResult {
  if (ctx.identity.era !== "modern") return result;
  return { ...result, ttlMs, cacheScope: scope } as ReadResourceResult;
}

/** JSON with object keys sorted, so equal arguments in any key order share one cache entry. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  const parts: string[] = [];
  for (const key of keys) {
    const item = record[key];
    if (item !== undefined) parts.push(`${JSON.stringify(key)}:${stableJson(item)}`);
  }
  return `{${parts.join(",")}}`;
}
