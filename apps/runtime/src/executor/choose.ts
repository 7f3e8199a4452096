/**
 * @module Picks the executor: the sandbox (each plugin in its own worker-thread pool, or a child
 * process for `sandbox.mode: process`) unless `MCP_RUNTIME_EXECUTOR=in-process` asks for the
 * main thread (benchmarks price the worker hop with it).
 */
import { type PoolHealth, SandboxExecutor } from "@mcp-runtime/sandbox";
import type { Logger } from "../logger.js";
import type { ResolvedPlugin } from "../plugins/resolve.js";
import type { Executor, PluginHost } from "./executor.js";
import { InProcessExecutor } from "./in-process.js";
import { ScrubbingExecutor } from "./scrubbed-host.js";

/** An executor that can also report per-plugin sandbox health (for /readyz). */
export interface ReportingExecutor extends Executor {
  health?(): PoolHealth[];
}

class SandboxedExecutor implements ReportingExecutor {
  readonly kind = "sandbox";
  private readonly sandbox: SandboxExecutor;
  constructor(logger: Logger) {
    this.sandbox = new SandboxExecutor({ onEvent: (event) => logger.warn(event) });
  }
  load(plugin: ResolvedPlugin): Promise<PluginHost> {
    const breaker = plugin.entry.sandbox.breaker;
    return this.sandbox.load(
      plugin,
      breaker && {
        breaker: { threshold: breaker.maxCrashes, windowMs: breaker.windowMs, cooldownMs: breaker.openMs },
      },
    );
  }
  health(): PoolHealth[] {
    return this.sandbox.health();
  }
  close(): Promise<void> {
    return this.sandbox.close();
  }
}

/** Adds the client-safe error boundary (see scrubbed-host.ts) to an executor, keeping its health. */
function scrubbing(executor: ReportingExecutor, logger: Logger): ReportingExecutor {
  const wrapped = new ScrubbingExecutor(executor, logger);
  const health = executor.health?.bind(executor);
  return health === undefined ? wrapped : Object.assign(wrapped, { health });
}

export function chooseExecutor(env: NodeJS.ProcessEnv, logger: Logger): ReportingExecutor {
  const choice = env.MCP_RUNTIME_EXECUTOR ?? "sandbox";
  if (choice === "in-process") return scrubbing(new InProcessExecutor(), logger);
  if (choice !== "sandbox")
    throw new TypeError(`MCP_RUNTIME_EXECUTOR must be "sandbox" or "in-process", not "${choice}"`);
  return scrubbing(new SandboxedExecutor(logger), logger);
}
