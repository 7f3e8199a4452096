#!/usr/bin/env node
/**
 * @module `npm run bench:scale` (issue 15, acceptance 4): throughput of 1, 2 and 3 runtime nodes
 * behind nginx (round-robin, no stickiness; the cluster of the scale-out acceptance test), with
 * one Redis and one worker, plus a single node without nginx as the reference. Load: `wrk` with the
 * neutral harness's `tools-call.lua` (shared bench/ folder), 2026-07-28 `echo` calls and, per
 * target, 2025-11-25 calls inside one legacy session opened through nginx. Options:
 *   --duration S (default 5)  --conns C (default 32)  --nodes 1,2,3
 * Prints a markdown table; figures are only comparable within one run (shared, noisy machines).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startCluster } from "./cluster.mjs";
import { locateHarness } from "./harness.mjs";
import { startBenchRedis } from "./policy-probes.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const repoRoot = join(here, "..", "..");
const CONFIG = join(repoRoot, "apps/runtime/test/fixtures/scale-out/mcp-runtime.yaml");
const MODERN_META = JSON.stringify({
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientCapabilities": {},
  "io.modelcontextprotocol/clientInfo": { name: "mcp-bench", version: "1.0.0" },
});

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "5" },
    conns: { type: "string", default: "32" },
    nodes: { type: "string", default: "1,2,3" },
  },
});
const duration = Number(values.duration);
const conns = Number(values.conns);
const nodeCounts = values.nodes.split(",").map(Number);

for (const bin of ["wrk", "redis-server", "redis-cli"]) {
  if (spawnSync("sh", ["-c", `command -v ${bin}`]).status !== 0)
    throw new Error(`${bin} is missing: apt-get install -y wrk redis-server`);
}
const lua = join(locateHarness(repoRoot), "lib", "tools-call.lua");

/** One wrk run; resolves with the harness script's MCPB_RESULT, or an error line. */
function wrk(url, env, seconds = duration) {
  const run = spawnSync("wrk", ["-t2", `-c${conns}`, `-d${seconds}s`, "--timeout", "10s", "-s", lua, url], {
    env: { ...process.env, ...env },
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = run.stdout.split("\n").find((l) => l.startsWith("MCPB_RESULT "));
  if (!line) return { error: `wrk failed (${run.status}): ${run.stderr.trim() || run.stdout.trim()}` };
  return JSON.parse(line.slice("MCPB_RESULT ".length));
}

const modernEnv = {
  MCPB_PROTOCOL_VERSION: "2026-07-28",
  MCPB_MCP_METHOD: "tools/call",
  MCPB_MCP_NAME: "echo",
  MCPB_META: MODERN_META,
};

/** initialize + notifications/initialized through `url`: the session id, or why there is none. */
async function openSession(url) {
  const post = (body, session) =>
    fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        ...(session ? { "mcp-session-id": session, "mcp-protocol-version": "2025-11-25" } : {}),
      },
      body: JSON.stringify(body),
    });
  const init = await post({
    jsonrpc: "2.0",
    id: 0,
    method: "initialize",
    params: {
      protocolVersion: "2025-11-25",
      capabilities: {},
      clientInfo: { name: "mcp-bench", version: "1" },
    },
  });
  await init.text();
  const session = init.headers.get("mcp-session-id");
  if (!session) return { error: `initialize: HTTP ${init.status}, no session id` };
  const ack = await post({ jsonrpc: "2.0", method: "notifications/initialized" }, session);
  await ack.text();
  // Through nginx this notification may land on another node: a 404 there means sessions are per node.
  return ack.status === 202 || ack.status === 200
    ? { session }
    : { session, warning: `notifications/initialized on another node: HTTP ${ack.status}` };
}

function row(target, nodes, workload, result, note = "") {
  if (result.error) return { target, nodes, workload, error: result.error };
  const seconds = result.duration_us / 1e6;
  // wrk's `status` error count is the non-2xx responses, reported on their own.
  const { connect, read, write, timeout } = result.errors;
  const errors = connect + read + write + timeout;
  return {
    target,
    nodes,
    workload,
    rps: result.requests / seconds,
    p50: result.latency_us.p50 / 1000,
    p99: result.latency_us.p99 / 1000,
    non2xx: result.bad_status,
    badBody: result.bad_body,
    errors,
    note,
  };
}

async function measure(target, nodes, url) {
  // A discarded warm-up first: the first seconds of a fresh node are JIT and pool set-up.
  wrk(url, modernEnv, 2);
  const rows = [row(target, nodes, "2026-07-28 echo", wrk(url, modernEnv))];
  const opened = await openSession(url);
  if (opened.error) rows.push({ target, nodes, workload: "2025-11-25 session echo", error: opened.error });
  else {
    const result = wrk(url, { MCPB_SESSION_ID: opened.session, MCPB_PROTOCOL_VERSION: "2025-11-25" });
    rows.push(row(target, nodes, "2025-11-25 session echo", result, opened.warning ?? ""));
  }
  return rows;
}

const workDir = mkdtempSync(join(tmpdir(), "mcp-bench-scale-"));
const countDir = join(workDir, "count");
mkdirSync(countDir);
const redis = await startBenchRedis(workDir);
const rows = [];
try {
  for (const n of nodeCounts) {
    process.stderr.write(`bench:scale: ${n} node(s) behind nginx...\n`);
    const cluster = await startCluster({
      configPath: CONFIG,
      redisUrl: redis.url,
      nodes: n,
      workers: 1,
      env: { SCALE_OUT_COUNT_DIR: countDir, LOG_LEVEL: "error" },
      accessLog: false,
    });
    try {
      rows.push(...(await measure("nginx", n, cluster.url)));
      const [first] = cluster.nodes;
      if (n === 1 && first) {
        process.stderr.write("bench:scale: the same node without nginx...\n");
        rows.push(...(await measure("direct", 1, first.url)));
      }
    } finally {
      await cluster.stop();
    }
  }
} finally {
  redis.stop();
  rmSync(workDir, { recursive: true, force: true });
}

const fixed = (v, digits) => (v === undefined ? "" : v.toFixed(digits));
console.log(
  `\nscale-out throughput: wrk -t2 -c${conns} -d${duration}s, echo tool, 1 worker, Redis sessions\n`,
);
console.log(
  "| target | nodes | workload | req/s | p50 ms | p99 ms | non-2xx | bad body | socket errors | note |",
);
console.log("|---|---:|---|---:|---:|---:|---:|---:|---:|---|");
for (const r of rows) {
  console.log(
    r.error
      ? `| ${r.target} | ${r.nodes} | ${r.workload} | | | | | | | ${r.error} |`
      : `| ${r.target} | ${r.nodes} | ${r.workload} | ${fixed(r.rps, 0)} | ${fixed(r.p50, 2)} | ${fixed(r.p99, 2)} | ${r.non2xx} | ${r.badBody} | ${r.errors} | ${r.note} |`,
  );
}
