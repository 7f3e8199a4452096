/**
 * @module A WebSocket message over the message limit (`server.maxMessageBytes`) gets a JSON-RPC
 * error naming the limit and the connection keeps serving; only a frame past the hard ceiling
 * (`maxPayload`) closes the connection, with 1009 and a reason naming the limit.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { WebSocketTransportEvent } from "../src/index.js";
import { start, stopAll, TestClient } from "./support.js";

afterEach(stopAll);

const DEFAULT_LIMIT = 4 * 1024 * 1024;

describe("oversize WebSocket messages", () => {
  it("answers a 5 MB message with -32600 naming the 4 MiB default and server.maxMessageBytes, with its id, and keeps the connection", async () => {
    const { url } = await start();
    const client = await TestClient.connect(url);
    client.send({ jsonrpc: "2.0", id: "big", method: "ping", params: { pad: "x".repeat(5_000_000) } });
    const refusal = await client.next();
    expect(refusal).toMatchObject({ jsonrpc: "2.0", id: "big", error: { code: -32600 } });
    const message = (refusal.error as { message: string }).message;
    expect(message).toContain(String(DEFAULT_LIMIT));
    expect(message).toContain("server.maxMessageBytes");
    expect(await client.request("ping")).toMatchObject({ result: {} });
    await client.initialize();
    expect(await client.request("tools/list")).toMatchObject({ result: { tools: expect.any(Array) } });
    await client.close();
  });

  it("answers with id null when the id cannot be found cheaply", async () => {
    const { url } = await start({ maxMessageBytes: 1024 });
    const client = await TestClient.connect(url);
    client.send(`{"jsonrpc":"2.0","method":"ping","params":{"pad":"${"y".repeat(2000)}"},"id":3,"z":0}`);
    expect(await client.next()).toMatchObject({ id: null, error: { code: -32600 } });
    expect(await client.request("ping")).toMatchObject({ result: {} });
    await client.close();
  });

  it("closes a frame past the hard ceiling with 1009 and a reason naming the limit, and reports it", async () => {
    const events: WebSocketTransportEvent[] = [];
    const { url } = await start({ maxMessageBytes: 1024, maxPayload: 4096, onEvent: (e) => events.push(e) });
    const client = await TestClient.connect(url);
    client.send({ jsonrpc: "2.0", id: 1, method: "ping", params: { pad: "x".repeat(8000) } });
    const closed = await client.closed;
    expect(closed.code).toBe(1009);
    expect(closed.reason).toContain("1024");
    expect(closed.reason).toContain("server.maxMessageBytes");
    expect(events).toContainEqual(expect.objectContaining({ msg: "oversize message refused" }));
  });
});
