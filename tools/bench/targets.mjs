/**
 * @module `npm run bench -- --targets`: the figures issue #20 sets, as one table. The harness rows it
 * needs (anchors, the production-config HTTP targets in both eras, stdio, the upstream gateways),
 * the WebSocket probe (ws-driver.mjs against the same production config, compared with the modern
 * HTTP row of the same run), and the table: figure, per-run values, median, target, met / not met.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { HIGH } from "./policy-probes.mjs";
import { median } from "./probes.mjs";
import { startRuntime } from "./runtime-process.mjs";
import { upstreamRatios } from "./upstream-targets.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));

export const PROD_MODERN = "mcp-runtime-prod-modern";
export const PROD_LEGACY = "mcp-runtime-prod-legacy";
/** Not targets: where the gap is. The production config with plugins on the main thread, and stdio so. */
export const PROD_MODERN_INPROCESS = "mcp-runtime-prod-modern-inprocess";
export const STDIO_INPROCESS = "mcp-runtime-stdio-inprocess";
/** The sandboxed modern target with telemetry, sidecar and limits off (run.mjs defines it). */
export const PLAIN_MODERN = "mcp-runtime-modern";

/** Exactly the harness rows the table reads (`--only`): anchors first, then the targets. */
export const TARGET_ROWS = [
  "raw-http",
  "raw-stdio",
  "sdk-stdio",
  PROD_MODERN,
  PROD_LEGACY,
  "mcp-runtime-stdio",
  "supergateway",
  "mcp-proxy",
  "mcp-runtime-upstream",
  PLAIN_MODERN,
  PROD_MODERN_INPROCESS,
  STDIO_INPROCESS,
];

/**
 * The default production config of issue #20 for the echo plugin (sandboxed, the default executor):
 * metrics on, tracing at the default sampler exporting to the discarding OTLP sink, the sidecar
 * connected, the memory limiter checking a per-client and a per-tool bucket that is never emptied.
 * `logLevel: warn` as every other bench target (the harness keeps the server's log).
 */
export function productionConfig(peers) {
  return {
    plugins: [{ package: "@mcp-runtime/plugin-echo" }],
    telemetry: { logLevel: "warn", otlp: peers.otlp, sidecar: peers.sidecar },
    limits: { perClient: HIGH, perTool: { echo: HIGH } },
  };
}

/**
 * The production-config HTTP targets of the harness (2026-07-28 stateless, a 2025-11-25 session),
 * and the two rows that price the worker hop: the modern one with plugins on the main thread, and
 * stdio (the plain echo config, as `mcp-runtime-stdio`) so.
 */
export function productionTargets(cli, workDir, peers, echoConfig) {
  const file = join(workDir, "echo-production.json");
  writeFileSync(file, JSON.stringify(productionConfig(peers)));
  const cmd = `${cli} serve --transport http --port $PORT --config ${file}`;
  const inProcess = "MCP_RUNTIME_EXECUTOR=in-process";
  return [
    "--target",
    PROD_MODERN_INPROCESS,
    "--cmd",
    `${inProcess} ${cmd}`,
    "--modern",
    "--target",
    STDIO_INPROCESS,
    "--stdio",
    "--cmd",
    `${inProcess} ${cli} serve --transport stdio --config ${echoConfig}`,
    "--target",
    PROD_MODERN,
    "--cmd",
    cmd,
    "--modern",
    "--target",
    PROD_LEGACY,
    "--cmd",
    cmd,
    "--stateful",
  ];
}

/**
 * One WebSocket measurement per harness run: a runtime with the production config pinned to CPU 0,
 * ws-driver.mjs pinned to CPU 1 for the same measured duration after its own warm-up.
 */
export async function wsProbe(repoRoot, workDir, peers, { runs, seconds, warmup, conns, inflight }) {
  const results = [];
  for (let i = 0; i < runs; i++) {
    const runtime = await startRuntime(repoRoot, workDir, productionConfig(peers));
    try {
      spawnSync("taskset", ["-a", "-cp", "0", String(runtime.pid)], { stdio: "ignore" });
      const url = runtime.url.replace(/^http/, "ws").replace(/\/mcp$/, "/mcp/ws");
      const args = [
        "--url",
        url,
        "--conns",
        conns,
        "--inflight",
        inflight,
        "--warmup",
        warmup,
        "--duration",
        seconds,
      ];
      const run = spawnSync(
        "taskset",
        ["-c", "1", process.execPath, join(here, "ws-driver.mjs"), ...args.map(String)],
        {
          encoding: "utf8",
        },
      );
      const line = /MCPB_WS (\{.*\})/.exec(run.stdout ?? "");
      if (!line)
        throw new Error(`ws-driver printed no result (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
      results.push(JSON.parse(line[1]));
    } finally {
      await runtime.stop();
    }
  }
  return results;
}

/** Per harness run: every ratio of the table (undefined where a row is missing). */
function perRunRatios(runs, ws) {
  const upstream = upstreamRatios(runs);
  return runs.map(({ rows }, i) => {
    const row = (name) => rows.find((r) => r.name === name);
    const rps = (a, b) => (row(a) && row(b) ? row(a).rps / row(b).rps : undefined);
    const p99 = (a, b) => (row(a) && row(b) ? row(a).p99_ms / row(b).p99_ms : undefined);
    const modern = row(PROD_MODERN);
    return {
      modernVsRaw: rps(PROD_MODERN, "raw-http"),
      legacyVsRaw: rps(PROD_LEGACY, "raw-http"),
      modernP99VsRaw: p99(PROD_MODERN, "raw-http"),
      legacyP99VsRaw: p99(PROD_LEGACY, "raw-http"),
      stdioPipeVsRaw: rps("mcp-runtime-stdio (pipe 64)", "raw-stdio (pipe 64)"),
      stdioSeqVsSdk: rps("mcp-runtime-stdio (seq)", "sdk-stdio (seq)"),
      plainVsRaw: rps(PLAIN_MODERN, "raw-http"),
      prodInProcessVsRaw: rps(PROD_MODERN_INPROCESS, "raw-http"),
      stdioSeqInProcessVsSdk: rps(`${STDIO_INPROCESS} (seq)`, "sdk-stdio (seq)"),
      wsVsModernHttp: ws[i] && modern ? ws[i].rps / modern.rps : undefined,
      upstreamVsGateway: upstream[i]?.upstreamVsGateway,
    };
  });
}

/**
 * The one table of issue #20's figures. `throughput` is the harness result, `ws` the WebSocket
 * probe's runs, `soaks` the soak per era, `start` the start-up probe.
 */
export function targetsTable({ throughput, ws, soaks, start }, fmt) {
  const perRun = perRunRatios(throughput?.runs ?? [], ws ?? []);
  const lines = ["| figure | per run | median | target | |", "|---|---:|---:|---:|---|"];
  const verdict = (value, goal, higher) =>
    value === undefined ? "–" : (higher ? value >= goal : value <= goal) ? "met" : "**not met**";
  const add = (label, values, goal, higher = true, digits = 2) => {
    const known = values.filter((v) => v !== undefined && v !== null && !Number.isNaN(v));
    const med = median(known);
    lines.push(
      `| ${label} | ${values.map((v) => fmt(v, digits)).join(" / ") || "–"} | ${fmt(med, digits)} | ${higher ? "≥" : "≤"} ${goal} | ${verdict(med, goal, higher)} |`,
    );
    return med;
  };
  const col = (key) => perRun.map((r) => r[key]);
  const medians = {
    modernVsRaw: add("HTTP 2026-07-28, production config: req/s ÷ raw-http", col("modernVsRaw"), 0.7),
    legacyVsRaw: add("HTTP 2025-11-25 session, production config: req/s ÷ raw-http", col("legacyVsRaw"), 0.7),
    modernP99VsRaw: add(
      "HTTP 2026-07-28, production config: p99 ÷ raw-http p99",
      col("modernP99VsRaw"),
      1.5,
      false,
    ),
    legacyP99VsRaw: add(
      "HTTP 2025-11-25 session, production config: p99 ÷ raw-http p99",
      col("legacyP99VsRaw"),
      1.5,
      false,
    ),
    stdioPipeVsRaw: add("stdio pipelined (64 in flight): calls/s ÷ raw-stdio", col("stdioPipeVsRaw"), 0.6),
    stdioSeqVsSdk: add("stdio one call at a time: calls/s ÷ sdk-stdio", col("stdioSeqVsSdk"), 1.2),
    wsVsModernHttp: add(
      "WebSocket (production config): calls/s ÷ HTTP 2026-07-28 of the same run",
      col("wsVsModernHttp"),
      1,
    ),
    upstreamVsGateway: add(
      "server-everything over stdio behind the runtime (2025-11-25 session) ÷ faster of mcp-proxy, supergateway",
      col("upstreamVsGateway"),
      3,
    ),
  };
  // Not targets: each shows what one part costs (same run, same anchors).
  const where = (label, values) => {
    const known = values.filter((v) => v !== undefined && !Number.isNaN(v));
    lines.push(
      `| ${label} | ${values.map((v) => fmt(v, 2)).join(" / ") || "–"} | ${fmt(median(known), 2)} | | where the gap is |`,
    );
  };
  where("↳ HTTP 2026-07-28, sandboxed, telemetry/sidecar/limits off: req/s ÷ raw-http", col("plainVsRaw"));
  where(
    "↳ HTTP 2026-07-28, production config, plugins in process (no worker hop): req/s ÷ raw-http",
    col("prodInProcessVsRaw"),
  );
  where(
    "↳ stdio one call at a time, plugins in process (no worker hop): calls/s ÷ sdk-stdio",
    col("stdioSeqInProcessVsSdk"),
  );
  for (const s of soaks ?? []) {
    medians[`soak-${s.era}`] = add(
      `RSS growth (MB) over ${s.calls.toLocaleString("en")} ${s.era === "legacy" ? "2025-11-25 session" : "2026-07-28"} calls, production config`,
      [s.rssGrowthMb],
      16,
      false,
      1,
    );
  }
  if (start)
    medians.startupMs = add(
      "start to /readyz ready (ms), default config (mcp-runtime.yaml)",
      [start.medianMs],
      400,
      false,
      0,
    );
  return { lines, perRun, medians };
}

/** Details under the table: the absolute figures the ratios came from, per run. */
export function targetsDetails({ throughput, ws, soaks, start }, fmt) {
  const lines = [];
  (throughput?.runs ?? []).forEach(({ rows }, i) => {
    const show = (r) => `${r.name} ${fmt(r.rps, 0)}/s p99 ${fmt(r.p99_ms)} ms`;
    const names = rows.filter((r) => TARGET_ROWS.some((n) => r.name === n || r.name.startsWith(`${n} (`)));
    const w = ws?.[i];
    const wsText = w
      ? `; WebSocket ${fmt(w.rps, 0)}/s p50 ${fmt(w.p50_ms)} p99 ${fmt(w.p99_ms)} ms (${w.conns} conns × ${w.inflight} in flight, driver CPU ${fmt(w.loadgen_cpu_pct, 0)} %, bad replies ${w.bad}${w.error ? `, ${w.error}` : ""})`
      : "";
    lines.push(`- run ${i + 1}: ${names.map(show).join("; ")}${wsText}`);
  });
  for (const s of soaks ?? []) {
    lines.push(
      `- soak ${s.era}: ${s.calls} calls after ${s.warmupCalls} warm-up (${s.failed} failed), RSS ${s.rssBaselineMb} → ${s.rssEndMb} MB (max ${s.rssMaxMb}; second half ${fmt(s.secondHalfMbPer100kCalls)} MB per 100k calls)`,
    );
  }
  if (start)
    lines.push(
      `- start-up: median ${start.medianMs} ms over ${start.runs} (min ${start.minMs}, max ${start.maxMs})`,
    );
  return lines;
}
