/** @module Starts the built runtime as the benchmarks and probes use it, and samples its memory from /proc. */
import { spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/**
 * Starts `serve --transport http --port 0` with a config object, or with the config file at a path
 * (a string, used as it is); resolves with its url and pid.
 */
export function startRuntime(repoRoot, workDir, config, env = {}) {
  const given = typeof config === "string";
  const configPath = given ? config : join(workDir, `config-${process.pid}-${Date.now()}.json`);
  if (!given) writeFileSync(configPath, JSON.stringify(config));
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      join(repoRoot, "apps/runtime/bin/mcp-runtime.js"),
      "serve",
      "--transport",
      "http",
      "--port",
      "0",
      "--config",
      configPath,
    ],
    { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ...env } },
  );
  return new Promise((resolve, reject) => {
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      const found = /mcp-runtime listening on (http:\/\/\S+\/mcp)/.exec(stderr);
      if (found) {
        child.stderr.removeAllListeners("data");
        child.stderr.resume();
        resolve({
          child,
          url: found[1],
          pid: child.pid,
          started,
          stop: () => stop(child).finally(() => given || rmSync(configPath, { force: true })),
        });
      }
    });
    child.once("exit", (code) => reject(new Error(`runtime exited (${code}) before ready:\n${stderr}`)));
  });
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once("exit", resolve);
    child.kill("SIGTERM");
  });
}

export const ECHO_CONFIG = {
  plugins: [{ package: "@mcp-runtime/plugin-echo" }],
  telemetry: { logLevel: "warn" },
};
