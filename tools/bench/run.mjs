#!/usr/bin/env node
/**
 * @module `npm run bench`: mcp-runtime beside the official SDK anchors and the raw node:http /
 * stdio ceilings in the same run, then the ratios issue #8 targets. Options:
 *   --quick            1 run, short warm-up (a smoke run; figures are rough)
 *   --runs N --duration S   passed to the harness (default 2 runs, 10 s)
 *   --soak [--calls N] --idle-sessions [--sessions N] --startup   the extra probes (--all: every probe)
 *   --no-throughput    skip the harness (probes only)
 *   --with-in-process  also measure the modern target with plugins on the main thread (the worker hop's price)
 *   --telemetry        also measure the modern target with telemetry off, with tracing on (OTLP to a
 *                      discarding sink, default sampler) and with tracing on and the sidecar connected
 *   --compare DIR      also measure the modern target served by another built checkout (e.g. the
 *                      commit before a hot-path change), as "mcp-runtime-modern-compare"
 *   --policy           also measure the modern target with the memory and the Redis limiter checking
 *                      every request (limits never reached), and cached vs uncached resources/read
 *   --upstream         also measure server-everything's echo hosted over stdio behind the runtime, beside
 *                      supergateway, mcp-proxy and server-everything's own Streamable HTTP mode
 *   --targets          issue #20's figures as one table: production-config HTTP in both eras, stdio,
 *                      WebSocket (ws-driver.mjs, --ws-conns N --ws-inflight K), hosted upstream vs the
 *                      gateways, the soak in both eras (--calls N) and start-up (see targets.mjs)
 *   --only a,b         passed to the harness: measure only these rows (anchors and targets)
 * Results: tools/bench/results/<time>.json and a markdown table on stdout.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { locateHarness, prepareHarness } from "./harness.mjs";
import { limiterConfigs, readProbe, startBenchRedis } from "./policy-probes.mjs";
import { idleSessions, median, soak, startup } from "./probes.mjs";
import {
  PROD_MODERN,
  productionConfig,
  productionTargets,
  TARGET_ROWS,
  targetsDetails,
  targetsTable,
  wsProbe,
} from "./targets.mjs";
import {
  markTargets,
  startRssSampler,
  upstreamRatios,
  upstreamTable,
  upstreamTargets,
} from "./upstream-targets.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const repoRoot = join(here, "..", "..");
const workDir = join(here, ".work");
const resultsDir = join(here, "results");
mkdirSync(workDir, { recursive: true });
mkdirSync(resultsDir, { recursive: true });

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    runs: { type: "string" },
    duration: { type: "string" },
    soak: { type: "boolean", default: false },
    calls: { type: "string" },
    "idle-sessions": { type: "boolean", default: false },
    sessions: { type: "string" },
    startup: { type: "boolean", default: false },
    all: { type: "boolean", default: false },
    "no-throughput": { type: "boolean", default: false },
    "with-in-process": { type: "boolean", default: false },
    telemetry: { type: "boolean", default: false },
    policy: { type: "boolean", default: false },
    compare: { type: "string" },
    upstream: { type: "boolean", default: false },
    only: { type: "string" },
    targets: { type: "boolean", default: false },
    "ws-conns": { type: "string", default: "8" },
    "ws-inflight": { type: "string", default: "4" },
  },
});

const log = (line) => process.stderr.write(`[bench] ${line}\n`);
const fmt = (n, digits = 2) => (n === undefined || n === null || Number.isNaN(n) ? "–" : n.toFixed(digits));

const cli = `node ${join(repoRoot, "apps/runtime/bin/mcp-runtime.js")}`;
const echoConfig = join(workDir, "echo.json");
writeFileSync(
  echoConfig,
  JSON.stringify({ plugins: [{ package: "@mcp-runtime/plugin-echo" }], telemetry: { logLevel: "warn" } }),
);

const telemetryConfig = (telemetry) => {
  const file = join(workDir, `echo-${Object.keys(telemetry).join("-") || "default"}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      plugins: [{ package: "@mcp-runtime/plugin-echo" }],
      telemetry: { logLevel: "warn", ...telemetry },
    }),
  );
  return file;
};

/** The OTLP sink and the sidecar the telemetry targets talk to; both pinned off the server's core. */
async function startTelemetryPeers() {
  const started = (command, args, ready) =>
    new Promise((resolve, reject) => {
      const child = spawn("taskset", ["-c", "1", process.execPath, ...args], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      const onData = (chunk) => {
        out += chunk;
        const found = ready.exec(out);
        if (found) resolve({ child, url: found[1] });
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      child.once("exit", (code) => reject(new Error(`${command} exited (${code}):\n${out}`)));
    });
  const sink = await started("otlp-sink", [join(here, "otlp-sink.mjs")], /listening on (http:\/\/\S+)/);
  const sidecarYaml = join(workDir, "sidecar.yaml");
  rmSync(join(workDir, "audit"), { recursive: true, force: true });
  writeFileSync(sidecarYaml, "audit: { dir: ./audit }\nlogLevel: warn\n");
  const sidecar = await started(
    "mcp-sidecar",
    [join(repoRoot, "apps/sidecar/bin/mcp-sidecar.js"), "--config", sidecarYaml, "--port", "0"],
    /mcp-sidecar listening on (http:\/\/\S+)/,
  );
  return {
    otlp: sink.url,
    sidecar: sidecar.url.replace(/^http/, "ws"),
    stop() {
      sink.child.kill("SIGTERM");
      sidecar.child.kill("SIGTERM");
    },
  };
}

function telemetryTargets(peers) {
  if (!peers) return [];
  const target = (name, telemetry) => [
    "--target",
    name,
    "--cmd",
    `${cli} serve --transport http --port $PORT --config ${telemetryConfig(telemetry)}`,
    "--modern",
  ];
  return [
    ...target("mcp-runtime-modern-telemetry-off", { metrics: false }),
    ...target("mcp-runtime-modern-traced", { otlp: peers.otlp }),
    ...target("mcp-runtime-modern-traced-sidecar", { otlp: peers.otlp, sidecar: peers.sidecar }),
  ];
}

function policyTargets(configs) {
  if (!configs) return [];
  const target = (name, file) => [
    "--target",
    name,
    "--cmd",
    `${cli} serve --transport http --port $PORT --config ${file}`,
    "--modern",
  ];
  return [
    ...target("mcp-runtime-modern-limits-memory", configs.memory),
    ...target("mcp-runtime-modern-limits-redis", configs.redis),
  ];
}

async function throughput(peers, limiters) {
  const harness = prepareHarness(locateHarness(repoRoot), workDir);
  const args = markTargets([
    "--out",
    join(workDir, "harness-results"),
    "--runs",
    values.runs ?? (values.quick ? "1" : "2"),
    "--duration",
    values.duration ?? (values.quick ? "5" : "10"),
    ...(values.quick ? ["--warmup", "12"] : []),
    ...(values.only || values.targets ? ["--only", values.only ?? TARGET_ROWS.join(",")] : []),
    "--target",
    "mcp-runtime-modern",
    "--cmd",
    `${cli} serve --transport http --port $PORT --config ${echoConfig}`,
    "--modern",
    "--target",
    "mcp-runtime-legacy",
    "--cmd",
    `${cli} serve --transport http --port $PORT --config ${echoConfig}`,
    "--stateful",
    "--target",
    "mcp-runtime-stdio",
    "--stdio",
    "--cmd",
    `${cli} serve --transport stdio --config ${echoConfig}`,
    // The same modern target with plugins on the main thread: prices the sandbox's worker hop.
    ...(values["with-in-process"]
      ? [
          "--target",
          "mcp-runtime-modern-inprocess",
          "--cmd",
          `MCP_RUNTIME_EXECUTOR=in-process ${cli} serve --transport http --port $PORT --config ${echoConfig}`,
          "--modern",
        ]
      : []),
    ...telemetryTargets(values.telemetry ? peers : undefined),
    ...(values.targets && peers ? productionTargets(cli, workDir, peers, echoConfig) : []),
    ...policyTargets(limiters),
    ...(values.compare
      ? [
          "--target",
          "mcp-runtime-modern-compare",
          "--cmd",
          `node ${join(values.compare, "apps/runtime/bin/mcp-runtime.js")} serve --transport http --port $PORT --config ${echoConfig}`,
          "--modern",
        ]
      : []),
    ...(values.upstream || values.targets ? upstreamTargets(repoRoot, workDir, cli).args : []),
  ]);
  log(`harness: ${harness}/run.sh ${args.join(" ")}`);
  const sampler = startRssSampler();
  const status = await new Promise((resolve) =>
    spawn(join(harness, "run.sh"), args, { stdio: ["ignore", "inherit", "inherit"] }).once("exit", resolve),
  );
  const rss = sampler.stop();
  if (status !== 0) log(`harness exited with ${status}`);
  const dir = join(workDir, "harness-results");
  const newest = readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .at(-1);
  return { ...JSON.parse(readFileSync(join(dir, newest), "utf8")), rssSampled: rss };
}

/** Each telemetry variant's req/s as a share of the same build with telemetry off. */
function telemetryRatios(row, modern) {
  const off = row("mcp-runtime-modern-telemetry-off");
  if (!off) return {};
  const share = (r) => (r ? r.rps / off.rps : undefined);
  return {
    metricsVsOff: share(modern),
    tracedVsOff: share(row("mcp-runtime-modern-traced")),
    tracedSidecarVsOff: share(row("mcp-runtime-modern-traced-sidecar")),
  };
}

const share = (row, base) => (row && base ? row.rps / base.rps : undefined);

/** Per-run ratios, then the median across runs. */
function ratios(result) {
  const perRun = result.runs.map(({ rows }) => {
    const row = (name) => rows.find((r) => r.name === name);
    const rawHttp = row("raw-http");
    const rawStdio = row("raw-stdio (pipe 64)");
    const sdkBest = Math.max(
      ...rows.filter((r) => /^sdk2?-/.test(r.name) && r.kind !== "stdio").map((r) => r.rps),
    );
    const modern = row("mcp-runtime-modern");
    const legacy = row("mcp-runtime-legacy");
    const stdio = row("mcp-runtime-stdio (pipe 64)");
    return {
      modernVsRaw: modern && rawHttp ? modern.rps / rawHttp.rps : undefined,
      modernVsSdk: modern ? modern.rps / sdkBest : undefined,
      legacyVsRaw: legacy && rawHttp ? legacy.rps / rawHttp.rps : undefined,
      stdioVsRaw: stdio && rawStdio ? stdio.rps / rawStdio.rps : undefined,
      p99VsRaw: modern && rawHttp ? modern.p99_ms / rawHttp.p99_ms : undefined,
      sandboxVsInProcess:
        modern && row("mcp-runtime-modern-inprocess")
          ? modern.rps / row("mcp-runtime-modern-inprocess").rps
          : undefined,
      ...telemetryRatios(row, modern),
      modernVsCompare: share(modern, row("mcp-runtime-modern-compare")),
      memoryLimiterVsOff: share(row("mcp-runtime-modern-limits-memory"), modern),
      redisLimiterVsOff: share(row("mcp-runtime-modern-limits-redis"), modern),
    };
  });
  // Taking the upper of two runs flattered higher-is-better ratios and penalised p99.
  const med = (key) => median(perRun.map((r) => r[key]).filter((x) => x !== undefined));
  return { perRun, median: Object.fromEntries(Object.keys(perRun[0] ?? {}).map((k) => [k, med(k)])) };
}

/**
 * `--targets`: the harness rows of targets.mjs, then the WebSocket probe, the soak in both eras
 * (all against the production config, so the OTLP sink and the sidecar stay up until the soaks are
 * done) and start-up; one table.
 */
async function measureTargets() {
  const runs = Number(values.runs ?? (values.quick ? 1 : 2));
  const seconds = Number(values.duration ?? (values.quick ? 5 : 10));
  const calls = Number(values.calls ?? (values.quick ? 100_000 : 1_000_000));
  const measured = { ws: [], soaks: [] };
  const peers = await startTelemetryPeers();
  try {
    if (!values["no-throughput"]) {
      measured.throughput = await throughput(peers, undefined);
      log(`WebSocket: ${runs} × ${seconds} s against the production config (compared with ${PROD_MODERN})`);
      try {
        measured.ws = await wsProbe(repoRoot, workDir, peers, {
          runs,
          seconds,
          warmup: values.quick ? 4 : 6,
          conns: values["ws-conns"],
          inflight: values["ws-inflight"],
        });
      } catch (error) {
        log(`WebSocket probe failed: ${error.message}`);
      }
    }
    for (const era of ["modern", "legacy"]) {
      log(`soak (${era}): ${calls} calls, production config`);
      measured.soaks.push(await soak(repoRoot, workDir, { calls, era, config: productionConfig(peers) }));
    }
  } finally {
    peers.stop();
  }
  log("start-up: starting");
  measured.start = await startup(repoRoot, workDir);
  const table = targetsTable(measured, fmt);
  report.throughput = measured.throughput;
  report.targets = {
    ratiosPerRun: table.perRun,
    medians: table.medians,
    ws: measured.ws,
    soaks: measured.soaks,
    startup: measured.start,
  };
  lines.push(
    `### Issue #20 targets (\`--targets\`: ${runs} run(s) × ${seconds} s, ratios to the anchors of the same run)`,
    "",
    ...table.lines,
    "",
    ...targetsDetails(measured, fmt),
    "",
  );
}

const report = { time: new Date().toISOString(), node: process.version };
const lines = ["## mcp-runtime benchmark", ""];
if (values.targets) {
  await measureTargets();
} else if (!values["no-throughput"]) {
  const peers = values.telemetry ? await startTelemetryPeers() : undefined;
  const redis = values.policy ? await startBenchRedis(workDir) : undefined;
  let result;
  try {
    result = await throughput(peers, redis && limiterConfigs(workDir, redis.url));
  } finally {
    peers?.stop();
    redis?.stop();
  }
  report.throughput = result;
  const { perRun, median: medians } = ratios(result);
  report.ratios = medians;
  report.ratiosPerRun = perRun;
  const target = (value, goal, higher = true) =>
    value === undefined ? "–" : (higher ? value >= goal : value <= goal) ? "met" : "not met";
  const runs = (key, digits = 2) => perRun.map((r) => fmt(r[key], digits)).join(" / ");
  const row = (label, key, goal, higher = true, digits = 2) =>
    `| ${label} | ${fmt(medians[key], digits)} | ${runs(key, digits)} | ${goal === undefined ? "–" : `${higher ? "≥" : "≤"} ${goal}`} | ${goal === undefined ? "" : target(medians[key], goal, higher)} |`;
  lines.push(
    "| figure | median of runs | per run | target | |",
    "|---|---:|---:|---:|---|",
    row("HTTP modern req/s ÷ raw-http", "modernVsRaw", 0.4),
    row("HTTP modern req/s ÷ fastest SDK anchor", "modernVsSdk", 5, true, 1),
    row("HTTP legacy session req/s ÷ raw-http", "legacyVsRaw", 0.35),
    row("stdio pipelined calls/s ÷ raw-stdio", "stdioVsRaw", 0.6),
    row("p99 (modern) ÷ raw-http p99", "p99VsRaw", 2, false),
    row("modern sandboxed ÷ same build in-process (worker hop)", "sandboxVsInProcess"),
    ...(values.telemetry
      ? [
          row("modern, metrics on (default config) ÷ telemetry off", "metricsVsOff"),
          row("modern, tracing on (default sampler) ÷ telemetry off", "tracedVsOff", 0.85),
          row("modern, tracing on + sidecar connected ÷ telemetry off", "tracedSidecarVsOff", 0.85),
        ]
      : []),
    ...(values.compare ? [row(`modern ÷ same target built from ${values.compare}`, "modernVsCompare")] : []),
    ...(values.policy
      ? [
          row("modern, memory limiter (client + tool) ÷ no limits", "memoryLimiterVsOff", 0.95),
          row("modern, Redis limiter (client + tool) ÷ no limits", "redisLimiterVsOff"),
        ]
      : []),
    "",
  );
  if (values.upstream) {
    const perRunUpstream = upstreamRatios(result.runs);
    const medUp = (key) => median(perRunUpstream.map((r) => r[key]).filter((x) => x !== undefined));
    report.upstream = {
      commands: upstreamTargets(repoRoot, workDir, cli).commands,
      ratiosPerRun: perRunUpstream,
      upstreamVsGateway: medUp("upstreamVsGateway"),
      upstreamModernVsGateway: medUp("upstreamModernVsGateway"),
      rss: result.rssSampled,
    };
    const perRunText = (key) =>
      perRunUpstream.map((r) => `${fmt(r[key])} (vs ${r.fasterGateway})`).join(" / ");
    lines.push(
      "### Hosting server-everything over stdio (`--upstream`)",
      "",
      ...upstreamTable(result.runs, result.rssSampled ?? {}, fmt),
      "",
      `Runtime (2025-11-25 session) ÷ faster gateway: median ${fmt(report.upstream.upstreamVsGateway)} (per run ${perRunText("upstreamVsGateway")}; target ≥ 3: ${target(report.upstream.upstreamVsGateway, 3)}).`,
      `Runtime (2026-07-28) ÷ faster gateway: median ${fmt(report.upstream.upstreamModernVsGateway)} (per run ${perRunText("upstreamModernVsGateway")}).`,
      "RSS: the target's whole process tree (gateway or runtime plus its server-everything child), sampled every 0.5 s over warm-up and measurement: half-way through the process's life → at 90 % of it (growth after warm-up), and the peak.",
      "",
    );
  }
}
if (values.policy) {
  log("read probe: cached vs uncached resources/read");
  const result = await readProbe(repoRoot, workDir, {
    runs: Number(values.runs ?? (values.quick ? 1 : 2)),
    seconds: Number(values.duration ?? (values.quick ? 5 : 10)),
  });
  report.readProbe = result;
  lines.push(
    `resources/read of a 1 KB plugin resource, cached ÷ uncached req/s: median ${fmt(result.medianRatio)} (per run ${result.perRun.map((r) => fmt(r.ratio)).join(" / ")}; cached ${result.perRun.map((r) => Math.round(r.cached.rps)).join(" / ")} req/s, uncached ${result.perRun.map((r) => Math.round(r.uncached.rps)).join(" / ")} req/s; p99 cached ${result.perRun.map((r) => fmt(r.cached.p99Ms)).join(" / ")} ms, uncached ${result.perRun.map((r) => fmt(r.uncached.p99Ms)).join(" / ")} ms; failed responses ${result.perRun.reduce((n, r) => n + r.cached.bad + r.uncached.bad, 0)}).`,
    "",
  );
}
if ((values.soak || values.all) && !values.targets) {
  log("soak: starting");
  const result = await soak(repoRoot, workDir, { calls: Number(values.calls ?? 1_000_000) });
  report.soak = result;
  lines.push(
    `Soak: ${result.calls} calls after ${result.warmupCalls} warm-up calls (${result.failed} failed) in ${result.seconds} s, ${result.abandonedSessions} legacy sessions abandoned alongside; RSS ${result.rssBaselineMb} → ${result.rssEndMb} MB (growth ${result.rssGrowthMb} MB, target ≤ 16; max ${result.rssMaxMb}; second half ${fmt(result.secondHalfMbPer100kCalls)} MB per 100k calls).`,
  );
}
if (values["idle-sessions"] || values.all) {
  log("idle sessions: starting");
  const result = await idleSessions(repoRoot, workDir, { count: Number(values.sessions ?? 10_000) });
  report.idleSessions = result;
  lines.push(
    `Idle sessions: ${result.sessions} opened: +${result.rssAboveBaselineMb} MB RSS above baseline (target ≤ 100); evicted after the idle timeout: ${result.evicted ? "yes" : "NO"} (RSS then ${result.rssAfterEvictionMb} MB).`,
  );
}
if ((values.startup || values.all) && !values.targets) {
  log("start-up: starting");
  const result = await startup(repoRoot, workDir);
  report.startup = result;
  lines.push(
    `Start to /readyz ready (default config, mcp-runtime.yaml): median ${result.medianMs} ms over ${result.runs} (min ${result.minMs}, max ${result.maxMs}; target ≤ 400).`,
  );
}
const file = join(resultsDir, `${report.time.replace(/[:.]/g, "-")}.json`);
writeFileSync(file, JSON.stringify(report, null, 2));
lines.push("", `JSON: ${file}`);
process.stdout.write(`${lines.join("\n")}\n`);
