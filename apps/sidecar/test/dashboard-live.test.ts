/**
 * The dashboard's live side against a real sidecar on port 0 and a fake runtime on a real
 * WebSocket: `/live` admission, a tool call reaching the next delta with its counts and latency
 * percentiles, status frames becoming runtime views, eval results becoming metrics, captured calls
 * reaching the capture store, and the operator actions reaching the runtimes and the audit log.
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type {
  EventBatchMessage,
  SidecarToRuntime,
  StatusMessage,
  ToolCallEvent,
} from "@mcp-runtime/telemetry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DashboardDelta, LiveFrame } from "../src/dashboard/protocol.js";
import {
  actionResult,
  auditRecords,
  csrfToken,
  eventually,
  type FrameClient,
  fakeRuntime,
  liveClient,
  login,
  refusedUpgrade,
  snapshotOf,
  startTestSidecar,
  type TestSidecar,
} from "./support/dashboard-sidecar.js";

let stack: TestSidecar;
let base: string;
let cookie: string;
let watched: string;

beforeAll(async () => {
  const { mkdtemp } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  watched = join(await mkdtemp(join(tmpdir(), "mcp-dashboard-watch-")), "runtime.yaml");
  await writeFile(watched, "telemetry: { logLevel: warn }\n");
  stack = await startTestSidecar({ watch: watched });
  base = stack.url;
  cookie = await login(base);
});
afterAll(async () => {
  await stack?.close();
});

function status(evals: StatusMessage["evals"] = []): StatusMessage {
  return {
    type: "status",
    ts: Date.now(),
    role: "serve",
    sessions: 2,
    inFlight: 1,
    sandboxes: [],
    upstreams: [],
    evals,
    startedAt: Date.now() - 1_000,
  };
}

async function sendBatch(
  runtime: FrameClient<SidecarToRuntime>,
  seq: number,
  events: EventBatchMessage["events"],
) {
  runtime.send({ type: "events", seq, events } satisfies EventBatchMessage);
  await runtime.next(`ack ${seq}`, (frame) => frame.type === "ack" && frame.seq === seq);
}

const deltas = (live: FrameClient<LiveFrame>) =>
  live.frames.flatMap((frame) => (frame.type === "delta" ? [frame.delta] : []));

async function metric(line: RegExp): Promise<string | undefined> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return text.split("\n").find((l) => line.test(l));
}

describe("/live admission", () => {
  it("refuses an upgrade without a session (401) and one from another origin or none (403)", async () => {
    const url = `${base.replace(/^http/, "ws")}/live`;
    expect(await refusedUpgrade(url, { origin: base })).toBe(401);
    expect(await refusedUpgrade(url, { origin: "http://evil.example", cookie })).toBe(403);
    expect(await refusedUpgrade(url, { cookie })).toBe(403);
  });

  it("keeps the runtime path's rules: a browser Origin is refused there", async () => {
    expect(await refusedUpgrade(base.replace(/^http/, "ws"), { origin: base, cookie })).toBe(403);
  });

  it("sends a snapshot first, with the operator and their CSRF token", async () => {
    const live = await liveClient(base, cookie);
    const first = await live.next("snapshot", () => true);
    expect(first.type).toBe("snapshot");
    if (first.type !== "snapshot") return;
    expect(first.snapshot.operator).toEqual({ subject: "admin" });
    expect(first.snapshot.csrfToken).toBe(await csrfToken(base, cookie));
    expect(first.snapshot.sidecar.auditRecords).toBeGreaterThan(0);
    live.close();
  });
});

describe("live state from a runtime", () => {
  it("shows a runtime's tool calls in the next delta with calls, errors and latency percentiles", async () => {
    const live = await liveClient(base, cookie);
    await live.next("snapshot", (frame) => frame.type === "snapshot");
    const runtime = await fakeRuntime(base, "node-calls");
    runtime.send(status());
    const ts = Date.now();
    const calls: ToolCallEvent[] = Array.from({ length: 10 }, (_, index) => ({
      type: "tool_call",
      ts,
      tool: "calls-echo",
      plugin: "echo",
      subject: "alice",
      era: "modern",
      outcome: index === 0 ? "error" : index === 1 ? "tool_error" : "ok",
      durationMs: index + 1,
    }));
    await sendBatch(runtime, 1, calls);
    const delta = await eventually("a delta with the tool", async () =>
      deltas(live).find((d) => d.tools.some((t) => t.tool === "calls-echo")),
    );
    const view = delta.tools.find((t) => t.tool === "calls-echo");
    expect(view).toMatchObject({ tool: "calls-echo", plugin: "echo", calls: 10, errors: 2, errorRate: 0.2 });
    // The histogram is log-scale, 8 buckets per doubling: within ±4.5% of the true percentile.
    expect(view?.p50).toBeGreaterThan(5 * 0.955);
    expect(view?.p50).toBeLessThan(5 * 1.045);
    expect(view?.p99).toBeGreaterThan(10 * 0.955);
    expect(view?.p99).toBeLessThanOrEqual(10);
    expect(view?.points).toHaveLength(1);
    expect(view?.points[0]).toMatchObject({ t: Math.floor(ts / 1000), calls: 10, errors: 2 });
    // The records themselves, with the log's seq, newest first.
    const records = delta.audit.filter((r) => r.tool === "calls-echo");
    expect(records).toHaveLength(10);
    expect(records[0]).toMatchObject({
      type: "tool_call",
      node: "node-calls",
      subject: "alice",
      durationMs: 10,
    });
    expect(records[0]?.seq).toBeGreaterThan(records[9]?.seq ?? Number.POSITIVE_INFINITY);
    const runtimes = await eventually("the runtime with its status", async () =>
      deltas(live)
        .flatMap((d: DashboardDelta) => d.runtimes ?? [])
        .find((r) => r.node === "node-calls" && r.status !== undefined),
    );
    expect(runtimes).toMatchObject({
      node: "node-calls",
      stale: false,
      status: { sessions: 2, inFlight: 1 },
    });
    const filtered = await auditRecords(base, cookie, "tool=calls-echo&outcome=tool_error&subject=alice");
    expect(filtered).toHaveLength(1);
    expect(await metric(/^mcp_sidecar_runtime_status_frames_total /)).toMatch(/ [1-9]\d*$/);
    runtime.close();
    live.close();
  });

  it("turns a failing eval_result into mcp_sidecar_eval_passing 0, and a later pass into 1", async () => {
    const runtime = await fakeRuntime(base, "node-evals");
    const result = (status: "pass" | "fail", ts: number) => ({
      type: "eval_result" as const,
      ts,
      eval: "echo-roundtrip",
      tool: "echo",
      status,
      trigger: "schedule" as const,
      durationMs: 3,
      ...(status === "fail" ? { reason: "result differs at content[0].text" } : {}),
    });
    const now = Date.now();
    await sendBatch(runtime, 1, [result("fail", now)]);
    const failing = await eventually("eval gauge at 0", () =>
      metric(/^mcp_sidecar_eval_passing\{eval="echo-roundtrip",tool="echo"\} 0$/),
    );
    expect(failing).toBeDefined();
    expect(await metric(/^mcp_sidecar_eval_pass_ratio\{tool="echo"\} 0$/)).toBeDefined();
    expect(
      await metric(/^mcp_sidecar_eval_results_total\{eval="echo-roundtrip",tool="echo",status="fail"\} 1$/),
    ).toBeDefined();
    const snapshot = await snapshotOf(base, cookie);
    expect(snapshot.evals).toContainEqual(
      expect.objectContaining({ eval: "echo-roundtrip", status: "fail", node: "node-evals", failures: 1 }),
    );
    await sendBatch(runtime, 2, [result("pass", now + 1)]);
    await eventually("eval gauge at 1", () =>
      metric(/^mcp_sidecar_eval_passing\{eval="echo-roundtrip",tool="echo"\} 1$/),
    );
    runtime.close();
    // A runtime that left no longer counts: its evals go from the gauges.
    await eventually("eval gauge gone", async () =>
      (await metric(/^mcp_sidecar_eval_passing\{eval="echo-roundtrip"/)) === undefined ? true : undefined,
    );
  });

  it("takes evals from status frames too, a pending one staying out of the gauges", async () => {
    const runtime = await fakeRuntime(base, "node-status-evals");
    runtime.send(
      status([
        { eval: "s-pass", tool: "tool-s", status: "pass", lastRun: Date.now(), passes: 3, failures: 0 },
        { eval: "s-pending", tool: "tool-s", status: "pending", passes: 0, failures: 0 },
      ]),
    );
    await eventually("status eval gauge", () =>
      metric(/^mcp_sidecar_eval_passing\{eval="s-pass",tool="tool-s"\} 1$/),
    );
    expect(await metric(/^mcp_sidecar_eval_passing\{eval="s-pending"/)).toBeUndefined();
    expect(await metric(/^mcp_sidecar_eval_pass_ratio\{tool="tool-s"\} 1$/)).toBeDefined();
    runtime.close();
  });

  it("hands captured calls to the capture store and counts them", async () => {
    const runtime = await fakeRuntime(base, "node-capture");
    runtime.send({
      type: "capture",
      calls: [
        {
          id: "c-1",
          ts: Date.now(),
          tool: "echo",
          era: "modern",
          arguments: { text: "hi" },
          durationMs: 2,
          result: {},
        },
      ],
    });
    await eventually("captured calls counted", () => metric(/^mcp_sidecar_captured_calls_total 1$/));
    const text = await eventually("capture file written", async () => {
      // The store makes its folder on the first write, which may land after the counter moved.
      const names = await readdir(join(stack.dir, "capture")).catch(() => [] as string[]);
      const files = names.filter((f) => f.endsWith(".jsonl"));
      const contents = await Promise.all(files.map((f) => readFile(join(stack.dir, "capture", f), "utf8")));
      return contents.find((c) => c.includes('"c-1"'));
    });
    expect(JSON.parse(text.trim().split("\n")[0] ?? "{}")).toMatchObject({ id: "c-1", node: "node-capture" });
    runtime.close();
  });

  it("refuses a malformed status or capture frame by closing the connection (1008)", async () => {
    const bad = await fakeRuntime(base, "node-bad");
    bad.send({ type: "status", ts: "now" });
    expect((await bad.closed).code).toBe(1008);
    const worse = await fakeRuntime(base, "node-worse");
    worse.send({ type: "capture", calls: [{ id: 1 }] });
    expect((await worse.closed).code).toBe(1008);
  });
});

describe("operator actions", () => {
  it("run-evals reaches every runtime as a frame naming the operator, and is audited", async () => {
    const runtime = await fakeRuntime(base, "node-actions");
    await eventually("runtime listed", async () => {
      const snapshot = await snapshotOf(base, cookie);
      return snapshot.runtimes.some((r) => r.node === "node-actions") ? true : undefined;
    });
    const res = await fetch(`${base}/api/actions/run-evals`, {
      method: "POST",
      headers: { cookie, origin: base, "x-csrf-token": await csrfToken(base, cookie) },
    });
    expect(res.status).toBe(200);
    const result = await actionResult(res);
    expect(result.ok).toBe(true);
    expect(result.runtimes).toBeGreaterThanOrEqual(1);
    expect(await runtime.next("run-evals", (f) => f.type === "run-evals")).toEqual({
      type: "run-evals",
      actor: "admin",
    });
    await eventually("run-evals audited", async () =>
      (await auditRecords(base, cookie, "type=admin_action")).find((r) => r.action === "run-evals"),
    );
    runtime.close();
  });

  it("reload-config re-reads the watched file and pushes it to the runtimes, audited", async () => {
    const runtime = await fakeRuntime(base, "node-reload");
    await eventually("runtime listed", async () => {
      const snapshot = await snapshotOf(base, cookie);
      return snapshot.runtimes.some((r) => r.node === "node-reload") ? true : undefined;
    });
    const headers = { cookie, origin: base, "x-csrf-token": await csrfToken(base, cookie) };
    const res = await fetch(`${base}/api/actions/reload-config`, { method: "POST", headers });
    const result = await actionResult(res);
    expect(result).toMatchObject({ ok: true });
    expect(result.runtimes).toBeGreaterThanOrEqual(1);
    const push = await runtime.next("config push", (f) => f.type === "config");
    expect(push).toMatchObject({ type: "config", file: watched, text: "telemetry: { logLevel: warn }\n" });
    await writeFile(watched, "bogus: 1\n");
    const refused = await actionResult(
      await fetch(`${base}/api/actions/reload-config`, { method: "POST", headers }),
    );
    expect(refused.ok).toBe(false);
    expect(refused.message).toContain('unknown key "bogus"');
    const actions = await eventually("reload audited twice", async () => {
      const found = (await auditRecords(base, cookie, "type=admin_action")).filter(
        (r) => r.action === "reload-config",
      );
      return found.length >= 2 ? found : undefined;
    });
    expect(actions[0]?.actor).toBe("admin");
    const snapshot = await snapshotOf(base, cookie);
    expect(snapshot.config.history[0]).toMatchObject({ status: "refused", source: "file" });
    runtime.close();
  });
});
