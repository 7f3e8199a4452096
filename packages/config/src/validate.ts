/** @module Validating an in-memory config value against the schema, with issues as `{ path, message }`. */
import { type ConfigFailure, failure } from "./errors.js";
import { fromZodIssues } from "./issues.js";
import { resolveConfigPaths } from "./resolve-paths.js";
import { runtimeConfigSchema } from "./schema.js";
import type { RuntimeConfig } from "./types.js";

export type ValidateConfigResult = { ok: true; config: RuntimeConfig } | ConfigFailure;

export interface ValidateConfigOptions {
  /** Resolve relative paths against this directory (see `loadConfig`); omitted, paths stay as given. */
  baseDir?: string;
  /** How issues about the whole document are labelled; defaults to "config". */
  rootLabel?: string;
}

/**
 * Validates a value that is already parsed (e.g. a config pushed by the sidecar for hot reload).
 * No env overrides and no `${VAR}` substitution: those belong to loading from a file.
 */
export function validateConfig(input: unknown, options: ValidateConfigOptions = {}): ValidateConfigResult {
  const parsed = runtimeConfigSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    return failure("CONFIG_INVALID", fromZodIssues(parsed.error.issues, options.rootLabel ?? "config"));
  }
  const config =
    options.baseDir === undefined ? parsed.data : resolveConfigPaths(parsed.data, options.baseDir);
  return { ok: true, config };
}
