/**
 * @module Acceptance: a WebSocket client nobody here wrote (the official SDK's
 * WebSocketClientTransport, subprotocol "mcp") against the real CLI's `/mcp/ws` endpoint.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { WebSocketClientTransport } from "@modelcontextprotocol/sdk/client/websocket.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { WebSocket } from "ws";
import { type HttpRuntime, startHttpRuntime } from "./support/http-runtime.js";
import { assertBuilt } from "./support/paths.js";

describe("official SDK client over WebSocket", () => {
  let runtime: HttpRuntime;

  beforeAll(async () => {
    assertBuilt();
    // Node 20 has no global WebSocket (the SDK transport needs one); `ws` stands in there.
    if (typeof globalThis.WebSocket === "undefined") vi.stubGlobal("WebSocket", WebSocket);
    runtime = await startHttpRuntime({
      plugins: [{ package: "@mcp-runtime/plugin-echo" }, { package: "@mcp-runtime/plugin-conformance" }],
    });
  });

  afterAll(async () => {
    vi.unstubAllGlobals();
    await runtime?.stop();
  });

  it("lists and calls tools, reads a resource and gets a prompt", async () => {
    const client = new Client({ name: "ws-interop", version: "1.0.0" });
    await client.connect(
      new WebSocketClientTransport(new URL(runtime.url.replace(/^http/, "ws").replace(/\/mcp$/, "/mcp/ws"))),
    );
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["echo", "test_simple_text"]));
    expect((await client.callTool({ name: "echo", arguments: { text: "over ws" } })).content).toEqual([
      { type: "text", text: "over ws" },
    ]);
    const read = await client.readResource({ uri: "test://static-text" });
    expect(read.contents[0]).toMatchObject({ text: "This is the content of the static text resource." });
    const prompt = await client.getPrompt({ name: "test_simple_prompt" });
    expect(prompt.messages[0]?.content).toEqual({
      type: "text",
      text: "This is a simple prompt for testing.",
    });
    await client.close();
  });

  it("refuses a foreign Origin at the handshake", async () => {
    const url = runtime.url.replace(/^http/, "ws").replace(/\/mcp$/, "/mcp/ws");
    const status = await new Promise<number | undefined>((resolve) => {
      const socket = new WebSocket(url, "mcp", { headers: { origin: "https://evil.example" } });
      socket.on("unexpected-response", (_req, res) => resolve(res.statusCode));
      socket.on("open", () => {
        socket.close();
        resolve(101);
      });
      socket.on("error", () => {});
    });
    expect(status).toBe(403);
  });
});
