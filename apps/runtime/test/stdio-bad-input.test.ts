/**
 * @module Acceptance: the stdio server survives hostile and malformed input, answering each with the
 * JSON-RPC error the spec names, never a stack trace, and still serves afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixture, type Fixture } from "./support/fixture.js";
import { assertBuilt, serveArgs } from "./support/paths.js";
import { RawStdioServer, type WireMessage } from "./support/raw-stdio.js";

const LEGACY_VERSION = "2025-11-25";

function isErrorWithIdNull(message: WireMessage): boolean {
  return message.id === null && message.error !== undefined;
}

// One process for the whole file, on purpose: the point is that it keeps serving after each blow.
describe("stdio server fed bad input", () => {
  let fixture: Fixture;
  let server: RawStdioServer;

  beforeAll(async () => {
    assertBuilt();
    fixture = await createFixture();
    server = new RawStdioServer(serveArgs(fixture.configPath));
  });

  afterAll(async () => {
    server?.kill();
    await fixture?.remove();
  });

  it("refuses a 2025-era request before initialize with -32602 saying to initialize first", async () => {
    const reply = await server.request({ id: "early", method: "tools/list" });
    expect(reply.error?.code).toBe(-32602);
    expect(reply.error?.message).toMatch(/initialize/);
    expect(reply.result).toBeUndefined();
  });

  it("answers invalid JSON with -32700 and id null", async () => {
    const reply = await server.exchange('{"jsonrpc":"2.0","id":1,"method":', isErrorWithIdNull);
    expect(reply).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32700 } });
  });

  it("initializes at 2025-11-25", async () => {
    const reply = await server.request({
      id: "init",
      method: "initialize",
      params: {
        protocolVersion: LEGACY_VERSION,
        capabilities: {},
        clientInfo: { name: "raw-acceptance", version: "0.0.0" },
      },
    });
    expect(reply.error).toBeUndefined();
    expect(reply.result?.protocolVersion).toBe(LEGACY_VERSION);
    server.notify("notifications/initialized");
  });

  it("refuses a JSON array (batch) at 2025-11-25 with -32600", async () => {
    const batch = JSON.stringify([
      { jsonrpc: "2.0", id: "b1", method: "ping" },
      { jsonrpc: "2.0", id: "b2", method: "ping" },
    ]);
    const reply = await server.exchange(batch, isErrorWithIdNull);
    expect(reply).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32600 } });
    // Neither request inside the refused batch may have been served.
    expect(server.messages.some((m) => m.id === "b1" || m.id === "b2")).toBe(false);
  });

  it("answers an unknown method with -32601 and the request's id", async () => {
    const reply = await server.request({ id: 41, method: "tools/frobnicate", params: {} });
    expect(reply).toMatchObject({ jsonrpc: "2.0", id: 41, error: { code: -32601 } });
  });

  it("answers a non-2.0 envelope with -32600 and its id, and a non-object with -32600 and id null", async () => {
    const wrongVersion = await server.request({ id: 44, method: "ping", jsonrpc: "1.0" });
    expect(wrongVersion).toMatchObject({ jsonrpc: "2.0", id: 44, error: { code: -32600 } });
    const notAnObject = await server.exchange('"ping"', isErrorWithIdNull);
    expect(notAnObject).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32600 } });
  });

  it("never answers a notification, even one it does not know", async () => {
    const mark = server.messages.length;
    server.notify("notifications/no_such_thing", {});
    const pong = await server.request({ id: "after-notification", method: "ping" });
    expect(pong).toEqual({ jsonrpc: "2.0", id: "after-notification", result: {} });
    expect(server.messages.slice(mark)).toEqual([pong]);
  });

  it("answers tools/call with a non-string name with -32602", async () => {
    const reply = await server.request({ id: 42, method: "tools/call", params: { name: 42, arguments: {} } });
    expect(reply).toMatchObject({ jsonrpc: "2.0", id: 42, error: { code: -32602 } });
  });

  it("answers prompts/get without a required argument with -32602", async () => {
    // test_prompt_with_arguments requires arg1 and arg2 (conformance fixture catalogue).
    const reply = await server.request({
      id: 43,
      method: "prompts/get",
      params: { name: "test_prompt_with_arguments", arguments: { arg1: "only one" } },
    });
    expect(reply).toMatchObject({ jsonrpc: "2.0", id: 43, error: { code: -32602 } });
    expect(reply.error?.message).toMatch(/arg2/);
  });

  it("refuses a 10 MB line with -32600 (its id recovered, the limit named) and answers the very next request", async () => {
    const huge = JSON.stringify({
      jsonrpc: "2.0",
      id: "huge",
      method: "tools/call",
      params: { name: "echo", arguments: { text: "x".repeat(10 * 1024 * 1024) } },
    });
    const refused = await server.exchange(
      huge,
      (m) => m.id === "huge" && (m as { error?: unknown }).error !== undefined,
      15_000,
    );
    expect(refused).toMatchObject({ jsonrpc: "2.0", id: "huge", error: { code: -32600 } });
    expect(JSON.stringify(refused)).toContain("server.maxMessageBytes");
    const next = await server.request({ id: "after-huge", method: "ping" });
    expect(next).toEqual({ jsonrpc: "2.0", id: "after-huge", result: {} });
    expect(server.messages.some((m) => m.id === "huge" && "result" in m)).toBe(false);
  });

  it("still serves tools after all of the above", async () => {
    const reply = await server.request({
      id: "final",
      method: "tools/call",
      params: { name: "echo", arguments: { text: "still serving" } },
    });
    expect(reply.error).toBeUndefined();
    expect(reply.result?.content).toEqual([{ type: "text", text: "still serving" }]);
    expect(reply.result?.isError).not.toBe(true);
  });

  it("wrote nothing but JSON-RPC to stdout, and no stack traces", () => {
    expect(server.lines.length).toBeGreaterThanOrEqual(9);
    for (const line of server.lines) {
      const parsed: unknown = JSON.parse(line);
      const messages = Array.isArray(parsed) ? parsed : [parsed];
      for (const message of messages) {
        expect(message).toMatchObject({ jsonrpc: "2.0" });
        const shaped = message as WireMessage;
        const isResponse = "id" in shaped && (shaped.result !== undefined || shaped.error !== undefined);
        const isNotificationOrRequest = typeof shaped.method === "string";
        expect(isResponse || isNotificationOrRequest, line.slice(0, 200)).toBe(true);
      }
      expect(line).not.toContain("    at ");
    }
  });

  it("exits with code 0 within 3 s of stdin ending", async () => {
    const exit = await server.endInput();
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.afterEndMs).toBeLessThan(3_000);
  });
});
