/**
 * @module Runs plugins on the main thread. No isolation: for tests, benchmarks (to price the
 * sandbox hop) and trusted plugins until the sandbox lands.
 */
import { PluginInstance } from "@mcp-runtime/plugin-sdk/host";
import type { ResolvedPlugin } from "../plugins/resolve.js";
import type { Executor, PluginHost } from "./executor.js";

class InProcessHost implements PluginHost {
  readonly id: string;
  readonly manifest: PluginInstance["manifest"];
  private readonly instance: PluginInstance;

  constructor(id: string, instance: PluginInstance) {
    this.id = id;
    this.instance = instance;
    this.manifest = instance.manifest;
  }

  validateToolInput(tool: string, args: Record<string, unknown>) {
    return this.instance.validateToolInput(tool, args);
  }
  callTool(...args: Parameters<PluginInstance["callTool"]>) {
    return this.instance.callTool(...args);
  }
  readResource(...args: Parameters<PluginInstance["readResource"]>) {
    return this.instance.readResource(...args);
  }
  readTemplate(...args: Parameters<PluginInstance["readTemplate"]>) {
    return this.instance.readTemplate(...args);
  }
  getPrompt(...args: Parameters<PluginInstance["getPrompt"]>) {
    return this.instance.getPrompt(...args);
  }
  complete(...args: Parameters<PluginInstance["complete"]>) {
    return this.instance.complete(...args);
  }
  // Closing an in-process host stops nothing, so a reload never has to wait for its calls.
  readonly inFlight = 0;
  async close(): Promise<void> {}
}

export class InProcessExecutor implements Executor {
  readonly kind = "in-process";

  async load(plugin: ResolvedPlugin): Promise<PluginHost> {
    const instance = await PluginInstance.create(plugin.plugin, {
      config: plugin.config,
      fsRoots: plugin.entry.sandbox.fs.read,
    });
    return new InProcessHost(plugin.id, instance);
  }

  async close(): Promise<void> {}
}
