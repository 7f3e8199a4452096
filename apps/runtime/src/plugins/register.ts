/**
 * @module Puts a loaded plugin's tools, resources, templates and prompts into the protocol
 * catalogue. Closures are made once per entry here, never per request.
 */

import type { ChangeNotifier } from "@mcp-runtime/plugin-sdk";
import type { HostCallContext } from "@mcp-runtime/plugin-sdk/host";
import type {
  CallToolResult,
  Catalog,
  ClientCapabilities,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestParams,
  ElicitResult,
  ListRootsResult,
  LoggingLevel,
  RequestContext,
  ResourceEntry,
  ResourceTemplateEntry,
  ToolEntry,
} from "@mcp-runtime/protocol";
import type { SpanHandle, Tracing } from "@mcp-runtime/telemetry/tracing";
import type { PluginHost } from "../executor/executor.js";
import type { LargeResults } from "../policy/large-results.js";
import { ResultCache } from "../policy/result-cache.js";
import { inChildSpan } from "../telemetry/child-span.js";
import { Observation } from "../telemetry/request-observer.js";

/** What registration adds around each call; absent parts cost nothing per call. */
export interface RegisterHooks {
  /** each tool call gets a `sandbox.call` child span of its request's span */
  tracing?: Tracing | undefined;
  /** reads (and opted-in tool results) come from the cache when fresh */
  results?: ResultCache | undefined;
  /** tool results over the size limit come back as links */
  large?: LargeResults | undefined;
}

/** Adapts a protocol RequestContext to what plugin hosts expect, without allocating closures. */
export class CallBridge implements HostCallContext {
  constructor(
    private readonly ctx: RequestContext,
    readonly notify: ChangeNotifier,
  ) {}

  get signal(): AbortSignal {
    return this.ctx.signal;
  }
  get cancelled(): boolean {
    return this.ctx.cancelled;
  }
  onCancel(listener: () => void): void {
    this.ctx.onCancel(listener);
  }
  get subject(): string | undefined {
    return this.ctx.identity.subject;
  }
  /** the request's trace id, for the log line of a plugin error scrubbed for the client */
  get traceId(): string | undefined {
    const observation = this.ctx.observation;
    return observation instanceof Observation ? observation.span?.traceId : undefined;
  }
  get progressToken(): string | number | undefined {
    return this.ctx.progressToken;
  }
  get protocolVersion(): string {
    return this.ctx.identity.protocolVersion;
  }
  get clientCapabilities(): ClientCapabilities {
    return this.ctx.identity.clientCapabilities;
  }
  progress(progress: number, total?: number, message?: string): void {
    this.ctx.progress(progress, total, message);
  }
  log(level: LoggingLevel, message: string, data?: unknown): void {
    if (!this.ctx.wantsLog(level)) return;
    if (data === undefined) this.ctx.log(level, message);
    else if (typeof data === "object" && data !== null && !Array.isArray(data))
      this.ctx.log(level, { message, ...data });
    else this.ctx.log(level, { message, data });
  }
  elicit(params: ElicitRequestParams, options?: { key?: string }): Promise<ElicitResult> {
    return this.ctx.elicit(params, options);
  }
  sample(params: CreateMessageRequestParams, options?: { key?: string }): Promise<CreateMessageResult> {
    return this.ctx.sample(params, options);
  }
  listRoots(options?: { key?: string }): Promise<ListRootsResult> {
    return this.ctx.listRoots(options);
  }
}

/** A tool call inside a `sandbox.call` span, child of the request's span. */
function tracedCall(
  tracing: Tracing,
  host: PluginHost,
  name: string,
  notifier: ChangeNotifier,
): ToolEntry["call"] {
  const attributes = { "mcp.plugin.id": host.id, "gen_ai.tool.name": name };
  return (args, ctx) =>
    inChildSpan(
      tracing,
      "sandbox.call",
      ctx.observation,
      attributes,
      () => host.callTool(name, args, new CallBridge(ctx, notifier)),
      markToolError,
    );
}

function markToolError(span: SpanHandle, result: CallToolResult): void {
  if (result.isError === true) span.error("tool returned isError");
}

/** Tool results over the size limit become links (see LargeResults). */
function linkingLarge(
  large: LargeResults,
  name: string,
  hasOutputSchema: boolean,
  call: ToolEntry["call"],
): ToolEntry["call"] {
  return async (args, ctx) => large.shrink(await call(args, ctx), name, hasOutputSchema, ctx);
}

/**
 * The plugin's notifier, dropping its stale cache entries first: a client that reads again as soon
 * as it hears of the change must not get the old entry.
 */
function invalidating(notifier: ChangeNotifier, results: ResultCache, pluginId: string): ChangeNotifier {
  return {
    listChanged(kind) {
      if (kind === "prompts") notifier.listChanged(kind);
      else
        void results
          .invalidate(ResultCache.pluginGroup(pluginId, kind))
          .then(() => notifier.listChanged(kind));
    },
    resourceUpdated(uri) {
      void results.invalidate(ResultCache.uriGroup(uri)).then(() => notifier.resourceUpdated(uri));
    },
  };
}

/** Registers everything a plugin offers; throws (leaving nothing half-registered) on a name clash. */
export function registerPlugin(
  catalog: Catalog,
  host: PluginHost,
  notifier: ChangeNotifier,
  hooks: RegisterHooks = {},
): void {
  const { manifest } = host;
  const { results, large } = hooks;
  // A plugin's own change notices also drop what its cached results made stale.
  const notify = results === undefined ? notifier : invalidating(notifier, results, host.id);
  const resourcePolicies = manifest.policies?.resources ?? {};
  const templatePolicies = manifest.policies?.templates ?? {};
  const added: { kind: "tools" | "resources" | "prompts" | "templates"; key: string }[] = [];
  try {
    for (const descriptor of manifest.tools) {
      const name = descriptor.name;
      const tracing = hooks.tracing;
      let call: ToolEntry["call"] =
        tracing === undefined
          ? (args, ctx) => host.callTool(name, args, new CallBridge(ctx, notify))
          : tracedCall(tracing, host, name, notify);
      if (results !== undefined) call = results.wrapTool(host.id, name, call);
      if (large !== undefined) call = linkingLarge(large, name, descriptor.outputSchema !== undefined, call);
      catalog.addTool({ descriptor, validateInput: (args) => host.validateToolInput(name, args), call });
      added.push({ kind: "tools", key: name });
    }
    for (const descriptor of manifest.resources) {
      const uri = descriptor.uri;
      const read: ResourceEntry["read"] = async (requested, ctx) => {
        const result = await host.readResource(requested, new CallBridge(ctx, notify));
        return result ?? { contents: [] };
      };
      catalog.addResource({
        descriptor,
        read: results === undefined ? read : results.wrapResource(host.id, uri, resourcePolicies[uri], read),
      });
      added.push({ kind: "resources", key: uri });
    }
    for (const template of manifest.resourceTemplates) {
      const { key, completable, ...descriptor } = template;
      const read: ResourceTemplateEntry["read"] = (uri, variables, ctx) =>
        host.readTemplate(key, uri, variables, new CallBridge(ctx, notify));
      catalog.addResourceTemplate({
        descriptor,
        read:
          results === undefined
            ? read
            : results.wrapTemplate(host.id, templatePolicies[descriptor.uriTemplate], read),
        ...(completable.length > 0
          ? {
              complete: (argument, value, context) =>
                host.complete({ kind: "template", key }, argument, value, context),
            }
          : {}),
      });
      added.push({ kind: "templates", key: descriptor.uriTemplate });
    }
    for (const prompt of manifest.prompts) {
      const { completable, ...descriptor } = prompt;
      const name = descriptor.name;
      catalog.addPrompt({
        descriptor,
        get: (args, ctx) => host.getPrompt(name, args, new CallBridge(ctx, notify)),
        ...(completable.length > 0
          ? {
              complete: (argument, value, context) =>
                host.complete({ kind: "prompt", name }, argument, value, context),
            }
          : {}),
      });
      added.push({ kind: "prompts", key: name });
    }
  } catch (cause) {
    catalog.remove((key, kind) => added.some((a) => a.kind === kind && a.key === key));
    throw cause;
  }
}
