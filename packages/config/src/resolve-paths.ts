/** @module Resolving relative filesystem paths in a config against the directory of its file. */
import { resolve } from "node:path";
import type { PluginEntry, RuntimeConfig, UpstreamEntry } from "./types.js";

/**
 * Makes `plugins[].path`, `plugins[].sandbox.fs.read/write`, `cache.keyFile` and `upstreams[].cwd` absolute, so a
 * config means the same thing whatever directory the runtime starts in. `plugins[].config` is left
 * alone: only the plugin knows which of its values are paths.
 */
export function resolveConfigPaths(config: RuntimeConfig, baseDir: string): RuntimeConfig {
  const at = (path: string): string => resolve(baseDir, path);
  return {
    ...config,
    plugins: config.plugins.map(
      (plugin): PluginEntry => ({
        ...plugin,
        ...(plugin.path === undefined ? {} : { path: at(plugin.path) }),
        sandbox: {
          ...plugin.sandbox,
          fs: { read: plugin.sandbox.fs.read.map(at), write: plugin.sandbox.fs.write.map(at) },
        },
      }),
    ),
    cache:
      config.cache.keyFile === undefined
        ? config.cache
        : { ...config.cache, keyFile: at(config.cache.keyFile) },
    upstreams: config.upstreams.map(
      (upstream): UpstreamEntry =>
        upstream.cwd === undefined ? upstream : { ...upstream, cwd: at(upstream.cwd) },
    ),
  };
}
