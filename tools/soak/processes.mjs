/**
 * @module The processes a soak runs against: redis-server, the sidecar and the HTTP runtime, each
 * on a free port, each stopped with SIGTERM and awaited. The stdio runtime is spawned by the SDK's
 * StdioClientTransport (workload.mjs).
 */
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import { join } from "node:path";
import { spawnRedis } from "../bench/policy-probes.mjs";

export const repoRoot = new URL("../../", import.meta.url).pathname;
export const RUNTIME_CLI = join(repoRoot, "apps/runtime/bin/mcp-runtime.js");
export const SIDECAR_CLI = join(repoRoot, "apps/sidecar/bin/mcp-sidecar.js");
const PROBE = new URL("./probe.mjs", import.meta.url).href;

/** RSS in bytes from /proc, or undefined when the process is gone. */
export function rssOf(pid) {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
    return Number.isFinite(kb) ? kb * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** A managed child: its exit is awaited once, and stop() sends SIGTERM and waits (bounded, then SIGKILL). */
function managed(name, child) {
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return {
    name,
    child,
    pid: child.pid,
    exited,
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop(graceMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/** Spawns node with args, logs stderr to a file, resolves once `ready` matches it. */
function spawnReady(name, args, ready, logFile, env = process.env) {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"], env });
  const log = createWriteStream(logFile);
  let seen = "";
  return new Promise((resolve, reject) => {
    const onExit = (code) =>
      reject(new Error(`${name} exited (${code}) before ready:\n${seen.slice(-4000)}`));
    child.once("exit", onExit);
    child.stderr.on("data", (chunk) => {
      log.write(chunk);
      if (seen === null) return;
      seen += chunk;
      const found = ready.exec(seen);
      if (found) {
        seen = null;
        child.off("exit", onExit);
        resolve({ ...managed(name, child), url: found[1] });
      }
    });
  });
}

export async function startRedis(workDir) {
  const { child, url } = await spawnRedis(workDir);
  return { ...managed("redis", child), url };
}

export function startSidecar(configFile, workDir) {
  return spawnReady(
    "sidecar",
    [SIDECAR_CLI, "--config", configFile, "--port", "0"],
    /mcp-sidecar listening on (http:\/\/\S+)/,
    join(workDir, "sidecar.log"),
  );
}

export function startHttpRuntime(configFile, workDir, probeFile) {
  return spawnReady(
    "runtime",
    ["--import", PROBE, RUNTIME_CLI, "serve", "--transport", "http", "--port", "0", "--config", configFile],
    /mcp-runtime listening on (http:\/\/\S+\/mcp)/,
    join(workDir, "runtime.log"),
    { ...process.env, SOAK_PROBE_FILE: probeFile, SOAK_PROBE_MS: "10000" },
  );
}

/** `mcp-sidecar audit verify FILES...`: { code, out }. */
export function auditVerify(files) {
  const run = spawnSync(process.execPath, [SIDECAR_CLI, "audit", "verify", ...files], { encoding: "utf8" });
  return { code: run.status, out: `${run.stdout}${run.stderr}`.trim() };
}

/** Prometheus text: the sum of the samples of `name` whose labels include every pair in `labels`. */
export function metricSum(text, name, labels = {}) {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name) || line.startsWith("#")) continue;
    const match = /^(\w+)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const set = match[2] ?? "";
    if (Object.entries(labels).every(([k, v]) => set.includes(`${k}="${v}"`))) sum += Number(match[3]);
  }
  return sum;
}
