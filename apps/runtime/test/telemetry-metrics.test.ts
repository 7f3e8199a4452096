/**
 * Acceptance (issue 13, point 2): `GET /metrics` on the runtime's HTTP port parses with a
 * Prometheus text parser, and the request counters and latency histogram move as calls are made;
 * sessions, in-flight calls, queue and sandbox gauges are there for an autoscaler.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpRuntime, startHttpRuntime } from "./support/http-runtime.js";
import { assertBuilt } from "./support/paths.js";
import { sample, scrape } from "./support/prometheus.js";

assertBuilt();

let runtime: HttpRuntime;
let metricsUrl: string;

beforeAll(async () => {
  runtime = await startHttpRuntime({ plugins: [{ package: "@mcp-runtime/plugin-echo" }] });
  metricsUrl = new URL("/metrics", runtime.url).href;
});

afterAll(async () => {
  await runtime?.stop();
});

describe("GET /metrics", () => {
  it("counts tools/call by tool and status, and fills the latency histogram, as an SDK client calls", async () => {
    const before = await scrape(metricsUrl);
    const ok = { method: "tools/call", tool: "echo", status: "ok" };
    const client = new Client({ name: "metrics-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(runtime.url)));
    try {
      for (let i = 0; i < 7; i++) await client.callTool({ name: "echo", arguments: { text: `hi ${i}` } });
      await expect(client.callTool({ name: "no-such-tool", arguments: {} })).rejects.toThrow(/Unknown tool/);
      const during = await scrape(metricsUrl);
      expect(sample(during, "mcp_sessions_active")).toBeGreaterThanOrEqual(1);
    } finally {
      await client.close();
    }
    const after = await scrape(metricsUrl);
    expect(sample(after, "mcp_requests_total", ok) - sample(before, "mcp_requests_total", ok)).toBe(7);
    const latency = { method: "tools/call", tool: "echo" };
    expect(
      sample(after, "mcp_request_duration_seconds_count", latency) -
        sample(before, "mcp_request_duration_seconds_count", latency),
    ).toBe(7);
    const failed = after
      .find((f) => f.name === "mcp_requests_total")
      ?.metrics.filter((m) => m.labels?.method === "tools/call" && m.labels?.status !== "ok");
    expect(failed?.length).toBeGreaterThanOrEqual(1);
    // A name the client made up is not a label value of its own (cardinality stays bounded).
    expect(failed?.map((m) => m.labels?.tool)).toContain("(unknown)");
    expect(JSON.stringify(after)).not.toContain("no-such-tool");
    expect(sample(after, "mcp_requests_in_flight")).toBe(0);
    expect(after.find((f) => f.name === "mcp_request_duration_seconds")?.type).toBe("HISTOGRAM");
  });

  it("shows the sandbox pool and the queue an autoscaler and an operator watch", async () => {
    const families = await scrape(metricsUrl);
    const names = families.map((f) => f.name);
    for (const name of [
      "mcp_sandbox_workers",
      "mcp_sandbox_restarts_total",
      "mcp_sandbox_breaker_state",
      "mcp_queue_jobs",
    ])
      expect(names).toContain(name);
    expect(sample(families, "mcp_sandbox_breaker_state", { plugin: "echo" })).toBe(0);
  });
});

describe("telemetry.metrics: false", () => {
  it("serves no /metrics", async () => {
    const off = await startHttpRuntime({
      plugins: [{ package: "@mcp-runtime/plugin-echo" }],
      telemetry: { logLevel: "warn", metrics: false },
    });
    try {
      const response = await fetch(new URL("/metrics", off.url));
      expect(response.status).toBe(404);
    } finally {
      await off.stop();
    }
  });
});
