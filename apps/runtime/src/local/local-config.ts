/**
 * @module What config a local runtime runs: a file loaded as `serve` loads it (`${VAR}`
 * substitution and env overrides applied), or an object validated as that file's content would be.
 */
import { resolve } from "node:path";
import {
  formatIssues,
  type LoadedConfig,
  loadConfig,
  type RuntimeConfigInput,
  validateConfig,
} from "@mcp-runtime/config";
import { chooseConfigFile } from "../config-file.js";
import { LocalRuntimeError } from "./errors.js";

/** Where the config comes from: a file (default: the one `serve` would choose), or the object a file holds. */
export type LocalConfigSource =
  | { configFile?: string; config?: undefined }
  | {
      config: RuntimeConfigInput;
      /** what relative paths (`plugins[].path`, fs roots) resolve against; default `process.cwd()` */
      baseDir?: string;
      configFile?: undefined;
    };

export async function loadLocalConfig(
  source: LocalConfigSource,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<LoadedConfig> {
  if (source.config !== undefined) {
    const baseDir = resolve(cwd, source.baseDir ?? ".");
    // An object is the file's content, not the environment's: no `${VAR}` nor MCP_* overrides.
    const result = validateConfig(source.config, { baseDir });
    if (!result.ok) throw configError(formatIssues(result.issues));
    return { config: result.config, file: undefined, baseDir };
  }
  const file = chooseConfigFile(source.configFile, env, cwd);
  const result = await loadConfig({ ...(file === undefined ? {} : { file }), env, cwd });
  if (!result.ok) throw configError(formatIssues(result.issues));
  const { ok: _ok, ...loaded } = result;
  return loaded;
}

function configError(lines: readonly string[]): LocalRuntimeError {
  return new LocalRuntimeError(
    "ERR_LOCAL_CONFIG",
    ["invalid config:", ...lines.map((l) => `  ${l}`)].join("\n"),
  );
}
