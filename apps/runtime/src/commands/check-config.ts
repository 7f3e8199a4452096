/**
 * @module `mcp-runtime check-config FILE [--env]`: validates a config file and resolves its plugins.
 * Exit 0 with `FILE: ok (N plugins)`, or 1 with one `path: message` line per problem on stdout.
 */
import { formatIssues, loadConfig } from "@mcp-runtime/config";
import { resolvePlugin } from "../plugins/resolve.js";
import { type CliIo, EXIT, type ExitCode } from "./io.js";

export interface CheckConfigOptions {
  /** apply the environment on top of the file, as `serve` does */
  env?: boolean;
}

export async function checkConfig(file: string, options: CheckConfigOptions, io: CliIo): Promise<ExitCode> {
  // The file alone by default; with --env, what `serve` would run (REDIS_URL, MCP_PORT, ... applied).
  const loaded = await loadConfig({ file, env: options.env ? process.env : {} });
  if (!loaded.ok) {
    for (const line of formatIssues(loaded.issues)) io.stdout(`${line}\n`);
    return EXIT.failed;
  }
  const problems: string[] = [];
  for (const [index, entry] of loaded.config.plugins.entries()) {
    try {
      await resolvePlugin(entry, loaded.baseDir);
    } catch (cause) {
      problems.push(`plugins[${index}]: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
  }
  for (const line of problems) io.stdout(`${line}\n`);
  if (problems.length > 0) return EXIT.failed;
  io.stdout(`${file}: ok (${loaded.config.plugins.length} plugins)\n`);
  return EXIT.ok;
}
