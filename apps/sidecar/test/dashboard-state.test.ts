/**
 * The dashboard's in-memory state, unit by unit: the log-scale latency histogram's accuracy, the
 * per-second tool series and its window, the eval board's worst-over-nodes rule, and the audit
 * ring's order, filters and wrap-around.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { applyDelta } from "../dashboard/src/state.js";
import { AuditRing } from "../src/dashboard/audit-ring.js";
import { EvalBoard } from "../src/dashboard/eval-board.js";
import { LatencyHistogram } from "../src/dashboard/latency-histogram.js";
import { WINDOW_SECONDS } from "../src/dashboard/protocol.js";
import { DashboardState } from "../src/dashboard/state.js";
import { ToolSeries } from "../src/dashboard/tool-series.js";
import { createSidecarMetrics } from "../src/metrics.js";

describe("LatencyHistogram", () => {
  it("estimates percentiles within 4.5% of the exact ones over six decades of latency", () => {
    const samples = Array.from({ length: 5_000 }, (_, i) => 0.05 * 1.003 ** i); // 0.05 ms .. ~160 s
    const histogram = new LatencyHistogram();
    for (const sample of samples) histogram.add(sample);
    const sorted = [...samples].sort((a, b) => a - b);
    for (const q of [0.5, 0.9, 0.99]) {
      const exact = sorted[Math.ceil(q * sorted.length) - 1] ?? 0;
      const estimate = histogram.quantile(q) ?? 0;
      expect(Math.abs(estimate - exact) / exact, `q=${q}`).toBeLessThan(0.045);
    }
    expect(histogram.counts.size).toBeLessThan(200);
  });

  it("reports a single sample exactly, null when empty, and merges", () => {
    const one = new LatencyHistogram();
    expect(one.quantile(0.5)).toBeNull();
    one.add(12.345);
    expect(one.quantile(0.5)).toBe(12.345);
    expect(one.quantile(0.99)).toBe(12.345);
    const other = new LatencyHistogram();
    other.add(1);
    other.add(Number.NaN);
    one.merge(other);
    expect(one.total).toBe(3);
    // A NaN counts as 0 ms; the lowest bucket reads as the resolution, 0.01 ms.
    expect(one.quantile(0.01)).toBeLessThanOrEqual(0.01);
  });
});

describe("ToolSeries", () => {
  it("counts calls and errors per second and summarises only the last minute", () => {
    const series = new ToolSeries("t", "p");
    const now = 1_000_000;
    series.record((now - 120) * 1000, "ok", 5, now);
    series.record(now * 1000, "error", 10, now);
    series.record(now * 1000 + 500, "ok", 20, now);
    series.record((now - 30) * 1000, "tool_error", 1, now);
    series.record((now - 10) * 1000, "cancelled", 1, now);
    const view = series.view(now);
    expect(view).toMatchObject({ tool: "t", plugin: "p", calls: 4, errors: 2, errorRate: 0.5 });
    expect(view.points.map((p) => p.t)).toEqual([now - 120, now - 30, now - 10, now]);
    expect(view.points.at(-1)).toMatchObject({ calls: 2, errors: 1 });
  });

  it("drops calls older than the window and reuses a slot for a newer second", () => {
    const series = new ToolSeries("t", undefined);
    const now = 2_000_000;
    expect(series.record((now - WINDOW_SECONDS) * 1000, "ok", 1, now)).toBe(false);
    expect(series.record((now - WINDOW_SECONDS + 1) * 1000, "ok", 1, now)).toBe(true);
    const later = now + WINDOW_SECONDS;
    // Same slot (t mod window), a newer second: the old one is gone.
    expect(series.record((now + 1) * 1000, "ok", 1, later)).toBe(true);
    const view = series.view(later);
    expect(view.points).toHaveLength(1);
    expect(view.points[0]?.t).toBe(now + 1);
    expect(view.plugin).toBeUndefined();
  });
});

describe("EvalBoard", () => {
  const result = (status: "pass" | "fail", ts: number, name = "e") =>
    ({
      type: "eval_result",
      ts,
      eval: name,
      tool: "tool",
      status,
      trigger: "schedule",
      durationMs: 1,
    }) as const;

  it("shows the worst state over nodes (fail beats pass beats pending) and sums the counts", () => {
    const board = new EvalBoard();
    board.result("a", result("pass", 1));
    board.status("b", [{ eval: "e", tool: "tool", status: "pending", passes: 0, failures: 0 }]);
    expect(board.views()).toEqual([
      expect.objectContaining({ eval: "e", status: "pass", node: "a", passes: 1 }),
    ]);
    board.result("b", { ...result("fail", 2), reason: "differs" });
    expect(board.views()[0]).toMatchObject({
      status: "fail",
      node: "b",
      reason: "differs",
      passes: 1,
      failures: 1,
    });
    expect(board.ratios()).toEqual([{ tool: "tool", passing: 0, total: 1 }]);
    board.forget("b");
    expect(board.views()[0]).toMatchObject({ status: "pass", node: "a" });
  });

  it("ignores an older result than the one it holds, and takes a node's status list as the truth", () => {
    const board = new EvalBoard();
    board.result("a", result("fail", 10));
    board.result("a", result("pass", 5));
    expect(board.views()[0]?.status).toBe("fail");
    const version = board.version;
    board.status("a", [{ eval: "e", tool: "tool", status: "fail", lastRun: 10, passes: 0, failures: 1 }]);
    board.status("a", [{ eval: "e", tool: "tool", status: "fail", lastRun: 10, passes: 0, failures: 1 }]);
    expect(board.version).toBe(version);
    board.status("a", []);
    expect(board.views()).toEqual([]);
  });
});

describe("AuditRing", () => {
  it("keeps the newest records, newest first, with filters, limits and seq bounds", () => {
    const ring = new AuditRing(4);
    for (let seq = 1; seq <= 6; seq++)
      ring.push({ seq, ts: seq, type: seq % 2 ? "tool_call" : "admin_action", tool: `t${seq % 3}` });
    expect(ring.query().map((r) => r.seq)).toEqual([6, 5, 4, 3]);
    expect(ring.newestSeq).toBe(6);
    expect(ring.query({ type: "tool_call" }).map((r) => r.seq)).toEqual([5, 3]);
    expect(ring.query({ tool: "t0" }).map((r) => r.seq)).toEqual([6, 3]);
    expect(ring.query({ limit: 1 }).map((r) => r.seq)).toEqual([6]);
    expect(ring.query({ afterSeq: 4 }).map((r) => r.seq)).toEqual([6, 5]);
    expect(ring.query({ upToSeq: 4 }).map((r) => r.seq)).toEqual([4, 3]);
  });
});

/** A state with no runtime, no watched config and its own metrics registry. */
function newState(): DashboardState {
  return new DashboardState({
    metrics: createSidecarMetrics({ audit: () => undefined }),
    runtimes: () => [],
    runtimesVersion: () => 0,
    configVersion: () => undefined,
    auditRecords: () => 0,
    version: "test",
    startedAt: 0,
  });
}

describe("DashboardState", () => {
  it("gives a delta only when something changed, with the new records and the touched tool", () => {
    const state = newState();
    state.markSent();
    expect(state.delta()).toBeUndefined();
    const ts = new Date().toISOString();
    const event = {
      type: "tool_call",
      ts: Date.now(),
      tool: "t",
      era: "modern",
      outcome: "ok",
      durationMs: 2,
    };
    state.written([
      { line: "", type: "tool_call", ts, seq: 7, event, src: { node: "n", seq: 1 } },
      { line: "", type: "checkpoint", ts, seq: 8 },
    ]);
    const delta = state.delta();
    expect(delta?.audit.map((r) => r.seq)).toEqual([7]);
    expect(delta?.tools.map((t) => t.calls)).toEqual([1]);
    // The tool stays in deltas while its last minute still changes; the records do not repeat.
    expect(state.delta()?.audit).toEqual([]);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("sends each tool's points once (from the second in progress at the last frame), and the page merges them", () => {
    const s0 = Math.floor(Date.now() / 1000);
    vi.useFakeTimers({ now: s0 * 1000 + 100 });
    const state = newState();
    let seq = 0;
    const call = (sec: number) => {
      const event = {
        type: "tool_call",
        ts: sec * 1000 + 10,
        tool: "t",
        era: "modern",
        outcome: "ok",
        durationMs: 2,
      };
      seq++;
      state.written([
        { line: "", type: "tool_call", ts: new Date().toISOString(), seq, event, src: { node: "n", seq } },
      ]);
    };
    call(s0 - 5);
    const page = { ...state.snapshot({ subject: "op" }, "csrf") };
    state.markSent();
    expect(page.tools[0]?.points.map((p) => p.t)).toEqual([s0 - 5]);

    vi.setSystemTime((s0 + 2) * 1000 + 100);
    call(s0 + 1);
    call(s0 + 2);
    const first = state.delta();
    expect(first?.pointsSince).toBe(s0);
    expect(first?.tools[0]?.points.map((p) => p.t)).toEqual([s0 + 1, s0 + 2]);

    vi.setSystemTime((s0 + 3) * 1000 + 100);
    call(s0 + 2);
    const second = state.delta();
    expect(second?.pointsSince).toBe(s0 + 2);
    expect(second?.tools[0]?.points).toEqual([expect.objectContaining({ t: s0 + 2, calls: 2 })]);
    expect(second?.tools[0]?.calls).toBe(4);

    // The page: older points kept, the second in progress replaced, nothing doubled.
    let merged = page;
    for (const delta of [first, second]) if (delta !== undefined) merged = applyDelta(merged, delta);
    expect(merged.tools[0]?.points.map((p) => [p.t, p.calls])).toEqual([
      [s0 - 5, 1],
      [s0 + 1, 1],
      [s0 + 2, 2],
    ]);
    // Lists not in a delta stay as they were.
    expect(first?.runtimes).toBeUndefined();
    expect(merged.runtimes).toBe(page.runtimes);
  });
});
