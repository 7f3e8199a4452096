import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningHttpServer, startHttpServer } from "../src/index.js";
import { createFixtureServer, type FixtureState } from "./support/fixture-server.js";
import { fire, MODERN, MODERN_META, modern, openStream, rpc, send } from "./support/wire.js";

let running: RunningHttpServer;
let base: URL;
let state: FixtureState;
let fixture: ReturnType<typeof createFixtureServer>;

beforeAll(async () => {
  fixture = createFixtureServer();
  state = fixture.state;
  running = await startHttpServer(fixture.server, { port: 0, maxBodyBytes: 64 * 1024, keepAliveMs: 50 });
  base = new URL(running.url);
});

afterAll(async () => {
  await running.close(1000);
});

describe("2026-07-28 requests on /mcp", () => {
  it("answers a tools/call with one JSON body carrying resultType", async () => {
    const { body, headers } = modern("tools/call", { name: "echo", arguments: { text: "hi" } });
    const reply = await send(base, { body, headers });
    expect(reply.status).toBe(200);
    expect(reply.headers["content-type"]).toBe("application/json");
    expect(reply.json.id).toBe(body.id);
    expect(reply.json.result.resultType).toBe("complete");
    expect(reply.json.result.content).toEqual([{ type: "text", text: "hi" }]);
  });

  it("streams progress as SSE, then the result as the last event, when the call reports progress", async () => {
    const { body, headers } = modern(
      "tools/call",
      { name: "progress", arguments: {} },
      { meta: { progressToken: "p1" } },
    );
    const stream = await openStream(base, { body, headers });
    expect(stream.status).toBe(200);
    expect(stream.headers["content-type"]).toBe("text/event-stream");
    expect(stream.headers["x-accel-buffering"]).toBe("no");
    await stream.ended;
    const methods = stream.events.map((e) => e.message.method ?? "result");
    expect(methods).toEqual([
      "notifications/progress",
      "notifications/progress",
      "notifications/progress",
      "result",
    ]);
    expect(stream.events[0]?.message.params).toMatchObject({ progressToken: "p1", progress: 1 });
    expect(stream.events[3]?.message.result.content[0].text).toBe("progress done");
  });

  it("answers JSON (no stream) when the call could report progress but the client gave no token", async () => {
    const { body, headers } = modern("tools/call", { name: "progress", arguments: {} });
    const reply = await send(base, { body, headers });
    expect(reply.headers["content-type"]).toBe("application/json");
    expect(reply.json.result.content[0].text).toBe("progress done");
  });

  it("accepts header names in any case, trims values and decodes the base64 sentinel in Mcp-Name", async () => {
    const { body } = modern("tools/call", { name: "echo", arguments: { text: "x" } });
    const reply = await send(base, {
      body,
      headers: {
        "MCP-PROTOCOL-VERSION": ` ${MODERN} `,
        "MCP-METHOD": " tools/call ",
        "mcp-NAME": `=?base64?${Buffer.from("echo").toString("base64")}?=`,
      },
    });
    expect(reply.status).toBe(200);
    expect(reply.json.result.content[0].text).toBe("x");
  });

  it.each([
    ["missing MCP-Protocol-Version", { "mcp-protocol-version": undefined }],
    ["missing Mcp-Method", { "mcp-method": undefined }],
    ["Mcp-Method in another case", { "mcp-method": "TOOLS/CALL" }],
    ["missing Mcp-Name", { "mcp-name": undefined }],
    ["mismatched Mcp-Name", { "mcp-name": "other" }],
    ["invalid base64 in Mcp-Name", { "mcp-name": "=?base64?!!!?=" }],
    ["header version differing from _meta", { "mcp-protocol-version": "2025-11-25" }],
  ])("refuses %s with HTTP 400 and -32020", async (_label, change) => {
    const { body, headers } = modern("tools/call", { name: "echo", arguments: { text: "x" } });
    const merged: Record<string, string> = { ...headers };
    for (const [key, value] of Object.entries(change)) {
      if (value === undefined) delete merged[key];
      else merged[key] = value;
    }
    const reply = await send(base, { body, headers: merged });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe(-32020);
    expect(reply.json.id).toBe(body.id);
  });

  it("checks the header/_meta version mismatch before version support (-32020, not -32022)", async () => {
    const { body, headers } = modern(
      "server/discover",
      {},
      { meta: { "io.modelcontextprotocol/protocolVersion": "v999.0.0" } },
    );
    const reply = await send(base, { body, headers });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe(-32020);
  });

  it("refuses an unsupported version with HTTP 400, -32022 and the supported list", async () => {
    const { body, headers } = modern(
      "server/discover",
      {},
      { meta: { "io.modelcontextprotocol/protocolVersion": "v999.0.0" } },
    );
    const reply = await send(base, { body, headers: { ...headers, "mcp-protocol-version": "v999.0.0" } });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe(-32022);
    expect(reply.json.error.data.requested).toBe("v999.0.0");
    expect(reply.json.error.data.supported).toContain(MODERN);
  });

  it("answers an unknown method with HTTP 404 and -32601", async () => {
    const { body, headers } = modern("unknown/method");
    const reply = await send(base, { body, headers });
    expect(reply.status).toBe(404);
    expect(reply.json.error.code).toBe(-32601);
  });

  it("answers a missing _meta envelope under a modern header with HTTP 400 and -32602", async () => {
    const reply = await send(base, {
      body: rpc("server/discover", {}),
      headers: { "mcp-protocol-version": MODERN, "mcp-method": "server/discover" },
    });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe(-32602);
  });

  it("validates Mcp-Param-* headers of x-mcp-header arguments", async () => {
    const { body, headers } = modern("tools/call", { name: "regional", arguments: { region: "us-west1" } });
    expect((await send(base, { body, headers })).json.error.code).toBe(-32020);
    const ok = await send(base, { body, headers: { ...headers, "mcp-param-region": "us-west1" } });
    expect(ok.json.result.content[0].text).toBe("region us-west1");
    const wrong = await send(base, { body, headers: { ...headers, "Mcp-Param-Region": "eu" } });
    expect(wrong.status).toBe(400);
  });

  it("answers a notification with 202 and no body", async () => {
    const reply = await send(base, {
      body: { jsonrpc: "2.0", method: "notifications/whatever", params: { _meta: MODERN_META } },
      headers: { "mcp-protocol-version": MODERN },
    });
    expect(reply.status).toBe(202);
    expect(reply.text).toBe("");
  });

  it("serves concurrent requests that reuse one JSON-RPC id without refusing either", async () => {
    const calls = [1, 2, 3].map(() => {
      const { body, headers } = modern("tools/call", { name: "slow", arguments: { ms: 50 } }, { id: "same" });
      return send(base, { body, headers });
    });
    const replies = await Promise.all(calls);
    for (const reply of replies) expect(reply.json.result.content[0].text).toBe("slow done");
  });

  it("cancels the call when the client closes the connection before the reply", async () => {
    const before = state.slowAborted;
    const { body, headers } = modern("tools/call", { name: "slow", arguments: { ms: 5000 } });
    const started = state.slowStarted;
    const req = fire(base, { body, headers });
    await waitUntil(() => state.slowStarted > started);
    req.destroy();
    await waitUntil(() => state.slowAborted > before);
    expect(state.slowAborted).toBe(before + 1);
  });

  it("keeps subscriptions/listen open with an ack, list_changed events and keep-alive comments", async () => {
    const { body, headers } = modern("subscriptions/listen", { notifications: { toolsListChanged: true } });
    const stream = await openStream(base, { body, headers });
    expect(stream.status).toBe(200);
    const [ack] = await stream.waitFor(1);
    expect(ack?.message.method).toBe("notifications/subscriptions/acknowledged");
    expect(ack?.message.params._meta["io.modelcontextprotocol/subscriptionId"]).toBe(body.id);
    fixture.catalog.addTool({
      descriptor: { name: `added-${Date.now()}`, inputSchema: { type: "object" } },
      validateInput: (args) => ({ ok: true, value: args }),
      call: async () => ({ content: [] }),
    });
    const events = await stream.waitFor(2);
    expect(events[1]?.message.method).toBe("notifications/tools/list_changed");
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(stream.raw()).toContain(": keep-alive");
    stream.close();
  });

  it("returns 405 for GET and DELETE without a session", async () => {
    expect((await send(base, { method: "GET" })).status).toBe(405);
    expect((await send(base, { method: "DELETE" })).status).toBe(405);
  });
});

async function waitUntil(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error("condition not reached");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
