/** @module The server's method table: one entry per MCP method, built once at module load. */
import { claimsModernEra } from "./envelope.js";
import { ErrorCode, invalidParams, JsonRpcError } from "./errors.js";
import { legacyTaskHandlers, withTaskSupport } from "./legacy-task-methods.js";
import { InputRequiredSignal, type RequestContext } from "./request-context.js";
import type { HandlerSession, MethodHandler } from "./server-types.js";
import { routeToolCall, taskHandlers } from "./task-methods.js";
import type { CallToolResult, JsonObject } from "./types.js";
import { isModernVersion, MODERN_PROTOCOL_VERSIONS } from "./versions.js";

function requireString(params: JsonObject, key: string): string {
  const value = params[key];
  if (typeof value !== "string") throw invalidParams(`Invalid params: "${key}" must be a string`);
  return value;
}

function optionalCursor(params: JsonObject): string | undefined {
  const cursor = params.cursor;
  if (cursor === undefined || cursor === null) return undefined;
  if (typeof cursor !== "string") throw invalidParams('Invalid params: "cursor" must be a string');
  return cursor;
}

function requireCapability(present: boolean, method: string): void {
  if (!present)
    throw new JsonRpcError(ErrorCode.MethodNotFound, `Method not found: ${method} (capability not offered)`);
}

function withCursor(key: string, page: { items: readonly unknown[]; nextCursor?: string }): JsonObject {
  return page.nextCursor === undefined
    ? { [key]: page.items }
    : { [key]: page.items, nextCursor: page.nextCursor };
}

function toolError(text: string): JsonObject {
  const result: CallToolResult = { content: [{ type: "text", text }], isError: true };
  return result as unknown as JsonObject;
}

function isRecord(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function required(ctx: RequestContext | undefined): RequestContext {
  // withContext handlers always get one; this guards the type, not a runtime path.
  if (!ctx) throw new JsonRpcError(ErrorCode.InternalError, "Internal error");
  return ctx;
}

function resourceNotFound(session: HandlerSession, ctx: RequestContext, uri: string): JsonRpcError {
  // 2026-07-28 (SEP-2164) uses -32602; earlier revisions -32002.
  const modern =
    ctx.identity.era === "modern" ||
    (session.protocolVersion !== undefined && isModernVersion(session.protocolVersion));
  return new JsonRpcError(
    modern ? ErrorCode.InvalidParams : ErrorCode.ResourceNotFound,
    `Resource not found: ${uri}`,
    { uri },
  );
}

const table: Record<string, MethodHandler> = {
  "server/discover": {
    era: "modern",
    withContext: false,
    cacheable: true,
    handle(session) {
      const { server } = session;
      const result: JsonObject = {
        supportedVersions: MODERN_PROTOCOL_VERSIONS,
        capabilities: server.capabilities,
      };
      if (server.instructions !== undefined) result.instructions = server.instructions;
      return result;
    },
  },

  "logging/setLevel": {
    era: "legacy",
    withContext: false,
    cacheable: false,
    handle(session, params) {
      session.setLogLevel(params.level);
      return {};
    },
  },

  "tools/list": {
    era: "both",
    withContext: false,
    cacheable: true,
    handle(session, params) {
      requireCapability(session.server.catalog.hasTools, "tools/list");
      const listed = session.server.catalog.listTools(optionalCursor(params));
      const modern = claimsModernEra(params._meta as JsonObject | undefined);
      const page = { ...listed, items: withTaskSupport(session, listed.items, modern) };
      const filter = session.toolFilter;
      // A filtered page may be shorter than the page size; cursors stay those of the whole catalogue.
      return withCursor(
        "tools",
        filter ? { ...page, items: page.items.filter((t) => filter(t.name)) } : page,
      );
    },
  },

  "tools/call": {
    era: "both",
    withContext: true,
    cacheable: false,
    inputTarget: (params) => ({ target: `tools/call:${String(params.name)}`, args: params.arguments ?? {} }),
    async handle(session, params, ctx) {
      const context = required(ctx);
      const name = requireString(params, "name");
      const tool = session.server.catalog.tool(name);
      // A tool the caller may not use is reported as unknown: no oracle for hidden tools.
      if (!tool || (session.toolFilter !== undefined && !session.toolFilter(name)))
        throw invalidParams(`Unknown tool: ${name}`);
      const args = params.arguments ?? {};
      // Spec: argument problems are tool execution errors (isError), so the model can correct itself.
      if (!isRecord(args))
        return toolError(`Invalid arguments for tool ${name}: arguments must be an object`);
      const checked = tool.validateInput(args);
      if (!checked.ok) return toolError(`Invalid arguments for tool ${name}: ${checked.message}`);
      const admitted = session.server.admission?.admitTool(name, context);
      if (admitted !== undefined) await admitted;
      const routed = await routeToolCall(session, name, checked.value, context, params.task);
      if (routed) return routed;
      // A call re-delivered after its node died: a job joins its first run (above), but an inline
      // run died with that node, perhaps half done. Only an idempotent tool may safely run again.
      if (context.redelivered && tool.descriptor.annotations?.idempotentHint !== true) {
        throw new JsonRpcError(
          ErrorCode.InternalError,
          `The node running this call of ${name} stopped before it answered; the tool is not idempotent, so it is not run again and its effect is unknown`,
        );
      }
      try {
        return (await tool.call(checked.value, context)) as unknown as JsonObject;
      } catch (cause) {
        if (cause instanceof JsonRpcError || cause instanceof InputRequiredSignal) throw cause;
        session.server.logger.error(
          { msg: "tool failed", tool: name, error: String(cause) },
          context.observation,
        );
        return toolError(`Tool ${name} failed: ${cause instanceof Error ? cause.message : "unknown error"}`);
      }
    },
  },

  "resources/list": {
    era: "both",
    withContext: false,
    cacheable: true,
    handle(session, params) {
      requireCapability(session.server.catalog.hasResources, "resources/list");
      return withCursor("resources", session.server.catalog.listResources(optionalCursor(params)));
    },
  },

  "resources/templates/list": {
    era: "both",
    withContext: false,
    cacheable: true,
    handle(session, params) {
      requireCapability(session.server.catalog.hasResources, "resources/templates/list");
      return withCursor(
        "resourceTemplates",
        session.server.catalog.listResourceTemplates(optionalCursor(params)),
      );
    },
  },

  "resources/read": {
    era: "both",
    withContext: true,
    cacheable: true,
    inputTarget: (params) => ({ target: `resources/read:${String(params.uri)}`, args: null }),
    async handle(session, params, ctx) {
      const context = required(ctx);
      const uri = requireString(params, "uri");
      const { catalog } = session.server;
      requireCapability(catalog.hasResources, "resources/read");
      const direct = catalog.resource(uri);
      if (direct) return (await direct.read(uri, context)) as unknown as JsonObject;
      const matched = catalog.matchTemplate(uri);
      if (matched) {
        const result = await matched.entry.read(uri, matched.variables, context);
        if (result) return result as unknown as JsonObject;
      }
      throw resourceNotFound(session, context, uri);
    },
  },

  "resources/subscribe": {
    era: "legacy",
    withContext: false,
    cacheable: false,
    handle(session, params) {
      requireCapability(session.server.catalog.hasResources, "resources/subscribe");
      session.subscribeResource(requireString(params, "uri"));
      return {};
    },
  },

  "resources/unsubscribe": {
    era: "legacy",
    withContext: false,
    cacheable: false,
    handle(session, params) {
      session.unsubscribeResource(requireString(params, "uri"));
      return {};
    },
  },

  "prompts/list": {
    era: "both",
    withContext: false,
    cacheable: true,
    handle(session, params) {
      requireCapability(session.server.catalog.hasPrompts, "prompts/list");
      return withCursor("prompts", session.server.catalog.listPrompts(optionalCursor(params)));
    },
  },

  "prompts/get": {
    era: "both",
    withContext: true,
    cacheable: false,
    inputTarget: (params) => ({ target: `prompts/get:${String(params.name)}`, args: params.arguments ?? {} }),
    async handle(session, params, ctx) {
      const context = required(ctx);
      const name = requireString(params, "name");
      const prompt = session.server.catalog.prompt(name);
      if (!prompt) throw invalidParams(`Unknown prompt: ${name}`);
      const args = params.arguments ?? {};
      if (!isRecord(args)) throw invalidParams('Invalid params: "arguments" must be an object');
      const values: Record<string, string> = {};
      for (const [key, value] of Object.entries(args)) {
        if (typeof value !== "string")
          throw invalidParams(`Invalid params: argument "${key}" must be a string`);
        values[key] = value;
      }
      for (const declared of prompt.descriptor.arguments ?? []) {
        if (declared.required && values[declared.name] === undefined) {
          throw invalidParams(
            `Invalid params: missing required argument "${declared.name}" for prompt ${name}`,
          );
        }
      }
      return (await prompt.get(values, context)) as unknown as JsonObject;
    },
  },

  "completion/complete": {
    era: "both",
    withContext: false,
    cacheable: false,
    async handle(session, params) {
      const { catalog } = session.server;
      requireCapability(catalog.hasCompletions, "completion/complete");
      const ref = params.ref;
      const argument = params.argument;
      if (!isRecord(ref) || !isRecord(argument))
        throw invalidParams('Invalid params: "ref" and "argument" are required');
      const argName = requireString(argument, "name");
      const value = requireString(argument, "value");
      const context =
        isRecord(params.context) && isRecord(params.context.arguments) ? params.context.arguments : {};
      const contextArgs: Record<string, string> = {};
      for (const [key, v] of Object.entries(context)) if (typeof v === "string") contextArgs[key] = v;
      let completer: ((a: string, v: string, c: Record<string, string>) => unknown) | undefined;
      if (ref.type === "ref/prompt") {
        const prompt = catalog.prompt(requireString(ref, "name"));
        if (!prompt) throw invalidParams(`Unknown prompt: ${String(ref.name)}`);
        completer = prompt.complete;
      } else if (ref.type === "ref/resource") {
        const uri = requireString(ref, "uri");
        const template = catalog.resourceTemplate(uri);
        if (!template && !catalog.resource(uri)) throw invalidParams(`Unknown resource: ${uri}`);
        completer = template?.complete;
      } else {
        throw invalidParams('Invalid params: "ref.type" must be "ref/prompt" or "ref/resource"');
      }
      const completion = completer
        ? ((await completer(argName, value, contextArgs)) as {
            values: string[];
            total?: number;
            hasMore?: boolean;
          })
        : { values: [] };
      // Spec: at most 100 values per response.
      if (completion.values.length > 100) {
        return {
          completion: {
            values: completion.values.slice(0, 100),
            total: completion.total ?? completion.values.length,
            hasMore: true,
          },
        };
      }
      return { completion };
    },
  },

  "subscriptions/listen": {
    era: "modern",
    withContext: false,
    cacheable: false,
    handle(session, params, _ctx, request, channel) {
      const filter = params.notifications;
      if (!isRecord(filter)) throw invalidParams('Invalid params: "notifications" must be an object');
      const meta = params._meta;
      const caps = isRecord(meta) ? meta["io.modelcontextprotocol/clientCapabilities"] : undefined;
      return session.listen(request.id, filter, channel, isRecord(caps) ? caps : session.clientCapabilities);
    },
  },

  ...taskHandlers,
  "tasks/result": legacyTaskHandlers["tasks/result"],
  "tasks/list": legacyTaskHandlers["tasks/list"],
};

export const handlers: ReadonlyMap<string, MethodHandler> = new Map(Object.entries(table));
