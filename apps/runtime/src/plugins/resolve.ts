/**
 * @module Finds and imports the plugins a config names: an npm package (resolved from the config's
 * directory, then from the runtime's own install) or a local path (a package folder or a file).
 */
import { readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { PluginEntry } from "@mcp-runtime/config";
import { isPlugin, type Plugin } from "@mcp-runtime/plugin-sdk";
import { FRESH_IMPORT_PARAM } from "./fresh-import.js";

export interface PluginPermissions {
  fs: { read: string[]; write: string[] };
  net: string[];
  env: string[];
}

export interface ResolvedPlugin {
  id: string;
  entry: PluginEntry;
  plugin: Plugin;
  /** absolute path of the module that was imported */
  modulePath: string;
  packageName: string | undefined;
  packageVersion: string | undefined;
  /** what the package's `"mcp-runtime"` field asks for */
  permissions: PluginPermissions;
  /**
   * The operator's config for the plugin, with the values the manifest declares as file system
   * paths (`"config.<key>"` entries in permissions.fs.read/write) resolved against the config
   * file's directory, as every other path in the config is.
   */
  config: Record<string, unknown>;
}

function resolvePathKeys(
  config: Record<string, unknown>,
  permissions: PluginPermissions,
  baseDir: string,
): Record<string, unknown> {
  const keys = [...permissions.fs.read, ...permissions.fs.write]
    .filter((entry) => entry.startsWith("config."))
    .map((entry) => entry.slice("config.".length));
  if (keys.length === 0) return config;
  const out = { ...config };
  for (const key of keys) {
    const value = out[key];
    if (typeof value === "string") out[key] = resolve(baseDir, value);
    else if (Array.isArray(value))
      out[key] = value.map((item) => (typeof item === "string" ? resolve(baseDir, item) : item));
  }
  return out;
}

export type PluginLoadErrorCode = "ERR_PLUGIN_NOT_FOUND" | "ERR_PLUGIN_INVALID" | "ERR_PLUGIN_IMPORT";

export class PluginLoadError extends Error {
  readonly code: PluginLoadErrorCode;
  readonly plugin: string;
  constructor(code: PluginLoadErrorCode, plugin: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PluginLoadError";
    this.code = code;
    this.plugin = plugin;
  }
}

function resolveFrom(base: string, specifier: string): string | undefined {
  try {
    return createRequire(join(base, "noop.js")).resolve(specifier);
  } catch {
    return undefined;
  }
}

async function findPackageJson(start: string): Promise<Record<string, unknown> | undefined> {
  let dir = dirname(start);
  for (;;) {
    try {
      return JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as Record<string, unknown>;
    } catch {
      const parent = dirname(dir);
      if (parent === dir) return undefined;
      dir = parent;
    }
  }
}

function readPermissions(pkg: Record<string, unknown> | undefined): PluginPermissions {
  const field = (pkg?.["mcp-runtime"] ?? {}) as Record<string, unknown>;
  const perms = (field.permissions ?? {}) as Record<string, unknown>;
  const fs = (perms.fs ?? {}) as Record<string, unknown>;
  const list = (value: unknown) =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  return { fs: { read: list(fs.read), write: list(fs.write) }, net: list(perms.net), env: list(perms.env) };
}

async function locate(entry: PluginEntry, baseDir: string): Promise<string> {
  if (entry.package !== undefined) {
    const found =
      resolveFrom(baseDir, entry.package) ??
      resolveFrom(dirname(new URL(import.meta.url).pathname), entry.package);
    if (!found) {
      throw new PluginLoadError(
        "ERR_PLUGIN_NOT_FOUND",
        entry.package,
        `plugin package "${entry.package}" is not installed (npm install ${entry.package})`,
      );
    }
    return found;
  }
  const path = resolve(baseDir, entry.path ?? ".");
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new PluginLoadError("ERR_PLUGIN_NOT_FOUND", path, `plugin path does not exist: ${path}`);
  if (info.isFile()) return path;
  const found = resolveFrom(path, path);
  if (!found) {
    throw new PluginLoadError(
      "ERR_PLUGIN_NOT_FOUND",
      path,
      `no package entry point in ${path} (is it built? run npm run build)`,
    );
  }
  return found;
}

export interface ResolveOptions {
  /**
   * Import the module anew, not from this thread's module cache (`mcp-runtime dev`, after the
   * plugin's files changed). Each fresh import stays in memory: meant for development only.
   */
  fresh?: boolean;
}

let freshImports = 0;

export async function resolvePlugin(
  entry: PluginEntry,
  baseDir: string,
  options: ResolveOptions = {},
): Promise<ResolvedPlugin> {
  const modulePath = await locate(entry, baseDir);
  const label = entry.package ?? entry.path ?? modulePath;
  const url = pathToFileURL(modulePath);
  // A new query string is a new module for the ESM cache (see dev/fresh-import-hooks.ts for the
  // modules it imports in turn).
  if (options.fresh) url.searchParams.set(FRESH_IMPORT_PARAM, String(++freshImports));
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(url.href)) as Record<string, unknown>;
  } catch (cause) {
    throw new PluginLoadError(
      "ERR_PLUGIN_IMPORT",
      label,
      `plugin "${label}" failed to import: ${String(cause)}`,
      { cause },
    );
  }
  const plugin = loaded.default;
  if (!isPlugin(plugin)) {
    throw new PluginLoadError(
      "ERR_PLUGIN_INVALID",
      label,
      `plugin "${label}" must default-export definePlugin(...) from @mcp-runtime/plugin-sdk`,
    );
  }
  const pkg = await findPackageJson(modulePath);
  const permissions = readPermissions(pkg);
  return {
    id: entry.id ?? plugin.name,
    entry,
    plugin,
    modulePath,
    packageName: typeof pkg?.name === "string" ? pkg.name : undefined,
    packageVersion: typeof pkg?.version === "string" ? pkg.version : undefined,
    permissions,
    config: resolvePathKeys(entry.config, permissions, baseDir),
  };
}
