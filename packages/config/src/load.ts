/** @module Loading the runtime config: file, `${VAR}` substitution, env and flag overrides, validation. */
import { dirname, resolve } from "node:path";
import { applyOverrides, type ConfigFlags, envOverrides, flagOverrides } from "./env.js";
import { ConfigError, type ConfigFailure, failure } from "./errors.js";
import type { ConfigIssue } from "./issues.js";
import { readConfigFile } from "./read-file.js";
import { substituteEnv } from "./substitute.js";
import type { RuntimeConfig } from "./types.js";
import { validateConfig } from "./validate.js";

export interface LoadConfigOptions {
  /** YAML (`.yaml`, `.yml`) or JSON (`.json`); relative to `cwd`. Omitted: defaults plus overrides. */
  file?: string;
  /**
   * The text of `file`, when the caller already has it (a config pushed over the network): it is
   * parsed as that file would be (format by extension, relative paths against its directory).
   */
  text?: string;
  /** Source of overrides and `${VAR}` values; defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** CLI flags; they beat env, which beats the file. */
  flags?: ConfigFlags;
  /** Defaults to `process.cwd()`. */
  cwd?: string;
}

export interface LoadedConfig {
  config: RuntimeConfig;
  /** Absolute path of the file read, if any. */
  file: string | undefined;
  /** Directory relative paths were resolved against: the file's, or `cwd`. */
  baseDir: string;
}

export type LoadConfigResult = ({ ok: true } & LoadedConfig) | ConfigFailure;

/** Loads and validates the config. Expected failures (missing file, bad syntax, invalid values) are returned, not thrown. */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadConfigResult> {
  checkOptions(options);
  const env = options.env ?? process.env;
  const cwd = resolve(options.cwd ?? process.cwd());
  const file = options.file === undefined ? undefined : resolve(cwd, options.file);
  const label = options.file ?? "config";

  let raw: unknown = {};
  const issues: ConfigIssue[] = [];
  if (file !== undefined) {
    const read = await readConfigFile(file, label, options.text);
    if (!read.ok) return read;
    const substituted = substituteEnv(read.value, env);
    raw = substituted.value;
    for (const issue of substituted.issues)
      issues.push({ path: issue.path || label, message: issue.message });
  }
  const fromEnv = envOverrides(env);
  const fromFlags = flagOverrides(options.flags ?? {});
  issues.push(...fromEnv.issues, ...fromFlags.issues);
  // Stop here rather than validate: a value we could not substitute or override would only
  // produce a second, misleading issue at the same place.
  if (issues.length > 0) return failure("CONFIG_INVALID", issues);

  // Flags are applied last so they win over env, which wins over the file.
  raw = applyOverrides(raw, [...fromEnv.entries, ...fromFlags.entries]);
  const baseDir = file === undefined ? cwd : dirname(file);
  const result = validateConfig(raw, { baseDir, rootLabel: label });
  return result.ok ? { ok: true, config: result.config, file, baseDir } : result;
}

/** `loadConfig` for callers that prefer exceptions: throws `ConfigError` with the same issues. */
export async function loadConfigOrThrow(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const result = await loadConfig(options);
  if (!result.ok) throw ConfigError.fromFailure(result);
  const { ok: _ok, ...loaded } = result;
  return loaded;
}

// A caller's mistake (not a config author's) is a bug: throw naming the option, as jose does.
function checkOptions(options: LoadConfigOptions): void {
  for (const key of ["file", "cwd"] as const) {
    const value: unknown = options[key];
    if (value !== undefined && (typeof value !== "string" || value === "")) {
      throw new TypeError(`"${key}" option must be a non-empty string`);
    }
  }
  if (options.text !== undefined && (typeof options.text !== "string" || options.file === undefined)) {
    throw new TypeError('"text" option must be a string, given together with "file"');
  }
  for (const key of ["env", "flags"] as const) {
    const value: unknown = options[key];
    if (value !== undefined && (typeof value !== "object" || value === null)) {
      throw new TypeError(`"${key}" option must be an object`);
    }
  }
}
