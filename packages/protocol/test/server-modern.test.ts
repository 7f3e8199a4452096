import { describe, expect, it } from "vitest";
import {
  Catalog,
  type JsonObject,
  type JsonRpcMessage,
  MetaKey,
  MODERN_PROTOCOL_VERSION,
  MODERN_PROTOCOL_VERSIONS,
} from "../src/index.js";
import {
  createHarness,
  errorOf,
  modernMeta,
  notificationsOf,
  resultOf,
  SERVER_INFO,
  tick,
} from "./support.js";

const serverMeta = { [MetaKey.serverInfo]: SERVER_INFO };

describe("modern era: the _meta envelope", () => {
  it("refuses a request without protocolVersion with -32602", async () => {
    const h = createHarness();
    const error = errorOf(await h.request("tools/list", { _meta: { [MetaKey.clientCapabilities]: {} } }));
    expect(error.code).toBe(-32602);
    expect(error.message).toContain(MetaKey.protocolVersion);
  });

  it("refuses a request without clientCapabilities (or with a non-object) with -32602", async () => {
    const h = createHarness();
    for (const meta of [
      { [MetaKey.protocolVersion]: MODERN_PROTOCOL_VERSION },
      { [MetaKey.protocolVersion]: MODERN_PROTOCOL_VERSION, [MetaKey.clientCapabilities]: [] },
    ]) {
      const error = errorOf(await h.request("tools/list", { _meta: meta }));
      expect(error.code).toBe(-32602);
      expect(error.message).toContain(MetaKey.clientCapabilities);
    }
  });

  it("refuses an unsupported version with -32022, listing supported and requested", async () => {
    const h = createHarness();
    for (const requested of ["1900-01-01", "2025-11-25"]) {
      const response = await h.modern("server/discover", {}, { [MetaKey.protocolVersion]: requested }, 1);
      expect(response).toEqual({
        jsonrpc: "2.0",
        id: 1,
        error: {
          code: -32022,
          message: "Unsupported protocol version",
          data: { supported: MODERN_PROTOCOL_VERSIONS, requested },
        },
      });
      const data = errorOf(response).data as { supported: unknown };
      expect(Array.isArray(data.supported)).toBe(true);
      expect(data.supported).toContain(MODERN_PROTOCOL_VERSION);
    }
  });

  it("refuses an unknown log level with -32602", async () => {
    const h = createHarness();
    const error = errorOf(await h.modern("tools/list", {}, { [MetaKey.logLevel]: "chatty" }));
    expect(error).toEqual({ code: -32602, message: 'Invalid params: unknown log level "chatty"' });
  });

  it("does not need (or create) a session handshake", async () => {
    const h = createHarness();
    expect(resultOf(await h.modern("tools/list")).tools).toBeInstanceOf(Array);
    expect(h.session.initialized).toBe(false);
    expect(h.session.protocolVersion).toBeUndefined();
  });
});

describe("modern era: server/discover", () => {
  it("describes versions, capabilities, identity and caching", async () => {
    const h = createHarness({ instructions: "Use the tools." });
    expect(await h.modern("server/discover", {}, {}, "d1")).toEqual({
      jsonrpc: "2.0",
      id: "d1",
      result: {
        supportedVersions: [MODERN_PROTOCOL_VERSION],
        capabilities: {
          logging: {},
          tools: { listChanged: true },
          resources: { subscribe: true, listChanged: true },
          prompts: { listChanged: true },
          completions: {},
        },
        instructions: "Use the tools.",
        resultType: "complete",
        _meta: serverMeta,
        ttlMs: 60_000,
        cacheScope: "public",
      },
    });
  });

  it("uses the configured cache hints, and private scope for an authenticated subject", async () => {
    const h = createHarness({ cacheHints: { ttlMs: 5, cacheScope: "public" } });
    const result = resultOf(await h.modern("server/discover"));
    expect([result.ttlMs, result.cacheScope]).toEqual([5, "public"]);
    const authed = h.server.createSession({ send() {} }, { subject: "user-1" });
    const authedResult = resultOf(
      await authed.handle({ jsonrpc: "2.0", id: 1, method: "tools/list", params: { _meta: modernMeta() } }),
    );
    expect(authedResult.cacheScope).toBe("private");
  });

  it("merges extra capabilities from the options", async () => {
    const h = createHarness({ capabilities: { extensions: { "io.example/x": {} } } });
    expect(resultOf(await h.modern("server/discover")).capabilities).toMatchObject({
      tools: { listChanged: true },
      extensions: { "io.example/x": {} },
    });
  });
});

describe("modern era: removed methods", () => {
  it.each([
    ["ping", {}],
    ["initialize", { protocolVersion: "2025-11-25", capabilities: {} }],
    ["logging/setLevel", { level: "info" }],
    ["resources/subscribe", { uri: "test://static/readme" }],
    ["resources/unsubscribe", { uri: "test://static/readme" }],
  ])("answers %s with -32601", async (method, params) => {
    const h = createHarness();
    expect(errorOf(await h.modern(method, params))).toEqual({
      code: -32601,
      message: `Method not found: ${method}`,
    });
  });
});

describe("modern era: results", () => {
  it("tools/list carries resultType, serverInfo and caching hints", async () => {
    const h = createHarness();
    const result = resultOf(await h.modern("tools/list"));
    expect(result).toMatchObject({
      resultType: "complete",
      _meta: serverMeta,
      ttlMs: 60_000,
      cacheScope: "public",
    });
    expect((result.tools as unknown[]).length).toBe(7);
  });

  it("paginates tools/list with cursors and refuses a bad cursor with -32602", async () => {
    const h = createHarness({ pageSize: 3 });
    const first = resultOf(await h.modern("tools/list"));
    expect((first.tools as { name: string }[]).map((t) => t.name)).toEqual(["ask_name", "echo", "fail"]);
    const second = resultOf(await h.modern("tools/list", { cursor: first.nextCursor }));
    expect((second.tools as { name: string }[]).map((t) => t.name)).toEqual([
      "logs",
      "multi_round",
      "progress",
    ]);
    expect(errorOf(await h.modern("tools/list", { cursor: "bogus" })).code).toBe(-32602);
    expect(errorOf(await h.modern("tools/list", { cursor: 5 })).code).toBe(-32602);
  });

  it("tools/call results are complete and carry no caching hints", async () => {
    const h = createHarness();
    const result = resultOf(await h.modern("tools/call", { name: "echo", arguments: { text: "yo" } }));
    expect(result).toEqual({
      content: [{ type: "text", text: "yo" }],
      resultType: "complete",
      _meta: serverMeta,
    });
  });

  it("tool errors stay complete results with isError", async () => {
    const h = createHarness();
    expect(resultOf(await h.modern("tools/call", { name: "fail" }))).toMatchObject({
      isError: true,
      resultType: "complete",
    });
    expect(errorOf(await h.modern("tools/call", { name: "nope" })).code).toBe(-32602);
  });

  it("resources/read is cacheable; an unknown resource is -32602 with data.uri", async () => {
    const h = createHarness();
    expect(resultOf(await h.modern("resources/read", { uri: "test://template/3/data" }))).toEqual({
      contents: [{ uri: "test://template/3/data", text: "data 3" }],
      resultType: "complete",
      _meta: serverMeta,
      ttlMs: 60_000,
      cacheScope: "private",
    });
    for (const uri of ["test://nothing", "test://template/missing/data"]) {
      expect(errorOf(await h.modern("resources/read", { uri }))).toEqual({
        code: -32602,
        message: `Resource not found: ${uri}`,
        data: { uri },
      });
    }
  });

  it("prompts/get and completion/complete are complete but not cacheable", async () => {
    const h = createHarness();
    const prompt = resultOf(await h.modern("prompts/get", { name: "greet", arguments: { name: "Bo" } }));
    expect(prompt.resultType).toBe("complete");
    expect("ttlMs" in prompt).toBe(false);
    const completion = resultOf(
      await h.modern("completion/complete", {
        ref: { type: "ref/prompt", name: "greet" },
        argument: { name: "style", value: "fr" },
      }),
    );
    expect(completion).toEqual({
      completion: { values: ["friendly"], total: 0 },
      resultType: "complete",
      _meta: serverMeta,
    });
    const lists = ["prompts/list", "resources/list", "resources/templates/list"];
    for (const method of lists) expect(resultOf(await h.modern(method))).toMatchObject({ ttlMs: 60_000 });
  });

  it("answers methods of capabilities not offered with -32601", async () => {
    const h = createHarness({ catalog: new Catalog() });
    for (const method of ["tools/list", "prompts/list", "resources/list", "completion/complete"]) {
      expect(errorOf(await h.modern(method)).code).toBe(-32601);
    }
    expect(resultOf(await h.modern("server/discover")).capabilities).toEqual({ logging: {} });
  });
});

describe("modern era: logging and progress", () => {
  it("sends no log messages unless the request names a level", async () => {
    const h = createHarness();
    await h.modern("tools/call", { name: "logs" });
    expect(notificationsOf(h.sent, "notifications/message")).toEqual([]);
  });

  it("sends log messages at or above the request's level", async () => {
    const h = createHarness();
    await h.modern("tools/call", { name: "logs" }, { [MetaKey.logLevel]: "info" });
    expect(notificationsOf(h.sent, "notifications/message").map((n) => n.params)).toEqual([
      { level: "info", logger: "test-logger", data: "i" },
      { level: "warning", data: "w" },
      { level: "error", data: "e" },
    ]);
  });

  it("sends progress only with a progressToken", async () => {
    const h = createHarness();
    await h.modern("tools/call", { name: "progress" });
    expect(notificationsOf(h.sent, "notifications/progress")).toEqual([]);
    await h.modern("tools/call", { name: "progress" }, { progressToken: 42 });
    expect(notificationsOf(h.sent, "notifications/progress").map((n) => n.params?.progress)).toEqual([
      1, 2, 3,
    ]);
  });

  it("cancels a modern call through session.cancel and sends no response", async () => {
    const h = createHarness();
    const pending = h.modern("tools/call", { name: "slow" }, {}, "m1");
    const ctx = await h.probe.started.promise;
    h.session.cancel("m1", "stream closed");
    expect(ctx.signal.aborted).toBe(true);
    expect(await pending).toBeUndefined();
  });
});

describe("modern era: input_required (multi round-trip requests)", () => {
  const elicitation = { elicitation: {} };

  async function askName(h: ReturnType<typeof createHarness>, extra: JsonObject = {}) {
    return resultOf(
      await h.request("tools/call", {
        name: "ask_name",
        arguments: {},
        ...extra,
        _meta: modernMeta(elicitation),
      }),
    );
  }

  it("returns input_required with a keyed elicitation request and a requestState", async () => {
    const h = createHarness();
    const result = await askName(h);
    expect(result).toEqual({
      resultType: "input_required",
      inputRequests: {
        user_name: {
          method: "elicitation/create",
          params: {
            message: "What is your name?",
            requestedSchema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
          },
        },
      },
      requestState: expect.any(String),
      _meta: serverMeta,
    });
    expect("ttlMs" in result).toBe(false);
    expect(h.sent).toEqual([]);
  });

  it("completes when the client retries with inputResponses and the requestState", async () => {
    const h = createHarness();
    const first = await askName(h);
    const second = await askName(h, {
      inputResponses: { user_name: { action: "accept", content: { name: "Ada" } } },
      requestState: first.requestState,
    });
    expect(second).toEqual({
      content: [{ type: "text", text: "Hello, Ada" }],
      resultType: "complete",
      _meta: serverMeta,
    });
  });

  it("completes a single round without requestState and ignores unknown extra responses", async () => {
    const h = createHarness();
    const result = await askName(h, {
      inputResponses: {
        user_name: { action: "accept", content: { name: "Bo" } },
        unrelated: { action: "decline" },
      },
    });
    expect(result.content).toEqual([{ type: "text", text: "Hello, Bo" }]);
  });

  it("carries earlier answers across rounds in a new requestState", async () => {
    const h = createHarness();
    const call = async (extra: JsonObject) =>
      resultOf(
        await h.request("tools/call", {
          name: "multi_round",
          arguments: { topic: "t" },
          ...extra,
          _meta: modernMeta(elicitation),
        }),
      );
    const round1 = await call({});
    expect(Object.keys(round1.inputRequests as JsonObject)).toEqual(["first"]);
    const round2 = await call({
      inputResponses: { first: { action: "accept", content: { value: "A" } } },
      requestState: round1.requestState,
    });
    expect(round2.resultType).toBe("input_required");
    expect(Object.keys(round2.inputRequests as JsonObject)).toEqual(["second"]);
    expect(typeof round2.requestState).toBe("string");
    expect(round2.requestState).not.toBe(round1.requestState);
    const round3 = await call({
      inputResponses: { second: { action: "accept", content: { value: "B" } } },
      requestState: round2.requestState,
    });
    expect(round3).toMatchObject({ resultType: "complete", content: [{ type: "text", text: "A+B" }] });
  });

  it("refuses a tampered requestState with -32602", async () => {
    const h = createHarness();
    const first = await askName(h);
    const state = String(first.requestState);
    const tampered = `${state.slice(0, 5)}${state[5] === "A" ? "B" : "A"}${state.slice(6)}`;
    for (const requestState of [tampered, "not-a-state", 42]) {
      const response = await h.request("tools/call", {
        name: "ask_name",
        arguments: {},
        inputResponses: { user_name: { action: "accept", content: { name: "Eve" } } },
        requestState,
        _meta: modernMeta(elicitation),
      });
      expect(errorOf(response)).toEqual({
        code: -32602,
        message: "Invalid params: requestState is invalid or expired",
      });
    }
  });

  it("binds the requestState to the tool and its arguments", async () => {
    const h = createHarness();
    const round1 = resultOf(
      await h.modern(
        "tools/call",
        { name: "multi_round", arguments: { topic: "a" } },
        modernMeta(elicitation),
      ),
    );
    const replay = async (name: string, args: JsonObject) =>
      errorOf(
        await h.modern(
          "tools/call",
          {
            name,
            arguments: args,
            inputResponses: { first: { action: "accept", content: { value: "x" } } },
            requestState: round1.requestState,
          },
          modernMeta(elicitation),
        ),
      ).code;
    expect(await replay("multi_round", { topic: "b" })).toBe(-32602);
    expect(await replay("ask_name", { topic: "a" })).toBe(-32602);
  });

  it("refuses malformed inputResponses with -32602", async () => {
    const h = createHarness();
    for (const inputResponses of ["text", [1], null]) {
      const error = errorOf(await askNameRaw(h, { inputResponses }));
      expect(error).toEqual({ code: -32602, message: "Invalid params: inputResponses must be an object" });
    }
    const error = errorOf(await askNameRaw(h, { inputResponses: { user_name: "Ada" } }));
    expect(error).toEqual({
      code: -32602,
      message: 'Invalid params: inputResponses["user_name"] must be an object',
    });
  });

  it("refuses input the request's capabilities do not allow with -32021", async () => {
    const h = createHarness();
    const response = await h.modern("tools/call", { name: "ask_name" });
    expect(errorOf(response)).toEqual({
      code: -32021,
      message: "Client does not support elicitation (required by this tool)",
      data: { requiredCapabilities: { elicitation: {} } },
    });
  });

  it("never infers capabilities from an earlier request", async () => {
    const h = createHarness();
    expect((await askName(h)).resultType).toBe("input_required");
    expect(errorOf(await h.modern("tools/call", { name: "ask_name" })).code).toBe(-32021);
  });
});

async function askNameRaw(h: ReturnType<typeof createHarness>, extra: JsonObject) {
  return h.request("tools/call", { name: "ask_name", ...extra, _meta: modernMeta({ elicitation: {} }) });
}

describe("modern era: subscriptions/listen", () => {
  function listen(h: ReturnType<typeof createHarness>, id: string | number, notifications: JsonObject) {
    const stream: JsonRpcMessage[] = [];
    const done = h.session.handle(
      {
        jsonrpc: "2.0",
        id,
        method: "subscriptions/listen",
        params: { notifications, _meta: modernMeta() },
      },
      { send: (m) => stream.push(m) },
    );
    return { stream, done };
  }

  it("acknowledges first, with the subscriptionId and the honoured filter", async () => {
    const h = createHarness();
    const { stream } = listen(h, "listen-1", {
      toolsListChanged: true,
      promptsListChanged: false,
      resourceSubscriptions: ["test://static/readme", 5],
      unknownThing: true,
    });
    await tick();
    expect(stream).toEqual([
      {
        jsonrpc: "2.0",
        method: "notifications/subscriptions/acknowledged",
        params: {
          _meta: { [MetaKey.subscriptionId]: "listen-1" },
          notifications: { toolsListChanged: true, resourceSubscriptions: ["test://static/readme"] },
        },
      },
    ]);
  });

  it("omits filters for capabilities the server does not offer", async () => {
    const h = createHarness({ catalog: new Catalog() });
    const { stream } = listen(h, 1, { toolsListChanged: true, resourcesListChanged: true });
    await tick();
    expect(stream[0]).toMatchObject({ params: { notifications: {} } });
  });

  it("sends tagged list_changed and resources/updated only for what was requested", async () => {
    const h = createHarness();
    const { stream } = listen(h, 7, {
      toolsListChanged: true,
      resourceSubscriptions: ["test://static/readme"],
    });
    await tick();
    h.catalog.addPrompt({ descriptor: { name: "new" }, get: async () => ({ messages: [] }) });
    h.catalog.remove((name) => name === "echo");
    h.server.resourceUpdated("test://other");
    h.server.resourceUpdated("test://static/readme");
    const tag = { [MetaKey.subscriptionId]: 7 };
    expect(stream.slice(1)).toEqual([
      { jsonrpc: "2.0", method: "notifications/tools/list_changed", params: { _meta: tag } },
      {
        jsonrpc: "2.0",
        method: "notifications/resources/updated",
        params: { _meta: tag, uri: "test://static/readme" },
      },
    ]);
    expect(h.sent).toEqual([]);
  });

  it("ends without a response when the client cancels it", async () => {
    const h = createHarness();
    const { stream, done } = listen(h, "l1", { toolsListChanged: true });
    await tick();
    h.session.cancel("l1", "client went away");
    expect(await done).toBeUndefined();
    h.catalog.remove((name) => name === "echo");
    expect(stream).toHaveLength(1);
  });

  it("ends on notifications/cancelled too", async () => {
    const h = createHarness();
    const { done } = listen(h, "l2", { toolsListChanged: true });
    await tick();
    await h.notify("notifications/cancelled", { requestId: "l2" });
    expect(await done).toBeUndefined();
  });

  it("resolves with a tagged result when the server closes the session", async () => {
    const h = createHarness();
    const { done } = listen(h, "l3", { toolsListChanged: true });
    await tick();
    h.session.close();
    expect(await done).toEqual({
      jsonrpc: "2.0",
      id: "l3",
      result: { resultType: "complete", _meta: { [MetaKey.subscriptionId]: "l3", ...serverMeta } },
    });
  });

  it("refuses a second subscription with an id that is still open", async () => {
    const h = createHarness();
    listen(h, "dup", { toolsListChanged: true });
    await tick();
    const second = listen(h, "dup", { toolsListChanged: true });
    expect(errorOf(await second.done).code).toBe(-32600);
    expect(second.stream).toEqual([]);
  });

  it("refuses a missing notifications filter with -32602", async () => {
    const h = createHarness();
    expect(errorOf(await h.modern("subscriptions/listen", {})).code).toBe(-32602);
  });
});
