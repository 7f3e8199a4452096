/** @module Subpath entry `@mcp-runtime/plugin-sdk/host`: for runtimes and sandboxes that run plugins, not for plugin authors. */
export {
  type BatchableTool,
  type HostCallContext,
  PluginInstance,
  PluginInstanceError,
  type PluginInstanceErrorCode,
  type PluginInstanceOptions,
  type PluginManifest,
} from "./instance.js";
