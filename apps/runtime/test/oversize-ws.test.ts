/**
 * @module Acceptance: `server.maxMessageBytes` from the config file limits WebSocket messages on the
 * real runtime's /mcp/ws: an oversize message gets a JSON-RPC error naming the limit and the same
 * socket then answers ping and tools/list; past the hard ceiling (4x) the socket closes with 1009.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { type HttpRuntime, startHttpRuntime } from "./support/http-runtime.js";
import { assertBuilt } from "./support/paths.js";

const LIMIT = 64 * 1024;
const MODERN_META = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientCapabilities": {},
  "io.modelcontextprotocol/clientInfo": { name: "oversize-ws", version: "0.0.0" },
};

interface Received {
  id?: unknown;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
}

function connect(url: string): Promise<{ socket: WebSocket; next(): Promise<Received> }> {
  const socket = new WebSocket(url, "mcp");
  const inbox: Received[] = [];
  const waiters: ((message: Received) => void)[] = [];
  socket.on("message", (data) => {
    const message = JSON.parse(String(data)) as Received;
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else inbox.push(message);
  });
  const next = () => {
    const queued = inbox.shift();
    return queued ? Promise.resolve(queued) : new Promise<Received>((resolve) => waiters.push(resolve));
  };
  return new Promise((resolve, reject) => {
    socket.once("open", () => resolve({ socket, next }));
    socket.once("error", reject);
  });
}

describe("runtime /mcp/ws fed an oversize message", () => {
  let runtime: HttpRuntime;
  let wsUrl: string;

  beforeAll(async () => {
    assertBuilt();
    runtime = await startHttpRuntime({
      server: { maxMessageBytes: LIMIT },
      plugins: [{ package: "@mcp-runtime/plugin-echo" }],
    });
    wsUrl = `${runtime.url.replace("http:", "ws:")}/ws`;
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it("answers -32600 naming the configured limit with the message's id, then serves ping and tools/list on the same socket", async () => {
    const { socket, next } = await connect(wsUrl);
    socket.send(
      JSON.stringify({ jsonrpc: "2.0", id: "big", method: "ping", params: { pad: "x".repeat(LIMIT * 2) } }),
    );
    const refusal = await next();
    expect(refusal).toMatchObject({ id: "big", error: { code: -32600 } });
    expect(refusal.error?.message).toContain(`${LIMIT}-byte limit`);
    expect(refusal.error?.message).toContain("server.maxMessageBytes");
    socket.send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "ping" }));
    const pong = await next();
    expect(pong, JSON.stringify(pong)).toMatchObject({ id: 2, result: {} });
    socket.send(
      JSON.stringify({ jsonrpc: "2.0", id: 3, method: "tools/list", params: { _meta: MODERN_META } }),
    );
    const listed = await next();
    expect(listed.id).toBe(3);
    expect(listed.result?.tools).toEqual(expect.arrayContaining([expect.objectContaining({ name: "echo" })]));
    socket.close();
  });

  it("closes a message past the hard ceiling (4x the limit) with 1009 and a reason naming the limit", async () => {
    const { socket } = await connect(wsUrl);
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    socket.send("x".repeat(LIMIT * 4 + 1));
    const { code, reason } = await closed;
    expect(code).toBe(1009);
    expect(reason).toContain("server.maxMessageBytes");
  });
});
