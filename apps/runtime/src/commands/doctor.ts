/**
 * @module `mcp-runtime doctor [--config F] [--json]`: checks what `serve` will need (Node, the
 * config with the environment applied, plugins and their grants, files, Redis, the HTTP port, the
 * sidecar, the OTLP collector) and says what to fix. Exit 0 with no failure (warnings allowed), 1
 * with any failure.
 */
import { createSpinner } from "nanospinner";
import { type DoctorCheck, type DoctorReport, errorText, fail } from "../doctor/check.js";
import { checkConfig, checkConfigFiles } from "../doctor/config-checks.js";
import { checkOtlp, checkPort, checkRedis, checkSidecar } from "../doctor/network-checks.js";
import { checkNodeVersion } from "../doctor/node-version.js";
import { checkPlugins } from "../doctor/plugin-checks.js";
import { renderHuman, renderJson } from "../doctor/report.js";
import { type CliIo, EXIT, type ExitCode } from "./io.js";

export interface DoctorOptions {
  config?: string;
  json?: boolean;
}

/** Runs every check; one that throws becomes a failed check rather than a crash. */
export async function runChecks(options: DoctorOptions, env: NodeJS.ProcessEnv): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [checkNodeVersion()];
  const config = await checkConfig(options.config, env);
  checks.push(...config.checks);
  const loaded = config.loaded;
  if (loaded !== undefined) {
    const guarded = async (id: string, run: () => Promise<DoctorCheck | DoctorCheck[] | undefined>) => {
      try {
        return (await run()) ?? [];
      } catch (cause) {
        return fail(
          id,
          `the check itself failed: ${errorText(cause)}`,
          "report this with the config that causes it",
        );
      }
    };
    // Independent of each other: the network ones wait on timeouts, so they run side by side.
    const results = await Promise.all([
      guarded("plugins", () => checkPlugins(loaded)),
      guarded("files", () => checkConfigFiles(loaded)),
      guarded("redis", () => checkRedis(loaded.config)),
      guarded("port", () => checkPort(loaded.config)),
      guarded("sidecar", () => checkSidecar(loaded.config)),
      guarded("otlp", () => checkOtlp(loaded.config, env)),
    ]);
    for (const result of results) checks.push(...(Array.isArray(result) ? result : [result]));
  }
  return { ok: checks.every((check) => check.status !== "fail"), checks };
}

export async function doctor(options: DoctorOptions, io: CliIo): Promise<ExitCode> {
  // nanospinner divides by the terminal's width: a pty that reports 0 columns would hang it.
  const spinner =
    io.interactive && (process.stderr.columns ?? 0) > 0
      ? createSpinner("checking…", { stream: process.stderr }).start()
      : undefined;
  let report: DoctorReport;
  try {
    report = await runChecks(options, process.env);
  } finally {
    spinner?.stop();
  }
  io.stdout(options.json ? renderJson(report) : renderHuman(report, io.interactive));
  return report.ok ? EXIT.ok : EXIT.failed;
}
