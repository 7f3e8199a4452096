/** @module Which config file to use: --config, then MCP_CONFIG, then ./mcp-runtime.yaml, then the repo's default. */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { formatIssues, type LoadedConfig, loadConfig } from "@mcp-runtime/config";
import { RUNTIME_DIR } from "./package-dir.js";

export const DEFAULT_CONFIG_NAME = "mcp-runtime.yaml";

/** The default config that ships at the repository root (apps/runtime → ../../). */
const BUNDLED_DEFAULT = join(RUNTIME_DIR, "..", "..", DEFAULT_CONFIG_NAME);

export function chooseConfigFile(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd: string,
): string | undefined {
  if (flag !== undefined) return resolve(cwd, flag);
  if (env.MCP_CONFIG) return resolve(cwd, env.MCP_CONFIG);
  const local = resolve(cwd, DEFAULT_CONFIG_NAME);
  if (existsSync(local)) return local;
  return existsSync(BUNDLED_DEFAULT) ? BUNDLED_DEFAULT : undefined;
}

export type CommandConfig =
  | { ok: true; loaded: LoadedConfig; file: string | undefined }
  | { ok: false; exitCode: number };

/**
 * The `[--config FILE]` prologue shared by the commands that only take a config: parse the flag,
 * choose the file, load and validate it. Problems are printed on stderr; the result says which
 * exit code to use (2 usage, 1 invalid config).
 */
export async function loadCommandConfig(args: string[]): Promise<CommandConfig> {
  let values: { config?: string };
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: { config: { type: "string" } },
    }));
  } catch (cause) {
    process.stderr.write(`mcp-runtime: ${cause instanceof Error ? cause.message : String(cause)}\n`);
    return { ok: false, exitCode: 2 };
  }
  const file = chooseConfigFile(values.config, process.env, process.cwd());
  const result = await loadConfig({ ...(file ? { file } : {}), env: process.env });
  if (!result.ok) {
    for (const line of formatIssues(result.issues)) process.stderr.write(`${line}\n`);
    return { ok: false, exitCode: 1 };
  }
  return { ok: true, loaded: result, file };
}
