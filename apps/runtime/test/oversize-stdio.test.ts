/**
 * @module Acceptance: a stdio line over `server.maxMessageBytes` gets a JSON-RPC error naming the
 * limit and the config key (with the request's id when it leads the line), and the same process
 * answers the next line. Issue 18, known defect 1: a 10 MB line used to be dropped silently.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixture, type Fixture } from "./support/fixture.js";
import { assertBuilt, serveArgs } from "./support/paths.js";
import { RawStdioServer } from "./support/raw-stdio.js";

const TEN_MB = 10 * 1000 * 1000;
const DEFAULT_LIMIT = 4 * 1024 * 1024;

/** A request line of about `bytes` bytes: an echo call whose text is padding. */
function hugeEchoLine(id: string | number, bytes: number): string {
  return JSON.stringify({
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { name: "echo", arguments: { text: "x".repeat(bytes) } },
  });
}

describe("stdio server fed an oversized line", () => {
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

  it("answers a 10 MB line with -32600 naming the limit and server.maxMessageBytes, with the line's id, then serves the next request", async () => {
    const from = server.messages.length;
    server.sendLine(hugeEchoLine("huge-1", TEN_MB));
    const next = await server.request({ id: "after-huge", method: "ping" }, 20_000);
    expect(next.error).toBeUndefined();
    expect(next.result).toBeDefined();
    const refusal = server.messages.slice(from).find((m) => m.id === "huge-1");
    expect(
      refusal,
      `no answer to the 10 MB line; stdout: ${server.lines.slice(-5).join("\n")}`,
    ).toBeDefined();
    expect(refusal?.error?.code).toBe(-32600);
    expect(refusal?.error?.message).toContain(String(DEFAULT_LIMIT));
    expect(refusal?.error?.message).toContain("server.maxMessageBytes");
    // The refusal comes before the next answer: lines are answered in order.
    expect(server.messages.indexOf(refusal as never)).toBeLessThan(server.messages.indexOf(next as never));
  });

  it("recovers the id from the end of an oversized line in the SDKs' key order (params first, id last)", async () => {
    const sdkOrder = `{"method":"tools/call","params":{"name":"echo","arguments":{"text":"${"y".repeat(5_000_000)}"}},"jsonrpc":"2.0","id":77}`;
    server.sendLine(sdkOrder);
    const next = await server.request({ id: 78, method: "ping" }, 20_000);
    expect(next.result).toBeDefined();
    const refusal = server.messages.find((m) => m.id === 77);
    expect(refusal?.error?.code).toBe(-32600);
    expect(refusal?.error?.message).toContain("server.maxMessageBytes");
  });

  it("answers with id null when the id is buried in the middle of an oversized line, and keeps serving", async () => {
    const from = server.messages.length;
    const buried = `{"jsonrpc":"2.0","method":"tools/call","params":{"name":"echo","arguments":{"text":"${"z".repeat(5_000_000)}"}},"id":79,"pad":true}`;
    server.sendLine(buried);
    const next = await server.request({ id: 80, method: "ping" }, 20_000);
    expect(next.result).toBeDefined();
    const refusal = server.messages.slice(from).find((m) => m.error !== undefined);
    expect(refusal).toMatchObject({ id: null, error: { code: -32600 } });
    expect(refusal?.error?.message).toContain("server.maxMessageBytes");
  });
});
