/**
 * @module Acceptance: an HTTP body over `server.maxMessageBytes` sent through `fetch` (undici, as
 * the SDKs send) is read and discarded, then answered 413 with a JSON-RPC error naming the limit;
 * the keep-alive connection survives. Issue 18, known defect 2: at 80 MB the client saw EPIPE in
 * 2 of 3 tries because the socket closed while the body was still arriving.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpRuntime, startHttpRuntime } from "./support/http-runtime.js";
import { modernPost } from "./support/modern-call.js";
import { assertBuilt } from "./support/paths.js";

const EIGHTY_MB = 80 * 1000 * 1000;
const DEFAULT_LIMIT = 4 * 1024 * 1024;

/** An 80 MB tools/call, as an SDK would send it (one JSON text with a content-length). */
function hugeBody(bytes: number): string {
  const head = '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"echo","arguments":{"text":"';
  const tail = '"}}}';
  return head + "x".repeat(bytes - head.length - tail.length) + tail;
}

describe("HTTP runtime fed an 80 MB body through fetch", () => {
  let runtime: HttpRuntime;
  const body = hugeBody(EIGHTY_MB);

  beforeAll(async () => {
    assertBuilt();
    runtime = await startHttpRuntime({ plugins: [{ package: "@mcp-runtime/plugin-echo" }] });
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it("answers 413 with a JSON-RPC error naming the limit three times in a row, then serves a normal request on the same agent", async () => {
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const response = await fetch(runtime.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            accept: "application/json, text/event-stream",
            "mcp-protocol-version": "2026-07-28",
          },
          body,
        });
        const reply = (await response.json()) as { error?: { code?: number; message?: string } };
        const named =
          reply.error?.message?.includes(String(DEFAULT_LIMIT)) === true &&
          reply.error.message.includes("server.maxMessageBytes");
        outcomes.push(
          `${response.status} ${reply.error?.code} connection=${response.headers.get("connection")} named=${named}`,
        );
      } catch (cause) {
        const code = (cause as { cause?: { code?: string } }).cause?.code;
        outcomes.push(`threw ${code ?? String(cause)}`);
      }
    }
    const ok = "413 -32600 connection=keep-alive named=true";
    expect(outcomes).toEqual([ok, ok, ok]);
    const normal = await modernPost(
      runtime.url,
      "tools/call",
      { name: "echo", arguments: { text: "after" } },
      {
        name: "echo",
        tasks: false,
      },
    );
    expect(normal.status).toBe(200);
    expect(await normal.json()).toMatchObject({ result: { content: [{ type: "text", text: "after" }] } });
  }, 60_000);
});
