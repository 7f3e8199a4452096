/** @module LocalRuntimeError: the failures of an in-process runtime handle, with stable codes. */

export type LocalRuntimeErrorCode =
  /** the config file or object is invalid (the message lists `path: message` lines) */
  | "ERR_LOCAL_CONFIG"
  /** plugins, upstreams or the policy could not start */
  | "ERR_LOCAL_START"
  /** a call after `close()` */
  | "ERR_LOCAL_CLOSED"
  /** the call did not answer within its `timeoutMs` (it was cancelled) */
  | "ERR_LOCAL_TIMEOUT"
  /** the server answered `input_required` (elicitation, sampling, roots): a local handle has no user to ask */
  | "ERR_LOCAL_INPUT_REQUIRED";

export class LocalRuntimeError extends Error {
  override readonly name = "LocalRuntimeError";
  readonly code: LocalRuntimeErrorCode;

  constructor(code: LocalRuntimeErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
