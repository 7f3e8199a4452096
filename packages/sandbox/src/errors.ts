/** @module Local errors of the sandbox: one base class with a stable `code`. */

export type SandboxErrorCode =
  | "ERR_SANDBOX_CRASHED"
  | "ERR_SANDBOX_TIMEOUT"
  | "ERR_SANDBOX_CANCELLED"
  | "ERR_SANDBOX_CIRCUIT_OPEN"
  | "ERR_SANDBOX_CLOSED"
  | "ERR_SANDBOX_START"
  | "ERR_PLUGIN_PERMISSIONS";

export class SandboxError extends Error {
  readonly code: SandboxErrorCode;
  constructor(code: SandboxErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SandboxError";
    this.code = code;
  }
}
