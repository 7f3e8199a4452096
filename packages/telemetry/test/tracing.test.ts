import { afterEach, describe, expect, it } from "vitest";
import { parseTraceparent, type Tracing } from "../src/index.js";
import { startOtlpReceiver } from "../src/testing/index.js";
import { startTracing } from "../src/tracing/index.js";

const SERVER = 2;
const INTERNAL = 1;
const STATUS_ERROR = 2;

/** Every root sampled (the default samples one in ten): these tests look at each span. */
const ALWAYS_ON = { OTEL_TRACES_SAMPLER: "parentbased_always_on" };

let tracing: Tracing | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

describe("startTracing", () => {
  it.each([
    ["protobuf (the default)", {}, "application/x-protobuf"],
    [
      "JSON (OTEL_EXPORTER_OTLP_PROTOCOL=http/json)",
      { OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" },
      "application/json",
    ],
    [
      "JSON (the traces variable wins)",
      { OTEL_EXPORTER_OTLP_PROTOCOL: "grpc", OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/json" },
      "application/json",
    ],
  ])(
    "exports a server span and its child as OTLP/HTTP %s to <endpoint>/v1/traces",
    async (_name, protocol, contentType) => {
      await using receiver = await startOtlpReceiver();
      tracing = await startTracing({
        serviceName: "mcp-test",
        serviceVersion: "1.2.3",
        endpoint: receiver.url,
        env: { ...ALWAYS_ON, ...protocol },
      });
      expect(tracing.enabled).toBe(true);

      const server = tracing.startSpan(
        "tools/call",
        undefined,
        { "mcp.method.name": "tools/call" },
        "server",
      );
      expect(server.recording).toBe(true);
      expect(server.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(server.spanId).toMatch(/^[0-9a-f]{16}$/);
      server.setAttribute("mcp.tool.name", "echo");
      const child = tracing.startSpan("sandbox.call", server);
      child.setAttributes({ "mcp.plugin": "files", attempts: 2 });
      child.error("worker crashed", -32603);
      child.end();
      server.end();
      await tracing.forceFlush();

      expect(receiver.requests.map((r) => [r.path, r.contentType])).toContainEqual([
        "/v1/traces",
        contentType,
      ]);
      const parent = receiver.spans.find((s) => s.name === "tools/call");
      const sub = receiver.spans.find((s) => s.name === "sandbox.call");
      expect(parent).toMatchObject({
        traceId: server.traceId,
        spanId: server.spanId,
        parentSpanId: undefined,
        kind: SERVER,
        attributes: { "mcp.method.name": "tools/call", "mcp.tool.name": "echo" },
        resource: { "service.name": "mcp-test", "service.version": "1.2.3" },
      });
      expect(sub).toMatchObject({
        traceId: server.traceId,
        parentSpanId: server.spanId,
        kind: INTERNAL,
        attributes: { "mcp.plugin": "files", attempts: 2, "rpc.jsonrpc.error_code": -32603 },
        status: { code: STATUS_ERROR, message: "worker crashed" },
      });
      // only what the caller set: no inputs, outputs or stacks added by the library
      expect(Object.keys(sub?.attributes ?? {}).sort()).toEqual([
        "attempts",
        "mcp.plugin",
        "rpc.jsonrpc.error_code",
      ]);
    },
  );

  it("continues a remote traceparent: same trace id, parent span id = the remote span id", async () => {
    await using receiver = await startOtlpReceiver();
    tracing = await startTracing({
      serviceName: "mcp-test",
      serviceVersion: "1",
      endpoint: receiver.url,
      env: ALWAYS_ON,
    });
    const remote = parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "vendor=abc");
    expect(remote).toBeDefined();

    const span = tracing.startSpan("tools/call", remote, undefined, "server");
    const header = span.traceparent();
    span.end();
    await tracing.forceFlush();

    expect(span.traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(parseTraceparent(header)).toEqual({ traceId: span.traceId, parentId: span.spanId, flags: 1 });
    expect(receiver.spans).toHaveLength(1);
    expect(receiver.spans[0]).toMatchObject({
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      parentSpanId: "00f067aa0ba902b7",
      spanId: span.spanId,
    });
  });

  it("lets OTEL_EXPORTER_OTLP_ENDPOINT in env win over the endpoint option", async () => {
    await using configured = await startOtlpReceiver();
    await using fromEnv = await startOtlpReceiver();
    tracing = await startTracing({
      serviceName: "mcp-test",
      serviceVersion: "1",
      endpoint: configured.url,
      env: {
        ...ALWAYS_ON,
        OTEL_EXPORTER_OTLP_ENDPOINT: fromEnv.url,
        OTEL_SERVICE_NAME: "from-env",
        OTEL_EXPORTER_OTLP_HEADERS: "x-tenant=t1",
      },
    });
    tracing.startSpan("ping", undefined).end();
    await tracing.forceFlush();

    expect(configured.spans).toHaveLength(0);
    expect(fromEnv.spans).toHaveLength(1);
    expect(fromEnv.spans[0]?.resource["service.name"]).toBe("from-env");
    expect(fromEnv.requests[0]?.headers["x-tenant"]).toBe("t1");
  });

  it("samples one root in ten by default, and always follows a sampled remote parent", async () => {
    await using receiver = await startOtlpReceiver();
    tracing = await startTracing({ serviceName: "d", serviceVersion: "1", endpoint: receiver.url, env: {} });
    let recorded = 0;
    for (let i = 0; i < 2000; i++) {
      const span = tracing.startSpan("root", undefined);
      if (span.recording) recorded++;
      span.end();
    }
    // Binomial(2000, 0.1): mean 200, standard deviation 13.4; these bounds are 6 of them away.
    expect(recorded).toBeGreaterThan(120);
    expect(recorded).toBeLessThan(280);
    const parent = parseTraceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    for (let i = 0; i < 50; i++) {
      const child = tracing.startSpan("child", parent);
      expect(child.recording).toBe(true);
      child.end();
    }
    await tracing.shutdown(); // before the receiver goes away with this block
    tracing = undefined;
  });

  it("with OTEL_TRACES_SAMPLER=always_off records and exports nothing but still propagates", async () => {
    await using receiver = await startOtlpReceiver();
    tracing = await startTracing({
      serviceName: "mcp-test",
      serviceVersion: "1",
      endpoint: receiver.url,
      env: { OTEL_TRACES_SAMPLER: "always_off" },
    });
    const span = tracing.startSpan("tools/call", undefined, { a: 1 }, "server");
    expect(span.recording).toBe(false);
    expect(parseTraceparent(span.traceparent())?.flags).toBe(0);
    span.end();
    await tracing.forceFlush();
    expect(receiver.spans).toHaveLength(0);
  });

  it("with OTEL_SDK_DISABLED=true returns a no-op tracing that passes a remote parent through", async () => {
    tracing = await startTracing({
      serviceName: "mcp-test",
      serviceVersion: "1",
      env: { OTEL_SDK_DISABLED: "true" },
    });
    expect(tracing.enabled).toBe(false);
    const remote = parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    const span = tracing.startSpan("tools/call", remote);
    expect(span.recording).toBe(false);
    expect(span.traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(tracing.startSpan("root", undefined).traceparent()).toBe("");
  });

  it("refuses a second concurrent start and allows one after shutdown", async () => {
    await using receiver = await startOtlpReceiver();
    tracing = await startTracing({
      serviceName: "a",
      serviceVersion: "1",
      endpoint: receiver.url,
      env: ALWAYS_ON,
    });
    await expect(
      startTracing({ serviceName: "b", serviceVersion: "1", endpoint: receiver.url, env: ALWAYS_ON }),
    ).rejects.toMatchObject({ code: "TRACING_ALREADY_STARTED" });
    await tracing.shutdown();
    tracing = await startTracing({
      serviceName: "c",
      serviceVersion: "1",
      endpoint: receiver.url,
      env: ALWAYS_ON,
    });
    tracing.startSpan("after-restart", undefined).end();
    await tracing.forceFlush();
    expect(receiver.spans.map((s) => s.resource["service.name"])).toEqual(["c"]);
  });

  it("refuses an OTLP protocol it cannot speak, by name", async () => {
    await expect(
      startTracing({ serviceName: "x", serviceVersion: "1", env: { OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" } }),
    ).rejects.toMatchObject({
      code: "INVALID_OTEL_ENV",
      message: expect.stringContaining("OTEL_EXPORTER_OTLP_PROTOCOL"),
    });
  });

  it("reports a bad OTEL variable by name", async () => {
    await expect(
      startTracing({ serviceName: "x", serviceVersion: "1", env: { OTEL_TRACES_SAMPLER: "jaeger_remote" } }),
    ).rejects.toMatchObject({
      code: "INVALID_OTEL_ENV",
      message: expect.stringContaining("OTEL_TRACES_SAMPLER"),
    });
    await expect(
      startTracing({
        serviceName: "x",
        serviceVersion: "1",
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: "not a url" },
      }),
    ).rejects.toMatchObject({ code: "INVALID_OTEL_ENV" });
  });

  it("decides each sampler's way before the SDK: parents followed, dropped spans still carry their trace", async () => {
    await using receiver = await startOtlpReceiver();
    const unsampled = parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
    const sampled = parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    const decide = async (sampler: string) => {
      tracing = await startTracing({
        serviceName: "s",
        serviceVersion: "1",
        endpoint: receiver.url,
        env: { OTEL_TRACES_SAMPLER: sampler },
      });
      const root = tracing.startSpan("root", undefined);
      const decisions = {
        root: root.recording,
        unsampledParent: tracing.startSpan("a", unsampled).recording,
        sampledParent: tracing.startSpan("b", sampled).recording,
        localChild: tracing.startSpan("c", root).recording,
      };
      await tracing.shutdown();
      tracing = undefined;
      return decisions;
    };
    expect(await decide("always_on")).toEqual({
      root: true,
      unsampledParent: true,
      sampledParent: true,
      localChild: true,
    });
    expect(await decide("parentbased_always_off")).toEqual({
      root: false,
      unsampledParent: false,
      sampledParent: true,
      localChild: false,
    });
    expect(await decide("parentbased_always_on")).toEqual({
      root: true,
      unsampledParent: false,
      sampledParent: true,
      localChild: true,
    });

    // A dropped span continues its parent's trace under a new span id, flagged not sampled.
    tracing = await startTracing({ serviceName: "s", serviceVersion: "1", endpoint: receiver.url, env: {} });
    const dropped = tracing.startSpan("tools/call", unsampled, { a: 1 }, "server");
    expect(dropped.recording).toBe(false);
    expect(dropped.traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    const passed = parseTraceparent(dropped.traceparent());
    expect(passed).toMatchObject({ traceId: dropped.traceId, parentId: dropped.spanId, flags: 0 });
    expect(dropped.spanId).not.toBe("00f067aa0ba902b7");
    // Dropped roots get fresh, valid, distinct ids when asked.
    const ids = new Set<string>();
    for (let i = 0; i < 600; i++) {
      const span = tracing.startSpan("root", undefined);
      if (span.recording) continue;
      expect(span.traceparent()).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
      ids.add(span.traceId);
    }
    expect(ids.size).toBeGreaterThan(400);
    await tracing.forceFlush();
    expect(receiver.spans.every((s) => s.name !== "tools/call")).toBe(true);
  });
});
