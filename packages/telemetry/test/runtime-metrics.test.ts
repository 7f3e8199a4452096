import parsePrometheusTextFormat, {
  type ParsedMetricFamily,
  type ParsedSample,
} from "parse-prometheus-text-format";
import { describe, expect, it } from "vitest";
import { RuntimeMetrics, type SandboxHealth } from "../src/index.js";

/**
 * parse-prometheus-text-format 1.1.1 folds every series of a labelled histogram into one sample and
 * drops its labels, so histogram TYPE lines are stripped first: `_bucket`, `_sum` and `_count` then
 * parse as their own untyped families with all labels (`le` included). The TYPE is asserted on the text.
 */
async function scrape(metrics: RuntimeMetrics): Promise<Map<string, ParsedMetricFamily>> {
  const text = await metrics.metrics();
  const histograms = [...text.matchAll(/^# TYPE (\S+) histogram$/gm)].map((m) => m[1] ?? "");
  const isHistogramMeta = (line: string) =>
    histograms.some((h) => line.startsWith(`# TYPE ${h} `) || line.startsWith(`# HELP ${h} `));
  const families = parsePrometheusTextFormat(
    text
      .split("\n")
      .filter((line) => !isHistogramMeta(line))
      .join("\n"),
  );
  const map = new Map(families.map((f) => [f.name, f]));
  for (const name of histograms) map.set(name, { name, help: "", type: "HISTOGRAM", metrics: [] });
  return map;
}

function sample(
  families: Map<string, ParsedMetricFamily>,
  name: string,
  labels: Record<string, string> = {},
): ParsedSample | undefined {
  return families
    .get(name)
    ?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
}

function value(families: Map<string, ParsedMetricFamily>, name: string, labels?: Record<string, string>) {
  const found = sample(families, name, labels)?.value;
  return found === undefined ? undefined : Number(found);
}

describe("RuntimeMetrics request metrics", () => {
  it("counts requests by method, tool and status, and errors by code", async () => {
    const metrics = new RuntimeMetrics();
    metrics.observeRequest("tools/call", "echo", "ok", 0.002);
    metrics.observeRequest("tools/call", "echo", "ok", 0.004);
    metrics.observeRequest("tools/call", "echo", "error", 0.3, -32602);
    metrics.observeRequest("tools/list", "", "ok", 0.0003);

    const families = await scrape(metrics);
    expect(families.get("mcp_requests_total")?.type).toBe("COUNTER");
    expect(value(families, "mcp_requests_total", { method: "tools/call", tool: "echo", status: "ok" })).toBe(
      2,
    );
    expect(
      value(families, "mcp_requests_total", { method: "tools/call", tool: "echo", status: "error" }),
    ).toBe(1);
    expect(value(families, "mcp_requests_total", { method: "tools/list", tool: "", status: "ok" })).toBe(1);
    expect(
      value(families, "mcp_request_errors_total", { method: "tools/call", tool: "echo", code: "-32602" }),
    ).toBe(1);
  });

  it("puts durations in cumulative buckets with sum and count", async () => {
    const metrics = new RuntimeMetrics();
    metrics.observeRequest("tools/call", "echo", "ok", 0.0004);
    metrics.observeRequest("tools/call", "echo", "ok", 0.003);
    metrics.observeRequest("tools/call", "echo", "ok", 20);

    const families = await scrape(metrics);
    expect(families.get("mcp_request_duration_seconds")?.type).toBe("HISTOGRAM");
    const labels = { method: "tools/call", tool: "echo" };
    const bucket = (le: string) => value(families, "mcp_request_duration_seconds_bucket", { ...labels, le });
    expect([bucket("0.0005"), bucket("0.001"), bucket("0.005"), bucket("10"), bucket("+Inf")]).toEqual([
      1, 1, 2, 2, 3,
    ]);
    expect(families.get("mcp_request_duration_seconds_bucket")?.metrics).toHaveLength(15);
    expect(value(families, "mcp_request_duration_seconds_count", labels)).toBe(3);
    expect(value(families, "mcp_request_duration_seconds_sum", labels)).toBeCloseTo(20.0034, 6);
  });

  it("moves between scrapes", async () => {
    const metrics = new RuntimeMetrics();
    metrics.observeRequest("ping", "", "ok", 0.001);
    const labels = { method: "ping", tool: "", status: "ok" };
    expect(value(await scrape(metrics), "mcp_requests_total", labels)).toBe(1);
    metrics.observeRequest("ping", "", "ok", 0.001);
    expect(value(await scrape(metrics), "mcp_requests_total", labels)).toBe(2);
  });

  it("collapses tool names the catalogue does not know into (unknown)", async () => {
    const known = new Set(["echo"]);
    const metrics = new RuntimeMetrics({ knownTool: (name) => known.has(name) });
    for (let i = 0; i < 100; i++)
      metrics.observeRequest("tools/call", `made-up-${i}`, "error", 0.001, -32602);
    metrics.observeRequest("tools/call", "echo", "ok", 0.001);

    const families = await scrape(metrics);
    expect(value(families, "mcp_requests_total", { tool: "(unknown)" })).toBe(100);
    expect(value(families, "mcp_requests_total", { tool: "echo" })).toBe(1);
    expect(families.get("mcp_requests_total")?.metrics).toHaveLength(2);
  });

  it("caps methods and series so client-chosen names cannot grow cardinality", async () => {
    const metrics = new RuntimeMetrics({ maxMethods: 2, maxSeries: 3 });
    for (let i = 0; i < 50; i++) metrics.observeRequest(`method-${i}`, "", "ok", 0.001);
    for (let i = 0; i < 50; i++) metrics.observeRequest("method-0", `tool-${i}`, "ok", 0.001);

    const families = await scrape(metrics);
    const requests = families.get("mcp_requests_total")?.metrics ?? [];
    expect(requests.length).toBeLessThanOrEqual(6);
    expect(value(families, "mcp_requests_total", { method: "(other)" })).toBe(48);
    expect(value(families, "mcp_requests_total", { method: "method-0", tool: "(other)" })).toBeGreaterThan(0);
    const total = requests.reduce((sum, m) => sum + Number(m.value), 0);
    expect(total).toBe(100);
  });

  it("tracks requests in flight", async () => {
    const metrics = new RuntimeMetrics();
    metrics.requestStarted();
    metrics.requestStarted();
    metrics.requestFinished();
    expect(value(await scrape(metrics), "mcp_requests_in_flight")).toBe(1);
  });

  it("counts dropped audit events, auth failures and config reloads", async () => {
    const metrics = new RuntimeMetrics();
    metrics.auditDropped(5);
    metrics.auditDropped();
    metrics.authFailed(401);
    metrics.authFailed(401);
    metrics.authFailed(403);
    metrics.configReload("applied");
    metrics.configReload("refused");
    metrics.configReload("refused");

    const families = await scrape(metrics);
    expect(value(families, "mcp_audit_events_dropped_total")).toBe(6);
    expect(value(families, "mcp_auth_failures_total", { status: "401" })).toBe(2);
    expect(value(families, "mcp_auth_failures_total", { status: "403" })).toBe(1);
    expect(value(families, "mcp_config_reloads_total", { outcome: "applied" })).toBe(1);
    expect(value(families, "mcp_config_reloads_total", { outcome: "refused" })).toBe(2);
  });
});

describe("RuntimeMetrics providers", () => {
  const pools: SandboxHealth[] = [
    { plugin: "files", breaker: "closed", workers: 4, ready: 3, crashes: 1, restarts: 2 },
    { plugin: "web", breaker: "open", workers: 2, ready: 0, crashes: 5, restarts: 7 },
  ];

  it("reads sync and async providers at scrape time", async () => {
    let sessions = 3;
    let sandboxCalls = 0;
    const metrics = new RuntimeMetrics({
      sessions: () => sessions,
      queue: async () => ({ waiting: 4, active: 2, delayed: 1, completed: 10, failed: 3 }),
      sandboxes: async () => {
        sandboxCalls++;
        return pools;
      },
      auditBuffer: () => 17,
      sidecarConnected: () => true,
    });

    let families = await scrape(metrics);
    expect(value(families, "mcp_sessions_active")).toBe(3);
    expect(value(families, "mcp_queue_jobs", { state: "waiting" })).toBe(4);
    expect(value(families, "mcp_queue_jobs", { state: "failed" })).toBe(3);
    expect(value(families, "mcp_sandbox_workers", { plugin: "files", state: "ready" })).toBe(3);
    expect(value(families, "mcp_sandbox_workers", { plugin: "files", state: "not_ready" })).toBe(1);
    expect(value(families, "mcp_sandbox_restarts_total", { plugin: "web" })).toBe(7);
    expect(value(families, "mcp_sandbox_crashes_total", { plugin: "web" })).toBe(5);
    expect(value(families, "mcp_sandbox_breaker_state", { plugin: "files" })).toBe(0);
    expect(value(families, "mcp_sandbox_breaker_state", { plugin: "web" })).toBe(2);
    expect(value(families, "mcp_audit_buffer_events")).toBe(17);
    expect(value(families, "mcp_sidecar_connected")).toBe(1);
    // four sandbox metrics, one provider call per scrape
    expect(sandboxCalls).toBe(1);

    sessions = 5;
    families = await scrape(metrics);
    expect(value(families, "mcp_sessions_active")).toBe(5);
    expect(sandboxCalls).toBe(2);
  });

  it("skips a metric whose provider throws, rejects or hangs, and counts the failure in the same scrape", async () => {
    const metrics = new RuntimeMetrics({
      providerTimeoutMs: 50,
      sessions: () => {
        throw new Error("boom");
      },
      queue: () => Promise.reject(new Error("redis down")),
      sidecarConnected: () => new Promise<boolean>(() => {}),
      auditBuffer: () => 2,
    });
    metrics.observeRequest("ping", "", "ok", 0.001);

    const families = await scrape(metrics);
    expect(families.get("mcp_sessions_active")?.metrics ?? []).toHaveLength(0);
    expect(families.get("mcp_queue_jobs")?.metrics ?? []).toHaveLength(0);
    expect(families.get("mcp_sidecar_connected")?.metrics ?? []).toHaveLength(0);
    expect(value(families, "mcp_audit_buffer_events")).toBe(2);
    expect(value(families, "mcp_requests_total", { method: "ping" })).toBe(1);
    expect(value(families, "mcp_metrics_collect_errors_total", { provider: "mcp_sessions_active" })).toBe(1);
    expect(value(families, "mcp_metrics_collect_errors_total", { provider: "mcp_queue_jobs" })).toBe(1);
    expect(value(families, "mcp_metrics_collect_errors_total", { provider: "mcp_sidecar_connected" })).toBe(
      1,
    );
    expect(value(families, "mcp_metrics_collect_errors_total", { provider: "mcp_audit_buffer_events" })).toBe(
      0,
    );
  });

  it("reports no sample, and no error, when a provider returns undefined", async () => {
    const metrics = new RuntimeMetrics({ sidecarConnected: () => undefined, queue: async () => undefined });
    const families = await scrape(metrics);
    expect(families.get("mcp_sidecar_connected")?.metrics ?? []).toHaveLength(0);
    expect(families.get("mcp_queue_jobs")?.metrics ?? []).toHaveLength(0);
    expect(value(families, "mcp_metrics_collect_errors_total", { provider: "mcp_queue_jobs" })).toBe(0);
  });

  it("leaves out metrics whose provider was not given", async () => {
    const families = await scrape(new RuntimeMetrics());
    expect(families.has("mcp_sessions_active")).toBe(false);
    expect(families.has("mcp_sandbox_workers")).toBe(false);
    expect(families.has("mcp_requests_total")).toBe(true);
  });
});

describe("RuntimeMetrics registry", () => {
  it("uses its own registry, adds default labels and optional process metrics", async () => {
    const { register } = await import("prom-client");
    const metrics = new RuntimeMetrics({
      processMetrics: { prefix: "mcp_runtime_" },
      defaultLabels: { node: "n1" },
    });
    metrics.observeRequest("ping", "", "ok", 0.001);

    const families = await scrape(metrics);
    expect(families.has("mcp_runtime_process_cpu_user_seconds_total")).toBe(true);
    expect(sample(families, "mcp_requests_total")?.labels?.node).toBe("n1");
    expect(await register.getSingleMetric("mcp_requests_total")).toBeUndefined();
    expect(metrics.contentType).toMatch(/^text\/plain/);
    // two instances do not collide (each has its own registry)
    expect(() => new RuntimeMetrics()).not.toThrow();
  });

  it("names the bad option", () => {
    expect(() => new RuntimeMetrics({ maxSeries: 0 })).toThrow(/"maxSeries"/);
  });
});

describe("RuntimeMetrics cache and limit metrics", () => {
  it("counts cache lookups, refusals by limit and budget warnings, with unknown tools folded", async () => {
    let evictions = 3;
    const metrics = new RuntimeMetrics({
      knownTool: (name) => name === "search",
      cache: () => ({ entries: 7, bytes: 1234, evictions }),
    });
    metrics.cacheLookup("resource", true);
    metrics.cacheLookup("resource", true);
    metrics.cacheLookup("resource", false);
    metrics.cacheLookup("tool", false);
    metrics.cacheError("redis");
    metrics.rateLimited("client", "");
    metrics.rateLimited("tool", "search");
    metrics.rateLimited("budget", "search");
    metrics.rateLimited("tool", "made-up");
    metrics.budgetWarning("search");
    metrics.limiterError();
    evictions = 4;

    const families = await scrape(metrics);
    expect(value(families, "mcp_cache_requests_total", { kind: "resource", outcome: "hit" })).toBe(2);
    expect(value(families, "mcp_cache_requests_total", { kind: "resource", outcome: "miss" })).toBe(1);
    expect(value(families, "mcp_cache_requests_total", { kind: "tool", outcome: "miss" })).toBe(1);
    expect(value(families, "mcp_cache_errors_total", { kind: "redis" })).toBe(1);
    expect(value(families, "mcp_cache_entries")).toBe(7);
    expect(value(families, "mcp_cache_bytes")).toBe(1234);
    expect(value(families, "mcp_cache_evictions_total")).toBe(4);
    expect(value(families, "mcp_rate_limited_total", { limit: "client", tool: "" })).toBe(1);
    expect(value(families, "mcp_rate_limited_total", { limit: "tool", tool: "search" })).toBe(1);
    expect(value(families, "mcp_rate_limited_total", { limit: "budget", tool: "search" })).toBe(1);
    expect(value(families, "mcp_rate_limited_total", { limit: "tool", tool: "(unknown)" })).toBe(1);
    expect(value(families, "mcp_budget_warnings_total", { tool: "search" })).toBe(1);
    expect(value(families, "mcp_limits_backend_errors_total")).toBe(1);
  });

  it("caps the distinct tool labels of limit counters", async () => {
    const metrics = new RuntimeMetrics({ maxSeries: 2 });
    for (const tool of ["a", "b", "c", "d"]) metrics.rateLimited("tool", tool);
    const families = await scrape(metrics);
    const series = families.get("mcp_rate_limited_total")?.metrics ?? [];
    expect(series.map((m) => m.labels?.tool).sort()).toEqual(["(other)", "a", "b"]);
    expect(value(families, "mcp_rate_limited_total", { tool: "(other)" })).toBe(2);
  });
});
