/** @module The limiter's error: a stable `code` callers switch on, the Redis failure kept as `cause`. */

export type LimitErrorCode =
  /**
   * Redis refused, dropped or did not answer within `commandTimeoutMs`, or the limiter is closed.
   * The limiter cannot tell whether to admit: the runtime decides (fail open or closed).
   */
  | "ERR_LIMITS_UNAVAILABLE"
  /** a rule or a cost is out of range; a configuration bug, not a refusal */
  | "ERR_LIMITS_RULE";

export class LimitError extends Error {
  override readonly name = "LimitError";
  readonly code: LimitErrorCode;

  constructor(code: LimitErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Any failure talking to Redis becomes one code; the original stays as `cause` for the log. */
export function limitsUnavailable(what: string, cause?: unknown): LimitError {
  if (cause instanceof LimitError) return cause;
  const detail = cause instanceof Error ? `: ${cause.message}` : "";
  return new LimitError("ERR_LIMITS_UNAVAILABLE", `limits backend unavailable (${what})${detail}`, { cause });
}
