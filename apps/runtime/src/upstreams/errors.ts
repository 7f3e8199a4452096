/**
 * @module Local failures of upstream calls. A `JsonRpcError` from an upstream is its own answer and
 * passes through untouched; everything else (the process died, the network failed, a cap was hit)
 * becomes an `UpstreamError` whose message is safe to show a downstream client.
 */

export type UpstreamErrorCode =
  /** the process exited, or the connection closed, while the call ran */
  | "UPSTREAM_EXITED"
  /** not ready (starting, restarting past the wait, failed) or stopped */
  | "UPSTREAM_UNAVAILABLE"
  /** perSession at `maxSessions` with every session busy */
  | "UPSTREAM_SESSION_LIMIT"
  | "UPSTREAM_TIMEOUT"
  | "UPSTREAM_CANCELLED"
  /** the transport failed to deliver the request (HTTP status, network error) */
  | "UPSTREAM_REQUEST_FAILED"
  /** a remote answered 404 for its `Mcp-Session-Id`: the connection re-initializes and retries once */
  | "UPSTREAM_SESSION_EXPIRED"
  /** the client-credentials grant failed */
  | "UPSTREAM_AUTH_FAILED";

export class UpstreamError extends Error {
  readonly code: UpstreamErrorCode;
  readonly upstream: string;
  /** the HTTP status a remote answered, when that is what failed */
  readonly status: number | undefined;

  constructor(
    code: UpstreamErrorCode,
    upstream: string,
    message: string,
    options?: { cause?: unknown; status?: number | undefined },
  ) {
    super(message, options);
    this.name = "UpstreamError";
    this.code = code;
    this.upstream = upstream;
    this.status = options?.status;
  }
}

/** Bearer tokens and `client_secret=` form values, wherever they hide in a message. */
const SECRETS = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+|(client_secret=)[^&\s"]+/gi;

export function scrubSecrets(text: string): string {
  return text.replace(SECRETS, (_all, scheme: string | undefined, field: string | undefined) =>
    scheme ? `${scheme} [redacted]` : `${field ?? ""}[redacted]`,
  );
}
