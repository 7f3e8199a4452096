/** @module Wires config, plugins, executor and the protocol server into one runtime. */
import { readFileSync } from "node:fs";
import type { RuntimeConfig } from "@mcp-runtime/config";
import type { ChangeNotifier } from "@mcp-runtime/plugin-sdk";
import { Catalog, McpServer } from "@mcp-runtime/protocol";
import type { PoolHealth } from "@mcp-runtime/sandbox";
import { chooseExecutor, type ReportingExecutor } from "./executor/choose.js";
import type { Executor, PluginHost } from "./executor/executor.js";
import type { Logger } from "./logger.js";
import { registerPlugin } from "./plugins/register.js";
import { type ResolvedPlugin, resolvePlugin } from "./plugins/resolve.js";
import { createTaskRuntime, type TaskRuntime } from "./queue/task-runtime.js";

export const RUNTIME_VERSION: string = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;

export interface LoadedPlugin {
  resolved: ResolvedPlugin;
  host: PluginHost;
}

export interface Runtime {
  readonly config: RuntimeConfig;
  readonly server: McpServer;
  readonly catalog: Catalog;
  readonly plugins: readonly LoadedPlugin[];
  readonly logger: Logger;
  /** per-plugin sandbox state (breaker, live workers), for /readyz; empty in process */
  health(): readonly PoolHealth[];
  /** the job queue behind long calls and MCP tasks */
  readonly tasks: TaskRuntime;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  config: RuntimeConfig;
  /** the directory relative plugin references are resolved against */
  baseDir: string;
  logger: Logger;
  executor?: Executor & Pick<ReportingExecutor, "health">;
  /** "worker": this process only consumes the queue (`mcp-runtime worker`) */
  role?: "serve" | "worker";
}

export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config, baseDir, logger } = options;
  const executor = options.executor ?? chooseExecutor(process.env, logger);
  const catalog = new Catalog();
  const tasks = await createTaskRuntime(config);
  const server = new McpServer({
    tasks: tasks.backend,
    info: { name: config.server.name, version: RUNTIME_VERSION, title: "mcp-runtime" },
    catalog,
    logger: {
      error: (event) => logger.error(event),
      warn: (event) => logger.warn(event),
      debug: (event) => logger.debug(event),
    },
  });
  const notifier: ChangeNotifier = {
    listChanged: (kind) => server.notifyListChanged(kind),
    resourceUpdated: (uri) => server.resourceUpdated(uri),
  };
  const plugins: LoadedPlugin[] = [];
  try {
    const resolvedAll: ResolvedPlugin[] = [];
    for (const entry of config.plugins) {
      const resolved = await resolvePlugin(entry, baseDir);
      if (resolvedAll.some((p) => p.id === resolved.id)) {
        throw new Error(`two plugins have the id "${resolved.id}"; give one an explicit id`);
      }
      resolvedAll.push(resolved);
    }
    // Hosts start in parallel (each sandboxed plugin boots its own worker threads, most of the
    // start-up time); registration then follows the config's order, so name clashes are reported
    // the same way every time.
    const loads = resolvedAll.map((resolved) => executor.load(resolved));
    const settled = await Promise.allSettled(loads);
    for (const [index, outcome] of settled.entries()) {
      const resolved = resolvedAll[index] as ResolvedPlugin;
      if (outcome.status === "fulfilled") plugins.push({ resolved, host: outcome.value });
    }
    const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
    if (failed) throw failed.reason;
    for (const { resolved, host } of plugins) {
      registerPlugin(catalog, host, notifier);
      tasks.addPlugin(host.manifest);
      logger.info({
        msg: "plugin loaded",
        plugin: resolved.id,
        package: resolved.packageName,
        version: resolved.packageVersion,
        executor: executor.kind,
        tools: host.manifest.tools.length,
        resources: host.manifest.resources.length + host.manifest.resourceTemplates.length,
        prompts: host.manifest.prompts.length,
      });
    }
  } catch (cause) {
    await Promise.allSettled(plugins.map((p) => p.host.close()));
    await executor.close();
    await tasks.close();
    throw cause;
  }
  // With BullMQ, serving nodes also work the queue unless MCP_QUEUE_WORKER=off (dedicated workers).
  if (
    options.role === "worker" ||
    config.queue.backend === "memory" ||
    process.env.MCP_QUEUE_WORKER !== "off"
  )
    tasks.startWorker(catalog);
  return {
    config,
    server,
    catalog,
    plugins,
    logger,
    health: () => executor.health?.() ?? [],
    tasks,
    async close() {
      await tasks.close();
      await Promise.allSettled(plugins.map((p) => p.host.close()));
      await executor.close();
    },
  };
}
