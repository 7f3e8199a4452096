/** @module Test support: a tiny catalogue, an in-memory session harness and envelope helpers. */
import {
  Catalog,
  type JsonObject,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcResponse,
  type JsonRpcSuccess,
  McpServer,
  type McpServerOptions,
  MetaKey,
  MODERN_PROTOCOL_VERSION,
  type RequestContext,
  type ServerSession,
  type ToolEntry,
} from "../src/index.js";

/** A promise whose settlement the test controls. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Lets pending promise callbacks run. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** What the `slow` tool exposes so a test can watch or end it. */
export interface SlowProbe {
  started: Deferred<RequestContext>;
  release: Deferred<void>;
}

function text(value: string): { content: [{ type: "text"; text: string }] } {
  return { content: [{ type: "text", text: value }] };
}

function tool(
  name: string,
  call: ToolEntry["call"],
  validateInput: ToolEntry["validateInput"] = (args) => ({ ok: true, value: args }),
): ToolEntry {
  return { descriptor: { name, inputSchema: { type: "object" } }, validateInput, call };
}

/** Builds the test catalogue; `probe` controls the `slow` tool. */
export function buildCatalog(options: { pageSize?: number; probe?: SlowProbe } = {}): Catalog {
  const catalog = new Catalog(options.pageSize === undefined ? {} : { pageSize: options.pageSize });
  catalog.addTool(
    tool(
      "echo",
      async (args) => text(String(args.text)),
      (args) =>
        typeof args.text === "string"
          ? { ok: true, value: args }
          : { ok: false, message: '"text" must be a string' },
    ),
  );
  catalog.addTool(
    tool("fail", async () => {
      throw new Error("boom");
    }),
  );
  catalog.addTool(
    tool("progress", async (_args, ctx) => {
      ctx.progress(1, 3, "one");
      ctx.progress(1, 3, "not increasing");
      ctx.progress(2, 3);
      ctx.progress(3);
      return text("done");
    }),
  );
  catalog.addTool(
    tool("logs", async (_args, ctx) => {
      ctx.log("debug", "d");
      ctx.log("info", "i", "test-logger");
      ctx.log("warning", "w");
      ctx.log("error", "e");
      return text("logged");
    }),
  );
  catalog.addTool(
    tool("slow", async (_args, ctx) => {
      const probe = options.probe;
      if (!probe) return text("no probe");
      probe.started.resolve(ctx);
      await Promise.race([
        probe.release.promise,
        new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve())),
      ]);
      return text(ctx.signal.aborted ? "aborted" : "released");
    }),
  );
  catalog.addTool(
    tool("ask_name", async (_args, ctx) => {
      const answer = await ctx.elicit(
        {
          message: "What is your name?",
          requestedSchema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
        },
        { key: "user_name" },
      );
      if (answer.action !== "accept") return text("declined");
      return text(`Hello, ${String(answer.content?.name)}`);
    }),
  );
  catalog.addTool(
    tool("multi_round", async (args, ctx) => {
      const first = await ctx.elicit({ message: `first for ${String(args.topic)}` }, { key: "first" });
      const second = await ctx.elicit({ message: "second" }, { key: "second" });
      return text(`${String(first.content?.value)}+${String(second.content?.value)}`);
    }),
  );
  catalog.addResource({
    descriptor: { uri: "test://static/readme", name: "readme", mimeType: "text/plain" },
    read: async (uri) => ({ contents: [{ uri, mimeType: "text/plain", text: "read me" }] }),
  });
  catalog.addResourceTemplate({
    descriptor: { uriTemplate: "test://template/{id}/data", name: "data" },
    read: async (uri, variables) =>
      variables.id === "missing" ? undefined : { contents: [{ uri, text: `data ${String(variables.id)}` }] },
    complete: (argument, value) => ({
      values: ["alpha", "beta", "gamma"].filter((v) => argument === "id" && v.startsWith(value)),
    }),
  });
  catalog.addPrompt({
    descriptor: {
      name: "greet",
      arguments: [
        { name: "name", required: true },
        { name: "style", required: false },
      ],
    },
    get: async (args) => ({
      messages: [
        { role: "user", content: { type: "text", text: `Greet ${args.name} ${args.style ?? "plainly"}` } },
      ],
    }),
    complete: (argument, value, context) => ({
      values: argument === "style" ? ["formal", "friendly"].filter((v) => v.startsWith(value)) : [],
      total: Object.keys(context).length,
    }),
  });
  return catalog;
}

export const SERVER_INFO = { name: "test-server", version: "1.2.3" } as const;

/** A server, one session, and every message the session sent to its peer channel. */
export interface Harness {
  server: McpServer;
  session: ServerSession;
  catalog: Catalog;
  sent: JsonRpcMessage[];
  probe: SlowProbe;
  /** Sends a request (params as given) and returns the response. */
  request(method: string, params?: JsonObject, id?: string | number): Promise<JsonRpcResponse | undefined>;
  /** Sends a 2026-07-28 request with a full `_meta` envelope merged with `meta`. */
  modern(
    method: string,
    params?: JsonObject,
    meta?: JsonObject,
    id?: string | number,
  ): Promise<JsonRpcResponse | undefined>;
  /** Initializes a legacy session. */
  initialize(version?: string, capabilities?: JsonObject): Promise<JsonRpcResponse | undefined>;
  notify(method: string, params?: JsonObject): Promise<void>;
}

export function createHarness(options: Partial<McpServerOptions> & { pageSize?: number } = {}): Harness {
  const probe: SlowProbe = { started: deferred<RequestContext>(), release: deferred<void>() };
  const catalog =
    options.catalog ??
    buildCatalog(options.pageSize === undefined ? { probe } : { probe, pageSize: options.pageSize });
  const server = new McpServer({ info: SERVER_INFO, ...options, catalog });
  const sent: JsonRpcMessage[] = [];
  const session = server.createSession({ send: (message) => sent.push(message) });
  let nextId = 0;
  const request: Harness["request"] = (method, params, id = ++nextId) => {
    const message: JsonRpcRequest =
      params === undefined ? { jsonrpc: "2.0", id, method } : { jsonrpc: "2.0", id, method, params };
    return session.handle(message);
  };
  return {
    server,
    session,
    catalog,
    sent,
    probe,
    request,
    modern: (method, params = {}, meta = {}, id) =>
      request(method, { ...params, _meta: { ...modernMeta(), ...meta } }, id),
    initialize: (version = "2025-11-25", capabilities = {}) =>
      request("initialize", {
        protocolVersion: version,
        capabilities,
        clientInfo: { name: "test-client", version: "0.0.1" },
      }),
    notify: async (method, params) => {
      const message: JsonRpcNotification =
        params === undefined ? { jsonrpc: "2.0", method } : { jsonrpc: "2.0", method, params };
      await session.handle(message);
    },
  };
}

export function modernMeta(capabilities: JsonObject = {}): JsonObject {
  return {
    [MetaKey.protocolVersion]: MODERN_PROTOCOL_VERSION,
    [MetaKey.clientCapabilities]: capabilities,
    [MetaKey.clientInfo]: { name: "test-client", version: "0.0.1" },
  };
}

/** The result of a success response; fails the test with the error otherwise. */
export function resultOf(response: JsonRpcResponse | undefined): JsonObject {
  if (response === undefined) throw new Error("expected a response, got none");
  if (!("result" in response))
    throw new Error(`expected a result, got error ${JSON.stringify(response.error)}`);
  return (response as JsonRpcSuccess).result;
}

/** The error of a failure response; fails the test otherwise. */
export function errorOf(response: JsonRpcResponse | undefined): {
  code: number;
  message: string;
  data?: unknown;
} {
  if (response === undefined) throw new Error("expected a response, got none");
  if (!("error" in response))
    throw new Error(`expected an error, got result ${JSON.stringify(response.result)}`);
  return response.error;
}

export function notificationsOf(messages: readonly JsonRpcMessage[], method: string): JsonRpcNotification[] {
  return messages.filter(
    (m): m is JsonRpcNotification => "method" in m && !("id" in m) && m.method === method,
  );
}
