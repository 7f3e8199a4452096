/**
 * @module Subpath entry `@mcp-runtime/plugin-sdk/host`: for runtimes and sandboxes that run plugins,
 * and for plugin tests that drive a plugin through PluginInstance (`createTestCallContext`).
 */

export type { CachePolicy } from "./define.js";
export {
  type BatchableTool,
  type HostCallContext,
  PluginInstance,
  PluginInstanceError,
  type PluginInstanceErrorCode,
  type PluginInstanceOptions,
  type PluginManifest,
  type PluginPolicies,
} from "./instance.js";
export { createTestCallContext } from "./test-context.js";
