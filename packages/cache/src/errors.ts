/** @module The one error family of @mcp-runtime/cache: a base class with a stable string `code`. */

export type CacheErrorCode =
  /** Redis refused, dropped or did not answer within `commandTimeoutMs` */
  | "ERR_CACHE_UNAVAILABLE"
  /** a key ring (MCP_CACHE_KEYS or key file) is missing or malformed */
  | "ERR_CACHE_KEY"
  /** a stored value names an unknown key id or fails authentication; it is dropped as a miss */
  | "ERR_CACHE_DECRYPT"
  /** a stored value the caller's codec could not decode; it is dropped as a miss */
  | "ERR_CACHE_DECODE"
  /** options that contradict each other (a single bad option is a TypeError naming it) */
  | "ERR_CACHE_OPTIONS";

export class CacheError extends Error {
  override readonly name = "CacheError";
  readonly code: CacheErrorCode;

  constructor(code: CacheErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Redis client errors become one code; the original stays as `cause` for the log. */
export function unavailable(error: unknown): CacheError {
  if (error instanceof CacheError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new CacheError("ERR_CACHE_UNAVAILABLE", `redis unavailable: ${message}`, { cause: error });
}
