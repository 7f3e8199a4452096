/** @module Public entry of @mcp-runtime/runtime, for embedding the runtime in another program. */
export type { CompletionRef, Executor, InputCheck, PluginHost } from "./executor/executor.js";
export { InProcessExecutor } from "./executor/in-process.js";
export { createLogger, type Logger, type LogLevel, scrub } from "./logger.js";
export { type LoadingPlugins, startPlugins } from "./plugins/load.js";
export {
  PluginLoadError,
  type PluginPermissions,
  type ResolvedPlugin,
  resolvePlugin,
} from "./plugins/resolve.js";
export type { LargeResults } from "./policy/large-results.js";
export type { Limits } from "./policy/limits.js";
export type { ResultCache } from "./policy/result-cache.js";
export type { Policy } from "./policy/setup.js";
export {
  createRuntime,
  type LoadedPlugin,
  type ReloadOutcome,
  type ReloadRequest,
  RUNTIME_VERSION,
  type Runtime,
  type RuntimeOptions,
} from "./runtime.js";
export { checkPluginName, type PluginNameCheck, type PluginNames } from "./scaffold/plugin-name.js";
export {
  type RenderPluginOptions,
  renderPluginFiles,
  ScaffoldError,
  type ScaffoldErrorCode,
} from "./scaffold/render-plugin.js";
export {
  type LocalCallOptions,
  type LocalConfigSource,
  type LocalRuntime,
  LocalRuntimeError,
  type LocalRuntimeErrorCode,
  type LocalRuntimeOptions,
  startLocalRuntime,
} from "./testing.js";
