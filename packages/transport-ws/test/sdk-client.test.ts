import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { WebSocketClientTransport } from "@modelcontextprotocol/sdk/client/websocket.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { WebSocket } from "ws";
import { start, stopAll } from "./support.js";

afterEach(async () => {
  await stopAll();
  vi.unstubAllGlobals();
});

describe("official SDK client (WebSocketClientTransport, subprotocol mcp)", () => {
  it("initializes, lists tools and calls one", async () => {
    // The SDK transport uses the global WebSocket; Node 20 has none without a flag, so `ws`
    // stands in there (Node 22+ runs the test against its built-in client).
    if (typeof globalThis.WebSocket === "undefined") vi.stubGlobal("WebSocket", WebSocket);
    const { url, server } = await start();
    const client = new Client({ name: "sdk-test", version: "1.0.0" });
    await client.connect(new WebSocketClientTransport(new URL(url)));
    expect(client.getServerVersion()).toMatchObject({ name: "ws-test" });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain("echo");
    const result = await client.callTool({ name: "echo", arguments: { text: "from the sdk" } });
    expect(result.content).toEqual([{ type: "text", text: "from the sdk" }]);
    expect(server.sessionCount).toBe(1);
    await client.close();
    await vi.waitFor(() => expect(server.sessionCount).toBe(0));
  });
});
