/**
 * @module Compares what a plugin's package.json `"mcp-runtime"` field asks for with what the
 * operator's config grants: net hosts must be in `sandbox.net.allow`, env vars in `sandbox.env`,
 * fs entries `config.<key>` need that config key set (other fs entries need `sandbox.fs` roots).
 * `config.<key>` entries are expanded to the configured value(s): a net entry `config.host` asks
 * for the host the plugin's config names, which must then be in `sandbox.net.allow`.
 */
import type { PluginPermissions, SandboxSettings } from "./contract.js";
import { SandboxError } from "./errors.js";

export interface PermissionReport {
  asked: PluginPermissions;
  granted: { fs: { read: string[]; write: string[] }; net: string[]; env: string[] };
  /** one line per permission asked for and not granted */
  missing: string[];
}

/** The host a configured value names: a bare host, or the host part of a URL (`postgresql://u@db:5432/x`). */
function hostOf(value: string): string {
  if (value.includes("://")) {
    try {
      const { hostname } = new URL(value);
      if (hostname !== "") return hostname.replace(/^\[|\]$/g, "").toLowerCase();
    } catch {
      // not a URL after all: checked as written
    }
  }
  return value.toLowerCase();
}

/** The hosts a net entry asks for: itself, or for `config.<key>` the host(s) that key is set to (none when unset). */
function netHostsOf(entry: string, config: Record<string, unknown>): string[] {
  if (!entry.startsWith("config.")) return [entry];
  const value = config[entry.slice("config.".length)];
  const values = Array.isArray(value) ? value : [value];
  return values.filter((v): v is string => typeof v === "string" && v !== "").map(hostOf);
}

export function comparePermissions(
  asked: PluginPermissions,
  sandbox: Pick<SandboxSettings, "fs" | "net" | "env">,
  config: Record<string, unknown>,
): PermissionReport {
  const missing: string[] = [];
  const allowed = new Set(sandbox.net.allow.map((host) => host.toLowerCase()));
  for (const entry of asked.net) {
    // Exact match: "*" grants public hosts only, so it does not satisfy a named (maybe private) host.
    // An unset `config.<key>` asks for nothing (the plugin connects nowhere through it), as for fs.
    for (const host of netHostsOf(entry, config)) {
      if (allowed.has(host)) continue;
      missing.push(
        host === entry
          ? `net "${host}" (add it to sandbox.net.allow)`
          : `net "${entry}" = "${host}" (add "${host}" to sandbox.net.allow)`,
      );
    }
  }
  for (const name of asked.env) {
    if (!sandbox.env.includes(name)) missing.push(`env "${name}" (add it to sandbox.env)`);
  }
  for (const [mode, entries] of [
    ["read", asked.fs.read],
    ["write", asked.fs.write],
  ] as const) {
    for (const entry of entries) {
      if (entry.startsWith("config.")) {
        // The operator grants a config-named path by setting that key (or leaves the feature off).
        continue;
      }
      if (sandbox.fs[mode].length === 0)
        missing.push(`fs ${mode} "${entry}" (add a root to sandbox.fs.${mode})`);
    }
  }
  const configPaths = (mode: "read" | "write") =>
    asked.fs[mode]
      .filter((entry) => entry.startsWith("config.") && config[entry.slice("config.".length)] !== undefined)
      .map((entry) => `${entry}=${JSON.stringify(config[entry.slice("config.".length)])}`);
  return {
    asked,
    granted: {
      fs: {
        read: [...sandbox.fs.read, ...configPaths("read")],
        write: [...sandbox.fs.write, ...configPaths("write")],
      },
      net: [
        ...sandbox.net.allow,
        ...asked.net
          .filter((entry) => entry.startsWith("config."))
          .flatMap((entry) =>
            netHostsOf(entry, config)
              .filter((host) => allowed.has(host))
              .map((host) => `${entry}=${JSON.stringify(host)}`),
          ),
      ],
      env: [...sandbox.env],
    },
    missing,
  };
}

/** Throws naming every missing grant, so the operator fixes the config in one go. */
export function assertPermissions(
  pluginId: string,
  asked: PluginPermissions,
  sandbox: Pick<SandboxSettings, "fs" | "net" | "env">,
  config: Record<string, unknown>,
): void {
  const { missing } = comparePermissions(asked, sandbox, config);
  if (missing.length > 0) {
    throw new SandboxError(
      "ERR_PLUGIN_PERMISSIONS",
      `plugin "${pluginId}" asks for permissions the config does not grant: ${missing.join("; ")}`,
    );
  }
}
