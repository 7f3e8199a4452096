/** @module The federation's own failures: a name collision, or an upstream that cannot start on reload. */

export type FederationErrorCode = "ERR_UPSTREAM_COLLISION" | "ERR_UPSTREAM_START";

export class FederationError extends Error {
  readonly code: FederationErrorCode;
  readonly upstream: string;

  constructor(code: FederationErrorCode, upstream: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FederationError";
    this.code = code;
    this.upstream = upstream;
  }
}
