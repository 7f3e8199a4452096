/** @module Wires config, plugins, executor and the protocol server into one runtime. */
import type { RuntimeConfig } from "@mcp-runtime/config";
import type { ChangeNotifier } from "@mcp-runtime/plugin-sdk";
import { Catalog, McpServer } from "@mcp-runtime/protocol";
import type { PoolHealth } from "@mcp-runtime/sandbox";
import { chooseExecutor, type ReportingExecutor } from "./executor/choose.js";
import type { Logger } from "./logger.js";
import { type LoadedPlugin, type LoadingPlugins, startPlugins } from "./plugins/load.js";
import { registerPlugin } from "./plugins/register.js";
import { createTaskRuntime, type TaskRuntime } from "./queue/task-runtime.js";
import { RUNTIME_VERSION } from "./version.js";

export type { LoadedPlugin, LoadingPlugins } from "./plugins/load.js";
export { RUNTIME_VERSION } from "./version.js";

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
  executor?: ReportingExecutor;
  /**
   * Plugins already starting (`startPlugins`), with their executor: the CLI starts the hosts
   * before it imports the rest of the runtime. Without it, createRuntime starts them itself.
   */
  loading?: LoadingPlugins<ReportingExecutor>;
  /** "worker": this process only consumes the queue (`mcp-runtime worker`) */
  role?: "serve" | "worker";
}

export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config, baseDir, logger } = options;
  // Hosts boot on their own threads while this one builds the queue and the protocol server.
  const { executor, plugins: loading } =
    options.loading ??
    startPlugins(config.plugins, baseDir, options.executor ?? chooseExecutor(process.env, logger));
  let tasks: TaskRuntime | undefined;
  let plugins: LoadedPlugin[] = [];
  try {
    tasks = await createTaskRuntime(config);
    plugins = await loading;
  } catch (cause) {
    await loading.then(
      (loaded) => Promise.allSettled(loaded.map((p) => p.host.close())),
      () => {},
    );
    await executor.close();
    await tasks?.close();
    throw cause;
  }
  const catalog = new Catalog();
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
  try {
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
