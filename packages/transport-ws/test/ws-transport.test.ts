import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { attachWebSocket, type WebSocketTransportEvent } from "../src/index.js";
import { createTestServer, modernMeta, start, stopAll, TestClient } from "./support.js";

afterEach(stopAll);

describe("MCP over WebSocket", () => {
  it("serves a legacy session: initialize, tools/list, tools/call, echoing subprotocol mcp", async () => {
    const { url } = await start();
    const client = await TestClient.connect(url);
    expect(client.ws.protocol).toBe("mcp");
    expect(await client.initialize()).toMatchObject({
      result: { protocolVersion: "2025-11-25", serverInfo: { name: "ws-test" } },
    });
    const list = await client.request("tools/list");
    expect((list.result as { tools: { name: string }[] }).tools.map((t) => t.name)).toEqual([
      "echo",
      "progress",
      "slow",
      "whoami",
    ]);
    expect(await client.request("tools/call", { name: "echo", arguments: { text: "hi" } })).toMatchObject({
      result: { content: [{ type: "text", text: "hi" }] },
    });
    await client.close();
  });

  it("serves a modern request with _meta statelessly (resultType complete) on the same kind of socket", async () => {
    const { url } = await start();
    const client = await TestClient.connect(url);
    const response = await client.request("tools/call", {
      name: "echo",
      arguments: { text: "modern" },
      _meta: modernMeta(),
    });
    expect(response).toMatchObject({
      result: { resultType: "complete", content: [{ type: "text", text: "modern" }] },
    });
    // A legacy request on the same connection still needs initialize first.
    expect(await client.request("tools/list")).toMatchObject({ error: { code: -32602 } });
    await client.close();
  });

  it("answers pipelined requests one frame each, and a 2025-03-26 batch as one array frame", async () => {
    const { url } = await start();
    const client = await TestClient.connect(url);
    await client.initialize("2025-03-26");
    for (let id = 100; id < 150; id++) client.send({ jsonrpc: "2.0", id, method: "ping" });
    const ids = new Set<unknown>();
    for (let i = 0; i < 50; i++) ids.add((await client.next()).id);
    expect(ids.size).toBe(50);
    client.send([
      { jsonrpc: "2.0", id: "a", method: "ping" },
      { jsonrpc: "2.0", id: "b", method: "ping" },
    ]);
    const batch = (await client.next()) as unknown as { id: string }[];
    expect(batch.map((r) => r.id).sort()).toEqual(["a", "b"]);
    await client.close();
  });

  it("answers malformed JSON with -32700 and keeps serving the connection", async () => {
    const { url } = await start();
    const client = await TestClient.connect(url);
    client.send("{oops");
    expect(await client.next()).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32700, message: "Parse error: invalid JSON" },
    });
    expect(await client.request("ping")).toMatchObject({ result: {} });
    await client.close();
  });

  it("closes with 1003 on a binary frame", async () => {
    const { url } = await start();
    const client = await TestClient.connect(url);
    client.ws.send(Buffer.from('{"jsonrpc":"2.0","id":1,"method":"ping"}'), { binary: true });
    expect((await client.closed).code).toBe(1003);
  });

  it("closes an oversize message with 1009, reports it, and keeps serving other clients", async () => {
    const events: WebSocketTransportEvent[] = [];
    const { url, server } = await start({ maxPayload: 1024, onEvent: (event) => events.push(event) });
    const bystander = await TestClient.connect(url);
    const offender = await TestClient.connect(url);
    offender.send({ jsonrpc: "2.0", id: 1, method: "ping", params: { pad: "x".repeat(2000) } });
    expect((await offender.closed).code).toBe(1009);
    expect(events).toContainEqual(expect.objectContaining({ msg: "oversize message refused" }));
    expect(await bystander.request("ping")).toMatchObject({ result: {} });
    const fresh = await TestClient.connect(url);
    expect(await fresh.request("ping")).toMatchObject({ result: {} });
    await Promise.all([bystander.close(), fresh.close()]);
    expect(server.sessionCount).toBe(0);
  });

  it("delivers progress notifications before the result", async () => {
    const { url } = await start();
    const client = await TestClient.connect(url);
    client.send({
      jsonrpc: "2.0",
      id: 7,
      method: "tools/call",
      params: { name: "progress", arguments: {}, _meta: modernMeta({ progressToken: "p1" }) },
    });
    const received = [await client.next(), await client.next(), await client.next(), await client.next()];
    expect(received.map((m) => m.method ?? `response ${String(m.id)}`)).toEqual([
      "notifications/progress",
      "notifications/progress",
      "notifications/progress",
      "response 7",
    ]);
    expect(received[0]).toMatchObject({ params: { progressToken: "p1", progress: 1, total: 3 } });
    expect(received[3]).toMatchObject({ result: { content: [{ text: "progress done" }] } });
    await client.close();
  });

  it("cancels an in-flight call when the client closes the connection (its AbortSignal fires)", async () => {
    const { url, server, slow } = await start();
    const client = await TestClient.connect(url);
    client.send({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "slow", arguments: {}, _meta: modernMeta() },
    });
    await slow.started;
    expect(server.sessionCount).toBe(1);
    client.ws.close();
    expect(await slow.aborted).toBe("client closed the connection");
    expect(server.sessionCount).toBe(0);
  });

  it("on close() sends 1001 to clients, cancels their calls and refuses new handshakes", async () => {
    const endpoint = await start();
    const client = await TestClient.connect(endpoint.url);
    client.send({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "slow", arguments: {}, _meta: modernMeta() },
    });
    await endpoint.slow.started;
    const closing = endpoint.close();
    expect(await client.closed).toEqual({ code: 1001, reason: "server shutting down" });
    expect(await endpoint.slow.aborted).toBe("server shutting down");
    await closing;
    expect(endpoint.server.sessionCount).toBe(0);
    await expect(TestClient.connect(endpoint.url)).rejects.toThrow();
  });

  it("binds the authenticated subject to the session, and refuses a throwing hook with 401", async () => {
    const { url } = await start({
      authenticate: (request) => {
        const token = request.headers.authorization;
        if (token === "Bearer bad") throw new Error("bad token");
        return token === "Bearer alice" ? "alice" : undefined;
      },
    });
    const alice = await TestClient.connect(url, { headers: { Authorization: "Bearer alice" } });
    const call = { name: "whoami", arguments: {}, _meta: modernMeta() };
    expect(await alice.request("tools/call", call)).toMatchObject({
      result: { content: [{ text: "alice" }] },
    });
    const anonymous = await TestClient.connect(url);
    expect(await anonymous.request("tools/call", call)).toMatchObject({
      result: { content: [{ text: "anonymous" }] },
    });
    await expect(TestClient.connect(url, { headers: { Authorization: "Bearer bad" } })).rejects.toThrow(
      "Unexpected server response: 401",
    );
    await Promise.all([alice.close(), anonymous.close()]);
  });

  it("terminates a peer that stops answering keep-alive pings", async () => {
    const events: WebSocketTransportEvent[] = [];
    const { url } = await start({ pingIntervalMs: 40, onEvent: (event) => events.push(event) });
    const deaf = await TestClient.connect(url, { autoPong: false });
    const healthy = await TestClient.connect(url);
    expect((await deaf.closed).code).toBe(1006);
    expect(events).toContainEqual({ msg: "terminating unresponsive peer" });
    expect(healthy.ws.readyState).toBe(healthy.ws.OPEN);
    await healthy.close();
  });
});

describe("attachWebSocket", () => {
  it("shares an existing HTTP server: plain requests untouched, upgrades on its path, close() detaches", async () => {
    const { server } = createTestServer();
    const httpServer = createServer((_request, response) => response.end("plain http"));
    const endpoint = attachWebSocket(server, httpServer, { path: "/custom" });
    await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
    const port = (httpServer.address() as AddressInfo).port;
    try {
      expect(await (await fetch(`http://127.0.0.1:${port}/anything`)).text()).toBe("plain http");
      const client = await TestClient.connect(`ws://127.0.0.1:${port}/custom?x=1`);
      expect(endpoint.connectionCount).toBe(1);
      expect(await client.request("ping")).toMatchObject({ result: {} });
      await expect(TestClient.connect(`ws://127.0.0.1:${port}/other`)).rejects.toThrow(
        "Unexpected server response: 404",
      );
      await endpoint.close();
      expect((await client.closed).code).toBe(1001);
      expect(httpServer.listenerCount("upgrade")).toBe(0);
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("plain http");
    } finally {
      await new Promise((resolve) => httpServer.close(resolve));
    }
  });

  it("rejects bad options with a TypeError naming the option", () => {
    const { server } = createTestServer();
    const httpServer = createServer();
    expect(() => attachWebSocket(server, httpServer, { maxPayload: 0 })).toThrow(
      '"maxPayload" option must be a positive integer',
    );
    expect(() => attachWebSocket(server, httpServer, { pingIntervalMs: -1 })).toThrow(
      '"pingIntervalMs" option must be a non-negative integer',
    );
    expect(() => attachWebSocket(server, httpServer, { path: "mcp" })).toThrow('"path" option');
  });
});
