/**
 * @module Starts one plugin host: a worker thread (`mode: worker`) or a child process under Node's
 * permission model (`mode: process`), and gives both the same face: post, exit, terminate.
 */
import { type ChildProcess, fork } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { SandboxPlugin } from "./contract.js";
import { fsReadAllowList, permissionFlags } from "./process-flags.js";
import type { FromHost, ToHost } from "./wire.js";

// Under vitest this module is the .ts source; the host entry is always the built JavaScript.
const HERE = fileURLToPath(import.meta.url);
export const HOST_ENTRY: string = HERE.endsWith(".ts")
  ? join(dirname(HERE), "..", "dist", "worker-main.js")
  : join(dirname(HERE), "worker-main.js");

/** Why a host stopped, when we stopped it; undefined means it died on its own (a crash). */
export type StopReason = "timeout" | "cancel" | "close" | undefined;

export interface HostEvents {
  message(message: FromHost): void;
  exit(detail: string): void;
}

export interface PluginHostProcess {
  post(message: ToHost): void;
  terminate(reason: Exclude<StopReason, undefined>): void;
  readonly stopReason: StopReason;
}

/** Only the variables the operator granted, never the runtime's own environment. */
export function grantedEnv(
  names: readonly string[],
  source: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of names) {
    const value = source[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

class ThreadHost implements PluginHostProcess {
  stopReason: StopReason;
  private readonly worker: Worker;
  constructor(plugin: SandboxPlugin, events: HostEvents) {
    const { sandbox } = plugin.entry;
    this.worker = new Worker(HOST_ENTRY, {
      env: grantedEnv(sandbox.env),
      resourceLimits: {
        maxOldGenerationSizeMb: sandbox.maxMemoryMb,
        maxYoungGenerationSizeMb: Math.min(16, Math.max(1, Math.floor(sandbox.maxMemoryMb / 8))),
      },
      // The plugin's console goes to stderr: stdout carries MCP in stdio mode.
      stdout: true,
      stderr: true,
      execArgv: [],
    });
    this.worker.stdout.pipe(process.stderr, { end: false });
    this.worker.stderr.pipe(process.stderr, { end: false });
    let detail = "";
    this.worker.on("message", events.message);
    this.worker.on("error", (cause: Error & { code?: string }) => {
      detail = cause.code === "ERR_WORKER_OUT_OF_MEMORY" ? "out of memory" : "uncaught error";
    });
    this.worker.on("exit", (code) => events.exit(detail || `exited with code ${code}`));
  }
  post(message: ToHost): void {
    this.worker.postMessage(message);
  }
  terminate(reason: Exclude<StopReason, undefined>): void {
    this.stopReason ??= reason;
    void this.worker.terminate();
  }
}

class ChildHost implements PluginHostProcess {
  stopReason: StopReason;
  private readonly child: ChildProcess;
  constructor(plugin: SandboxPlugin, events: HostEvents) {
    const { sandbox } = plugin.entry;
    const allow = fsReadAllowList(plugin, HOST_ENTRY).filter((path) => existsSync(path));
    this.child = fork(HOST_ENTRY, [], {
      execArgv: [...permissionFlags(allow), `--max-old-space-size=${sandbox.maxMemoryMb}`],
      env: grantedEnv(sandbox.env),
      serialization: "advanced",
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    this.child.stdout?.pipe(process.stderr, { end: false });
    this.child.stderr?.pipe(process.stderr, { end: false });
    this.child.on("message", (m) => events.message(m as FromHost));
    this.child.on("error", () => {});
    this.child.on("exit", (code, signal) =>
      events.exit(signal ? `killed by ${signal}` : `exited with code ${code}`),
    );
  }
  post(message: ToHost): void {
    if (this.child.connected) this.child.send(message);
  }
  terminate(reason: Exclude<StopReason, undefined>): void {
    this.stopReason ??= reason;
    this.child.kill("SIGKILL");
  }
}

export function startHost(plugin: SandboxPlugin, events: HostEvents): PluginHostProcess {
  return plugin.entry.sandbox.mode === "process"
    ? new ChildHost(plugin, events)
    : new ThreadHost(plugin, events);
}

export function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
