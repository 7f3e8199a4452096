/**
 * Acceptance (issue 13, point 1): the runtime, started by its CLI with `telemetry.otlp` pointing at
 * a real OTLP/HTTP receiver, exports a server span per request and a `sandbox.call` child span per
 * tool call, continues a W3C `traceparent` sent in the HTTP headers or in `_meta`, puts the trace
 * id in its request log line, and sends no tool input or output in any span.
 */
import { randomBytes } from "node:crypto";
import { type OtlpReceiver, startOtlpReceiver } from "@mcp-runtime/telemetry/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpRuntime, startHttpRuntime } from "./support/http-runtime.js";
import { modernCall } from "./support/modern-call.js";
import { assertBuilt } from "./support/paths.js";

assertBuilt();

const SECRET_TEXT = "do-not-export-this-input-7f3a";
let receiver: OtlpReceiver;
let runtime: HttpRuntime;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // Standard OTEL_* variables reach the SDK: a short batch delay, a service name, and every root
  // sampled (the default samples one in ten; a sampled traceparent is followed either way).
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OTEL_BSP_SCHEDULE_DELAY: "50",
    OTEL_SERVICE_NAME: "runtime-under-test",
    OTEL_TRACES_SAMPLER: "parentbased_always_on",
  };
  delete env.OTEL_EXPORTER_OTLP_ENDPOINT;
  delete env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  runtime = await startHttpRuntime(
    {
      plugins: [{ package: "@mcp-runtime/plugin-echo" }],
      telemetry: { otlp: receiver.url, logLevel: "debug" },
    },
    [],
    { env },
  );
});

afterAll(async () => {
  await runtime?.stop();
  await receiver?.close();
});

function hex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

async function callEcho(headers: Record<string, string>, meta: Record<string, unknown> = {}): Promise<void> {
  const result = await modernCall(
    runtime.url,
    "tools/call",
    { name: "echo", arguments: { text: SECRET_TEXT } },
    { name: "echo", tasks: false, headers, meta },
  );
  expect(result.content).toEqual([{ type: "text", text: SECRET_TEXT }]);
}

describe("tracing a tools/call", () => {
  it("continues the client's traceparent header: server span under the client's span, sandbox.call under it", async () => {
    const traceId = hex(16);
    const clientSpan = hex(8);
    await callEcho({ traceparent: `00-${traceId}-${clientSpan}-01` });
    await receiver.waitFor((spans) => spans.filter((s) => s.traceId === traceId).length >= 2);
    const spans = receiver.spans.filter((s) => s.traceId === traceId);
    const server = spans.find((s) => s.name === "tools/call echo");
    const child = spans.find((s) => s.name === "sandbox.call");
    expect(server).toBeDefined();
    expect(child).toBeDefined();
    expect(server?.parentSpanId).toBe(clientSpan);
    expect(server?.kind).toBe(2); // SPAN_KIND_SERVER
    expect(child?.parentSpanId).toBe(server?.spanId);
    expect(server?.resource["service.name"]).toBe("runtime-under-test");
    expect(server?.attributes).toMatchObject({
      "mcp.method.name": "tools/call",
      "gen_ai.tool.name": "echo",
      "mcp.plugin.id": "echo",
      "mcp.era": "modern",
      "mcp.protocol.version": "2026-07-28",
      "mcp.status": "ok",
    });
    expect(Number(server?.attributes["mcp.response.size"])).toBeGreaterThan(SECRET_TEXT.length);
    expect(child?.attributes).toMatchObject({ "mcp.plugin.id": "echo", "gen_ai.tool.name": "echo" });
  });

  it("continues a traceparent sent in _meta", async () => {
    const traceId = hex(16);
    const clientSpan = hex(8);
    await callEcho({}, { traceparent: `00-${traceId}-${clientSpan}-01` });
    await receiver.waitFor((spans) =>
      spans.some((s) => s.traceId === traceId && s.name === "tools/call echo"),
    );
    const server = receiver.spans.find((s) => s.traceId === traceId && s.name === "tools/call echo");
    expect(server?.parentSpanId).toBe(clientSpan);
  });

  it("starts a new trace without a traceparent", async () => {
    const before = receiver.spans.length;
    const listed = await modernCall(runtime.url, "tools/list", {}, { tasks: false });
    expect(listed.tools).toEqual([expect.objectContaining({ name: "echo" })]);
    await receiver.waitFor((spans) => spans.slice(before).some((s) => s.name === "tools/list"));
    const list = receiver.spans.slice(before).find((s) => s.name === "tools/list");
    expect(list?.parentSpanId).toBeUndefined();
    expect(list?.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it("marks the span of a failed request as an error, with its JSON-RPC code", async () => {
    const traceId = hex(16);
    await expect(
      modernCall(
        runtime.url,
        "tools/call",
        { name: "no_such_tool", arguments: {} },
        { name: "no_such_tool", tasks: false, headers: { traceparent: `00-${traceId}-${hex(8)}-01` } },
      ),
    ).rejects.toMatchObject({ code: -32602 });
    await receiver.waitFor((spans) => spans.some((s) => s.traceId === traceId));
    const span = receiver.spans.find((s) => s.traceId === traceId);
    expect(span?.status.code).toBe(2); // STATUS_CODE_ERROR
    expect(span?.attributes).toMatchObject({ "mcp.status": "error", "rpc.jsonrpc.error_code": -32602 });
    expect(receiver.spans.some((s) => s.traceId === traceId && s.name === "sandbox.call")).toBe(false);
  });

  it("never exports the tool's input or output", async () => {
    await receiver.waitFor((spans) => spans.length >= 4);
    for (const body of receiver.bodies) expect(body).not.toContain(SECRET_TEXT);
  });

  it("writes the trace id as tid in the request's log line, with the seed's fields", async () => {
    const traceId = hex(16);
    await callEcho({ traceparent: `00-${traceId}-${hex(8)}-01` });
    const deadline = Date.now() + 5_000;
    let line: Record<string, unknown> | undefined;
    while (line === undefined && Date.now() < deadline) {
      line = runtime
        .stderr()
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.msg === "request" && l.tid === traceId);
      if (line === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(line).toMatchObject({ msg: "request", tool_name: "echo", status: "ok", method: "tools/call" });
    expect(typeof line?.latency_ms).toBe("number");
    expect(Number(line?.response_bytes)).toBeGreaterThan(0);
    expect(runtime.stderr()).not.toContain(SECRET_TEXT);
  });
});
