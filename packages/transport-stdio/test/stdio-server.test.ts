import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { type StdioServerOptions, serveStdio } from "../src/index.js";
import { createServer, line, modernMeta, OutputLines } from "./support.js";

function start(options: Partial<StdioServerOptions> = {}) {
  const { server, catalog, probe } = createServer();
  const input = new PassThrough();
  const output = new OutputLines();
  const events: { msg: string; [key: string]: unknown }[] = [];
  const connection = serveStdio(server, {
    input,
    output: output.stream,
    onEvent: (event) => events.push(event),
    ...options,
  });
  return { server, catalog, probe, input, output, events, connection };
}

const echo = (id: number | string, text: string, meta: Record<string, unknown> = {}) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name: "echo", arguments: { text }, _meta: { ...modernMeta, ...meta } },
});

describe("serveStdio", () => {
  it("writes each response as one line of JSON, newlines in values escaped", async () => {
    const { input, output, connection } = start();
    input.write(line(echo(1, "multi\nline")) + line(echo(2, "two")));
    const messages = await output.waitFor(2);
    expect(output.text.endsWith("\n")).toBe(true);
    expect(messages.map((m) => m.id)).toEqual([1, 2]);
    expect(messages[0]).toMatchObject({ result: { content: [{ type: "text", text: "multi\nline" }] } });
    connection.close();
  });

  it("answers a line that is not JSON with -32700 and keeps serving", async () => {
    const { input, output, connection } = start();
    input.write("{oops\n");
    input.write(line(echo(2, "after")));
    expect(await output.waitFor(2)).toEqual([
      { jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error: invalid JSON" } },
      expect.objectContaining({ id: 2, result: expect.objectContaining({ resultType: "complete" }) }),
    ]);
    connection.close();
  });

  it("answers an invalid request with -32600 carrying its id", async () => {
    const { input, output, connection } = start();
    input.write('{"jsonrpc":"1.0","id":5,"method":"ping"}\n');
    expect(await output.waitFor(1)).toEqual([
      { jsonrpc: "2.0", id: 5, error: { code: -32600, message: 'Invalid Request: jsonrpc must be "2.0"' } },
    ]);
    connection.close();
  });

  it("refuses an oversize line with -32600, reports it, then serves the next request", async () => {
    const { input, output, events, connection } = start({ maxLineBytes: 400 });
    const big = line(echo(1, "x".repeat(1000)));
    input.write(big.slice(0, 100));
    input.write(big.slice(100, 700));
    input.write(big.slice(700));
    input.write(line(echo(2, "small")));
    expect(await output.waitFor(2)).toEqual([
      {
        jsonrpc: "2.0",
        id: 1,
        error: {
          code: -32600,
          message: `Invalid Request: message of ${big.length - 1} bytes is larger than the 400-byte limit (server.maxMessageBytes)`,
          data: { limit: 400, configKey: "server.maxMessageBytes" },
        },
      },
      expect.objectContaining({
        id: 2,
        result: expect.objectContaining({ content: [{ type: "text", text: "small" }] }),
      }),
    ]);
    expect(events).toEqual([{ msg: "oversize line refused", bytes: big.length - 1, id: 1, limit: 400 }]);
    connection.close();
  });

  it("writes notifications related to a request before its response", async () => {
    const { input, output, connection } = start();
    input.write(line(echo("p", "hi", { progressToken: "tok" })));
    const messages = await output.waitFor(2);
    expect(messages[0]).toEqual({
      jsonrpc: "2.0",
      method: "notifications/progress",
      params: { progressToken: "tok", progress: 1, total: 1 },
    });
    expect(messages[1]).toMatchObject({ id: "p" });
    connection.close();
  });

  it("writes nothing for notifications", async () => {
    const { input, output, connection } = start();
    input.write('{"jsonrpc":"2.0","method":"notifications/initialized"}\n');
    input.end();
    await connection.closed;
    expect(output.text).toBe("");
  });

  it("resolves closed and closes the session at EOF", async () => {
    const { server, input, connection } = start();
    expect(server.sessionCount).toBe(1);
    input.end();
    await connection.closed;
    expect(connection.session.isClosed).toBe(true);
    expect(server.sessionCount).toBe(0);
  });

  it("serves a final request without a newline before EOF", async () => {
    const { input, output, connection } = start();
    input.end(
      JSON.stringify({ jsonrpc: "2.0", id: 1, method: "server/discover", params: { _meta: modernMeta } }),
    );
    await connection.closed;
    expect(output.messages).toEqual([
      expect.objectContaining({ id: 1, result: expect.objectContaining({ resultType: "complete" }) }),
    ]);
  });

  it("lets an in-flight call finish within the grace period after EOF", async () => {
    const { input, output, probe, connection } = start({ endGraceMs: 5_000 });
    input.write(
      line({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "slow", _meta: modernMeta } }),
    );
    const ctx = await probe.started;
    input.end();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(connection.session.isClosed).toBe(false);
    probe.release();
    await connection.closed;
    expect(ctx.signal.aborted).toBe(false);
    expect(output.messages).toEqual([
      expect.objectContaining({
        id: 1,
        result: expect.objectContaining({ content: [{ type: "text", text: "released" }] }),
      }),
    ]);
    expect(connection.session.isClosed).toBe(true);
  });

  it("cancels an in-flight call once the grace period after EOF is over", async () => {
    const { input, output, probe, connection } = start({ endGraceMs: 30 });
    input.write(
      line({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "slow", _meta: modernMeta } }),
    );
    const ctx = await probe.started;
    input.end();
    await connection.closed;
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.signal.reason).toBe("stdin closed");
    expect(output.text).toBe("");
    expect(connection.session.isClosed).toBe(true);
  });

  it("cancels a call on notifications/cancelled without answering it", async () => {
    const { input, output, probe, connection } = start();
    input.write(
      line({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "slow", _meta: modernMeta } }),
    );
    const ctx = await probe.started;
    input.write(line({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 7 } }));
    input.write(line(echo(8, "next")));
    const messages = await output.waitFor(1);
    expect(ctx.signal.aborted).toBe(true);
    expect(messages.map((m) => m.id)).toEqual([8]);
    connection.close();
  });

  it("carries a legacy server-to-client request and its response", async () => {
    const { input, output, connection } = start();
    input.write(
      line({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: { elicitation: {} } },
      }),
    );
    input.write(line({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "ask" } }));
    const request = (await output.waitFor(2)).find((m) => m.method === "elicitation/create");
    expect(request).toMatchObject({ method: "elicitation/create", params: { message: "Name?" } });
    input.write(
      line({ jsonrpc: "2.0", id: request?.id, result: { action: "accept", content: { name: "Ada" } } }),
    );
    const messages = await output.waitFor(3);
    expect(messages.find((m) => m.id === 2)).toEqual({
      jsonrpc: "2.0",
      id: 2,
      result: { content: [{ type: "text", text: "Hi Ada" }] },
    });
    connection.close();
  });

  it("writes subscriptions/listen notifications as they happen", async () => {
    const { input, output, catalog, connection } = start({ endGraceMs: 10 });
    input.write(
      line({
        jsonrpc: "2.0",
        id: "listen",
        method: "subscriptions/listen",
        params: { notifications: { toolsListChanged: true }, _meta: modernMeta },
      }),
    );
    await output.waitFor(1);
    catalog.remove((name) => name === "echo");
    const messages = await output.waitFor(2);
    expect(messages.map((m) => m.method)).toEqual([
      "notifications/subscriptions/acknowledged",
      "notifications/tools/list_changed",
    ]);
    connection.close();
    await connection.closed;
    expect(output.messages[2]).toMatchObject({ id: "listen", result: { resultType: "complete" } });
  });

  it("close() stops reading and resolves closed", async () => {
    const { input, output, connection } = start();
    connection.close("shutting down");
    await connection.closed;
    input.write(line(echo(1, "ignored")));
    await new Promise((resolve) => setImmediate(resolve));
    expect(output.text).toBe("");
    expect(connection.session.isClosed).toBe(true);
  });
});
