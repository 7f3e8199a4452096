/**
 * @module Node permission-model flags for `mode: process`: file reads limited to the plugin's
 * package, the modules the host needs to import, and the operator's granted roots; no child
 * processes, no workers, no native addons (the model refuses those unless explicitly allowed).
 */
import { existsSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import type { SandboxPlugin } from "./contract.js";

const NODE_MAJOR = Number(process.versions.node.split(".")[0]);

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** The nearest directory at or above `file` holding a package.json. */
function packageRoot(file: string): string {
  let dir = dirname(file);
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return dirname(file);
    dir = parent;
  }
}

/** Every node_modules directory Node's resolver may walk from `dir` upwards. */
function nodeModulesAbove(dir: string): string[] {
  const out: string[] = [];
  for (let at = dir; ; at = dirname(at)) {
    const candidate = join(at, "node_modules");
    if (existsSync(candidate)) out.push(candidate);
    if (dirname(at) === at) return out;
  }
}

/** Paths the host process may read; the config keys a plugin names as fs entries are granted too. */
export function fsReadAllowList(plugin: SandboxPlugin, hostEntry: string): string[] {
  const { sandbox } = plugin.entry;
  const pluginRoot = packageRoot(real(plugin.modulePath));
  const hostRoot = packageRoot(real(hostEntry));
  const require = createRequire(hostEntry);
  // Workspace packages are symlinks into the repo; the permission model checks real paths.
  const sdk = packageRoot(real(require.resolve("@mcp-runtime/plugin-sdk")));
  const protocol = packageRoot(real(createRequire(join(sdk, "noop.js")).resolve("@mcp-runtime/protocol")));
  const configPaths: string[] = [];
  for (const entry of [...plugin.permissions.fs.read, ...plugin.permissions.fs.write]) {
    if (!entry.startsWith("config.")) continue;
    const value = plugin.config[entry.slice("config.".length)];
    for (const item of Array.isArray(value) ? value : [value])
      if (typeof item === "string") configPaths.push(item);
  }
  const dirs = [
    pluginRoot,
    hostRoot,
    sdk,
    protocol,
    ...nodeModulesAbove(pluginRoot),
    ...nodeModulesAbove(hostRoot),
    ...sandbox.fs.read,
    ...configPaths,
  ].map((p) => real(resolve(p)));
  return [...new Set(dirs)];
}

export function permissionFlags(readPaths: readonly string[]): string[] {
  const flags = NODE_MAJOR >= 22 ? ["--permission"] : ["--experimental-permission"];
  flags.push("--disable-warning=ExperimentalWarning", "--no-addons");
  // One flag per path: Node 20's comma-separated form mis-matches some path combinations.
  for (const p of readPaths) flags.push(`--allow-fs-read=${p}`);
  return flags;
}
