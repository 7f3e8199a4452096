/**
 * @module Acceptance: `serve --trace` logs one timing line per request (real runtime over HTTP,
 * real calls), nothing without it; `serve --inspect` opens a Node inspector that answers
 * /json/list.
 */
import { randomBytes } from "node:crypto";
import { startOtlpReceiver } from "@mcp-runtime/telemetry/testing";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RequestTraceLine } from "../src/trace/request-trace.js";
import { type HttpRuntime, startHttpRuntime } from "./support/http-runtime.js";
import { modernCall } from "./support/modern-call.js";
import { assertBuilt } from "./support/paths.js";

const CONFIG = {
  plugins: [{ package: "@mcp-runtime/plugin-echo" }],
  // A per-tool rule, so admission really runs (and is timed) on every call.
  limits: { perTool: { echo: { rps: 1000 } } },
};

/** What the log line looks like, read back from the wire (the runtime's own type). */
type TraceLine = RequestTraceLine;

function traceLines(stderr: string): TraceLine[] {
  return stderr
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as TraceLine)
    .filter((line) => line.msg === "trace");
}

async function waitFor<T>(probe: () => T | undefined, what: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("mcp-runtime serve --trace", () => {
  let runtime: HttpRuntime | undefined;

  beforeAll(() => {
    assertBuilt();
  });

  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
  });

  it("logs a tools/call's total and its phases, which add up to no more than the total", async () => {
    runtime = await startHttpRuntime(CONFIG, ["--trace"]);
    const result = await modernCall(
      runtime.url,
      "tools/call",
      { name: "echo", arguments: { text: "hi" } },
      {
        name: "echo",
        tasks: false,
      },
    );
    expect(result.content).toEqual([{ type: "text", text: "hi" }]);
    const started = runtime;
    const line = await waitFor(
      () => traceLines(started.stderr()).find((l) => l.method === "tools/call"),
      "the tools/call trace line",
    );
    expect(line).toMatchObject({ tool: "echo", era: "modern", transport: "http", status: "ok" });
    expect(line.tid).toMatch(/^[0-9a-f]{32}$/);
    expect(line.total_ms).toBeGreaterThan(0);
    expect(Object.keys(line.phases).sort()).toEqual(["admission", "protocol", "sandbox"]);
    const sum = Object.values(line.phases).reduce((a, b) => a + b, 0);
    for (const ms of Object.values(line.phases)) expect(ms).toBeGreaterThanOrEqual(0);
    // Each phase is rounded to the microsecond; the sum may not pass the total beyond that.
    expect(sum).toBeLessThanOrEqual(line.total_ms + 0.002);
    // The sandbox round trip (a worker thread) is the bulk of a call, not a rounding error.
    expect(line.phases.sandbox).toBeGreaterThan(0);
  }, 30_000);

  it("marks a failed request with its status and JSON-RPC code", async () => {
    runtime = await startHttpRuntime(CONFIG, ["--trace"]);
    await expect(
      modernCall(
        runtime.url,
        "tools/call",
        { name: "no_such_tool", arguments: {} },
        {
          name: "no_such_tool",
          tasks: false,
        },
      ),
    ).rejects.toThrow();
    const started = runtime;
    const line = await waitFor(
      () => traceLines(started.stderr()).find((l) => l.tool === "no_such_tool"),
      "the failed call's trace line",
    );
    expect(line.status).toBe("error");
    expect(typeof line.code).toBe("number");
    expect(line.phases.sandbox).toBeUndefined();
  }, 30_000);

  it("continues the caller's trace id, and shares it with the OpenTelemetry export when both are on", async () => {
    const receiver = await startOtlpReceiver();
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, OTEL_BSP_SCHEDULE_DELAY: "50" };
      delete env.OTEL_EXPORTER_OTLP_ENDPOINT;
      delete env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
      runtime = await startHttpRuntime(
        { ...CONFIG, telemetry: { logLevel: "warn", otlp: receiver.url } },
        ["--trace"],
        { env },
      );
      const traceId = randomBytes(16).toString("hex");
      const traceparent = `00-${traceId}-${randomBytes(8).toString("hex")}-01`;
      await modernCall(
        runtime.url,
        "tools/call",
        { name: "echo", arguments: { text: "t" } },
        {
          name: "echo",
          tasks: false,
          meta: { traceparent },
        },
      );
      const started = runtime;
      const line = await waitFor(
        () => traceLines(started.stderr()).find((l) => l.tid === traceId),
        "the trace line with the caller's trace id",
      );
      expect(line).toMatchObject({ method: "tools/call", tool: "echo", status: "ok" });
      expect(line.phases.sandbox).toBeGreaterThan(0);
      // The exported spans are unchanged by --trace: same trace, same server and sandbox spans.
      await receiver.waitFor((spans) =>
        spans.some((s) => s.traceId === traceId && s.name === "sandbox.call"),
      );
      const names = receiver.spans.filter((s) => s.traceId === traceId).map((s) => s.name);
      expect(names).toContain("tools/call echo");
    } finally {
      await runtime?.stop();
      runtime = undefined;
      await receiver.close();
    }
  }, 30_000);

  it("logs nothing of the kind without --trace", async () => {
    runtime = await startHttpRuntime(CONFIG);
    const result = await modernCall(
      runtime.url,
      "tools/call",
      { name: "echo", arguments: { text: "x" } },
      {
        name: "echo",
        tasks: false,
      },
    );
    expect(result.content).toEqual([{ type: "text", text: "x" }]);
    const stopped = runtime;
    runtime = undefined;
    expect(await stopped.stop()).toBe(0);
    // Stopped (logs flushed) before looking.
    expect(traceLines(stopped.stderr())).toEqual([]);
    expect(stopped.stderr()).not.toContain('"msg":"trace"');
  }, 30_000);
});

describe("mcp-runtime serve --inspect", () => {
  let runtime: HttpRuntime | undefined;

  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
  });

  it("opens the inspector on the given loopback address and prints the DevTools URL", async () => {
    runtime = await startHttpRuntime(CONFIG, ["--inspect=127.0.0.1:0"]);
    const stderr = runtime.stderr();
    const devtools = /DevTools: (devtools:\/\/\S+ws=(127\.0\.0\.1:\d+)\/([0-9a-f-]+))/.exec(stderr);
    expect(devtools, stderr).not.toBeNull();
    const [, , address, id] = devtools ?? [];
    const targets = (await (await fetch(`http://${address}/json/list`)).json()) as {
      id: string;
      webSocketDebuggerUrl: string;
    }[];
    expect(targets.map((t) => t.id)).toContain(id);
    expect(targets[0]?.webSocketDebuggerUrl).toBe(`ws://${address}/${id}`);
  }, 30_000);

  it("refuses a malformed address as a usage error", async () => {
    const { spawnSync } = await import("node:child_process");
    const { CLI_PATH } = await import("./support/paths.js");
    const run = spawnSync(process.execPath, [CLI_PATH, "serve", "--inspect=nowhere:port"], {
      encoding: "utf8",
      timeout: 15_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--inspect expects \[HOST:\]PORT/);
    expect(run.stderr).toContain('Run "mcp-runtime serve --help"');
  });
});
