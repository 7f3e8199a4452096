import { describe, expect, it } from "vitest";
import {
  type ClientInputHandlers,
  type JsonObject,
  JsonRpcError,
  type JsonRpcMessage,
  McpClient,
  type McpClientOptions,
  ProtocolError,
  type ServerSession,
} from "../src/index.js";
import { createHarness, type Harness, SERVER_INFO, tick } from "./support.js";

const CLIENT_INFO = { name: "test-client", version: "0.0.1" };

interface Pair {
  h: Harness;
  client: McpClient;
  session: ServerSession;
  /** every message the client sent */
  outbox: JsonRpcMessage[];
  notifications: { method: string; params: JsonObject }[];
}

/** A client and a server session wired back to back; delivery is asynchronous like a real pipe. */
function pair(
  options: Partial<McpClientOptions> = {},
  harness: Harness = createHarness({ pageSize: 2 }),
): Pair {
  const outbox: JsonRpcMessage[] = [];
  const notifications: { method: string; params: JsonObject }[] = [];
  let client: McpClient | undefined;
  const toClient = { send: (m: JsonRpcMessage) => queueMicrotask(() => client?.receive(m)) };
  const session = harness.server.createSession(toClient);
  client = new McpClient({
    info: CLIENT_INFO,
    onNotification: (method, params) => notifications.push({ method, params }),
    ...options,
    send: (message) => {
      outbox.push(message);
      queueMicrotask(() => {
        void session.handle(message, toClient).then((response) => {
          if (response) toClient.send(response);
        });
      });
    },
  });
  return { h: harness, client, session, outbox, notifications };
}

const answers: ClientInputHandlers = {
  elicit: async (params) => ({
    action: "accept",
    content:
      params.message === "What is your name?" ? { name: "Ada" } : { value: params.message.slice(0, 5) },
  }),
};

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("McpClient, modern era", () => {
  it("connects through server/discover", async () => {
    const { client, outbox, session } = pair();
    const description = await client.connect();
    expect(description).toEqual({
      era: "modern",
      protocolVersion: "2026-07-28",
      capabilities: expect.objectContaining({ tools: { listChanged: true } }),
      serverInfo: SERVER_INFO,
      instructions: undefined,
    });
    expect(client.server).toBe(description);
    expect(outbox[0]).toMatchObject({ method: "server/discover" });
    expect(outbox.some((m) => "method" in m && m.method === "initialize")).toBe(false);
    expect(session.initialized).toBe(false);
  });

  it("calls tools with the envelope on every request", async () => {
    const { client, outbox } = pair();
    await client.connect();
    expect(await client.callTool("echo", { text: "hi" })).toEqual({
      content: [{ type: "text", text: "hi" }],
      resultType: "complete",
      _meta: { "io.modelcontextprotocol/serverInfo": SERVER_INFO },
    });
    const call = outbox.at(-1);
    if (!call || !("params" in call)) throw new Error("expected a request");
    expect(call.params?._meta).toEqual({
      "io.modelcontextprotocol/protocolVersion": "2026-07-28",
      "io.modelcontextprotocol/clientCapabilities": {},
      "io.modelcontextprotocol/clientInfo": CLIENT_INFO,
    });
  });

  it("answers input_required rounds with its input handlers", async () => {
    const { client, outbox } = pair({ inputHandlers: answers });
    await client.connect();
    expect((await client.callTool("ask_name")).content).toEqual([{ type: "text", text: "Hello, Ada" }]);
    const multi = await client.callTool("multi_round", { topic: "x" });
    expect(multi.content).toEqual([{ type: "text", text: "first+secon" }]);
    const calls = outbox.filter((m) => "method" in m && m.method === "tools/call") as {
      id: number;
      params: JsonObject;
    }[];
    expect(calls).toHaveLength(5);
    expect(new Set(calls.map((c) => c.id)).size).toBe(5);
    expect(calls[1]?.params._meta).toMatchObject({
      "io.modelcontextprotocol/clientCapabilities": { elicitation: {} },
    });
    expect(typeof calls[1]?.params.requestState).toBe("string");
  });

  it("answers a call's input_required rounds with that call's own handlers when given", async () => {
    const { client } = pair({ inputHandlers: answers });
    await client.connect();
    const own: ClientInputHandlers = {
      elicit: async () => ({ action: "accept", content: { name: "Grace" } }),
    };
    const result = await client.callTool("ask_name", {}, { inputHandlers: own });
    expect(result.content).toEqual([{ type: "text", text: "Hello, Grace" }]);
    expect((await client.callTool("ask_name")).content).toEqual([{ type: "text", text: "Hello, Ada" }]);
  });

  it("gives up after maxInputRounds", async () => {
    const { client } = pair({ inputHandlers: answers, maxInputRounds: 1 });
    await client.connect();
    const error = await rejection(client.callTool("multi_round", { topic: "x" }));
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe("ERR_INPUT_REQUIRED");
  });

  it("surfaces -32021 when it has no handler for the requested input", async () => {
    const { client } = pair();
    await client.connect();
    const error = await rejection(client.callTool("ask_name"));
    expect(error).toBeInstanceOf(JsonRpcError);
    expect((error as JsonRpcError).code).toBe(-32021);
  });

  it("reports progress of each call to that call only", async () => {
    const h = createHarness({ pageSize: 2 });
    h.catalog.addTool({
      descriptor: { name: "steps", inputSchema: { type: "object" } },
      validateInput: (args) => ({ ok: true, value: args }),
      call: async (args, ctx) => {
        ctx.progress(1, 2, String(args.label));
        await tick();
        ctx.progress(2, 2, String(args.label));
        return { content: [] };
      },
    });
    const { client } = pair({}, h);
    await client.connect();
    const seenA: JsonObject[] = [];
    const seenB: JsonObject[] = [];
    await Promise.all([
      client.callTool("steps", { label: "A" }, { onProgress: (p) => seenA.push(p) }),
      client.callTool("steps", { label: "B" }, { onProgress: (p) => seenB.push(p) }),
    ]);
    expect(seenA.map((p) => [p.progress, p.message])).toEqual([
      [1, "A"],
      [2, "A"],
    ]);
    expect(seenB.map((p) => [p.progress, p.message])).toEqual([
      [1, "B"],
      [2, "B"],
    ]);
  });

  it("lists every page of tools, reads resources and gets prompts", async () => {
    const { client } = pair();
    await client.connect();
    expect((await client.listTools()).map((t) => t.name)).toEqual([
      "ask_name",
      "echo",
      "fail",
      "logs",
      "multi_round",
      "progress",
      "slow",
    ]);
    expect((await client.readResource("test://static/readme")).contents).toEqual([
      { uri: "test://static/readme", mimeType: "text/plain", text: "read me" },
    ]);
    expect((await client.getPrompt("greet", { name: "Ada" })).messages).toHaveLength(1);
    const error = await rejection(client.readResource("test://none"));
    expect(error).toMatchObject({ code: -32602, data: { uri: "test://none" } });
  });

  it("cancels the server-side call when the caller aborts", async () => {
    const { client, h, outbox } = pair();
    await client.connect();
    const controller = new AbortController();
    const call = client.callTool("slow", {}, { signal: controller.signal });
    const ctx = await h.probe.started.promise;
    controller.abort();
    const error = await rejection(call);
    expect((error as ProtocolError).code).toBe("ERR_CONNECTION_CLOSED");
    await tick();
    expect(ctx.signal.aborted).toBe(true);
    expect(outbox.at(-1)).toMatchObject({ method: "notifications/cancelled", params: { reason: "aborted" } });
  });

  it("times out a request and tells the server", async () => {
    const { client, h, outbox } = pair();
    await client.connect();
    const error = await rejection(client.callTool("slow", {}, { timeoutMs: 20 }));
    expect((error as ProtocolError).code).toBe("ERR_REQUEST_TIMEOUT");
    const ctx = await h.probe.started.promise;
    await tick();
    expect(ctx.signal.aborted).toBe(true);
    expect(outbox.at(-1)).toMatchObject({ method: "notifications/cancelled", params: { reason: "timeout" } });
  });

  it("fails pending requests on close and refuses new ones", async () => {
    const { client, h } = pair();
    await client.connect();
    const call = client.callTool("slow");
    await h.probe.started.promise;
    client.close();
    expect((await rejection(call)) as ProtocolError).toMatchObject({ code: "ERR_CONNECTION_CLOSED" });
    expect(await rejection(client.callTool("echo", { text: "x" }))).toMatchObject({
      code: "ERR_CONNECTION_CLOSED",
    });
  });

  it("refuses requests before connect()", async () => {
    const { client } = pair();
    expect(await rejection(client.callTool("echo"))).toMatchObject({ code: "ERR_NOT_CONNECTED" });
  });
});

describe("McpClient, legacy era", () => {
  it("connects with initialize and notifications/initialized", async () => {
    const { client, session, outbox } = pair({ era: "legacy", inputHandlers: answers });
    const description = await client.connect();
    expect(description).toMatchObject({
      era: "legacy",
      protocolVersion: "2025-11-25",
      serverInfo: SERVER_INFO,
    });
    expect(outbox.map((m) => ("method" in m ? m.method : "response"))).toEqual([
      "initialize",
      "notifications/initialized",
    ]);
    expect(session.initialized).toBe(true);
    expect(session.clientCapabilities).toEqual({ elicitation: {} });
  });

  it("calls tools without an envelope", async () => {
    const { client, outbox } = pair({ era: "legacy" });
    await client.connect();
    expect(await client.callTool("echo", { text: "old" })).toEqual({
      content: [{ type: "text", text: "old" }],
    });
    expect(outbox.at(-1)).toMatchObject({ params: { name: "echo", arguments: { text: "old" } } });
    expect((outbox.at(-1) as { params: JsonObject }).params._meta).toBeUndefined();
  });

  it("answers server-to-client elicitation requests with its handlers", async () => {
    const { client, outbox } = pair({ era: "legacy", inputHandlers: answers });
    await client.connect();
    expect((await client.callTool("ask_name")).content).toEqual([{ type: "text", text: "Hello, Ada" }]);
    expect(outbox.some((m) => "result" in m && (m.result as JsonObject).action === "accept")).toBe(true);
  });

  it("answers a server request it cannot serve with -32601", async () => {
    const { client, outbox } = pair({ era: "legacy" });
    await client.connect();
    client.receive({ jsonrpc: "2.0", id: "s9", method: "sampling/createMessage", params: {} });
    client.receive({ jsonrpc: "2.0", id: "s10", method: "ping" });
    await tick();
    expect(outbox.slice(-2)).toEqual([
      {
        jsonrpc: "2.0",
        id: "s9",
        error: { code: -32601, message: "Method not found: sampling/createMessage" },
      },
      { jsonrpc: "2.0", id: "s10", result: {} },
    ]);
  });

  it("reports progress and notifications", async () => {
    const { client, h, notifications } = pair({ era: "legacy" });
    await client.connect();
    const seen: JsonObject[] = [];
    await client.callTool("progress", {}, { onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => p.progress)).toEqual([1, 2, 3]);
    h.catalog.remove((name) => name === "echo");
    await tick();
    expect(notifications.map((n) => n.method)).toContain("notifications/tools/list_changed");
  });

  it("falls back to initialize when server/discover fails in auto mode", async () => {
    const h = createHarness();
    let client: McpClient | undefined;
    const session = h.server.createSession({ send: (m) => queueMicrotask(() => client?.receive(m)) });
    client = new McpClient({
      info: CLIENT_INFO,
      send: (message) => {
        queueMicrotask(() => {
          if ("method" in message && message.method === "server/discover" && "id" in message) {
            client?.receive({
              jsonrpc: "2.0",
              id: message.id,
              error: { code: -32601, message: "Method not found" },
            });
            return;
          }
          void session.handle(message).then((response) => response && client?.receive(response));
        });
      },
    });
    expect((await client.connect()).era).toBe("legacy");
    const strict = new McpClient({
      info: CLIENT_INFO,
      era: "modern",
      send: (message) =>
        queueMicrotask(() => {
          if ("id" in message)
            strict.receive({ jsonrpc: "2.0", id: message.id, error: { code: -32601, message: "no" } });
        }),
    });
    expect(await rejection(strict.connect())).toMatchObject({ code: -32601 });
  });
});
