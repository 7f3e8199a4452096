/**
 * @module Measurements the throughput harness does not make: a long memory soak, idle legacy
 * sessions and their eviction, and start-up to readiness. Bounded in count and time, loopback only.
 */
import { Agent, request } from "node:http";
import { join } from "node:path";
import { ECHO_CONFIG, rssMb, startRuntime } from "./runtime-process.mjs";

const MODERN_META = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientCapabilities": {},
  "io.modelcontextprotocol/clientInfo": { name: "mcp-runtime-bench", version: "1.0.0" },
};

function post(agent, url, body, headers) {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          ...headers,
        },
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Slope of rssMb over calls (MB per call). */
function leastSquaresSlope(points) {
  const n = points.length;
  const meanX = points.reduce((sum, p) => sum + p.calls, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.rssMb, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.calls - meanX) * (p.rssMb - meanY);
    den += (p.calls - meanX) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** The median; an even count's is the mean of its two middle values. Undefined for no values. */
export function median(values) {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `initialize` + `notifications/initialized` of a 2025-11-25 session; the headers its calls carry. */
async function openSession(agent, url) {
  const init = await post(
    agent,
    url,
    JSON.stringify({
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "soak", version: "1" } },
    }),
    {},
  );
  const id = init.headers["mcp-session-id"];
  if (init.status !== 200 || typeof id !== "string") {
    throw new Error(
      `soak: initialize answered ${init.status} without a session id: ${init.body.slice(0, 200)}`,
    );
  }
  const headers = { "mcp-session-id": id, "mcp-protocol-version": "2025-11-25" };
  await post(agent, url, JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }), headers);
  return headers;
}

/**
 * 1,000,000 echo calls (32 in flight; 2026-07-28 requests, or with `era: "legacy"` all in one
 * 2025-11-25 session), counted after a warm-up, with legacy sessions opened and abandoned beside
 * them; `config` is the runtime's (the echo config unless given). The warm-up lasts at least
 * 50,000 calls and one session idle timeout plus 5 s, so the baseline is taken once the
 * abandoned-session population has reached its steady state (opened at `sessionsPerSecond`,
 * evicted after `idleMs`): growth after that is growth.
 */
export async function soak(
  repoRoot,
  workDir,
  { calls = 1_000_000, sessionsPerSecond = 20, idleMs = 15_000, era = "modern", config = ECHO_CONFIG } = {},
) {
  const runtime = await startRuntime(repoRoot, workDir, {
    ...config,
    server: { ...config.server, sessionIdleTimeoutMs: idleMs, maxSessions: 50_000 },
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 40 });
  // "legacy": every call in one 2025-11-25 session (as the harness's --stateful targets), so the
  // session's own state is soaked too; "modern": 2026-07-28 stateless requests.
  const headers =
    era === "legacy"
      ? await openSession(agent, runtime.url)
      : { "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/call", "mcp-name": "echo" };
  const meta = era === "legacy" ? "" : `,"_meta":${JSON.stringify(MODERN_META)}`;
  const samples = [];
  let done = 0;
  let failed = 0;
  let abandoned = 0;
  const sampler = setInterval(
    () =>
      samples.push({
        t: Math.round((performance.now() - t0) / 1000),
        calls: done,
        rssMb: rssMb(runtime.pid),
      }),
    1000,
  );
  const opener = setInterval(() => {
    for (let i = 0; i < sessionsPerSecond / 5; i++) {
      abandoned++;
      post(
        agent,
        runtime.url,
        JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "initialize",
          params: {
            protocolVersion: "2025-11-25",
            capabilities: {},
            clientInfo: { name: "soak", version: "1" },
          },
        }),
        {},
      ).catch(() => {});
    }
  }, 200);
  const t0 = performance.now();
  // Warm up before the baseline so JIT and pools are settled.
  const worker = async (limit) => {
    while (done < limit) {
      const n = done++;
      const body = `{"jsonrpc":"2.0","id":${n},"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello"}${meta}}}`;
      const res = await post(agent, runtime.url, body, headers);
      if (res.status !== 200 || !res.body.includes('"text":"hello"')) failed++;
    }
  };
  const steadyAt = performance.now() + idleMs + 5_000;
  let warmupCalls = 0;
  while (warmupCalls < 50_000 || performance.now() < steadyAt) {
    warmupCalls += 50_000;
    await Promise.all(Array.from({ length: 32 }, () => worker(warmupCalls)));
  }
  warmupCalls = done;
  const baselineAt = samples.length;
  const baseline = rssMb(runtime.pid);
  await Promise.all(Array.from({ length: 32 }, () => worker(warmupCalls + calls)));
  clearInterval(opener);
  clearInterval(sampler);
  const end = rssMb(runtime.pid);
  // Least-squares slope of RSS over calls in the second half of the measured window: a leak keeps
  // climbing, a settled heap only saw-tooths with GC (two end points alone mostly measure the teeth).
  const measured = samples.slice(baselineAt);
  const half = measured.slice(Math.floor(measured.length / 2));
  const slope = half.length >= 3 ? leastSquaresSlope(half) * 100_000 : undefined;
  agent.destroy();
  await runtime.stop();
  return {
    era,
    calls: done - warmupCalls,
    warmupCalls,
    failed,
    abandonedSessions: abandoned,
    seconds: Math.round((performance.now() - t0) / 1000),
    rssBaselineMb: Math.round(baseline * 10) / 10,
    rssEndMb: Math.round(end * 10) / 10,
    rssGrowthMb: Math.round((end - baseline) * 10) / 10,
    rssMaxMb: Math.round(Math.max(...measured.map((s) => s.rssMb)) * 10) / 10,
    secondHalfMbPer100kCalls: slope === undefined ? undefined : Math.round(slope * 100) / 100,
    samples,
  };
}

/** Opens `count` legacy sessions and abandons them; RSS above baseline, then eviction after the idle timeout. */
export async function idleSessions(repoRoot, workDir, { count = 10_000, idleMs = 20_000 } = {}) {
  const runtime = await startRuntime(repoRoot, workDir, {
    ...ECHO_CONFIG,
    server: { sessionIdleTimeoutMs: idleMs, maxSessions: count * 2 },
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const init = JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "idle", version: "1" } },
  });
  for (let i = 0; i < 200; i++) await post(agent, runtime.url, init, {});
  await new Promise((r) => setTimeout(r, 1000));
  const baseline = rssMb(runtime.pid);
  let first;
  for (let i = 0; i < count; i += 32) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(32, count - i) }, () => post(agent, runtime.url, init, {})),
    );
    first ??= batch[0].headers["mcp-session-id"];
  }
  const opened = rssMb(runtime.pid);
  await new Promise((r) => setTimeout(r, idleMs + 6_000));
  const probe = await post(
    agent,
    runtime.url,
    JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }),
    { "mcp-session-id": first, "mcp-protocol-version": "2025-11-25" },
  );
  const after = rssMb(runtime.pid);
  agent.destroy();
  await runtime.stop();
  return {
    sessions: count,
    rssBaselineMb: Math.round(baseline * 10) / 10,
    rssWithSessionsMb: Math.round(opened * 10) / 10,
    rssAboveBaselineMb: Math.round((opened - baseline) * 10) / 10,
    rssAfterEvictionMb: Math.round(after * 10) / 10,
    evicted: probe.status === 404,
  };
}

/** Spawn to `/readyz` 200 with the repository's default config (mcp-runtime.yaml), median of `runs`. */
export async function startup(repoRoot, workDir, { runs = 10 } = {}) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const runtime = await startRuntime(repoRoot, workDir, join(repoRoot, "mcp-runtime.yaml"));
    const readyz = runtime.url.replace(/\/mcp$/, "/readyz");
    for (;;) {
      const ok = await fetch(readyz).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    times.push(performance.now() - runtime.started);
    await runtime.stop();
  }
  return {
    runs,
    medianMs: Math.round(median(times)),
    minMs: Math.round(Math.min(...times)),
    maxMs: Math.round(Math.max(...times)),
  };
}
