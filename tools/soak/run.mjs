/**
 * @module `npm run soak [-- --minutes N]`: a mixed workload against the built runtime (HTTP, both
 * eras, stdio, tasks, cache hits, auth failures, a crashing plugin, config reloads through the
 * sidecar) for N minutes (default 30), sampling memory, heap, event-loop lag and handles every 10 s.
 * Prints a table, writes tools/soak/results/soak-<time>.json, exits 1 when an exit criterion fails
 * (README.md lists them).
 */
import { createHash, randomBytes } from "node:crypto";
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  auditVerify,
  metricSum,
  RUNTIME_CLI,
  repoRoot,
  rssOf,
  startHttpRuntime,
  startRedis,
  startSidecar,
} from "./processes.mjs";
import { printReport } from "./report.mjs";
import { runWorkload, stdioTransport, Tally } from "./workload.mjs";

const MiB = 1024 * 1024;
// RSS may grow this much from the first sample after warm-up to the last one (caches, pools and
// JIT settle in the warm-up; 64 MiB is well above what a bounded cache and session store hold here).
const RSS_GROWTH_BOUND = 64 * MiB;
const SAMPLE_MS = 10_000;

const { values } = parseArgs({
  options: { minutes: { type: "string", default: "30" }, keep: { type: "boolean" } },
});
const minutes = Number(values.minutes);
if (!(minutes > 0)) throw new TypeError('"--minutes" must be a positive number');
const durationMs = minutes * 60_000;
const warmUpMs = Math.min(60_000, durationMs * 0.2);

for (const built of [RUNTIME_CLI, join(repoRoot, "apps/runtime/dist"), join(repoRoot, "apps/sidecar/dist")])
  if (!existsSync(built)) throw new Error(`${built} is missing: run npm run build first`);

const work = mkdtempSync(join(tmpdir(), "mcp-soak-"));
const auditDir = join(work, "audit");
const configFile = join(work, "runtime.json");
const stdioConfigFile = join(work, "runtime-stdio.json");
const sidecarConfig = join(work, "sidecar.json");
const probeFile = join(work, "probe.jsonl");
const fixture = (name) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const token = randomBytes(32).toString("base64url");
const log = (line) => process.stderr.write(`[soak] ${line}\n`);

function runtimeConfig(redisUrl, sidecarWs, generation) {
  return {
    server: { sessions: "redis" },
    redis: { url: redisUrl },
    plugins: [
      { package: "@mcp-runtime/plugin-echo" },
      { path: fixture("crashy") },
      { path: fixture("slow") },
    ],
    auth: {
      mode: "tokens",
      tokens: [{ sha256: createHash("sha256").update(token).digest("hex"), subject: "soak", scopes: [] }],
    },
    // The reload changes only the TTL: alternately 60 and 120 s, both longer than a hit's reuse.
    cache: {
      backend: "memory",
      ttlSeconds: generation % 2 === 0 ? 60 : 120,
      tools: { echo: { scope: "private" } },
    },
    queue: { backend: "memory", longCallMs: 100 },
    telemetry: { sidecar: sidecarWs, logLevel: "warn" },
  };
}

const processes = [];
const samples = [];
const result = { startedAt: new Date().toISOString(), minutes, rssGrowthBoundMb: RSS_GROWTH_BOUND / MiB };
let exitCode = 0;
const failures = [];
const fail = (reason) => {
  failures.push(reason);
  exitCode = 1;
};

try {
  const redis = await startRedis(work);
  processes.push(redis);
  mkdirSync(auditDir);
  // The sidecar needs the watched file to exist; its ws URL is known once it listens, so the first
  // version names a placeholder sidecar and is rewritten before the runtime starts.
  writeFileSync(configFile, JSON.stringify(runtimeConfig(redis.url, "ws://127.0.0.1:1", 0), null, 2));
  writeFileSync(
    sidecarConfig,
    JSON.stringify({
      host: "127.0.0.1",
      logLevel: "warn",
      audit: { dir: auditDir },
      watch: configFile,
      dashboard: { enabled: false },
    }),
  );
  const sidecar = await startSidecar(sidecarConfig, work);
  processes.push(sidecar);
  const sidecarWs = sidecar.url.replace(/^http/, "ws");
  let generation = 0;
  const writeConfig = () =>
    writeFileSync(configFile, JSON.stringify(runtimeConfig(redis.url, sidecarWs, generation), null, 2));
  writeConfig();
  const runtime = await startHttpRuntime(configFile, work, probeFile);
  processes.push(runtime);
  const origin = new URL(runtime.url).origin;
  writeFileSync(
    stdioConfigFile,
    JSON.stringify({ plugins: [{ package: "@mcp-runtime/plugin-echo" }], telemetry: { logLevel: "warn" } }),
  );
  const stdio = {
    transport: stdioTransport(RUNTIME_CLI, stdioConfigFile, createWriteStream(join(work, "stdio.log"))),
  };
  let stdioPid;
  stdio.started = (pid) => {
    stdioPid = pid;
  };
  log(
    `runtime ${runtime.url} (pid ${runtime.pid}), sidecar ${sidecar.url}, redis ${redis.url}, ${minutes} min`,
  );

  const metricsOf = async (base) =>
    (await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  const tally = new Tally();
  const started = Date.now();
  let deadline = started + durationMs;
  let phase = "load";
  let reloadsWritten = 0;
  const died = () =>
    processes.find((p) => !p.alive()) ??
    (stdioPid !== undefined && !stdio.closing && rssOf(stdioPid) === undefined
      ? { name: "stdio runtime" }
      : undefined);

  const sample = async () => {
    const probe = readFileSync(probeFile, "utf8").trim().split("\n").at(-1);
    const inner = probe ? JSON.parse(probe) : {};
    const row = {
      phase,
      t: Math.round((Date.now() - started) / 1000),
      rss: rssOf(runtime.pid),
      heapUsed: inner.heapUsed,
      lagP99Ms: inner.lagP99Ms,
      lagMaxMs: inner.lagMaxMs,
      handles: inner.handles,
      sidecarRss: rssOf(sidecar.pid),
      stdioRss: stdioPid === undefined ? undefined : rssOf(stdioPid),
      calls: Object.values(tally.counts).reduce((s, r) => s + Object.values(r).reduce((a, b) => a + b, 0), 0),
    };
    samples.push(row);
    log(
      `t=${row.t}s rss=${(row.rss / MiB).toFixed(1)}MB heap=${((row.heapUsed ?? 0) / MiB).toFixed(1)}MB lagP99=${row.lagP99Ms?.toFixed(1)}ms handles=${row.handles} calls=${row.calls} unexpected=${tally.total("unexpected_error")}`,
    );
    const gone = died();
    if (gone) {
      fail(`${gone.name} died during the run`);
      deadline = Date.now();
    }
  };
  // The probe writes its first line after 10 s; the sampler reads it 1 s later.
  const sampler = setInterval(
    () => void sample().catch((e) => log(`sample failed: ${e.message}`)),
    SAMPLE_MS,
  );
  const before = await metricsOf(origin);
  await new Promise((r) => setTimeout(r, 0));
  await runWorkload({
    url: runtime.url,
    token,
    tally,
    stdio,
    until: () => deadline,
    onReload: () => {
      generation++;
      reloadsWritten++;
      writeConfig();
    },
  });
  clearInterval(sampler);
  phase = "idle";
  await new Promise((r) => setTimeout(r, SAMPLE_MS + 1_000));
  await sample();
  const elapsedMs = Date.now() - started;

  // Audit delivery is asynchronous: wait (bounded) until the sidecar has every event the runtime counted.
  const runtimeText = await metricsOf(origin);
  const toolCalls = metricSum(runtimeText, "mcp_requests_total", { method: "tools/call" });
  const authFailures = metricSum(runtimeText, "mcp_auth_failures_total");
  const auditDropped = metricSum(runtimeText, "mcp_audit_events_dropped_total");
  // Every tool call and every refused authentication is one audit event (config changes add more).
  const auditExpected = toolCalls + authFailures;

  let received = 0;
  for (let i = 0; i < 60; i++) {
    received = metricSum(await metricsOf(sidecar.url), "mcp_sidecar_events_received_total");
    if (received >= auditExpected) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const reloads = {
    written: reloadsWritten,
    applied: metricSum(runtimeText, "mcp_config_reloads_total", { outcome: "applied" }),
    refused: metricSum(runtimeText, "mcp_config_reloads_total", { outcome: "refused" }),
  };
  const cache = {
    hits:
      metricSum(runtimeText, "mcp_cache_requests_total", { outcome: "hit" }) -
      metricSum(before, "mcp_cache_requests_total", { outcome: "hit" }),
    misses:
      metricSum(runtimeText, "mcp_cache_requests_total", { outcome: "miss" }) -
      metricSum(before, "mcp_cache_requests_total", { outcome: "miss" }),
  };
  const restarts = metricSum(runtimeText, "mcp_sandbox_restarts_total");

  const gone = died();
  if (gone && !failures.some((f) => f.startsWith(gone.name))) fail(`${gone.name} died during the run`);
  // Shut down in dependency order; each must exit on SIGTERM by itself.
  for (const p of [runtime, sidecar]) {
    const { code, signal } = await p.stop();
    if (code !== 0) fail(`${p.name} exited with ${code ?? signal} on SIGTERM`);
  }
  const auditFiles = readdirSync(auditDir)
    .filter((n) => n.endsWith(".jsonl"))
    .sort()
    .map((n) => join(auditDir, n));
  const verify = auditVerify(auditFiles);
  const auditRecords = Number(/ok: (\d+) records/.exec(verify.out)?.[1] ?? 0);

  const afterWarmUp = samples.find((s) => s.t * 1000 >= warmUpMs) ?? samples[0];
  // Growth is measured under load (the last sample before the deadline); the idle sample after the
  // workload ends is reported beside it.
  const last = samples.findLast((s) => s.phase === "load") ?? samples.at(-1);
  const idle = samples.at(-1);
  const rssGrowth = (last?.rss ?? 0) - (afterWarmUp?.rss ?? 0);
  Object.assign(result, {
    elapsedSeconds: Math.round(elapsedMs / 1000),
    counts: tally.counts,
    unexpected: tally.unexpected,
    samples,
    memory: {
      rssStart: samples[0]?.rss,
      rssAfterWarmUp: afterWarmUp?.rss,
      rssEnd: last?.rss,
      rssIdle: idle?.rss,
      rssMax: Math.max(...samples.map((s) => s.rss ?? 0)),
      rssGrowthAfterWarmUp: rssGrowth,
      heapStart: samples[0]?.heapUsed,
      heapEnd: last?.heapUsed,
      heapIdle: idle?.heapUsed,
      heapMax: Math.max(...samples.map((s) => s.heapUsed ?? 0)),
      lagP99MaxMs: Math.max(...samples.map((s) => s.lagP99Ms ?? 0)),
      lagMaxMs: Math.max(...samples.map((s) => s.lagMaxMs ?? 0)),
      handlesStart: samples[0]?.handles,
      handlesEnd: last?.handles,
      handlesIdle: idle?.handles,
      sidecarRssStart: samples[0]?.sidecarRss,
      sidecarRssEnd: last?.sidecarRss,
      sidecarRssMax: Math.max(...samples.map((s) => s.sidecarRss ?? 0)),
      stdioRssStart: samples[0]?.stdioRss,
      stdioRssEnd: samples.findLast((s) => s.stdioRss !== undefined)?.stdioRss,
    },
    runtime: { toolCalls, authFailures, auditDropped, sandboxRestarts: restarts, cache, reloads },
    sidecar: {
      eventsReceived: received,
      auditFiles: auditFiles.length,
      auditRecords,
      verify: verify.out.slice(0, 500),
    },
  });

  const unexpected = tally.total("unexpected_error");
  if (unexpected > 0) fail(`${unexpected} unexpected errors`);
  const timeouts = tally.total("timeout");
  if (timeouts > 0) fail(`${timeouts} calls timed out`);
  if (rssGrowth > RSS_GROWTH_BOUND)
    fail(`RSS grew ${(rssGrowth / MiB).toFixed(1)} MB after warm-up (bound ${RSS_GROWTH_BOUND / MiB} MB)`);
  if (verify.code !== 0) fail(`audit verify failed: ${verify.out.slice(0, 300)}`);
  const counted = `runtime counted ${toolCalls} tools/call + ${authFailures} auth failures`;
  if (received < auditExpected) fail(`sidecar received ${received} events, ${counted}`);
  if (auditRecords < auditExpected) fail(`audit log holds ${auditRecords} records, ${counted}`);
  if (auditDropped > 0) fail(`runtime dropped ${auditDropped} audit events`);
  if (reloads.written > 0 && reloads.applied < reloads.written)
    fail(`${reloads.written} config changes written, ${reloads.applied} applied`);
  if (reloads.refused > 0) fail(`${reloads.refused} config reloads refused`);
  if (cache.hits === 0) fail("no cache hits");
} catch (error) {
  fail(`soak aborted: ${error.stack ?? error}`);
} finally {
  for (const p of processes.reverse()) if (p.alive()) await p.stop();
}

result.failures = failures;
result.passed = exitCode === 0;
const resultsDir = new URL("./results/", import.meta.url).pathname;
mkdirSync(resultsDir, { recursive: true });
const resultFile = join(resultsDir, `soak-${result.startedAt.replace(/[:.]/g, "-")}.json`);
writeFileSync(resultFile, `${JSON.stringify(result, null, 2)}\n`);
printReport(result);
console.log(`\nresult: ${resultFile}`);
if (exitCode !== 0) {
  console.log(`logs kept in ${work}`);
} else if (!values.keep) {
  rmSync(work, { recursive: true, force: true });
}
process.exit(exitCode);
