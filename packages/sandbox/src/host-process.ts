/**
 * @module Starts one plugin host: a worker thread (`mode: worker`) or a child process under Node's
 * permission model (`mode: process`), and gives both the same face: post, exit, terminate.
 */
import { type ChildProcess, fork } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";
import type { SandboxPlugin, SandboxSettings } from "./contract.js";
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

function threadOptions(sandbox: SandboxSettings): WorkerOptions & { env: Record<string, string> } {
  return {
    env: grantedEnv(sandbox.env),
    resourceLimits: {
      maxOldGenerationSizeMb: sandbox.maxMemoryMb,
      maxYoungGenerationSizeMb: Math.min(16, Math.max(1, Math.floor(sandbox.maxMemoryMb / 8))),
    },
    // The plugin's console goes to stderr: stdout carries MCP in stdio mode.
    stdout: true,
    stderr: true,
    execArgv: [],
  };
}

/** Threads started with equal options are interchangeable until they are sent their plugin. */
function threadKey(options: WorkerOptions): string {
  return JSON.stringify([options.env, options.resourceLimits]);
}

function startThread(options: WorkerOptions): Worker {
  const worker = new Worker(HOST_ENTRY, options);
  worker.stdout.pipe(process.stderr, { end: false });
  worker.stderr.pipe(process.stderr, { end: false });
  return worker;
}

interface WarmThread {
  readonly worker: Worker;
  readonly key: string;
  failed: boolean;
  readonly onFailure: () => void;
}

/** Threads started by `prewarmThreads` that no pool has taken yet (this thread's only). */
const warmThreads: WarmThread[] = [];

/**
 * Starts the threads of these plugins (`mode: worker`, `poolSize` each) before their pools exist:
 * a thread's boot (a V8 isolate, Node's bootstrap, the host's imports: ~90 ms) then runs beside
 * the main thread's own start-up instead of after it. A pool starting a host with the same
 * options takes one; `releaseWarmThreads` stops those left over. Until taken, a thread has been
 * sent no plugin and runs no plugin code, and does not keep the process alive.
 */
export function prewarmThreads(sandboxes: readonly SandboxSettings[]): void {
  for (const sandbox of sandboxes) {
    if (sandbox.mode !== "worker") continue;
    const options = threadOptions(sandbox);
    for (let i = 0; i < sandbox.poolSize; i++) {
      const worker = startThread(options);
      worker.unref();
      const warm: WarmThread = {
        worker,
        key: threadKey(options),
        failed: false,
        onFailure: () => {
          warm.failed = true;
        },
      };
      worker.once("error", warm.onFailure).once("exit", warm.onFailure);
      warmThreads.push(warm);
    }
  }
}

/** Stops the prewarmed threads no pool took (their plugins failed, or ran with other options). */
export function releaseWarmThreads(): void {
  for (const warm of warmThreads.splice(0)) {
    warm.worker.off("error", warm.onFailure).off("exit", warm.onFailure);
    // Swallowed: a thread that failed on its own already reported nothing to anyone.
    warm.worker.on("error", () => {});
    void warm.worker.terminate();
  }
}

function takeWarmThread(options: WorkerOptions): Worker | undefined {
  const key = threadKey(options);
  const index = warmThreads.findIndex((warm) => warm.key === key && !warm.failed);
  if (index < 0) return undefined;
  const [warm] = warmThreads.splice(index, 1) as [WarmThread];
  warm.worker.off("error", warm.onFailure).off("exit", warm.onFailure);
  warm.worker.ref();
  return warm.worker;
}

class ThreadHost implements PluginHostProcess {
  stopReason: StopReason;
  private readonly worker: Worker;
  constructor(plugin: SandboxPlugin, events: HostEvents) {
    const options = threadOptions(plugin.entry.sandbox);
    this.worker = takeWarmThread(options) ?? startThread(options);
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
