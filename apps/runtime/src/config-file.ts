/** @module Which config file to use: --config, then MCP_CONFIG, then ./mcp-runtime.yaml, then the repo's default. */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const DEFAULT_CONFIG_NAME = "mcp-runtime.yaml";

/** The default config that ships at the repository root (apps/runtime/dist/ → ../../../). */
const BUNDLED_DEFAULT = fileURLToPath(new URL(`../../../${DEFAULT_CONFIG_NAME}`, import.meta.url));

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
