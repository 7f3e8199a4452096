import { ErrorCode, rateLimited } from "@mcp-runtime/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningHttpServer, startHttpServer } from "../src/index.js";
import { createFixtureServer } from "./support/fixture-server.js";
import { modern, openSession, openStream, rpc, send, sessionHeaders } from "./support/wire.js";

let running: RunningHttpServer;
let base: URL;

const LIMITED = {
  code: ErrorCode.RateLimited,
  message: "Rate limit exceeded for tool x: retry after 3 s",
  data: { limit: "tool", retryAfterSeconds: 3, tool: "x" },
};

beforeAll(async () => {
  const { server, catalog } = createFixtureServer();
  catalog.addTool({
    descriptor: { name: "x", inputSchema: { type: "object" } },
    validateInput: (args) => ({ ok: true, value: args }),
    call: async () => {
      throw rateLimited("tool", 2500, "x");
    },
  });
  catalog.addTool({
    descriptor: { name: "x-after-progress", inputSchema: { type: "object" } },
    validateInput: (args) => ({ ok: true, value: args }),
    call: async (_args, ctx) => {
      ctx.progress(1, 2, "started");
      await new Promise((resolve) => setTimeout(resolve, 5));
      throw rateLimited("tool", 2500, "x");
    },
  });
  running = await startHttpServer(server, { port: 0 });
  base = new URL(running.url);
});

afterAll(async () => {
  await running.close(1000);
});

describe("a rate-limited call (-32029) answered as a JSON body is HTTP 429 with Retry-After", () => {
  it("in 2026-07-28", async () => {
    const { body, headers } = modern("tools/call", { name: "x", arguments: {} });
    const reply = await send(base, { body, headers });
    expect(reply.status).toBe(429);
    expect(reply.headers["retry-after"]).toBe("3");
    expect(reply.json).toEqual({ jsonrpc: "2.0", id: body.id, error: LIMITED });
  });

  it("in a 2025-era session", async () => {
    const session = await openSession(base);
    const request = rpc("tools/call", { name: "x", arguments: {} });
    const reply = await send(base, { body: request, headers: sessionHeaders(session) });
    expect(reply.status).toBe(429);
    expect(reply.headers["retry-after"]).toBe("3");
    expect(reply.json).toEqual({ jsonrpc: "2.0", id: request.id, error: LIMITED });
  });

  it("in a stateless 2025-era POST", async () => {
    const reply = await send(base, { body: rpc("tools/call", { name: "x", arguments: {} }) });
    expect(reply.status).toBe(429);
    expect(reply.headers["retry-after"]).toBe("3");
    expect(reply.json.error).toEqual(LIMITED);
  });
});

describe("a rate-limited call whose reply is not a single JSON body keeps 200", () => {
  it("2026-07-28 reply streamed as SSE: the error is the stream's last event", async () => {
    const { body, headers } = modern(
      "tools/call",
      { name: "x-after-progress", arguments: {} },
      { meta: { progressToken: "p" } },
    );
    const stream = await openStream(base, { body, headers });
    await stream.ended;
    expect(stream.status).toBe(200);
    expect(stream.headers["retry-after"]).toBeUndefined();
    expect(stream.events.at(-1)?.message).toEqual({ jsonrpc: "2.0", id: body.id, error: LIMITED });
  });

  it("2025-era reply streamed as SSE", async () => {
    const session = await openSession(base);
    const request = rpc("tools/call", {
      name: "x-after-progress",
      arguments: {},
      _meta: { progressToken: 1 },
    });
    const stream = await openStream(base, { body: request, headers: sessionHeaders(session) });
    await stream.ended;
    expect(stream.status).toBe(200);
    expect(stream.events.at(-1)?.message.error).toEqual(LIMITED);
  });

  it("a 2025-03-26 batch", async () => {
    const session = await openSession(base, "2025-03-26");
    const reply = await send(base, {
      body: [rpc("tools/call", { name: "x", arguments: {} }), rpc("ping")],
      headers: sessionHeaders(session, "2025-03-26"),
    });
    expect(reply.status).toBe(200);
    expect(reply.headers["retry-after"]).toBeUndefined();
    expect(reply.json.map((r: { error?: unknown }) => r.error)).toEqual([LIMITED, undefined]);
  });

  it("POST /messages (2024-11-05): 202, and the error travels on the /sse stream", async () => {
    const stream = await openStream(base, { method: "GET", path: "/sse" });
    const endpoint = /data: (\/messages\?sessionId=[0-9a-f-]+)/.exec(stream.raw())?.[1];
    const post = (body: unknown) => send(base, { path: endpoint, body });
    await post(
      rpc("initialize", {
        protocolVersion: "2024-11-05",
        capabilities: {},
        clientInfo: { name: "t", version: "1" },
      }),
    );
    await post({ jsonrpc: "2.0", method: "notifications/initialized" });
    const call = await post(rpc("tools/call", { name: "x", arguments: {} }));
    expect(call.status).toBe(202);
    await stream.waitFor(3);
    expect(stream.events[2]?.message.error).toEqual(LIMITED);
    stream.close();
  });
});
