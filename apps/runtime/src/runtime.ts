/** @module Wires config, plugins, executor and the protocol server into one runtime. */
import { readFileSync } from "node:fs";
import type { RuntimeConfig } from "@mcp-runtime/config";
import type { ChangeNotifier } from "@mcp-runtime/plugin-sdk";
import { Catalog, McpServer } from "@mcp-runtime/protocol";
import type { Executor, PluginHost } from "./executor/executor.js";
import { InProcessExecutor } from "./executor/in-process.js";
import type { Logger } from "./logger.js";
import { registerPlugin } from "./plugins/register.js";
import { type ResolvedPlugin, resolvePlugin } from "./plugins/resolve.js";

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
  close(): Promise<void>;
}

export interface RuntimeOptions {
  config: RuntimeConfig;
  /** the directory relative plugin references are resolved against */
  baseDir: string;
  logger: Logger;
  executor?: Executor;
}

export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config, baseDir, logger } = options;
  const executor = options.executor ?? new InProcessExecutor();
  const catalog = new Catalog();
  const server = new McpServer({
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
    for (const entry of config.plugins) {
      const resolved = await resolvePlugin(entry, baseDir);
      if (plugins.some((p) => p.resolved.id === resolved.id)) {
        throw new Error(`two plugins have the id "${resolved.id}"; give one an explicit id`);
      }
      const host = await executor.load(resolved);
      registerPlugin(catalog, host, notifier);
      plugins.push({ resolved, host });
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
    throw cause;
  }
  return {
    config,
    server,
    catalog,
    plugins,
    logger,
    async close() {
      await Promise.allSettled(plugins.map((p) => p.host.close()));
      await executor.close();
    },
  };
}
