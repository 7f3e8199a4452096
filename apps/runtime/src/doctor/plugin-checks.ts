/**
 * @module Each plugin as `serve` would load it: the package resolves and imports, the permissions
 * its package.json asks for are granted by the config (a plugin missing one is refused at
 * start-up), and the file system roots it is granted exist with the access it needs.
 */
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import type { LoadedConfig } from "@mcp-runtime/config";
import { comparePermissions } from "@mcp-runtime/sandbox";
import { type ResolvedPlugin, resolvePlugin } from "../plugins/resolve.js";
import { type DoctorCheck, errorText, fail, ok } from "./check.js";

export async function checkPlugins(loaded: LoadedConfig): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  for (const [index, entry] of loaded.config.plugins.entries()) {
    const label = entry.id ?? entry.package ?? entry.path ?? `plugins[${index}]`;
    let resolved: ResolvedPlugin;
    try {
      resolved = await resolvePlugin(entry, loaded.baseDir);
    } catch (cause) {
      checks.push(
        fail(
          `plugin:${label}`,
          `plugins[${index}] does not load: ${errorText(cause)}`,
          entry.package !== undefined
            ? `install it where the config can resolve it (\`npm install ${entry.package}\`) or fix plugins[${index}].package`
            : `fix plugins[${index}].path (relative paths start at the config file's folder) and build the plugin`,
        ),
      );
      continue;
    }
    const id = `plugin:${resolved.id}`;
    const report = comparePermissions(resolved.permissions, entry.sandbox, resolved.config);
    const version = `${resolved.packageName ?? resolved.id}@${resolved.packageVersion ?? "?"}`;
    if (report.missing.length > 0) {
      checks.push(
        fail(
          id,
          `${version} asks for permissions the config does not grant: ${report.missing.join("; ")}`,
          `grant them under plugins[${index}].sandbox (review first: \`mcp-runtime plugins list\`), or drop the plugin`,
        ),
      );
    } else {
      checks.push(ok(id, `${version} loads; its permissions are granted (sandbox: ${entry.sandbox.mode})`));
    }
    checks.push(...(await checkRoots(resolved.id, index, grantedRoots(resolved))));
  }
  return checks;
}

/** The sandbox's fs roots plus the plugin config values its manifest declares as paths (`config.KEY`). */
function grantedRoots(resolved: ResolvedPlugin): { read: string[]; write: string[] } {
  const fromConfig = (entries: readonly string[]) =>
    entries
      .filter((entry) => entry.startsWith("config."))
      .flatMap((entry) => {
        const value = resolved.config[entry.slice("config.".length)];
        return typeof value === "string"
          ? [value]
          : Array.isArray(value)
            ? value.filter((v) => typeof v === "string")
            : [];
      });
  const { sandbox } = resolved.entry;
  return {
    read: [...sandbox.fs.read, ...fromConfig(resolved.permissions.fs.read)],
    write: [...sandbox.fs.write, ...fromConfig(resolved.permissions.fs.write)],
  };
}

async function checkRoots(
  id: string,
  index: number,
  fs: { read: readonly string[]; write: readonly string[] },
): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  for (const [mode, roots] of [
    ["read", fs.read],
    ["write", fs.write],
  ] as const) {
    for (const root of roots) {
      const problem = await pathProblem(
        root,
        mode === "read" ? constants.R_OK : constants.R_OK | constants.W_OK,
      );
      if (problem !== undefined)
        checks.push(
          fail(
            `files:${id}`,
            `plugins[${index}].sandbox.fs.${mode} ${root} ${problem}`,
            problem === "does not exist"
              ? `create it (\`mkdir -p ${root}\`) or fix plugins[${index}].sandbox.fs.${mode}`
              : `give the runtime's user ${mode} access (\`chmod u+${mode === "read" ? "r" : "rw"} ${root}\`)`,
          ),
        );
    }
  }
  const count = fs.read.length + fs.write.length;
  if (checks.length === 0 && count > 0)
    checks.push(ok(`files:${id}`, `${count} granted file system root${count === 1 ? "" : "s"} accessible`));
  return checks;
}

/** Why `path` cannot be used with `mode`, or undefined when it can. */
export async function pathProblem(path: string, mode: number): Promise<string | undefined> {
  try {
    await stat(path);
  } catch {
    return "does not exist";
  }
  try {
    await access(path, mode);
    return undefined;
  } catch {
    return mode & constants.W_OK ? "is not writable" : "is not readable";
  }
}
