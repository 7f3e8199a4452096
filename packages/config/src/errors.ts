/** @module ConfigError: the one error class of this package, with a stable `code` callers can switch on. */
import { type ConfigIssue, formatIssues } from "./issues.js";

export type ConfigErrorCode = "CONFIG_INVALID" | "CONFIG_NOT_FOUND" | "CONFIG_UNREADABLE";

/** The expected-failure result shared by every loading and validating function. */
export interface ConfigFailure {
  ok: false;
  code: ConfigErrorCode;
  issues: ConfigIssue[];
}

const HEADINGS: Readonly<Record<ConfigErrorCode, string>> = {
  CONFIG_INVALID: "invalid config:",
  CONFIG_NOT_FOUND: "config file not found:",
  CONFIG_UNREADABLE: "config file unreadable:",
};

/** Thrown by `loadConfigOrThrow`; carries the same issues a `ConfigFailure` would. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly code: ConfigErrorCode;
  readonly issues: readonly ConfigIssue[];

  constructor(code: ConfigErrorCode, issues: readonly ConfigIssue[], options?: ErrorOptions) {
    super([HEADINGS[code], ...formatIssues(issues).map((line) => `  ${line}`)].join("\n"), options);
    this.code = code;
    this.issues = issues;
  }

  static fromFailure(failure: ConfigFailure): ConfigError {
    return new ConfigError(failure.code, failure.issues);
  }
}

export function failure(code: ConfigErrorCode, issues: ConfigIssue[]): ConfigFailure {
  return { ok: false, code, issues };
}
