import { describe, expect, it } from "vitest";
import {
  Catalog,
  decodeFrame,
  type JsonRpcRequest,
  LEGACY_PROTOCOL_VERSIONS,
  McpServer,
  SUPPORTED_PROTOCOL_VERSIONS,
} from "../src/index.js";
import { createHarness, errorOf, notificationsOf, resultOf, SERVER_INFO, tick } from "./support.js";

describe("legacy era: initialize", () => {
  it.each(LEGACY_PROTOCOL_VERSIONS)("echoes the supported version %s", async (version) => {
    const h = createHarness();
    const result = resultOf(await h.initialize(version));
    expect(result.protocolVersion).toBe(version);
    expect(result.serverInfo).toEqual(SERVER_INFO);
    expect(h.session.protocolVersion).toBe(version);
    expect(h.session.initialized).toBe(true);
  });

  it.each(["1999-01-01", "2026-07-28"])(
    "answers an unsupported version %s with 2025-11-25",
    async (version) => {
      const h = createHarness();
      expect(resultOf(await h.initialize(version)).protocolVersion).toBe("2025-11-25");
    },
  );

  it("advertises capabilities that follow the catalogue, and instructions when configured", async () => {
    const full = createHarness({ instructions: "Be nice." });
    const result = resultOf(await full.initialize());
    expect(result.capabilities).toEqual({
      logging: {},
      tools: { listChanged: true },
      resources: { subscribe: true, listChanged: true },
      prompts: { listChanged: true },
      completions: {},
    });
    expect(result.instructions).toBe("Be nice.");

    const toolsOnly = new Catalog();
    toolsOnly.addTool({
      descriptor: { name: "t", inputSchema: { type: "object" } },
      validateInput: (args) => ({ ok: true, value: args }),
      call: async () => ({ content: [] }),
    });
    const small = createHarness({ catalog: toolsOnly });
    const smallResult = resultOf(await small.initialize());
    expect(smallResult.capabilities).toEqual({ logging: {}, tools: { listChanged: true } });
    expect("instructions" in smallResult).toBe(false);
    expect(errorOf(await small.request("prompts/list", {})).code).toBe(-32601);
  });

  it("refuses a second initialize and a non-string protocolVersion", async () => {
    const h = createHarness();
    expect(errorOf(await h.request("initialize", { protocolVersion: 5 })).code).toBe(-32602);
    await h.initialize();
    expect(errorOf(await h.initialize()).code).toBe(-32600);
  });

  it("refuses requests before initialize with -32602, listing supported versions", async () => {
    const h = createHarness();
    const error = errorOf(await h.request("tools/list", {}));
    expect(error.code).toBe(-32602);
    expect(error.message).toContain("initialize");
    expect(error.data).toEqual({ supported: SUPPORTED_PROTOCOL_VERSIONS });
  });

  it("answers ping before initialize", async () => {
    const h = createHarness();
    expect(await h.request("ping", undefined, 1)).toEqual({ jsonrpc: "2.0", id: 1, result: {} });
  });

  it("serves requests as the assumed version without initialize", async () => {
    const h = createHarness();
    const session = h.server.createSession({ send() {} }, { assumeLegacyVersion: "2025-03-26" });
    const response = await session.handle({ jsonrpc: "2.0", id: 1, method: "tools/list" });
    expect(resultOf(response).tools).toBeInstanceOf(Array);
  });

  it("refuses modern-only methods with -32601", async () => {
    const h = createHarness();
    await h.initialize();
    expect(errorOf(await h.request("server/discover", {})).code).toBe(-32601);
    expect(errorOf(await h.request("subscriptions/listen", { notifications: {} })).code).toBe(-32601);
    expect(errorOf(await h.request("no/such/method", {})).code).toBe(-32601);
  });

  it("writes nothing back for responses it does not await, null-id errors included", async () => {
    const h = createHarness();
    await h.initialize();
    const frames = [
      '{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}',
      '{"jsonrpc":"2.0","id":"s99","result":{}}',
    ];
    for (const frame of frames) expect(await h.session.handleFrame(decodeFrame(frame))).toBeUndefined();
    expect(h.sent).toEqual([]);
  });

  it("ignores notifications/initialized and unknown notifications", async () => {
    const h = createHarness();
    await h.initialize();
    await h.notify("notifications/initialized");
    await h.notify("notifications/whatever", { x: 1 });
    expect(h.sent).toEqual([]);
  });
});

describe("legacy era: logging/setLevel", () => {
  it("accepts a valid level and refuses an unknown one with -32602", async () => {
    const h = createHarness();
    await h.initialize();
    expect(resultOf(await h.request("logging/setLevel", { level: "warning" }))).toEqual({});
    expect(h.session.logLevel).toBe("warning");
    const error = errorOf(await h.request("logging/setLevel", { level: "loud" }));
    expect(error).toEqual({ code: -32602, message: 'Invalid params: unknown log level "loud"' });
    expect(h.session.logLevel).toBe("warning");
  });

  it("sends every log message until a level is set, then only those at or above it", async () => {
    const h = createHarness();
    await h.initialize();
    await h.request("tools/call", { name: "logs" });
    expect(notificationsOf(h.sent, "notifications/message").map((n) => n.params)).toEqual([
      { level: "debug", data: "d" },
      { level: "info", logger: "test-logger", data: "i" },
      { level: "warning", data: "w" },
      { level: "error", data: "e" },
    ]);
    h.sent.length = 0;
    await h.request("logging/setLevel", { level: "warning" });
    await h.request("tools/call", { name: "logs" });
    expect(notificationsOf(h.sent, "notifications/message").map((n) => n.params?.level)).toEqual([
      "warning",
      "error",
    ]);
  });
});

describe("legacy era: tools", () => {
  it("lists tools", async () => {
    const h = createHarness();
    await h.initialize();
    const result = resultOf(await h.request("tools/list", {}));
    expect((result.tools as { name: string }[]).map((t) => t.name)).toEqual([
      "ask_name",
      "echo",
      "fail",
      "logs",
      "multi_round",
      "progress",
      "slow",
    ]);
    expect("resultType" in result).toBe(false);
  });

  it("calls a tool", async () => {
    const h = createHarness();
    await h.initialize();
    expect(await h.request("tools/call", { name: "echo", arguments: { text: "hi" } }, 5)).toEqual({
      jsonrpc: "2.0",
      id: 5,
      result: { content: [{ type: "text", text: "hi" }] },
    });
  });

  it("refuses an unknown tool with -32602", async () => {
    const h = createHarness();
    await h.initialize();
    expect(errorOf(await h.request("tools/call", { name: "nope" }))).toEqual({
      code: -32602,
      message: "Unknown tool: nope",
    });
    expect(errorOf(await h.request("tools/call", {})).code).toBe(-32602);
  });

  it("reports invalid arguments as a tool execution error (isError)", async () => {
    const h = createHarness();
    await h.initialize();
    expect(resultOf(await h.request("tools/call", { name: "echo", arguments: { text: 1 } }))).toEqual({
      content: [{ type: "text", text: 'Invalid arguments for tool echo: "text" must be a string' }],
      isError: true,
    });
    expect(resultOf(await h.request("tools/call", { name: "echo", arguments: [1] }))).toEqual({
      content: [{ type: "text", text: "Invalid arguments for tool echo: arguments must be an object" }],
      isError: true,
    });
  });

  it("turns a handler's exception into an isError result and logs it", async () => {
    const events: Record<string, unknown>[] = [];
    const h = createHarness({ logger: { error: (e) => events.push(e), warn() {} } });
    await h.initialize();
    expect(resultOf(await h.request("tools/call", { name: "fail" }))).toEqual({
      content: [{ type: "text", text: "Tool fail failed: boom" }],
      isError: true,
    });
    expect(events).toEqual([{ msg: "tool failed", tool: "fail", error: "Error: boom" }]);
  });

  it("sends increasing progress only when the request carries a progressToken", async () => {
    const h = createHarness();
    await h.initialize();
    await h.request("tools/call", { name: "progress" });
    expect(notificationsOf(h.sent, "notifications/progress")).toEqual([]);
    await h.request("tools/call", { name: "progress", _meta: { progressToken: "tok" } });
    expect(notificationsOf(h.sent, "notifications/progress").map((n) => n.params)).toEqual([
      { progressToken: "tok", progress: 1, total: 3, message: "one" },
      { progressToken: "tok", progress: 2, total: 3 },
      { progressToken: "tok", progress: 3 },
    ]);
  });

  it("sends related notifications to the request's own channel", async () => {
    const h = createHarness();
    await h.initialize();
    const own: unknown[] = [];
    await h.session.handle(
      {
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name: "progress", _meta: { progressToken: 7 } },
      },
      { send: (m) => own.push(m) },
    );
    expect(own).toHaveLength(3);
    expect(h.sent).toEqual([]);
  });

  it("on notifications/cancelled aborts the handler's signal and sends no response", async () => {
    const h = createHarness();
    await h.initialize();
    const pending = h.request("tools/call", { name: "slow" }, "call-1");
    const ctx = await h.probe.started.promise;
    expect(h.session.pendingCount).toBe(1);
    await h.notify("notifications/cancelled", { requestId: "call-1", reason: "user gave up" });
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.signal.reason).toBe("user gave up");
    expect(await pending).toBeUndefined();
    expect(h.session.pendingCount).toBe(0);
  });

  it("ignores cancellation of unknown ids", async () => {
    const h = createHarness();
    await h.initialize();
    await h.notify("notifications/cancelled", { requestId: "nope" });
    await h.notify("notifications/cancelled", {});
    expect(h.sent).toEqual([]);
  });

  it("refuses a request whose id is already in flight", async () => {
    const h = createHarness();
    await h.initialize();
    const first = h.request("tools/call", { name: "slow" }, 9);
    await h.probe.started.promise;
    expect(errorOf(await h.request("tools/call", { name: "echo", arguments: { text: "x" } }, 9)).code).toBe(
      -32600,
    );
    h.probe.release.resolve();
    expect(resultOf(await first).content).toEqual([{ type: "text", text: "released" }]);
  });
});

describe("legacy era: server-to-client requests", () => {
  it("sends elicitation/create over the channel and resumes with the client's response", async () => {
    const h = createHarness();
    await h.initialize("2025-06-18", { elicitation: {} });
    const pending = h.request("tools/call", { name: "ask_name" }, 1);
    await tick();
    const outbound = h.sent.find((m): m is JsonRpcRequest => "method" in m && "id" in m);
    expect(outbound).toMatchObject({
      jsonrpc: "2.0",
      method: "elicitation/create",
      params: { message: "What is your name?" },
    });
    if (!outbound) return;
    expect(h.session.awaitsResponse(outbound.id)).toBe(true);
    const ack = await h.session.handle({
      jsonrpc: "2.0",
      id: outbound.id,
      result: { action: "accept", content: { name: "Ada" } },
    });
    expect(ack).toBeUndefined();
    expect(h.session.awaitsResponse(outbound.id)).toBe(false);
    expect(resultOf(await pending)).toEqual({ content: [{ type: "text", text: "Hello, Ada" }] });
  });

  it("propagates a client error response as the request's error", async () => {
    const h = createHarness();
    await h.initialize("2025-06-18", { elicitation: {} });
    const pending = h.request("tools/call", { name: "ask_name" }, 1);
    await tick();
    const outbound = h.sent.find((m): m is JsonRpcRequest => "method" in m && "id" in m);
    if (!outbound) throw new Error("no outbound request");
    await h.session.handle({ jsonrpc: "2.0", id: outbound.id, error: { code: -1, message: "no UI" } });
    expect(errorOf(await pending)).toEqual({ code: -1, message: "no UI" });
  });

  it("refuses input the client did not declare a capability for", async () => {
    const h = createHarness();
    await h.initialize("2025-06-18", {});
    const error = errorOf(await h.request("tools/call", { name: "ask_name" }));
    expect(error.code).toBe(-32600);
    expect(error.data).toEqual({ requiredCapabilities: { elicitation: {} } });
    expect(h.sent).toEqual([]);
  });

  it("cancelling a request that waits on the client tells the client and sends no response", async () => {
    const h = createHarness();
    await h.initialize("2025-06-18", { elicitation: {} });
    const pending = h.request("tools/call", { name: "ask_name" }, "outer");
    await tick();
    const outbound = h.sent.find((m): m is JsonRpcRequest => "method" in m && "id" in m);
    if (!outbound) throw new Error("no outbound request");
    await h.notify("notifications/cancelled", { requestId: "outer" });
    expect(notificationsOf(h.sent, "notifications/cancelled").map((n) => n.params)).toEqual([
      { requestId: outbound.id, reason: "request cancelled" },
    ]);
    expect(await pending).toBeUndefined();
    expect(h.session.awaitsResponse(outbound.id)).toBe(false);
  });

  it("does not ask the client for input once the request is cancelled", async () => {
    const catalog = new Catalog();
    let gate: () => void = () => {};
    const reached = new Promise<void>((resolve) => {
      gate = resolve;
    });
    let outcome: unknown;
    catalog.addTool({
      descriptor: { name: "late_ask", inputSchema: { type: "object" } },
      validateInput: (args) => ({ ok: true, value: args }),
      call: async (_args, ctx) => {
        await reached;
        outcome = await ctx.elicit({ message: "too late?" }).catch((error: unknown) => error);
        return { content: [] };
      },
    });
    const h = createHarness({ catalog, clientRequestTimeoutMs: 60_000 });
    await h.initialize("2025-06-18", { elicitation: {} });
    const pending = h.request("tools/call", { name: "late_ask" }, "late");
    await tick();
    await h.notify("notifications/cancelled", { requestId: "late" });
    gate();
    expect(await pending).toBeUndefined();
    expect(outcome).toMatchObject({ code: -32800 });
    expect(h.sent.filter((m) => "method" in m && m.method === "elicitation/create")).toEqual([]);
  });

  it("fails outbound requests when the session closes", async () => {
    const h = createHarness();
    await h.initialize("2025-06-18", { elicitation: {} });
    const pending = h.request("tools/call", { name: "ask_name" }, 1);
    await tick();
    h.session.close("bye");
    expect(h.session.isClosed).toBe(true);
    expect(h.server.sessionCount).toBe(0);
    expect(await pending).toBeUndefined();
  });
});

describe("legacy era: batches", () => {
  const batch = JSON.stringify([
    { jsonrpc: "2.0", id: 1, method: "ping" },
    { jsonrpc: "2.0", method: "notifications/initialized" },
    { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "echo", arguments: { text: "b" } } },
    5,
  ]);

  it("serves a batch in a 2025-03-26 session, one response per request", async () => {
    const h = createHarness();
    await h.initialize("2025-03-26");
    const responses = await h.session.handleFrame(decodeFrame(batch));
    expect(responses).toEqual([
      { jsonrpc: "2.0", id: 1, result: {} },
      { jsonrpc: "2.0", id: 2, result: { content: [{ type: "text", text: "b" }] } },
      { jsonrpc: "2.0", id: null, error: { code: -32600, message: "Invalid Request: expected an object" } },
    ]);
  });

  it.each(["2025-11-25", "2025-06-18", "2024-11-05"])("refuses a batch in a %s session", async (version) => {
    const h = createHarness();
    await h.initialize(version);
    expect(await h.session.handleFrame(decodeFrame(batch))).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: {
        code: -32600,
        message: "Invalid Request: JSON-RPC batches are not supported by this protocol revision",
      },
    });
  });

  it("refuses a batch before initialize", async () => {
    const h = createHarness();
    const response = await h.session.handleFrame(decodeFrame(batch));
    expect(response).toMatchObject({ id: null, error: { code: -32600 } });
  });

  it("returns nothing for a batch of notifications only", async () => {
    const h = createHarness();
    await h.initialize("2025-03-26");
    const frame = decodeFrame('[{"jsonrpc":"2.0","method":"notifications/initialized"}]');
    expect(await h.session.handleFrame(frame)).toBeUndefined();
  });
});

describe("legacy era: resources, prompts, completion", () => {
  it("reads a static resource and a templated one", async () => {
    const h = createHarness();
    await h.initialize();
    expect(resultOf(await h.request("resources/read", { uri: "test://static/readme" }))).toEqual({
      contents: [{ uri: "test://static/readme", mimeType: "text/plain", text: "read me" }],
    });
    expect(resultOf(await h.request("resources/read", { uri: "test://template/7/data" }))).toEqual({
      contents: [{ uri: "test://template/7/data", text: "data 7" }],
    });
  });

  it("answers an unknown resource with -32002 and data.uri", async () => {
    const h = createHarness();
    await h.initialize();
    for (const uri of ["test://nothing", "test://template/missing/data"]) {
      expect(errorOf(await h.request("resources/read", { uri }))).toEqual({
        code: -32002,
        message: `Resource not found: ${uri}`,
        data: { uri },
      });
    }
  });

  it("lists resources and templates", async () => {
    const h = createHarness();
    await h.initialize();
    expect(resultOf(await h.request("resources/list", {})).resources).toEqual([
      { uri: "test://static/readme", name: "readme", mimeType: "text/plain" },
    ]);
    expect(resultOf(await h.request("resources/templates/list", {})).resourceTemplates).toEqual([
      { uriTemplate: "test://template/{id}/data", name: "data" },
    ]);
  });

  it("gets a prompt and refuses a missing required argument with -32602", async () => {
    const h = createHarness();
    await h.initialize();
    expect(resultOf(await h.request("prompts/get", { name: "greet", arguments: { name: "Ada" } }))).toEqual({
      messages: [{ role: "user", content: { type: "text", text: "Greet Ada plainly" } }],
    });
    expect(errorOf(await h.request("prompts/get", { name: "greet", arguments: { style: "x" } }))).toEqual({
      code: -32602,
      message: 'Invalid params: missing required argument "name" for prompt greet',
    });
    expect(errorOf(await h.request("prompts/get", { name: "greet", arguments: { name: 1 } })).code).toBe(
      -32602,
    );
    expect(errorOf(await h.request("prompts/get", { name: "nope" })).code).toBe(-32602);
  });

  it("completes prompt and template arguments", async () => {
    const h = createHarness();
    await h.initialize();
    const prompt = await h.request("completion/complete", {
      ref: { type: "ref/prompt", name: "greet" },
      argument: { name: "style", value: "f" },
      context: { arguments: { name: "Ada" } },
    });
    expect(resultOf(prompt)).toEqual({ completion: { values: ["formal", "friendly"], total: 1 } });
    const template = await h.request("completion/complete", {
      ref: { type: "ref/resource", uri: "test://template/{id}/data" },
      argument: { name: "id", value: "b" },
    });
    expect(resultOf(template)).toEqual({ completion: { values: ["beta"] } });
    const noCompleter = await h.request("completion/complete", {
      ref: { type: "ref/resource", uri: "test://static/readme" },
      argument: { name: "x", value: "" },
    });
    expect(resultOf(noCompleter)).toEqual({ completion: { values: [] } });
  });

  it("refuses malformed completion requests with -32602", async () => {
    const h = createHarness();
    await h.initialize();
    const cases = [
      {},
      { ref: { type: "ref/prompt", name: "nope" }, argument: { name: "a", value: "" } },
      { ref: { type: "ref/resource", uri: "x://none" }, argument: { name: "a", value: "" } },
      { ref: { type: "ref/other" }, argument: { name: "a", value: "" } },
      { ref: { type: "ref/prompt", name: "greet" }, argument: { name: "a" } },
    ];
    for (const params of cases)
      expect(errorOf(await h.request("completion/complete", params)).code).toBe(-32602);
  });

  it("caps completions at 100 values and reports hasMore", async () => {
    const catalog = new Catalog();
    catalog.addPrompt({
      descriptor: { name: "many" },
      get: async () => ({ messages: [] }),
      complete: () => ({ values: Array.from({ length: 150 }, (_, i) => `v${i}`) }),
    });
    const h = createHarness({ catalog });
    await h.initialize();
    const result = resultOf(
      await h.request("completion/complete", {
        ref: { type: "ref/prompt", name: "many" },
        argument: { name: "a", value: "" },
      }),
    );
    const completion = result.completion as { values: string[]; total: number; hasMore: boolean };
    expect(completion.values).toHaveLength(100);
    expect(completion.total).toBe(150);
    expect(completion.hasMore).toBe(true);
  });

  it("sends resources/updated to subscribed sessions only, until unsubscribed", async () => {
    const h = createHarness();
    await h.initialize();
    const otherSent: unknown[] = [];
    const other = h.server.createSession({ send: (m) => otherSent.push(m) });
    await other.handle({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-11-25" },
    });
    expect(resultOf(await h.request("resources/subscribe", { uri: "test://static/readme" }))).toEqual({});
    h.server.resourceUpdated("test://static/readme");
    h.server.resourceUpdated("test://other");
    expect(h.sent).toEqual([
      { jsonrpc: "2.0", method: "notifications/resources/updated", params: { uri: "test://static/readme" } },
    ]);
    expect(otherSent).toEqual([]);
    await h.request("resources/unsubscribe", { uri: "test://static/readme" });
    h.server.resourceUpdated("test://static/readme");
    expect(h.sent).toHaveLength(1);
  });

  it("broadcasts list_changed to initialized sessions when the catalogue changes", async () => {
    const h = createHarness();
    await h.initialize();
    const quiet: unknown[] = [];
    h.server.createSession({ send: (m) => quiet.push(m) });
    h.catalog.addPrompt({ descriptor: { name: "new" }, get: async () => ({ messages: [] }) });
    h.catalog.remove((name) => name === "echo");
    h.server.notifyListChanged("resources");
    expect(h.sent).toEqual([
      { jsonrpc: "2.0", method: "notifications/prompts/list_changed" },
      { jsonrpc: "2.0", method: "notifications/tools/list_changed" },
      { jsonrpc: "2.0", method: "notifications/resources/list_changed" },
    ]);
    expect(quiet).toEqual([]);
  });

  it("sends nothing after the session is closed", async () => {
    const h = createHarness();
    await h.initialize();
    await h.request("resources/subscribe", { uri: "test://static/readme" });
    h.session.close();
    h.server.resourceUpdated("test://static/readme");
    h.catalog.remove((name) => name === "echo");
    expect(h.sent).toEqual([]);
  });

  it("converts unexpected failures to -32603 without leaking the cause", async () => {
    const events: Record<string, unknown>[] = [];
    const catalog = new Catalog();
    catalog.addResource({
      descriptor: { uri: "x://boom", name: "boom" },
      read: async () => {
        throw new Error("disk on fire at /secret");
      },
    });
    const server = new McpServer({
      info: SERVER_INFO,
      catalog,
      logger: { error: (e) => events.push(e), warn() {} },
    });
    const session = server.createSession({ send() {} });
    await session.handle({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-11-25" },
    });
    const response = await session.handle({
      jsonrpc: "2.0",
      id: 2,
      method: "resources/read",
      params: { uri: "x://boom" },
    });
    expect(response).toEqual({ jsonrpc: "2.0", id: 2, error: { code: -32603, message: "Internal error" } });
    expect(events[0]).toMatchObject({ msg: "request failed", method: "resources/read" });
  });
});
