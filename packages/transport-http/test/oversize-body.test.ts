/**
 * @module Bodies over the message limit: drained up to the discard bound and answered 413 with a
 * JSON-RPC error naming the limit on a connection that stays usable, on the Streamable HTTP POST
 * and the legacy /messages POST; past the bound, 413 with `Connection: close`.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningHttpServer, startHttpServer } from "../src/index.js";
import { createFixtureServer } from "./support/fixture-server.js";
import { INITIALIZE, MODERN, MODERN_META, openStream, rpc, send } from "./support/wire.js";

const LIMIT = 1024;
const DISCARD = 256 * 1024;
let running: RunningHttpServer;
let base: URL;

beforeAll(async () => {
  running = await startHttpServer(createFixtureServer().server, {
    port: 0,
    maxMessageBytes: LIMIT,
    maxDiscardBytes: DISCARD,
  });
  base = new URL(running.url);
});

afterAll(async () => {
  await running.close(1000);
});

const oversize = (bytes: number) => JSON.stringify({ ...rpc("tools/list"), pad: "x".repeat(bytes) });

interface RpcError {
  id?: unknown;
  error?: { code?: number; message?: string };
}

function expectNamedLimit(json: RpcError): void {
  expect(json).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32600 } });
  expect(json.error?.message).toContain(`${LIMIT}-byte limit`);
  expect(json.error?.message).toContain("server.maxMessageBytes");
}

describe("oversize HTTP bodies", () => {
  it("drains a body under the discard bound, answers 413 naming the limit, and keeps the connection", async () => {
    const reply = await send(base, {
      raw: oversize(100 * 1024),
      headers: { "mcp-protocol-version": MODERN },
    });
    expect(reply.status).toBe(413);
    expect(reply.headers.connection).not.toBe("close");
    expectNamedLimit(reply.json);
  });

  it("does the same for a chunked body sent through fetch, and the next request is served", async () => {
    const chunk = new TextEncoder().encode("x".repeat(16 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await fetch(base, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(response.headers.get("connection")).not.toBe("close");
    expectNamedLimit((await response.json()) as RpcError);
    const next = await fetch(base, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": MODERN,
        "mcp-method": "tools/list",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list", params: { _meta: MODERN_META } }),
    });
    expect(next.status).toBe(200);
  });

  it("answers 413 with Connection: close, without reading it, when the declared length is past the discard bound", async () => {
    const reply = await new Promise<{ status: number; connection: string | undefined; json: RpcError }>(
      (resolve, reject) => {
        const req = request(
          {
            host: base.hostname,
            port: base.port,
            path: base.pathname,
            method: "POST",
            headers: { "content-type": "application/json", "content-length": String(DISCARD + 1) },
          },
          (res) => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", (chunk: string) => {
              text += chunk;
            });
            res.on("end", () =>
              resolve({
                status: res.statusCode ?? 0,
                connection: res.headers.connection,
                json: JSON.parse(text),
              }),
            );
          },
        );
        req.on("error", reject);
        req.write("{");
      },
    );
    expect(reply.status).toBe(413);
    expect(reply.connection).toBe("close");
    expectNamedLimit(reply.json);
  });

  it("answers an oversize legacy /messages POST with 413 naming the limit, and the session keeps working", async () => {
    const stream = await openStream(base, { method: "GET", path: "/sse" });
    const endpoint = /data: (\/messages\?sessionId=[0-9a-f-]+)/.exec(stream.raw())?.[1];
    expect(endpoint).toBeDefined();
    const refused = await send(base, { path: endpoint, raw: oversize(100 * 1024) });
    expect(refused.status).toBe(413);
    expect(refused.headers.connection).not.toBe("close");
    expectNamedLimit(refused.json);
    expect((await send(base, { path: endpoint, body: INITIALIZE("2024-11-05") })).status).toBe(202);
    await stream.waitFor(2);
    expect(stream.events[1]?.message.result.protocolVersion).toBe("2024-11-05");
    stream.close();
  });
});
