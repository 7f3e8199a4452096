/**
 * @module The config `serve` would run: the same file choice (--config, MCP_CONFIG,
 * ./mcp-runtime.yaml, the bundled default) and the environment applied on top.
 */
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { formatIssues, type LoadedConfig, loadConfig } from "@mcp-runtime/config";
import { chooseConfigFile } from "../config-file.js";
import { type DoctorCheck, fail, ok } from "./check.js";

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

export interface ConfigOutcome {
  checks: DoctorCheck[];
  /** undefined when it does not load: the checks that need it are not run */
  loaded: LoadedConfig | undefined;
}

export async function checkConfig(flag: string | undefined, env: NodeJS.ProcessEnv): Promise<ConfigOutcome> {
  const file = chooseConfigFile(flag, env, process.cwd());
  const checks: DoctorCheck[] = [];
  if (file !== undefined) {
    try {
      await access(file, constants.R_OK);
      checks.push(ok("config-file", `${file} is readable`));
    } catch (cause) {
      const missing = (cause as NodeJS.ErrnoException).code === "ENOENT";
      checks.push(
        fail(
          "config-file",
          missing ? `${file} does not exist` : `${file} is not readable by this user`,
          missing
            ? "pass an existing file with --config FILE (or set MCP_CONFIG)"
            : `let the runtime's user read it (e.g. \`chmod a+r ${file}\`)`,
        ),
      );
      return { checks, loaded: undefined };
    }
  }
  const loaded = await loadConfig({ ...(file ? { file } : {}), env });
  if (!loaded.ok) {
    const lines = formatIssues(loaded.issues);
    checks.push(
      fail(
        "config",
        `${file ?? "(defaults)"} is invalid: ${lines.join("; ")}`,
        `fix ${lines.length === 1 ? "this entry" : "these entries"} (\`mcp-runtime check-config ${file ?? "FILE"} --env\` lists them one per line)`,
      ),
    );
    return { checks, loaded: undefined };
  }
  const { config } = loaded;
  checks.push(
    ok(
      "config",
      `${file ?? "(defaults, no config file)"} is valid: ${count(config.plugins.length, "plugin")}, ${count(config.upstreams.length, "upstream")}, transport ${config.server.transport}`,
    ),
  );
  return { checks, loaded: { config, file: loaded.file, baseDir: loaded.baseDir } };
}

/** Files the config names besides plugins' roots: the cache's key file. */
export async function checkConfigFiles(loaded: LoadedConfig): Promise<DoctorCheck[]> {
  const keyFile = loaded.config.cache.keyFile;
  if (keyFile === undefined) return [];
  try {
    await access(keyFile, constants.R_OK);
    return [ok("files:cache", `cache.keyFile ${keyFile} is readable`)];
  } catch {
    return [
      fail(
        "files:cache",
        `cache.keyFile ${keyFile} is missing or not readable`,
        `create it or let the runtime's user read it, or set MCP_CACHE_KEYS instead`,
      ),
    ];
  }
}
